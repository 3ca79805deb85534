"""The map of the partnerships on the operator's partnerships page: each city of the call
and its donor municipality where they lie, a solid line once the agreement is signed and
a dashed one while it is proposed or confirmed, and the same pairs in the table under it.

On 14 June 2021 Biała Podlaska has signed with Bodø, Chełm's partnership with Tromsø is
confirmed (both given by the operator instead of the matching's proposal), and Konin's
proposal waits for the operator.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from grantflow.adapters.assignment import ScipyAssignmentSolver
from grantflow.domain.accounts import Binding
from grantflow.services import partnership
from tests.web.portal_data import sign_in, wiring_at
from tests.web.roles import test_reviewer_browser as browser_story
from tests.web.roles.roles_data import (
    BODO,
    OPERATOR,
    SIGNING_DAY,
    STAGE2,
    TROMSO,
    add_account,
    add_donor_accounts,
    proposals_selected,
)
from tests.web.roles.test_operator_donor_browser import accessible_in_pl_and_nb

PAGE = f"/operator/calls/{STAGE2}/partnerships"
CITIES = {"Biała Podlaska": "0661011", "Chełm": "0662011", "Konin": "3062011"}
BIALA_PODLASKA_OFFICE = "kancelaria@um.biala-podlaska.pl"
# The operator's liaison with the donor side reads the portal in Norwegian.
LIAISON = "kontakt.norge@operator.example.pl"
# The operator's reasons for giving each city another partner than the matching's.
WHY = {
    "Biała Podlaska": "Bodø i Biała Podlaska: wspólny program dla młodzieży od 2019 r.",
    "Chełm": "Tromsø zaprosiło Chełm do sieci miast arktycznych i przygranicznych",
}


@pytest.fixture(scope="module")
def portal_day() -> datetime:
    return SIGNING_DAY


@pytest.fixture(scope="module", autouse=True)
def partners(home: Path, applications: dict[str, int]) -> dict[str, int]:
    """The three cities selected, the matching run, Bodø and Tromsø given by the operator,
    Biała Podlaska's agreement signed on 11 June 2021; the application ids by city."""
    ids = proposals_selected(home, CITIES)
    actor = f"operator:{OPERATOR}"
    with wiring_at(home, SIGNING_DAY) as wiring:
        partnership.reconcile_partner_search(
            wiring.unit_of_work(), STAGE2, ScipyAssignmentSolver(), at=SIGNING_DAY, actor=actor
        )
        for city, (donor, _, _) in (("Biała Podlaska", BODO), ("Chełm", TROMSO)):
            partnership.confirm_partner(
                wiring.unit_of_work(),
                ids[city],
                donor,
                wiring.programme,
                at=SIGNING_DAY - timedelta(days=5),
                actor=actor,
                justification=WHY[city],
            )
        partnership.sign_agreement(
            wiring.unit_of_work(),
            STAGE2,
            ids["Biała Podlaska"],
            wiring.programme,
            at=SIGNING_DAY - timedelta(days=3),
            actor=actor,
            today=SIGNING_DAY.date(),
        )
        add_account(wiring, LIAISON, Binding("operator"), "nb")
        city = Binding("city", teryt=CITIES["Biała Podlaska"])
        add_account(wiring, BIALA_PODLASKA_OFFICE, city, "pl")
    add_donor_accounts(home)
    return ids


def the_map(page: str) -> str:
    [drawn] = re.findall(r'<svg [^>]*class="chart map".*?</svg>', page, re.S)
    return drawn


def pairs_table(page: str) -> list[list[str]]:
    """The rows of the table under the map, cell by cell."""
    [table] = re.findall(r"</svg>\s*<table>(.*?)</table>", page, re.S)
    body = table.split("<tbody>")[1]
    return [re.findall(r"<td>(.*?)</td>", row) for row in body.split("</tr>") if "<td>" in row]


def test_the_map_draws_each_pair_and_the_table_under_it_lists_the_same_pairs(
    client: TestClient,
) -> None:
    sign_in(client, OPERATOR)
    page = client.get(PAGE)
    assert page.status_code == 200
    drawn = the_map(page.text)
    assert "<title" in drawn and "Mapa partnerstw" in drawn
    assert "Bodø kommune" in drawn and "Tromsø kommune" in drawn  # partners are always named
    # Three pairs and the key's two samples: one signed pair solid, two dashed.
    lines = re.findall(r"<line [^>]*/>", drawn)
    assert len(lines) == 5
    assert sum("stroke-dasharray" in line for line in lines) == 3
    assert "Umowa jeszcze niepodpisana" in drawn  # the key
    rows = pairs_table(page.text)
    assert rows[:2] == [
        ["Biała Podlaska", "Bodø kommune", "Norwegia", "umowa podpisana"],
        ["Chełm", "Tromsø kommune", "Norwegia", "potwierdzone przez operatora"],
    ]
    [konin] = rows[2:]
    assert konin[0] == "Konin" and konin[3] == "zaproponowane przez dobór partnerów"
    assert konin[1] in drawn  # Konin's proposed partner is on the map too


def test_the_map_and_its_table_speak_norwegian_and_keep_the_place_names(
    client: TestClient,
) -> None:
    sign_in(client, LIAISON)
    page = client.get(PAGE).text
    drawn = the_map(page)
    assert "Kart over partnerskapene" in drawn and "Avtale signert" in drawn
    assert "Biała Podlaska" in drawn and "Bodø kommune" in drawn
    assert pairs_table(page)[0] == ["Biała Podlaska", "Bodø kommune", "Norge", "avtale signert"]


@pytest.mark.parametrize("email", [BIALA_PODLASKA_OFFICE, BODO[2]], ids=["city", "donor"])
def test_a_city_or_a_donor_cannot_see_the_operators_map_and_the_refusal_is_audited(
    home: Path, client: TestClient, email: str
) -> None:
    sign_in(client, email)
    answer = client.get(PAGE)
    assert answer.status_code == 403
    assert "Bodø kommune" not in answer.text
    with wiring_at(home, SIGNING_DAY) as wiring, wiring.unit_of_work() as uow:
        refusal = [e for e in uow.audit.all() if e.action == "access:refused"][-1]
    assert refusal.actor == f"portal:{email}" and refusal.subject == "role:operator"


def test_an_operator_reads_the_map_in_a_browser_and_axe_finds_nothing_in_pl_or_nb(
    page: Page, portal_url: str, tmp_path: Path
) -> None:
    browser_story.sign_in(page, portal_url, OPERATOR)
    page.goto(f"{portal_url}{PAGE}")
    figure = page.get_by_role("img", name="Mapa partnerstw")
    expect(figure).to_be_visible()
    table = page.get_by_role("table", name="Partnerstwa na mapie")
    expect(table).to_contain_text("Biała Podlaska")
    expect(table).to_contain_text("Tromsø kommune")
    # The map takes the column's width, where its names can be read; the table follows.
    map_box, table_box = figure.bounding_box(), table.bounding_box()
    assert map_box is not None and table_box is not None
    assert map_box["width"] == table_box["width"]
    assert table_box["y"] >= map_box["y"] + map_box["height"]
    accessible_in_pl_and_nb(page)
    page.screenshot(path=tmp_path / "partnerships-map.png", full_page=True)
