"""The operator's pages over HTTP: the call dashboard, batch formal checks, experts, exports."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from grantflow.domain.audit import AuditEntry
from tests.web.portal_data import sign_in, wiring_at
from tests.web.roles.roles_data import CALL, OPERATOR, REVIEW_DAY, submit_sample

HRUBIESZOW, BRZEG, KONIN = "hrubieszow.xlsx", "brzeg.xlsx", "konin.xlsx"
DASHBOARD = f"/operator/calls/{CALL}"


def audit(home: Path) -> list[AuditEntry]:
    with wiring_at(home, REVIEW_DAY) as wiring, wiring.unit_of_work() as uow:
        return uow.audit.all()


def state_of(home: Path, application_id: int) -> str:
    with wiring_at(home, REVIEW_DAY) as wiring, wiring.unit_of_work() as uow:
        return uow.applications.get(application_id).state


@pytest.fixture(scope="module")
def waiting(home: Path, applications: dict[str, int]) -> dict[str, int]:
    """Three more outlines waiting for the formal check (the first two passed it)."""
    return {
        name: submit_sample(home, name) for name in (HRUBIESZOW, BRZEG, "kedzierzyn-kozle.xlsx")
    }


def test_the_dashboard_shows_states_reviewer_load_and_the_ledger(
    client: TestClient, waiting: dict[str, int]
) -> None:
    sign_in(client, OPERATOR)
    page = client.get(DASHBOARD)
    assert page.status_code == 200
    text = page.text
    assert "w ocenie" in text and "złożony" in text  # two under assessment, three submitted
    assert "Obciążenie ekspertów" in text and "R01" in text
    assert "Rejestr uzgadnia się co do centa." in text
    assert "<dd>0,00\u00a0EUR</dd>" in text  # the ledger's sums as Polish writes money
    assert "Hrubieszów" in text


def test_a_batch_formal_check_without_a_reason_saves_nothing_and_keeps_the_ticks(
    home: Path, client: TestClient, waiting: dict[str, int]
) -> None:
    token = sign_in(client, OPERATOR)
    ids = [waiting[HRUBIESZOW], waiting[BRZEG]]
    answer = client.post(
        f"{DASHBOARD}/formal-checks",
        data={"csrf": token, "decision": "return", "application": ids, "deadline": "31.10"},
    )
    assert answer.status_code == 400
    assert "Podaj uzasadnienie" in answer.text and "Podaj termin poprawy" in answer.text
    assert f'value="{ids[0]}" checked' in answer.text
    assert {state_of(home, i) for i in ids} == {"submitted"}


def test_a_batch_return_for_correction_records_the_deadline_with_the_operator_as_actor(
    home: Path, client: TestClient, waiting: dict[str, int]
) -> None:
    token = sign_in(client, OPERATOR)
    ids = [waiting[HRUBIESZOW], waiting[BRZEG]]
    answer = client.post(
        f"{DASHBOARD}/formal-checks",
        data={
            "csrf": token,
            "decision": "return",
            "application": ids,
            "reason": "Brak podpisu burmistrza w arkuszu Wnioskodawca",
            "deadline": "2019-10-31",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert {state_of(home, i) for i in ids} == {"returned_for_correction"}
    returned = audit(home)[-2:]
    assert {(e.actor, e.payload["deadline"]) for e in returned} == {
        (f"portal:{OPERATOR}", "2019-10-31")
    }
    assert "Zapisano ocenę formalną wniosków: 2." in client.get(answer.headers["location"]).text


def test_an_application_found_correct_gets_its_experts_as_run_review_would(
    home: Path, client: TestClient, waiting: dict[str, int]
) -> None:
    token = sign_in(client, OPERATOR)
    kedzierzyn = waiting["kedzierzyn-kozle.xlsx"]
    client.post(
        f"{DASHBOARD}/formal-checks",
        data={"csrf": token, "decision": "correct", "application": [kedzierzyn]},
    )
    assert state_of(home, kedzierzyn) == "under_assessment"
    assigned = [e for e in audit(home) if e.action == "assessment:assign"]
    assert [e.subject for e in assigned].count(f"application:{kedzierzyn}") == 2


def test_an_application_not_waiting_for_the_check_is_refused(
    client: TestClient, applications: dict[str, int]
) -> None:
    token = sign_in(client, OPERATOR)
    answer = client.post(
        f"{DASHBOARD}/formal-checks",
        data={"csrf": token, "decision": "correct", "application": [applications["Krasnystaw"]]},
    )
    assert answer.status_code == 400
    assert "tylko wnioski, które na to czekają" in answer.text


def test_the_operator_registers_an_expert_and_a_duplicate_is_refused(
    home: Path, client: TestClient
) -> None:
    token = sign_in(client, OPERATOR)
    form = {
        "csrf": token,
        "code": "R09",
        "name": "Grzegorz Żółć",
        "languages": ["pl", "nb"],
        "conflicts": "0662011",
    }
    assert (
        client.post(f"{DASHBOARD}/reviewers", data=form, follow_redirects=False).status_code == 303
    )
    registered = [e for e in audit(home) if e.action == "reviewer:register"][-1]
    assert (registered.subject, registered.actor) == ("reviewer:R09", f"portal:{OPERATOR}")
    again = client.post(f"{DASHBOARD}/reviewers", data=form)
    assert again.status_code == 400 and "jest już zarejestrowany" in again.text
    nothing = client.post(f"{DASHBOARD}/reviewers", data={**form, "code": "R10", "languages": []})
    assert "Wybierz języki" in nothing.text


def test_every_list_of_the_dashboard_downloads_as_xlsx(
    client: TestClient, waiting: dict[str, int]
) -> None:
    sign_in(client, OPERATOR)
    answer = client.get(f"{DASHBOARD}/lists/applications.xlsx")
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    cities = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Krasnystaw" in cities and "Hrubieszów" in cities
    for name in ("ranking", "divergent", "reviewers"):
        assert client.get(f"{DASHBOARD}/lists/{name}.xlsx").status_code == 200
    assert client.get(f"{DASHBOARD}/lists/passwords.xlsx").status_code == 404


def test_the_audit_chain_is_verified_from_the_portal(client: TestClient) -> None:
    sign_in(client, OPERATOR)
    page = client.get("/operator/audit").text
    assert "Łańcuch audytu jest nienaruszony" in page


def test_a_call_that_does_not_exist_is_404(client: TestClient) -> None:
    sign_in(client, OPERATOR)
    assert client.get("/operator/calls/stage9-nothing").status_code == 404


def test_the_operator_generates_the_calls_documents_and_downloads_a_pdf(
    client: TestClient, applications: dict[str, int], tmp_path: Path
) -> None:
    token = sign_in(client, OPERATOR)
    made = client.post(
        f"{DASHBOARD}/documents", data={"csrf": token, "kind": "application", "fmt": "pdf"}
    )
    assert made.status_code == 200 and "Wygenerowano dokumenty" in made.text
    krasnystaw = applications["Krasnystaw"]
    link = f"{DASHBOARD}/documents/{krasnystaw}/application/pl.pdf"
    assert link in made.text
    pdf = client.get(link)
    assert pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "wniosek.pdf").write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "wniosek.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Krasnystaw" in text
    refused = client.post(f"{DASHBOARD}/documents", data={"csrf": token, "kind": "passwords"})
    assert refused.status_code == 400 and "Wybierz rodzaj dokumentu" in refused.text
