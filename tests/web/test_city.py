"""A city in the portal over HTTP: its forms, its uploads and their reports, and bad input.

Every upload here is a real workbook read by the real reader and stored in a
real SQLite store; the cases of "Bad input and attacks" that concern uploads
each check what the city reads and that nothing was submitted or written.
"""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from grantflow import resources
from grantflow.domain.lifecycle import State
from grantflow.services.ports.documents import DocumentRecord
from grantflow.web.app import create_app
from tests.integration.clients import read_maildir
from tests.web.portal_data import (
    AFTER_DEADLINE,
    BAD_NIP,
    CHELM,
    HRUBIESZOW,
    LOMZA,
    OPEN_DAY,
    ZAMOSC,
    fill_blank,
    sample_bytes,
    sign_in,
    upload,
    wiring_at,
)


def applications_of(home: Path, teryt: str) -> list[int]:
    wiring = wiring_at(home, OPEN_DAY)
    with wiring.unit_of_work() as uow:
        found = [a.id for a in uow.applications.list() if a.teryt == teryt]
    wiring.close()
    return found


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def chelm_application(home: Path) -> int:
    """Chełm's Stage 1 application: version 1 with a wrong NIP, version 2 corrected."""
    with TestClient(create_app(wiring_at(home, OPEN_DAY))) as browser:
        token = sign_in(browser, CHELM[0])
        blank = browser.get("/city/forms/outline.xlsx").content
        upload(browser, token, fill_blank(blank, CHELM[1], {"nip": BAD_NIP}), "zarys-chelm.xlsx")
        answer = upload(browser, token, fill_blank(blank, CHELM[1]), "zarys-chelm-poprawiony.xlsx")
    return int(answer.headers["location"].split("/")[3])


class TestForms:
    @pytest.mark.parametrize(("lang", "label"), [("pl", "Nazwa miasta"), ("nb", "Byens navn")])
    def test_the_blank_outline_form_is_in_the_citys_language(
        self, client: TestClient, lang: str, label: str
    ) -> None:
        token = sign_in(client, CHELM[0])
        client.post("/language", data={"csrf": token, "lang": lang, "back": "/city"})
        answer = client.get("/city/forms/outline.xlsx")
        assert answer.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml"
        )
        book = openpyxl.load_workbook(io.BytesIO(answer.content))
        assert book["Applicant"]["B2"].value == label
        token = sign_in(client, CHELM[0])
        client.post("/language", data={"csrf": token, "lang": "pl", "back": "/city"})

    def test_the_blank_final_report_form_is_handed_out_too(self, client: TestClient) -> None:
        sign_in(client, CHELM[0])
        answer = client.get("/city/forms/final-report.xlsx")
        assert answer.status_code == 200
        assert openpyxl.load_workbook(io.BytesIO(answer.content)).sheetnames


class TestUploadAndVersions:
    def test_the_report_lists_the_wrong_nip_with_its_sheet_and_cell_in_polish(
        self, client: TestClient, chelm_application: int
    ) -> None:
        sign_in(client, CHELM[0])
        page = client.get(f"/city/applications/{chelm_application}/versions/1").text
        assert "Applicant" in page and "C6" in page
        assert f"NIP „{BAD_NIP}” jest nieprawidłowy" in page
        assert "1 błąd, 0 ostrzeżeń" in page

    def test_the_corrected_file_is_version_2_and_valid_beside_version_1(
        self, client: TestClient, chelm_application: int
    ) -> None:
        sign_in(client, CHELM[0])
        page = client.get(f"/city/applications/{chelm_application}").text
        assert "zarys-chelm-poprawiony.xlsx" in page and "zarys-chelm.xlsx" in page
        assert "złożony" in page and "30 września 2019" in page
        version_2 = client.get(f"/city/applications/{chelm_application}/versions/2").text
        assert "poprawny" in version_2 and "Nie znaleziono problemów." in version_2

    def test_the_report_downloads_as_a_workbook_and_a_web_page(
        self, client: TestClient, chelm_application: int
    ) -> None:
        sign_in(client, CHELM[0])
        base = f"/city/applications/{chelm_application}/versions/1/report"
        workbook = openpyxl.load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content))
        cells = [c.value for ws in workbook for row in ws.iter_rows() for c in row]
        assert "C6" in cells
        html = client.get(f"{base}.html")
        assert html.headers["content-disposition"].startswith("attachment")
        assert "C6" in html.text and 'lang="pl"' in html.text

    def test_the_same_file_again_is_the_same_version(
        self, client: TestClient, chelm_application: int
    ) -> None:
        token = sign_in(client, CHELM[0])
        blank = client.get("/city/forms/outline.xlsx").content
        content = fill_blank(blank, CHELM[1], {"contact_phone": "+48 82 562 10 01"})
        first = upload(client, token, content)
        again = upload(client, token, content)
        assert again.headers["location"] == first.headers["location"]

    def test_the_dashboard_lists_only_the_citys_own_applications(
        self, client: TestClient, chelm_application: int, home: Path
    ) -> None:
        applications_of(home, ZAMOSC[1]) or upload(
            client, sign_in(client, ZAMOSC[0]), sample_bytes(ZAMOSC[1])
        )
        sign_in(client, CHELM[0])
        page = client.get("/city").text
        assert f"/city/applications/{chelm_application}" in page
        for other in applications_of(home, ZAMOSC[1]):
            assert f'/city/applications/{other}"' not in page

    def test_a_decision_letter_of_the_application_downloads(
        self, client: TestClient, chelm_application: int, home: Path
    ) -> None:
        content = b"%PDF-1.7 decyzja dla Chelma"
        (home / "documents").mkdir(exist_ok=True)
        (home / "documents" / "decision-chelm-pl.pdf").write_bytes(content)
        wiring = wiring_at(home, OPEN_DAY)
        with wiring.unit_of_work() as uow:
            uow.documents.add(
                DocumentRecord(
                    kind="decision",
                    lang="pl",
                    fmt="pdf",
                    application_id=chelm_application,
                    path="documents/decision-chelm-pl.pdf",
                    sha256=hashlib.sha256(content).hexdigest(),
                    size=len(content),
                    generated_at=datetime(2019, 12, 16, 12, tzinfo=UTC),
                )
            )
            uow.commit()
        wiring.close()
        sign_in(client, CHELM[0])
        page = client.get(f"/city/applications/{chelm_application}").text
        assert "Pismo z decyzją (Polski, PDF)" in page
        answer = client.get(f"/city/applications/{chelm_application}/documents/decision/pl.pdf")
        assert (answer.status_code, answer.content) == (200, content)


class TestFinalReport:
    def test_a_final_report_is_kept_as_a_version_and_its_report_shown_at_once(
        self, client: TestClient, chelm_application: int
    ) -> None:
        """As ``grantflow submit-final-report`` does: an invalid report is kept with its
        report and books nothing (Chełm's outline has no lump sum committed)."""
        token = sign_in(client, CHELM[0])
        report = (resources.samples() / "final_reports" / "lomza.xlsx").read_bytes()
        answer = client.post(
            f"/city/applications/{chelm_application}/final-report",
            data={"csrf": token},
            files={"file": ("raport-koncowy.xlsx", report)},
        )
        assert answer.status_code == 200
        assert "Raport końcowy: wersja 1" in answer.text
        row = answer.text.split("LumpSum", 1)[1]
        assert "C2" in row and "umowa partnerska zaangażowała tylko 0,00 EUR" in row
        page = client.get(f"/city/applications/{chelm_application}").text
        assert f"/city/applications/{chelm_application}/final-reports/1" in page


class TestStage2Proposal:
    """A shortlisted city downloads its proposal form pre-filled from its outline, as
    ``grantflow template proposal --application ID`` writes it."""

    @pytest.fixture(scope="class")
    def lomza_application(self, home: Path) -> int:
        """Łomża's valid outline, shortlisted by the committee (its state in the store)."""
        with TestClient(create_app(wiring_at(home, OPEN_DAY))) as browser:
            answer = upload(browser, sign_in(browser, LOMZA[0]), sample_bytes(LOMZA[1]))
        application_id = int(answer.headers["location"].split("/")[3])
        wiring = wiring_at(home, OPEN_DAY)
        with wiring.unit_of_work() as uow:
            uow.applications.set_state(application_id, State.SHORTLISTED)
            uow.commit()
        wiring.close()
        return application_id

    def test_a_shortlisted_city_downloads_its_proposal_filled_from_its_outline(
        self, client: TestClient, lomza_application: int
    ) -> None:
        sign_in(client, LOMZA[0])
        page = client.get(f"/city/applications/{lomza_application}").text
        assert "Formularz wniosku wypełniony danymi z tego zarysu (.xlsx)" in page
        answer = client.get(f"/city/applications/{lomza_application}/proposal.xlsx")
        assert answer.status_code == 200
        book = openpyxl.load_workbook(io.BytesIO(answer.content))
        assert {"DevelopmentPlan", "ImplementationPlan"} <= set(book.sheetnames)
        applicant = {row[0]: row[2] for row in book["Applicant"].iter_rows(values_only=True)}
        assert (applicant["city_name"], applicant["teryt"]) == ("Łomża", LOMZA[1])

    def test_an_outline_not_shortlisted_has_no_proposal_form(
        self, client: TestClient, chelm_application: int
    ) -> None:
        sign_in(client, CHELM[0])
        assert "proposal.xlsx" not in client.get(f"/city/applications/{chelm_application}").text
        answer = client.get(f"/city/applications/{chelm_application}/proposal.xlsx")
        assert answer.status_code == 404


class TestMail:
    def test_an_upload_in_the_portal_is_answered_by_mail_in_polish(
        self, client: TestClient, home: Path
    ) -> None:
        """The portal delivers the outbox after the request, as a command does after its
        commit: Hrubieszów's report-ready message is in the Maildir once the page is answered."""
        answer = upload(client, sign_in(client, HRUBIESZOW[0]), sample_bytes(HRUBIESZOW[1]))
        assert answer.status_code == 303
        subjects = [m["Subject"] for m in read_maildir(home / "outbox")]
        assert "Raport z walidacji dla Hrubieszów: wersja 1 jest poprawna" in subjects, subjects


class TestBadInput:
    def test_another_citys_file_is_refused_naming_both_cities(
        self, client: TestClient, home: Path
    ) -> None:
        token = sign_in(client, CHELM[0])
        before = applications_of(home, ZAMOSC[1])
        answer = upload(client, token, sample_bytes(ZAMOSC[1]), "zamosc.xlsx")
        assert answer.status_code == 422
        assert (
            "Ten plik dotyczy miasta Zamość (TERYT 0664011), a Twoje konto należy do miasta "
            "Chełm (TERYT 0662011)."
        ) in answer.text
        assert "Nic nie zostało złożone" in answer.text
        assert applications_of(home, ZAMOSC[1]) == before

    def test_a_file_after_the_deadline_is_checked_shown_and_not_submitted(self, home: Path) -> None:
        with TestClient(create_app(wiring_at(home, AFTER_DEADLINE))) as late:
            token = sign_in(late, ZAMOSC[0])
            blank = late.get("/city/forms/outline.xlsx").content
            before = applications_of(home, ZAMOSC[1])
            answer = upload(late, token, fill_blank(blank, ZAMOSC[1], {"nip": BAD_NIP}))
        assert answer.status_code == 422
        assert "Nabór zakończył się 30 września 2019." in answer.text
        assert "Nic nie zostało złożone" in answer.text
        assert f"NIP „{BAD_NIP}” jest nieprawidłowy" in answer.text  # still validated
        assert applications_of(home, ZAMOSC[1]) == before

    def test_a_file_of_the_wrong_type_gets_a_clear_message(
        self, client: TestClient, home: Path
    ) -> None:
        token = sign_in(client, CHELM[0])
        csv = "Nazwa miasta;TERYT\nChełm;0662011\n".encode()
        answer = upload(client, token, csv, "zarys.csv")
        assert answer.status_code == 422
        assert "Z tego pliku nie da się odczytać miasta" in answer.text
        assert "a nie skoroszytem Excela .xlsx" in answer.text

    def test_a_file_over_the_size_limit_gets_a_clear_message_and_nothing_is_kept(
        self, client: TestClient, home: Path
    ) -> None:
        token = sign_in(client, CHELM[0])
        before = files_under(home)
        answer = upload(client, token, b"PK" + b"\0" * (10 * 1024 * 1024 + 50_000), "duzy.xlsx")
        assert answer.status_code == 422
        assert "Nic nie zostało złożone" in answer.text
        # Sizes in Polish have a decimal comma, in the report's message and on the form.
        assert "Plik jest za duży (10,0\u00a0MB; limit wynosi 10,0\u00a0MB)." in answer.text
        assert "(.xlsx, do 10,0\u00a0MB)" in client.get("/city").text
        huge = upload(client, token, b"\0" * (12 * 1024 * 1024), "ogromny.xlsx")
        assert huge.status_code == 413
        assert "Przyjmujemy pliki do 10,0\u00a0MB. Nic nie zostało złożone." in huge.text
        assert files_under(home) - before <= {home / "grantflow.db-journal"}

    @pytest.mark.parametrize(
        ("name", "shown"),
        [
            ("../../etc/passwd.xlsx", "passwd.xlsx"),
            ("..\\..\\windows\\zarys.xlsx", "zarys.xlsx"),
            # The escape character is dropped; CR, LF and NUL arrive percent-encoded, as a
            # browser sends them in a multipart file name (HTML's form encoding).
            ("zarys\x1b[31m\r\nChełm\x00.xlsx", "zarys[31m%0D%0AChełm%00.xlsx"),
            # Escape, delete and a right-to-left override (which would show "xslx.…") go.
            ("zarys\x1b\x7f\u202eChełm.xlsx", "zarysChełm.xlsx"),
        ],
    )
    def test_a_hostile_file_name_is_kept_as_its_harmless_last_part(
        self, client: TestClient, home: Path, name: str, shown: str
    ) -> None:
        token = sign_in(client, CHELM[0])
        outside = files_under(home.parent)
        blank = client.get("/city/forms/outline.xlsx").content
        tag = hashlib.sha256(name.encode()).hexdigest()[:6]  # a new file for each name
        content = fill_blank(blank, CHELM[1], {"contact_name": f"Małgorzata Wójcik {tag}"})
        answer = upload(client, token, content, name)
        assert answer.status_code == 303
        page = client.get(answer.headers["location"]).text
        assert f"{shown} — " in page
        new = files_under(home.parent) - outside
        assert all(p.is_relative_to(home) for p in new)
        assert all(p.parent.parent == home / "uploads" for p in new if p.suffix == ".xlsx")

    def test_user_text_is_escaped_on_every_page(self, client: TestClient) -> None:
        token = sign_in(client, CHELM[0])
        answer = upload(client, token, b"<html>", "<img src=x onerror=alert(1)>.xlsx")
        assert "<img src=x" not in answer.text
        assert "&lt;img src=x onerror=alert(1)&gt;.xlsx" in answer.text
