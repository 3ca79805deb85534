"""The operator reads the experts' scores with their comments (on an application's page,
linked from the ranking, and in the call's scores spreadsheet) and approves the ranking
with justified moves."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from grantflow.domain.accounts import Binding
from grantflow.domain.audit import AuditEntry
from grantflow.services.accounts import add_user
from grantflow.web.app import create_app
from tests.web.portal_data import PASSWORD, sign_in, wiring_at
from tests.web.roles.roles_data import (
    ANNA,
    CALL,
    DEDUCTIONS,
    EWA,
    OPERATOR,
    REVIEW_DAY,
    call_assessed,
)

KRASNYSTAW_ACCOUNT = "sekretariat@krasnystaw.pl"
DROP = "Wałbrzych otrzymał już wsparcie na ten sam cel z innego programu."


def audit(home: Path) -> list[AuditEntry]:
    with wiring_at(home, REVIEW_DAY) as wiring, wiring.unit_of_work() as uow:
        return uow.audit.all()


def states(home: Path, applications: dict[str, int]) -> dict[str, str]:
    with wiring_at(home, REVIEW_DAY) as wiring, wiring.unit_of_work() as uow:
        return {city: uow.applications.get(i).state for city, i in applications.items()}


DASHBOARD = f"/operator/calls/{CALL}"


@pytest.fixture(scope="module")
def applications(home: Path) -> dict[str, int]:
    """Both outlines scored, assessed and ranked (the roles' conftest fixture, one step on)."""
    return call_assessed(home)


def test_the_operator_reads_each_experts_points_and_comments_on_the_applications_page(
    client: TestClient, applications: dict[str, int]
) -> None:
    sign_in(client, OPERATOR)
    dashboard = client.get(DASHBOARD).text
    page_url = f"{DASHBOARD}/applications/{applications['Wałbrzych']}"
    assert page_url in dashboard
    page = client.get(page_url)
    assert page.status_code == 200
    text = page.text
    assert "Wałbrzych" in text
    assert f"Ekspert {ANNA[0]}, ocena wysłana 4 listopada 2019" in text
    assert f"Ekspert {EWA[0]}" in text
    assert text.count("Rola partnera z Bodø opisana ogólnie.") == 2
    assert "Brak wskaźników &lt;b&gt;rezultatu&lt;/b&gt;." in text and "<b>rezultatu" not in text


def test_the_scores_spreadsheet_has_a_row_per_criterion_with_its_comment(
    client: TestClient, applications: dict[str, int]
) -> None:
    sign_in(client, OPERATOR)
    answer = client.get(f"{DASHBOARD}/lists/scores.xlsx")
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == (
        "application",
        "city",
        "reviewer",
        "criterion",
        "points",
        "max_points",
        "comment",
    )
    assert len(rows) == 1 + 2 * 2 * 5  # two applications, two experts, five criteria
    walbrzych = [r for r in rows[1:] if r[1] == "Wałbrzych" and r[3] == "budget"]
    assert [(r[2], r[4], r[5], r[6]) for r in walbrzych] == [
        (ANNA[0], "8", "10", DEDUCTIONS["budget"]),
        (EWA[0], "8", "10", DEDUCTIONS["budget"]),
    ]


def test_a_reviewer_cannot_read_the_operators_application_page(
    client: TestClient, applications: dict[str, int]
) -> None:
    sign_in(client, EWA[2])
    answer = client.get(f"{DASHBOARD}/applications/{applications['Wałbrzych']}")
    assert answer.status_code == 403


def test_an_application_of_another_call_is_not_found_in_this_one(
    client: TestClient, applications: dict[str, int]
) -> None:
    sign_in(client, OPERATOR)
    other = f"/operator/calls/stage2-proposal/applications/{applications['Wałbrzych']}"
    assert client.get(other).status_code == 403
    assert client.get(f"{DASHBOARD}/applications/9999").status_code == 404


def approval(token: str, applications: dict[str, int], justification: str) -> dict[str, str]:
    """The committee keeps Krasnystaw shortlisted and drops Wałbrzych."""
    krasnystaw, walbrzych = applications["Krasnystaw"], applications["Wałbrzych"]
    return {
        "csrf": token,
        f"decision-{krasnystaw}": "selected",
        f"decision-{walbrzych}": "rejected",
        f"justification-{walbrzych}": justification,
    }


def test_a_move_without_its_justification_is_refused_and_the_choice_kept(
    home: Path, client: TestClient, applications: dict[str, int]
) -> None:
    token = sign_in(client, OPERATOR)
    answer = client.post(f"{DASHBOARD}/ranking", data=approval(token, applications, "  "))
    assert answer.status_code == 400
    assert "Podaj uzasadnienie przeniesienia: Wałbrzych." in answer.text
    assert '<option value="rejected" selected>' in answer.text
    assert '<option value="selected" selected>zakwalifikowany do II etapu</option>' in answer.text
    assert set(states(home, applications).values()) == {"assessed"}


def test_a_reviewer_or_a_city_cannot_approve_the_ranking(
    home: Path, applications: dict[str, int]
) -> None:
    with wiring_at(home, REVIEW_DAY) as wiring:
        add_user(
            wiring.unit_of_work(),
            wiring.passwords,
            email=KRASNYSTAW_ACCOUNT,
            binding=Binding("city", teryt="0606011"),
            password=PASSWORD,
            language="pl",
            at=REVIEW_DAY,
            actor="test",
        )
    for email in (ANNA[2], KRASNYSTAW_ACCOUNT):
        with TestClient(create_app(wiring_at(home, REVIEW_DAY))) as browser:
            token = sign_in(browser, email)
            answer = browser.post(f"{DASHBOARD}/ranking", data=approval(token, applications, DROP))
        assert answer.status_code == 403
        refused = audit(home)[-1]
        assert (refused.actor, refused.action) == (f"portal:{email}", "access:refused")
    assert set(states(home, applications).values()) == {"assessed"}


def test_the_operator_drops_an_application_with_a_justification_shown_beside_the_ranking_once(
    home: Path, client: TestClient, applications: dict[str, int]
) -> None:
    token = sign_in(client, OPERATOR)
    answer = client.post(
        f"{DASHBOARD}/ranking", data=approval(token, applications, DROP), follow_redirects=False
    )
    assert answer.status_code == 303
    assert states(home, applications) == {"Krasnystaw": "shortlisted", "Wałbrzych": "rejected"}
    approved = next(e for e in reversed(audit(home)) if e.action == "ranking:approve")
    assert approved.actor == f"portal:{OPERATOR}"
    assert approved.payload["justifications"] == {str(applications["Wałbrzych"]): DROP}
    page = client.get(answer.headers["location"]).text
    assert "Lista rankingowa została zatwierdzona." in page
    assert DROP in page and 'name="decision-' not in page

    # Another operator, still on the proposal, posts other moves: nothing changes.
    other = approval(token, applications, "Komisja jednak przywraca Wałbrzych.")
    other[f"decision-{applications['Wałbrzych']}"] = "selected"
    other[f"decision-{applications['Krasnystaw']}"] = "rejected"
    other[f"justification-{applications['Krasnystaw']}"] = "Inna komisja, inne zdanie."
    answer = client.post(f"{DASHBOARD}/ranking", data=other)
    assert answer.status_code == 400
    assert "W międzyczasie lista rankingowa została zatwierdzona" in answer.text
    assert states(home, applications) == {"Krasnystaw": "shortlisted", "Wałbrzych": "rejected"}
