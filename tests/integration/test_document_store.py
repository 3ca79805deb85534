"""Final reports and generated documents in the real store, on SQLite and PostgreSQL.

Łomża's project (TERYT 2062011) is in implementation with EUR 150 000.00
committed by its agreement with Ringerike kommune; its final report is the
shipped sample ``samples/final_reports/lomza.xlsx`` (EUR 131 870.25 spent).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError

from grantflow import resources
from grantflow.adapters.files import LocalFileStore
from grantflow.adapters.formgen import write_filled
from grantflow.adapters.spreadsheet import read_workbook
from grantflow.adapters.store.models.documents import DocumentRow
from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
from grantflow.domain.errors import LedgerError, NotFound
from grantflow.domain.ledger import EntryKind
from grantflow.samples.final_reports import reference_final_reports
from grantflow.services.documents.recording import record_documents
from grantflow.services.documents.rendering import GeneratedDocument
from grantflow.services.final_report import FinalReportUpload, take_in_final_report
from grantflow.services.ledger import book
from grantflow.validation import form as forms

AT = datetime(2024, 5, 20, 10, 30, tzinfo=UTC)
LUMP_SUM = Decimal("150000.00")
SAMPLES = resources.samples() / "final_reports"
STAGE2 = "stage2-proposal"


@pytest.fixture
def programme_uow(engine: Engine) -> SqlUnitOfWork:
    return SqlUnitOfWork(engine)


def in_implementation(uow: SqlUnitOfWork, city: str, teryt: str) -> int:
    """A funded project whose agreement committed EUR 150 000.00."""
    with uow:
        application = uow.applications.add(
            call_code=STAGE2, stage=2, teryt=teryt, city_name=city, created_at=AT
        )
        uow.applications.set_state(application.id, "implementation")
        for kind in (EntryKind.RESERVE, EntryKind.COMMIT):
            book(
                uow,
                key=f"{kind}:{STAGE2}:{application.id}",
                call=STAGE2,
                city=teryt,
                kind=kind,
                amount=LUMP_SUM,
                at=AT,
                actor="operator:test",
            )
        uow.commit()
    return application.id


def take_in(uow: SqlUnitOfWork, home: Path, application_id: int, path: Path) -> FinalReportUpload:
    return take_in_final_report(
        uow,
        LocalFileStore(home),
        application_id,
        read_workbook(path),
        file_name=path.name,
        content=path.read_bytes(),
        at=AT,
        actor="Urząd Miasta Łomża",
    )


def ledger_of(uow: SqlUnitOfWork, teryt: str) -> list[tuple[str, Decimal]]:
    with uow:
        return [(str(e.kind), e.amount) for e in uow.ledger.all() if e.city == teryt]


class TestFinalReportIntake:
    def test_a_valid_report_is_kept_as_version_1_and_books_spend_and_return(
        self, programme_uow: SqlUnitOfWork, tmp_path: Path
    ) -> None:
        uow = programme_uow
        lomza = in_implementation(uow, "Łomża", "2062011")
        upload = take_in(uow, tmp_path, lomza, SAMPLES / "lomza.xlsx")
        assert upload.created and upload.intake is not None
        assert upload.stored.version_no == 1
        assert (tmp_path / upload.stored.stored_path).read_bytes() == (
            SAMPLES / "lomza.xlsx"
        ).read_bytes()
        assert ledger_of(uow, "2062011")[2:] == [
            ("spend", Decimal("131870.25")),
            ("return", Decimal("18129.75")),
        ]
        with uow:
            (stored,) = uow.final_reports.list()
            assert uow.applications.get(lomza).state == "final_report_submitted"
        assert stored.final_report is not None
        assert stored.final_report.lump_sum_spent_eur == Decimal("131870.25")
        assert stored.final_report.activities[0].place == "Hønefoss (Ringerike)"
        assert stored.final_report == upload.stored.final_report

    def test_the_same_file_again_stores_and_books_nothing_new(
        self, programme_uow: SqlUnitOfWork, tmp_path: Path
    ) -> None:
        uow = programme_uow
        lomza = in_implementation(uow, "Łomża", "2062011")
        take_in(uow, tmp_path, lomza, SAMPLES / "lomza.xlsx")
        again = take_in(uow, tmp_path, lomza, SAMPLES / "lomza.xlsx")
        assert (again.created, again.stored.version_no) == (False, 1)
        assert len(ledger_of(uow, "2062011")) == 4

    def test_a_second_different_report_after_the_booking_is_refused_and_not_kept(
        self, programme_uow: SqlUnitOfWork, tmp_path: Path
    ) -> None:
        uow = programme_uow
        lomza = in_implementation(uow, "Łomża", "2062011")
        take_in(uow, tmp_path, lomza, SAMPLES / "lomza.xlsx")
        (sample,) = (s for s in reference_final_reports() if s.name == "lomza")
        changed = dict(sample.values)
        changed["LumpSum"] = {"lump_sum_spent_eur": Decimal("140000.00"), "lump_sum_notes": ""}
        path = tmp_path / "lomza-poprawiony.xlsx"
        write_filled(forms.load("final_report"), "pl", changed, path)
        with pytest.raises(LedgerError):
            take_in(uow, tmp_path, lomza, path)
        with uow:
            assert len(uow.final_reports.list()) == 1
        assert len(ledger_of(uow, "2062011")) == 4

    def test_an_overspent_report_is_kept_invalid_and_books_nothing(
        self, programme_uow: SqlUnitOfWork, tmp_path: Path
    ) -> None:
        uow = programme_uow
        walbrzych = in_implementation(uow, "Wałbrzych", "0265011")
        # Wałbrzych's sample spends EUR 142 315.60; this agreement committed 150 000.00,
        # so it is valid here. Its lump sum raised above the commitment is not.
        (sample,) = (s for s in reference_final_reports() if s.name == "walbrzych")
        overspent = dict(sample.values)
        overspent["LumpSum"] = {"lump_sum_spent_eur": Decimal("150000.01")}
        path = tmp_path / "walbrzych.xlsx"
        write_filled(forms.load("final_report"), "pl", overspent, path)
        upload = take_in(uow, tmp_path, walbrzych, path)
        assert upload.intake is None and upload.created
        assert [i.code for i in upload.stored.report.issues] == ["lump-sum-overspent"]
        assert upload.stored.final_report is None
        assert len(ledger_of(uow, "0265011")) == 2
        with uow:
            assert uow.applications.get(walbrzych).state == "implementation"

    def test_a_report_of_another_city_names_the_mistake(
        self, programme_uow: SqlUnitOfWork, tmp_path: Path
    ) -> None:
        uow = programme_uow
        lomza = in_implementation(uow, "Łomża", "2062011")
        with pytest.raises(NotFound, match=r"is Łomża \(TERYT 2062011\); the report is for Nysa"):
            take_in(uow, tmp_path, lomza, SAMPLES / "nysa.xlsx")
        with uow:
            assert uow.final_reports.list() == []


def _document(home: Path, sha: str, application_id: int | None) -> GeneratedDocument:
    kind = "publication" if application_id is None else "final_report"
    return GeneratedDocument(
        home / "documents" / kind / f"{sha[:4]}.pdf", kind, "pl", "pdf", sha, 24_916, application_id
    )


class TestDocumentsTable:
    def test_identical_bytes_are_recorded_once_and_a_changed_file_again(
        self, programme_uow: SqlUnitOfWork, tmp_path: Path
    ) -> None:
        uow = programme_uow
        lomza = in_implementation(uow, "Łomża", "2062011")
        batch = [_document(tmp_path, "a1" * 32, lomza), _document(tmp_path, "b2" * 32, None)]
        assert record_documents(uow, batch, home=tmp_path, at=AT) == 2
        assert record_documents(uow, batch, home=tmp_path, at=AT) == 0
        assert (
            record_documents(uow, [_document(tmp_path, "c3" * 32, None)], home=tmp_path, at=AT) == 1
        )
        with uow:
            rows = uow.documents.list()
            only_lomza = uow.documents.list(application_id=lomza)
        assert [(r.kind, r.application_id, r.path) for r in rows] == [
            ("final_report", lomza, "documents/final_report/a1a1.pdf"),
            ("publication", None, "documents/publication/b2b2.pdf"),
            ("publication", None, "documents/publication/c3c3.pdf"),
        ]
        assert rows[0].generated_at == AT and rows[0].size == 24_916
        assert only_lomza == rows[:1]

    @pytest.mark.parametrize("application", [True, False], ids=["per-application", "programme"])
    def test_the_database_refuses_a_second_row_of_the_same_bytes(
        self, engine: Engine, programme_uow: SqlUnitOfWork, application: bool
    ) -> None:
        lomza = in_implementation(programme_uow, "Łomża", "2062011") if application else None
        row = {
            "kind": "publication",
            "lang": "nb",
            "fmt": "pdf",
            "application_id": lomza,
            "path": "documents/publication/publication-nb.pdf",
            "sha256": "d4" * 32,
            "size": 48_191,
            "generated_at": AT,
        }
        with engine.begin() as connection:
            connection.execute(insert(DocumentRow), [row])
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(insert(DocumentRow), [row])
