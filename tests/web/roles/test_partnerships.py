"""The operator's partnerships page over HTTP: the matching's proposals with their reasons,
a batch confirmation, an override that needs its justification, and a signature that
commits the lump sum and makes the agreement.

Each test has a home of its own (the steps change the call for good, and the suite's
workers share no module's tests in any order).
"""

from __future__ import annotations

import dataclasses
import subprocess
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from grantflow.adapters.assignment import ScipyAssignmentSolver
from grantflow.domain.audit import AuditEntry
from grantflow.domain.ledger import EntryKind
from grantflow.services import donor_pool, partnership
from tests.web.portal_data import sign_in, wiring_at
from tests.web.roles.roles_data import (
    OPERATOR,
    SIGNING_DAY,
    STAGE2,
    call_under_assessment,
    proposals_selected,
)

PAGE = f"/operator/calls/{STAGE2}/partnerships"


@pytest.fixture(scope="module")
def portal_day() -> datetime:
    return SIGNING_DAY


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def applications(home: Path) -> dict[str, int]:
    """The Stage 1 cast: its experts assess the proposals, its operator runs the page."""
    return call_under_assessment(home)


@pytest.fixture
def selected(home: Path, applications: dict[str, int]) -> dict[str, int]:
    """Chełm and Konin selected for funding, the donors registered, no search yet."""
    return proposals_selected(home)


@pytest.fixture
def searched(home: Path, selected: dict[str, int]) -> dict[str, int]:
    """The partnership flow has run: Chełm and Konin each have a proposal."""
    with wiring_at(home, SIGNING_DAY) as wiring:
        partnership.reconcile_partner_search(
            wiring.unit_of_work(),
            STAGE2,
            ScipyAssignmentSolver(),
            at=SIGNING_DAY,
            actor="flow:partnership",
        )
    return selected


def state_of(home: Path, application_id: int) -> str:
    with wiring_at(home, SIGNING_DAY) as wiring, wiring.unit_of_work() as uow:
        return uow.applications.get(application_id).state


def audit_of(home: Path, action: str) -> list[AuditEntry]:
    with wiring_at(home, SIGNING_DAY) as wiring, wiring.unit_of_work() as uow:
        return [e for e in uow.audit.all() if e.action == action]


def test_searching_for_partners_shows_each_proposal_with_its_reasons(
    home: Path, client: TestClient, selected: dict[str, int]
) -> None:
    token = sign_in(client, OPERATOR)
    before = client.get(PAGE)
    assert "Nikt z tego naboru jeszcze nie szuka partnera" in before.text
    searched = client.post(f"{PAGE}/search", data={"csrf": token})
    assert searched.status_code == 200
    assert "Dopasowanie zaproponowało partnerstwa: 2." in searched.text
    assert "Wspólne tematy: Środowisko i energia" in searched.text
    assert "Wymiana wiedzy" in searched.text  # a form of involvement both named
    assert {state_of(home, i) for i in selected.values()} == {"partner_search"}
    proposed = audit_of(home, "partnership:propose")
    assert len(proposed) == 2 and {e.actor for e in proposed} == {f"portal:{OPERATOR}"}


def test_a_confirmation_without_a_tick_or_an_override_unjustified_or_outside_the_pool_saves_nothing(
    home: Path, client: TestClient, searched: dict[str, int]
) -> None:
    token = sign_in(client, OPERATOR)
    unticked = client.post(f"{PAGE}/confirm", data={"csrf": token})
    assert unticked.status_code == 400
    assert "Zaznacz co najmniej jedną propozycję." in unticked.text
    konin = searched["Konin"]
    unjustified = client.post(
        f"{PAGE}/{konin}/override", data={"csrf": token, "donor": "NO-3301", "justification": " "}
    )
    assert unjustified.status_code == 400
    assert "Podaj uzasadnienie" in unjustified.text
    assert '<option value="NO-3301" selected>' in unjustified.text
    why = "Trondheim (NO-5001) nie zgłosiło się do puli, ale zna Konin z programu Erasmus+"
    outside = client.post(
        f"{PAGE}/{konin}/override", data={"csrf": token, "donor": "NO-5001", "justification": why}
    )
    assert outside.status_code == 400
    assert "Wybierz gminę partnerską." in outside.text
    assert {state_of(home, i) for i in searched.values()} == {"partner_search"}
    assert audit_of(home, "transition:confirm_partnership") == []


def test_an_override_with_a_justification_confirms_the_other_donor_in_the_audit(
    home: Path, client: TestClient, searched: dict[str, int]
) -> None:
    token = sign_in(client, OPERATOR)
    konin = searched["Konin"]
    why = "Drammen współpracuje z Koninem od 2018 r. przy rewitalizacji bulwarów nad Wartą"
    answer = client.post(
        f"{PAGE}/{konin}/override", data={"csrf": token, "donor": "NO-3301", "justification": why}
    )
    assert answer.status_code == 200, answer.text
    assert "Potwierdzone partnerstwa: 1." in answer.text
    assert "Drammen kommune" in answer.text and why in answer.text
    assert state_of(home, konin) == "partnership_confirmed"
    confirmed = audit_of(home, "transition:confirm_partnership")
    assert [(e.subject, e.actor, e.reason) for e in confirmed] == [
        (f"application:{konin}", f"portal:{OPERATOR}", why)
    ]
    assert confirmed[0].payload["donor"] == "NO-3301" and confirmed[0].payload["override"] is True


def test_a_confirmed_and_signed_proposal_commits_the_lump_sum_and_dates_the_agreement(
    home: Path, client: TestClient, searched: dict[str, int], tmp_path: Path
) -> None:
    token = sign_in(client, OPERATOR)
    chelm = searched["Chełm"]
    confirmed = client.post(f"{PAGE}/confirm", data={"csrf": token, "application": [chelm]})
    assert confirmed.status_code == 200, confirmed.text
    assert state_of(home, chelm) == "partnership_confirmed"
    assert f"/documents/{chelm}/agreement/pl.pdf" in confirmed.text  # the agreement to sign

    future = client.post(f"{PAGE}/{chelm}/sign", data={"csrf": token, "signed_on": "2021-07-01"})
    assert future.status_code == 400
    assert "Dzień podpisania nie może być w przyszłości." in future.text
    assert state_of(home, chelm) == "partnership_confirmed"

    signed = client.post(f"{PAGE}/{chelm}/sign", data={"csrf": token, "signed_on": "2021-06-11"})
    assert signed.status_code == 200, signed.text
    assert "Podpisanie zapisano" in signed.text
    assert state_of(home, chelm) == "agreement_signed"
    with wiring_at(home, SIGNING_DAY) as wiring, wiring.unit_of_work() as uow:
        commits = [e for e in uow.ledger.all() if e.kind is EntryKind.COMMIT]
        donor = uow.donors.get(uow.partnerships.find(chelm).donor_code)  # type: ignore[union-attr]
    assert [(c.city, c.amount, c.actor) for c in commits] == [
        ("0662011", Decimal("150000.00"), f"portal:{OPERATOR}")
    ]
    [signature] = audit_of(home, "transition:sign_agreement")
    assert (
        signature.actor == f"portal:{OPERATOR}" and signature.at.date().isoformat() == "2021-06-11"
    )

    pdf = client.get(f"/operator/calls/{STAGE2}/documents/{chelm}/agreement/pl.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (tmp_path / "umowa.pdf").write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "umowa.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Chełm" in text and donor.name in text
    assert "11 czerwca 2021" in text
    docx = client.get(f"/operator/calls/{STAGE2}/documents/{chelm}/agreement/pl.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")

    again = client.post(f"{PAGE}/{chelm}/sign", data={"csrf": token, "signed_on": "2021-06-14"})
    assert again.status_code == 400
    assert "Podpisać można tylko potwierdzone partnerstwo." in again.text


def test_an_application_of_another_call_is_refused_on_this_calls_page_and_audited(
    home: Path, client: TestClient, applications: dict[str, int]
) -> None:
    token = sign_in(client, OPERATOR)
    stage1 = applications["Krasnystaw"]
    answer = client.post(f"{PAGE}/{stage1}/sign", data={"csrf": token, "signed_on": "2021-06-14"})
    assert answer.status_code == 403
    [refusal] = audit_of(home, "access:refused")
    assert refusal.actor == f"portal:{OPERATOR}" and refusal.subject == f"application:{stage1}"


def test_a_batch_confirms_what_the_donors_places_allow_and_names_the_city_left_over(
    home: Path, client: TestClient, searched: dict[str, int]
) -> None:
    """Both cities were proposed to one donor with two places; it then lowered its capacity
    to one, so only the first city ticked can be confirmed."""
    with wiring_at(home, SIGNING_DAY) as wiring, wiring.unit_of_work() as uow:
        proposals = [uow.partnerships.find(i) for i in searched.values()]
        donors = {p.donor_code for p in proposals if p is not None}
        assert len(donors) == 1, proposals
        donor = uow.donors.get(donors.pop())
    with wiring_at(home, SIGNING_DAY) as wiring:
        donor_pool.register_donors(
            wiring.unit_of_work(),
            [dataclasses.replace(donor, capacity=1)],
            at=SIGNING_DAY,
            actor=f"portal:{donor.contact}",
        )
    token = sign_in(client, OPERATOR)
    answer = client.post(
        f"{PAGE}/confirm", data={"csrf": token, "application": list(searched.values())}
    )
    assert answer.status_code == 409
    assert "Nie potwierdzono (pozostałe zaznaczone miasta potwierdzono):" in answer.text
    assert "Konin: Gmina partnerska nie ma już wolnego miejsca." in answer.text
    assert state_of(home, searched["Chełm"]) == "partnership_confirmed"
    assert state_of(home, searched["Konin"]) == "partner_search"
