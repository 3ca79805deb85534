"""Portal accounts: bound to exactly what their role needs, signed in with a throttle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from grantflow.domain.accounts import AccountRefused, Binding
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
