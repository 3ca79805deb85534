"""Invitations over HTTP: the operator invites by e-mail, the mail in the Maildir carries a
one-time link, the invitee chooses a password and is signed in; a link used, expired or
never issued gets a page saying so."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import httpx2
from fastapi.testclient import TestClient

from grantflow.web.app import create_app
from tests.integration.clients import read_maildir
from tests.web.portal_data import CHELM, OPEN_DAY, OPERATOR, csrf_of, sign_in, wiring_at

INVITE = "/operator/invitations"
NEW_PASSWORD = "Kołobrzeg-Ratusz-2019"


def invite(
    client: TestClient, email: str, role: str = "city", binding: str = "3208011", lang: str = "pl"
) -> httpx2.Response:
    token = sign_in(client, OPERATOR)
    return client.post(
        INVITE,
        data={"csrf": token, "email": email, "role": role, "binding": binding, "lang": lang},
    )


def mail_to(home: Path, email: str) -> tuple[str, str]:
    """The subject and the invitation link's path of the one message to ``email``."""
    [message] = [m for m in read_maildir(home / "outbox") if m["To"] == email]
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    [path] = re.findall(r"https?://[^/\s]+(/invitations/[\w-]+)", body.get_content())
    return str(message["Subject"]), path


def accept(
    client: TestClient, path: str, password: str = NEW_PASSWORD, repeated: str | None = None
) -> httpx2.Response:
    page = client.get(path)
    return client.post(
        path,
        data={
            "csrf": csrf_of(page.text),
            "password": password,
            "repeated": password if repeated is None else repeated,
        },
        follow_redirects=False,
    )


def test_an_invitee_follows_the_mailed_link_chooses_a_password_and_is_signed_in(
    client: TestClient, home: Path
) -> None:
    sent = invite(client, "Sekretariat@Kolobrzeg.pl")
    assert sent.status_code == 200
    assert "Zaproszenie do sekretariat@kolobrzeg.pl zostało wysłane" in sent.text
    subject, path = mail_to(home, "sekretariat@kolobrzeg.pl")
    assert subject == "Zaproszenie do portalu programu „Rozwój lokalny”"
    with TestClient(create_app(wiring_at(home, OPEN_DAY))) as invitee:
        form = invitee.get(path)
        assert "Twoje konto w portalu programu: sekretariat@kolobrzeg.pl." in form.text
        answer = accept(invitee, path)
        assert answer.status_code == 303 and answer.headers["location"] == "/city"
        assert "Zalogowano jako sekretariat@kolobrzeg.pl" in invitee.get("/city").text
    with wiring_at(home, OPEN_DAY) as wiring, wiring.unit_of_work() as uow:
        user = uow.users.find("sekretariat@kolobrzeg.pl")
        entries = [(e.action, e.actor) for e in uow.audit.all() if "invit" in e.action]
    assert user is not None and user.binding.teryt == "3208011"
    assert entries == [
        ("account:invite", f"portal:{OPERATOR}"),
        ("account:accept-invitation", "portal:sekretariat@kolobrzeg.pl"),
    ]


def test_a_used_link_is_refused_with_a_page_that_says_so(client: TestClient, home: Path) -> None:
    invite(client, "rada@swinoujscie.pl", binding="3263011")
    _, path = mail_to(home, "rada@swinoujscie.pl")
    with TestClient(create_app(wiring_at(home, OPEN_DAY))) as invitee:
        assert accept(invitee, path).status_code == 303
    with TestClient(create_app(wiring_at(home, OPEN_DAY))) as again:
        used = again.get(path)
        assert used.status_code == 410
        assert "Ten odnośnik z zaproszenia został już użyty" in used.text
        assert '<form method="post" action="/invitations' not in used.text


def test_a_link_older_than_a_week_and_a_link_never_issued_make_no_account(
    client: TestClient, home: Path
) -> None:
    invite(client, "ekspert@eksperci.pl", role="reviewer", binding="R09", lang="nb")
    subject, path = mail_to(home, "ekspert@eksperci.pl")
    assert subject == "Invitasjon til portalen for programmet «Lokal utvikling»"
    with TestClient(create_app(wiring_at(home, OPEN_DAY + timedelta(days=7)))) as late:
        expired = late.get(path)
        assert expired.status_code == 410
        assert "Ten odnośnik z zaproszenia wygasł" in expired.text
        assert "Poproś Operatora Programu o ponowne zaproszenie." in expired.text
        refused = accept(late, path)
        assert refused.status_code == 410
    with TestClient(create_app(wiring_at(home, OPEN_DAY))) as stranger:
        assert stranger.get("/invitations/" + "A" * 43).status_code == 404
    with wiring_at(home, OPEN_DAY) as wiring, wiring.unit_of_work() as uow:
        assert uow.users.find("ekspert@eksperci.pl") is None


def test_a_short_or_mistyped_password_keeps_the_link_working(
    client: TestClient, home: Path
) -> None:
    invite(client, "postmottak@alesund.kommune.no", role="donor", binding="NO-1508", lang="nb")
    _, path = mail_to(home, "postmottak@alesund.kommune.no")
    with TestClient(create_app(wiring_at(home, OPEN_DAY))) as invitee:
        short = accept(invitee, path, password="Ålesund")
        assert short.status_code == 400 and "Et passord må ha minst 12 tegn." in short.text
        differ = accept(invitee, path, repeated=NEW_PASSWORD + "!")
        assert differ.status_code == 400 and "De to passordene er ulike" in differ.text
        assert accept(invitee, path).headers["location"] == "/donor"


def test_an_address_with_an_account_or_a_bad_binding_is_refused_and_nobody_is_invited(
    client: TestClient, home: Path
) -> None:
    taken = invite(client, CHELM[0], binding=CHELM[1])
    assert taken.status_code == 400
    assert "Ten adres e-mail ma już konto: nikogo nie zaproszono." in taken.text
    wrong = invite(client, "urzad@kolobrzeg.pl", binding="32080")
    assert wrong.status_code == 400 and "podaj 7 cyfr" in wrong.text
    assert 'value="32080"' in wrong.text  # the form keeps what was typed
    outbox = home / "outbox"  # made by the first message sent from this module's home
    addresses = [m["To"] for m in read_maildir(outbox)] if outbox.exists() else []
    assert CHELM[0] not in addresses and "urzad@kolobrzeg.pl" not in addresses


def test_a_city_cannot_open_the_operators_invitation_form(client: TestClient) -> None:
    token = sign_in(client, CHELM[0])
    assert client.get(INVITE).status_code == 403
    wanted = {"email": "ratusz@chelm.pl", "role": "operator", "binding": "", "lang": "pl"}
    posted = client.post(INVITE, data={"csrf": token, **wanted})
    assert posted.status_code == 403
