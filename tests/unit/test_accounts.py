"""Portal accounts: bound to exactly what their role needs, signed in with a throttle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from grantflow.domain.accounts import AccountRefused, Binding, InvitationRefused
from grantflow.services import accounts
from tests.unit.fakes.unit_of_work import FakeUnitOfWork

AT = datetime(2019, 6, 3, 9, 30, tzinfo=UTC)
PASSWORD = "Chełm-ratusz-2019"


class PlainHasher:
    """A hasher that shows what it was given: the service's rules, not Argon2, are tested."""

    def hash(self, password: str) -> str:
        return f"hashed:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"hashed:{password}"

    def needs_rehash(self, password_hash: str) -> bool:
        return False


def add_chelm(uow: FakeUnitOfWork) -> None:
    accounts.add_user(
        uow,
        PlainHasher(),
        email="Urzad@Chelm.pl",
        binding=Binding("city", teryt="0662011"),
        password=PASSWORD,
        at=AT,
        actor="cli",
    )


def test_an_account_is_kept_with_its_address_in_lower_case_and_its_hash_and_audited() -> None:
    uow = FakeUnitOfWork()
    add_chelm(uow)
    user = uow.committed.users[1]
    assert (user.email, user.binding.teryt, user.password_hash) == (
        "urzad@chelm.pl",
        "0662011",
        f"hashed:{PASSWORD}",
    )
    assert [(e.actor, e.action, e.subject) for e in uow.committed.audit] == [
        ("cli", "account:add", "user:1")
    ]


@pytest.mark.parametrize(
    ("binding", "message"),
    [
        (Binding("city"), "needs --teryt"),
        (Binding("city", teryt="0662011", donor="Bodø"), "takes no --donor"),
        (Binding("reviewer", teryt="0662011", reviewer="R01"), "takes no --teryt"),
        (Binding("donor"), "needs --donor"),
        (Binding("operator", reviewer="R01"), "takes no --reviewer"),
        (Binding("city", teryt="1234567"), "not a valid TERYT"),
        (Binding("mayor"), "unknown role"),
    ],
)
def test_an_account_without_the_one_binding_its_role_needs_is_refused(
    binding: Binding, message: str
) -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(AccountRefused, match=message):
        accounts.add_user(
            uow,
            PlainHasher(),
            email="a@tromso.kommune.no",
            binding=binding,
            password=PASSWORD,
            at=AT,
            actor="cli",
        )
    assert uow.committed.users == {}


def test_a_second_account_for_the_same_address_is_refused() -> None:
    uow = FakeUnitOfWork()
    add_chelm(uow)
    with pytest.raises(AccountRefused, match="has an account already"):
        add_chelm(uow)


def test_a_short_password_is_refused() -> None:
    with pytest.raises(AccountRefused, match="at least 12"):
        accounts.add_user(
            FakeUnitOfWork(),
            PlainHasher(),
            email="urzad@lodz.pl",
            binding=Binding("city", teryt="1061011"),
            password="łódź",
            at=AT,
            actor="cli",
        )


def test_signing_in_with_the_right_password_gives_the_account_and_is_audited() -> None:
    uow = FakeUnitOfWork()
    add_chelm(uow)
    user = accounts.sign_in(
        uow, PlainHasher(), email=" URZAD@chelm.pl", password=PASSWORD, address="10.0.0.7", at=AT
    )
    assert user.email == "urzad@chelm.pl"
    assert uow.committed.audit[-1].action == "account:sign-in"


def test_a_wrong_password_and_an_unknown_address_are_refused_alike() -> None:
    uow = FakeUnitOfWork()
    add_chelm(uow)
    for email in ("urzad@chelm.pl", "nobody@chelm.pl"):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(
                uow, PlainHasher(), email=email, password="wrong", address="10.0.0.7", at=AT
            )
    assert len(uow.committed.login_failures) == 2


def test_five_failures_for_an_account_block_even_the_right_password_until_the_window_passes() -> (
    None
):
    uow = FakeUnitOfWork()
    add_chelm(uow)
    for minute in range(5):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(
                uow,
                PlainHasher(),
                email="urzad@chelm.pl",
                password="guess",
                address=f"10.0.0.{minute}",
                at=AT + timedelta(minutes=minute),
            )
    with pytest.raises(accounts.SignInThrottled):
        accounts.sign_in(
            uow,
            PlainHasher(),
            email="urzad@chelm.pl",
            password=PASSWORD,
            address="10.0.0.99",
            at=AT + timedelta(minutes=6),
        )
    later = AT + timedelta(minutes=20)
    user = accounts.sign_in(
        uow,
        PlainHasher(),
        email="urzad@chelm.pl",
        password=PASSWORD,
        address="10.0.0.99",
        at=later,
    )
    assert user.id == 1


def test_twenty_failures_from_one_address_block_every_account_from_it() -> None:
    uow = FakeUnitOfWork()
    add_chelm(uow)
    for n in range(20):
        with pytest.raises(accounts.SignInRefused):
            accounts.sign_in(
                uow,
                PlainHasher(),
                email=f"guess{n}@chelm.pl",
                password="x",
                address="192.0.2.1",
                at=AT,
            )
    with pytest.raises(accounts.SignInThrottled):
        accounts.sign_in(
            uow,
            PlainHasher(),
            email="urzad@chelm.pl",
            password=PASSWORD,
            address="192.0.2.1",
            at=AT,
        )
    assert (
        accounts.sign_in(
            uow,
            PlainHasher(),
            email="urzad@chelm.pl",
            password=PASSWORD,
            address="192.0.2.2",
            at=AT,
        ).id
        == 1
    )


class TestInvitations:
    """An operator invites Kołobrzeg's secretariat; the link works once, for a week."""

    def invite(self, uow: FakeUnitOfWork, email: str = "Sekretariat@Kolobrzeg.pl") -> str:
        invited = accounts.invite(
            uow,
            email=email,
            binding=Binding("city", teryt="3208011"),
            language="pl",
            at=AT,
            actor="portal:biuro@operator.example.pl",
        )
        return invited.token

    def test_the_invitation_keeps_only_the_tokens_hash_and_its_mail_carries_the_link(self) -> None:
        uow = FakeUnitOfWork()
        token = self.invite(uow)
        [invitation] = uow.committed.invitations.values()
        assert invitation.email == "sekretariat@kolobrzeg.pl"
        assert token not in invitation.token_hash and len(token) >= 43  # 256 random bits
        assert invitation.expires_at == AT + timedelta(days=7)
        [message] = uow.committed.outbox
        assert message.notification.link == f"/invitations/{token}"
        assert message.notification.to == "sekretariat@kolobrzeg.pl"
        assert [e.action for e in uow.committed.audit] == ["account:invite"]

    def test_following_the_link_makes_the_account_once_with_the_invited_binding(self) -> None:
        uow = FakeUnitOfWork()
        token = self.invite(uow)
        later = AT + timedelta(days=6, hours=23)
        user = accounts.accept_invitation(uow, PlainHasher(), token, password=PASSWORD, at=later)
        assert user.binding == Binding("city", teryt="3208011") and user.language == "pl"
        assert uow.committed.users[user.id].password_hash == f"hashed:{PASSWORD}"
        with pytest.raises(InvitationRefused) as again:
            accounts.accept_invitation(uow, PlainHasher(), token, password=PASSWORD, at=later)
        assert again.value.why == "used"

    def test_a_link_a_week_old_or_never_issued_makes_no_account(self) -> None:
        uow = FakeUnitOfWork()
        token = self.invite(uow)
        week = AT + timedelta(days=7)
        for link, why in ((token, "expired"), (token[:-1] + "x", "unknown")):
            with pytest.raises(InvitationRefused) as refused:
                accounts.accept_invitation(uow, PlainHasher(), link, password=PASSWORD, at=week)
            assert refused.value.why == why
        assert uow.committed.users == {}

    def test_a_short_password_leaves_the_link_working(self) -> None:
        uow = FakeUnitOfWork()
        token = self.invite(uow)
        with pytest.raises(AccountRefused):
            accounts.accept_invitation(uow, PlainHasher(), token, password="Kołobrzeg", at=AT)
        assert accounts.open_invitation(uow, token, at=AT).accepted_at is None

    def test_an_address_with_an_account_is_not_invited(self) -> None:
        uow = FakeUnitOfWork()
        add_chelm(uow)
        with pytest.raises(AccountRefused, match="has an account already"):
            self.invite(uow, email="urzad@chelm.pl")
        assert uow.committed.invitations == {} and uow.committed.outbox == []


class WatchingHasher(PlainHasher):
    """Notes whether a transaction was open while a password was checked."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.checked_inside: list[bool] = []

    def verify(self, password_hash: str, password: str) -> bool:
        self.checked_inside.append(self.uow._working is not None)
        return super().verify(password_hash, password)


def test_the_password_is_checked_with_no_transaction_open_so_a_sign_in_holds_no_lock() -> None:
    uow = FakeUnitOfWork()
    add_chelm(uow)
    hasher = WatchingHasher(uow)
    accounts.sign_in(
        uow, hasher, email="urzad@chelm.pl", password=PASSWORD, address="10.0.0.7", at=AT
    )
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(
            uow, hasher, email="urzad@chelm.pl", password="wrong", address="10.0.0.7", at=AT
        )
    assert hasher.checked_inside == [False, False]
    assert [e.action for e in uow.committed.audit][-1] == "account:sign-in"
    assert len(uow.committed.login_failures) == 1


class SideBySideGuesses(PlainHasher):
    """While the first guess's hash is being checked, nine more guesses arrive: each of
    them reaches its own check before any guess is refused."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.checked = 0
        self.outcomes: list[str] = []

    def verify(self, password_hash: str, password: str) -> bool:
        self.checked += 1
        if self.checked == 1:
            for guess in range(9):
                try:
                    accounts.sign_in(
                        self.uow,
                        self,
                        email="urzad@chelm.pl",
                        password=f"Chełm{guess}",
                        address=f"10.0.0.{guess}",
                        at=AT,
                    )
                except accounts.SignInThrottled:
                    self.outcomes.append("throttled")
                except accounts.SignInRefused:
                    self.outcomes.append("refused")
        return super().verify(password_hash, password)


def test_guesses_sent_side_by_side_meet_the_throttle_before_their_hashes_are_checked() -> None:
    uow = FakeUnitOfWork()
    add_chelm(uow)
    guesses = SideBySideGuesses(uow)
    with pytest.raises(accounts.SignInRefused):
        accounts.sign_in(
            uow, guesses, email="urzad@chelm.pl", password="Zamość", address="10.0.0.99", at=AT
        )
    assert guesses.checked == 5  # the account's limit, however the guesses interleave
    assert guesses.outcomes == ["refused"] * 4 + ["throttled"] * 5
    assert len(uow.committed.login_failures) == 5


def test_a_right_password_leaves_no_failure_behind() -> None:
    uow = FakeUnitOfWork()
    add_chelm(uow)
    accounts.sign_in(
        uow, PlainHasher(), email="urzad@chelm.pl", password=PASSWORD, address="10.0.0.7", at=AT
    )
    assert uow.committed.login_failures == {}
