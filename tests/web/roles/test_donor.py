"""The donor municipality's page over HTTP: its interest in Norwegian, its match, its agreement."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from grantflow.domain.accounts import Binding
from grantflow.domain.audit import AuditEntry
from grantflow.domain.partners import DonorMunicipality
from grantflow.services import donor_pool
from grantflow.services.accounts import add_user
from grantflow.services.ports.partners import Partnership, PartnershipStatus
from tests.web.portal_data import PASSWORD, sign_in, wiring_at
from tests.web.roles.roles_data import BODO, EWA, REVIEW_DAY, TROMSO, add_donor_accounts

INTEREST = {
    "name": "Bodø kommune",
    "country": "NO",
    "region": "Nordland",
    "themes": ["environment_energy", "smart_city"],
    "forms": ["knowledge_exchange", "study_visits"],
    "capacity": "2",
    "contact": "postmottak@bodo.kommune.no",
}


@pytest.fixture(scope="module", autouse=True)
def donors(home: Path, applications: dict[str, int]) -> None:
    add_donor_accounts(home)


def audit(home: Path) -> list[AuditEntry]:
    with wiring_at(home, REVIEW_DAY) as wiring, wiring.unit_of_work() as uow:
        return uow.audit.all()


def test_a_donor_registers_its_interest_in_norwegian_and_updates_it(
    home: Path, client: TestClient
) -> None:
    token = sign_in(client, BODO[2])
    page = client.get("/donor").text
    assert '<html lang="nb">' in page and "Meld interesse" in page
    saved = client.post("/donor", data={"csrf": token, **INTEREST})
    assert "Interessen er registrert" in saved.text
    assert "Oppdater interessen" in saved.text and 'value="Nordland"' in saved.text
    registered = audit(home)[-1]
    assert (registered.action, registered.subject, registered.actor) == (
        "donor:register",
        f"donor:{BODO[0]}",
        f"portal:{BODO[2]}",
    )
    client.post("/donor", data={"csrf": token, **INTEREST, "capacity": "3"})
    with wiring_at(home, REVIEW_DAY) as wiring, wiring.unit_of_work() as uow:
        assert uow.donors.get(BODO[0]).capacity == 3


def test_a_donor_form_with_mistakes_says_each_in_norwegian_and_keeps_what_was_typed(
    client: TestClient,
) -> None:
    token = sign_in(client, TROMSO[2])
    answer = client.post(
        "/donor",
        data={**INTEREST, "csrf": token, "name": "Tromsø kommune", "themes": [], "contact": "x"},
    )
    assert answer.status_code == 400
    assert "Velg minst ett tema." in answer.text
    assert "Oppgi e-postadressen til kontaktpunktet" in answer.text
    assert 'value="Tromsø kommune"' in answer.text


def test_a_donor_sees_the_city_it_is_matched_with(
    home: Path, client: TestClient, applications: dict[str, int]
) -> None:
    # Steinkjer, registered, and the matching's proposal as partners propose stores it
    # (the Stage 2 chain that leads there, with the real matcher, is the browser story's).
    steinkjer = DonorMunicipality(
        "NO-5006",
        "Steinkjer kommune",
        "NO",
        "Trøndelag",
        ("environment_energy", "social_education"),
        ("advisory", "study_visits"),
        1,
        "postmottak@steinkjer.kommune.no",
    )
    with wiring_at(home, REVIEW_DAY) as wiring:
        donor_pool.register_donors(wiring.unit_of_work(), [steinkjer], at=REVIEW_DAY, actor="test")
        add_user(
            wiring.unit_of_work(),
            wiring.passwords,
            email=steinkjer.contact,
            binding=Binding("donor", donor=steinkjer.code),
            password=PASSWORD,
            language="nb",
            at=REVIEW_DAY,
            actor="test",
        )
        with wiring.unit_of_work() as uow:
            uow.partnerships.save(
                Partnership(
                    applications["Wałbrzych"],
                    steinkjer.code,
                    PartnershipStatus.PROPOSED,
                    3,
                    "themes: environment_energy",
                )
            )
            uow.commit()
    sign_in(client, steinkjer.contact)
    page = client.get("/donor").text
    assert "Wałbrzych" in page and "foreslått av koblingen" in page
    assert "ikke ennå" in page  # no agreement yet


def test_a_donor_cannot_open_another_donors_agreement(
    home: Path, client: TestClient, applications: dict[str, int]
) -> None:
    sign_in(client, TROMSO[2])
    answer = client.get(f"/donor/agreements/{applications['Krasnystaw']}.pdf")
    assert answer.status_code == 403
    assert audit(home)[-1].actor == f"portal:{TROMSO[2]}"


def test_a_reviewer_cannot_open_the_donor_page(client: TestClient) -> None:
    sign_in(client, EWA[2])
    assert client.get("/donor").status_code == 403
