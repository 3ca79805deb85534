"""The portal's rules against attacks, over HTTP: CSRF, other users' ids, sessions, headers.

The cross-user cases are found by walking ``app.routes``: every route with an
id in its path (``*_id``, ``*_no``, ``*_code``) is asked for by a user it
does not belong to, and must answer 403 with an audit entry. A route of a
role this module has no wrong-user case for fails the walk, so a page
another role adds later is covered as soon as it exists.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from grantflow.domain.accounts import Binding
from grantflow.domain.audit import AuditEntry
from grantflow.services.accounts import add_user, invite
from grantflow.web.app import create_app
from grantflow.web.sessions import COOKIE, portal_secret
from tests.web.portal_data import (
    CHELM,
    OPEN_DAY,
    OPERATOR,
    PASSWORD,
    ZAMOSC,
    csrf_of,
    sample_bytes,
    sign_in,
    upload,
    wiring_at,
)
from tests.web.roles.roles_data import (
    EWA,
    EXPERTS,
    TROMSO,
    add_donor_accounts,
    call_under_assessment,
)

HRUBIESZOW = "sekretariat@hrubieszow.pl"
ID_PARAMETER = re.compile(r"_(id|no|code)$")
# Values for the parameters of a path that are not ids (a format, a document's kind).
PLAIN_VALUES = {"fmt": "html", "kind": "decision", "lang": "pl", "name": "outline"}


def age_the_session(client: TestClient, home: Path, *, hours: int) -> None:
    """Re-sign the client's session cookie as if issued `hours` ago, replacing it.

    Replacing matters: the jar holds the server's cookie under the test host's domain,
    and a bare `cookies.set` would add a second one that the client sends after it.
    """

    class Earlier(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - hours * 3600

    data = URLSafeTimedSerializer(portal_secret(home), salt="grantflow-session").loads(
        client.cookies[COOKIE]
    )
    aged = URLSafeTimedSerializer(portal_secret(home), salt="grantflow-session", signer=Earlier)
    client.cookies.delete(COOKIE)
    client.cookies.set(COOKIE, aged.dumps(data))


def audit(home: Path) -> list[AuditEntry]:
    wiring = wiring_at(home, OPEN_DAY)
    with wiring.unit_of_work() as uow:
        entries = uow.audit.all()
    wiring.close()
    return entries


@dataclass(frozen=True)
class WrongUser:
    """Someone signed in who must not reach ``ids`` (another user's things)."""

    email: str
    ids: dict[str, object]


def city_case(home: Path) -> WrongUser:
    """Chełm asks for Zamość's application and its first version."""
    with TestClient(create_app(wiring_at(home, OPEN_DAY))) as zamosc:
        token = sign_in(zamosc, ZAMOSC[0])
        answer = upload(zamosc, token, sample_bytes(ZAMOSC[1]), name="zamosc.xlsx")
        application_id = int(answer.headers["location"].split("/")[3])
    return WrongUser(CHELM[0], {"application_id": application_id, "version_no": 1})


def reviewer_case(home: Path) -> WrongUser:
    """An expert asks for an application the review flow gave to two others."""
    applications = call_under_assessment(home)
    with wiring_at(home, OPEN_DAY) as wiring, wiring.unit_of_work() as uow:
        assigned = {(a.application_id, a.reviewer_code) for a in uow.assignments.list()}
    email, application_id = next(
        (email, application_id)
        for code, _, email in EXPERTS
        for application_id in applications.values()
        if (application_id, code) not in assigned
    )
    return WrongUser(email, {"application_id": application_id})


def operator_case(home: Path) -> WrongUser:
    """An expert asks for the operator's call pages (every call is the operator's, so the
    wrong user is one of another role)."""
    return WrongUser(EWA[2], {"call_code": "stage1-outline", "application_id": 1})


def donor_case(home: Path) -> WrongUser:
    """Tromsø asks for the agreement of an application it is no partner of."""
    add_donor_accounts(home, language="pl")  # the walk reads the Polish refusal
    return WrongUser(TROMSO[2], {"application_id": 1})


# role (the path's first part) -> its wrong-user case. A role that adds routes with ids
# adds its case here. The reviewer's case makes the experts' accounts the operator's uses.
WRONG_USERS: dict[str, Callable[[Path], WrongUser]] = {
    "city": city_case,
    "reviewer": reviewer_case,
    "operator": operator_case,
    "donor": donor_case,
}


def parameters(path: str) -> list[str]:
    return re.findall(r"{(\w+)", path)


def id_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(path, method) of every route with an id in its path, routers' prefixes included."""
    found = []
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path
        if isinstance(route, APIRoute) and path and any(map(ID_PARAMETER.search, parameters(path))):
            found += [(path, method) for method in sorted(route.methods)]
    return found


def path_of(path: str, ids: dict[str, object]) -> str:
    values = {name: ids.get(name, PLAIN_VALUES.get(name)) for name in parameters(path)}
    missing = [name for name, value in values.items() if value is None]
    assert not missing, f"{path}: the walk has no value for {missing}; add it"
    return path.format(**values)


class TestEveryRouteWithAnIdRefusesAnotherUser:
    def test_every_role_with_id_routes_has_a_wrong_user_case(self, home: Path) -> None:
        app = create_app(wiring_at(home, OPEN_DAY))
        roles = {path.split("/")[1] for path, _ in id_routes(app)}
        assert "city" in roles
        assert roles <= set(WRONG_USERS), f"no wrong-user case for {roles - set(WRONG_USERS)}"

    def test_another_users_id_gets_403_and_an_audit_entry_on_every_route(self, home: Path) -> None:
        app = create_app(wiring_at(home, OPEN_DAY))
        routes = id_routes(app)
        assert len(routes) >= 7  # the city's pages, reports, documents and uploads
        cases = {role: case(home) for role, case in WRONG_USERS.items()}
        for route, method in routes:
            case = cases[route.split("/")[1]]
            with TestClient(app) as stranger:
                token = sign_in(stranger, case.email)
                before = len(audit(home))
                path = path_of(route, case.ids)
                answer = stranger.request(
                    method,
                    path,
                    data={"csrf": token} if method == "POST" else None,
                    files={"file": ("x.xlsx", sample_bytes(CHELM[1]))}
                    if method == "POST"
                    else None,
                )
                assert answer.status_code == 403, f"{method} {path}: {answer.status_code}"
                assert "Ta strona nie należy do Ciebie" in answer.text
                refused = audit(home)[before:]
                assert [(e.actor, e.action, e.payload["status"]) for e in refused] == [
                    (f"portal:{case.email}", "access:refused", 403)
                ], path

    def test_an_id_that_does_not_exist_gets_404_and_an_audit_entry(
        self, client: TestClient, home: Path
    ) -> None:
        sign_in(client, CHELM[0])
        answer = client.get("/city/applications/987654")
        assert answer.status_code == 404
        last = audit(home)[-1]
        assert (last.action, last.subject, last.payload["status"]) == (
            "access:refused",
            "application:987654",
            404,
        )


class TestRoles:
    def test_an_operator_cannot_open_the_city_pages(self, client: TestClient, home: Path) -> None:
        sign_in(client, OPERATOR)
        assert client.get("/city").status_code == 403
        assert audit(home)[-1].subject == "role:city"

    def test_nobody_signed_in_is_sent_to_the_sign_in_page(self, client: TestClient) -> None:
        answer = client.get("/city/applications/1", follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, "/login")


class TestCsrf:
    def test_a_form_posted_without_its_token_is_refused_and_changes_nothing(
        self, client: TestClient, home: Path
    ) -> None:
        sign_in(client, CHELM[0])
        before = len(audit(home))
        answer = client.post(
            "/city/uploads",
            data={"call": "stage1-outline"},
            files={"file": ("chelm.xlsx", sample_bytes(CHELM[1]))},
        )
        assert answer.status_code == 403
        assert "bez tokenu bezpieczeństwa" in answer.text
        assert len(audit(home)) == before

    def test_a_token_of_another_session_is_refused(self, home: Path) -> None:
        app = create_app(wiring_at(home, OPEN_DAY))
        with TestClient(app) as zamosc, TestClient(app) as chelm:
            zamosc_token = sign_in(zamosc, ZAMOSC[0])
            sign_in(chelm, CHELM[0])
            answer = upload(chelm, zamosc_token, sample_bytes(CHELM[1]))
            assert answer.status_code == 403
            assert chelm.get("/city").text.count("/city/applications/") == 0

    def test_the_sign_in_form_itself_needs_its_token(self, client: TestClient) -> None:
        answer = client.post("/login", data={"email": CHELM[0], "password": "x"})
        assert answer.status_code == 403

    def test_an_invitations_password_form_needs_its_token_and_the_link_stays_unused(
        self, client: TestClient, home: Path
    ) -> None:
        """The link alone is not enough: a page elsewhere that posts to it makes nothing."""
        with wiring_at(home, OPEN_DAY) as wiring:
            invited = invite(
                wiring.unit_of_work(),
                email="sekretariat@kolobrzeg.pl",
                binding=Binding("city", teryt="3208011"),
                language="pl",
                at=OPEN_DAY,
                actor=f"portal:{OPERATOR}",
            )
        path = f"/invitations/{invited.token}"
        password = "Kołobrzeg-Ratusz-2019"
        answer = client.post(path, data={"password": password, "repeated": password})
        assert answer.status_code == 403
        assert "Utwórz konto" in client.get(path).text  # still the password form


class TestSessions:
    def test_the_session_cookie_is_httponly_samesite_lax_and_secure_over_https(
        self, home: Path
    ) -> None:
        with TestClient(create_app(wiring_at(home, OPEN_DAY)), base_url="https://portal") as c:
            cookie = c.get("/login").headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" in cookie

    def test_an_expired_session_returns_to_the_sign_in_page_and_posts_nothing(
        self, client: TestClient, home: Path
    ) -> None:
        sign_in(client, CHELM[0])
        token = csrf_of(client.get("/city").text)
        age_the_session(client, home, hours=9)
        before = len(audit(home))
        answer = client.post(
            "/city/uploads",
            data={"csrf": token, "call": "stage1-outline"},
            files={"file": ("chelm.xlsx", sample_bytes(CHELM[1]))},
            follow_redirects=False,
        )
        # The expired session is a new anonymous one: its token differs, so the form is
        # refused before anything runs; the pages send the browser to sign in again.
        assert answer.status_code in (303, 403)
        assert len(audit(home)) == before
        page = client.get("/city", follow_redirects=True)
        assert "Zaloguj się" in page.text

    def test_an_expired_session_is_told_so_on_the_sign_in_page(
        self, client: TestClient, home: Path
    ) -> None:
        sign_in(client, CHELM[0])
        age_the_session(client, home, hours=9)
        answer = client.get("/city", follow_redirects=False)
        assert answer.headers["location"] == "/login?expired=1"
        assert "Sesja wygasła" in client.get("/login?expired=1").text

    def test_a_forged_cookie_is_nobody(self, client: TestClient) -> None:
        client.cookies.set(COOKIE, "eyJzIjoieCIsInUiOjF9.forged.signature")
        answer = client.get("/city", follow_redirects=False)
        assert answer.headers["location"] == "/login"

    def test_failed_sign_ins_are_throttled_across_a_restart(self, home: Path) -> None:
        wiring = wiring_at(home, OPEN_DAY)
        add_user(
            wiring.unit_of_work(),
            wiring.passwords,
            email=HRUBIESZOW,
            binding=Binding("city", teryt="0604011"),
            password=PASSWORD,
            at=OPEN_DAY,
            actor="test",
        )
        wiring.close()
        with TestClient(create_app(wiring_at(home, OPEN_DAY))) as first:
            for _ in range(5):
                token = csrf_of(first.get("/login").text)
                refused = first.post(
                    "/login", data={"email": HRUBIESZOW, "password": "zgadnij", "csrf": token}
                )
                assert refused.status_code == 401
                assert "Adres e-mail lub hasło jest nieprawidłowe." in refused.text
        with TestClient(create_app(wiring_at(home, OPEN_DAY))) as restarted:
            token = csrf_of(restarted.get("/login").text)
            answer = restarted.post(
                "/login",
                data={"email": HRUBIESZOW, "password": PASSWORD, "csrf": token},
            )
        assert answer.status_code == 429
        assert "Zbyt wiele nieudanych prób logowania" in answer.text


class TestHeaders:
    def test_pages_forbid_scripts_framing_sniffing_and_caching(self, client: TestClient) -> None:
        sign_in(client, CHELM[0])
        for path in ("/login", "/city"):
            headers = client.get(path).headers
            policy = headers["content-security-policy"]
            assert "default-src 'none'" in policy
            assert "script-src" not in policy and "unsafe-inline" not in policy
            assert "frame-ancestors 'none'" in policy
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["cache-control"] == "no-store"

    def test_no_page_has_inline_script_or_style(self, client: TestClient) -> None:
        sign_in(client, CHELM[0])
        for path in ("/login", "/city"):
            text = client.get(path).text
            assert "<script" not in text and "style=" not in text and "<style" not in text

    def test_the_language_switch_never_redirects_to_another_site(self, client: TestClient) -> None:
        token = csrf_of(client.get("/login").text)
        for back in ("https://evil.example", "//evil.example", "/\\evil.example"):
            answer = client.post(
                "/language",
                data={"csrf": token, "lang": "nb", "back": back},
                follow_redirects=False,
            )
            assert answer.headers["location"] == "/"


class TestLanguage:
    def test_the_sign_in_page_speaks_the_browsers_language(self, client: TestClient) -> None:
        page = client.get("/login", headers={"Accept-Language": "nb-NO,nb;q=0.9,en;q=0.5"})
        assert '<html lang="nb">' in page.text and "Logg inn" in page.text

    def test_a_users_choice_of_language_is_kept_with_the_account(self, home: Path) -> None:
        app = create_app(wiring_at(home, OPEN_DAY))
        with TestClient(app) as first:
            token = sign_in(first, ZAMOSC[0])
            first.post("/language", data={"csrf": token, "lang": "en", "back": "/city"})
        with TestClient(app) as second:
            sign_in(second, ZAMOSC[0])
            assert '<html lang="en">' in second.get("/city").text
            token = csrf_of(second.get("/city").text)
            second.post("/language", data={"csrf": token, "lang": "pl", "back": "/city"})


@pytest.mark.parametrize("lang", ["pl", "nb"])
def test_the_error_pages_are_translated(client: TestClient, lang: str) -> None:
    page = client.get("/no-such-page", headers={"Accept-Language": lang})
    assert page.status_code == 404
    assert {"pl": "Nie ma takiej strony", "nb": "Siden finnes ikke"}[lang] in page.text
