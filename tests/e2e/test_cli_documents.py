"""The document commands as a user runs them: a subprocess on a small SQLite store.

The store holds Łomża's Stage 2 project (its sample outline), in
implementation with EUR 150 000.00 committed by its agreement; the final
report is the shipped sample ``samples/final_reports/lomza.xlsx``. A batch
this small is rendered in the command's own process: Prefect never starts.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from grantflow import checking, resources
from grantflow.adapters.formgen import write_filled
from grantflow.adapters.store import make_engine, migrate
from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
from grantflow.domain.ledger import EntryKind
from grantflow.samples.final_reports import reference_final_reports
from grantflow.services.ledger import book
from grantflow.services.ports.applications import NewSubmission
from grantflow.validation import form as forms
from tests.e2e.test_cli import NOISE, combined, grantflow

AT = datetime(2021, 6, 14, 10, 0, tzinfo=UTC)
STAGE2 = "stage2-proposal"
REPORT = resources.samples() / "final_reports" / "lomza.xlsx"


@contextmanager
def store(home: Path) -> Iterator[SqlUnitOfWork]:
    url = f"sqlite:///{home / 'grantflow.db'}"
    migrate(url)
    engine = make_engine(url)
    try:
        yield SqlUnitOfWork(engine)
    finally:
        engine.dispose()


@pytest.fixture
def lomza_home(tmp_path: Path) -> Path:
    """A home whose store has Łomża's project in implementation (application 1)."""
    home = tmp_path / "home"
    outline_file = resources.samples() / "outlines" / "lomza.xlsx"
    _, result = checking.check_file(
        outline_file, checking.programme_for(None, "stage1-outline"), "stage1-outline"
    )
    assert result.outline is not None
    with store(home) as uow, uow:
        application = uow.applications.add(
            call_code=STAGE2, stage=2, teryt="2062011", city_name="Łomża", created_at=AT
        )
        uow.submissions.add(
            NewSubmission(
                application_id=application.id,
                version_no=1,
                file_name=outline_file.name,
                sha256=hashlib.sha256(outline_file.read_bytes()).hexdigest(),
                stored_path="uploads/lomza.xlsx",
                size=outline_file.stat().st_size,
                report=result.report,
                outline=result.outline,
                submitted_by="Urząd Miejski w Łomży",
                submitted_at=AT,
            )
        )
        uow.applications.set_state(application.id, "implementation")
        for kind in (EntryKind.RESERVE, EntryKind.COMMIT):
            book(
                uow,
                key=f"{kind}:{STAGE2}:{application.id}",
                call=STAGE2,
                city="2062011",
                kind=kind,
                amount=Decimal("150000.00"),
                at=AT,
                actor="operator:test",
            )
        uow.commit()
    return home


def manifest(folder: Path) -> dict[str, str]:
    entries = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    return {e["file"]: e["sha256"] for e in entries}


class TestSubmitFinalReport:
    def test_a_valid_report_books_the_spend_and_the_return_once(self, lomza_home: Path) -> None:
        run = grantflow("submit-final-report", str(REPORT), "--application", "1", home=lomza_home)
        assert run.returncode == 0, combined(run)
        assert (
            "lomza.xlsx: Łomża (application 1) final report version 1, valid; lump sum spent "
            "EUR 131,870.25, returned EUR 18,129.75; state final_report_submitted"
        ) in run.stdout
        again = grantflow("submit-final-report", str(REPORT), "--application", "1", home=lomza_home)
        assert again.returncode == 0, combined(again)
        assert "version 1, valid" in again.stdout and "taken in before" in again.stdout
        with store(lomza_home) as uow, uow:
            kinds = [str(e.kind) for e in uow.ledger.all()]
            (stored,) = uow.final_reports.list()
        assert kinds == ["reserve", "commit", "spend", "return"]
        assert (lomza_home / stored.stored_path).read_bytes() == REPORT.read_bytes()
        assert not NOISE.search(combined(run) + combined(again))

    def test_an_overspent_report_prints_its_issues_is_kept_and_books_nothing(
        self, lomza_home: Path, tmp_path: Path
    ) -> None:
        (sample,) = (s for s in reference_final_reports() if s.name == "lomza")
        values = {**sample.values, "LumpSum": {"lump_sum_spent_eur": Decimal("150000.01")}}
        overspent = tmp_path / "raport-lomza.xlsx"
        write_filled(forms.load("final_report"), "pl", values, overspent)
        run = grantflow(
            "submit-final-report", str(overspent), "--application", "1", "-l", "pl",
            home=lomza_home,
        )  # fmt: skip
        assert run.returncode == 1, combined(run)
        assert "raport-lomza.xlsx: 1 błąd" in run.stdout
        assert "Wydany ryczałt wynosi 150" in run.stdout
        with store(lomza_home) as uow, uow:
            assert [s.valid for s in uow.final_reports.list()] == [False]
            assert len(uow.ledger.all()) == 2
            assert uow.applications.get(1).state == "implementation"

    def test_a_report_over_the_size_limit_is_reported_and_nothing_is_kept(
        self, lomza_home: Path, tmp_path: Path
    ) -> None:
        huge = tmp_path / "raport-lomza.xlsx"
        with huge.open("wb") as fh:  # 11 MB: over the 10 MB upload limit
            fh.truncate(11 * 1024 * 1024)
        run = grantflow("submit-final-report", str(huge), "--application", "1", home=lomza_home)
        assert run.returncode == 1, combined(run)
        assert "file-too-large" not in run.stdout  # the message, not the code, is shown
        assert "too large" in run.stdout
        with store(lomza_home) as uow, uow:
            assert uow.final_reports.list() == []
            assert len(uow.ledger.all()) == 2
        kept = [p for p in (lomza_home / "uploads").rglob("*") if p.is_file()]
        assert all(p.stat().st_size < 1024 * 1024 for p in kept)  # the 11 MB file is not copied

    def test_the_report_of_another_city_is_a_usage_error(self, lomza_home: Path) -> None:
        nysa = resources.samples() / "final_reports" / "nysa.xlsx"
        run = grantflow("submit-final-report", str(nysa), "--application", "1", home=lomza_home)
        assert run.returncode == 2, combined(run)
        assert "the report is for Nysa (TERYT 1607054)" in run.stderr


class TestGenerate:
    def test_a_projects_documents_are_written_listed_and_recorded(
        self, lomza_home: Path, tmp_path: Path
    ) -> None:
        submitted = grantflow(
            "submit-final-report", str(REPORT), "--application", "1", home=lomza_home
        )
        assert submitted.returncode == 0, combined(submitted)
        out = tmp_path / "dokumenty"
        run = grantflow("generate", "all", "--application", "1", "-o", str(out), home=lomza_home)
        assert run.returncode == 0, combined(run)
        assert not NOISE.search(combined(run)), combined(run)
        files = manifest(out)
        assert sorted(files) == [
            f"{kind}/{STAGE2}/lomza.{fmt}"
            for kind in ("application", "final_report")
            for fmt in ("docx", "pdf")
        ]
        for name, sha256 in files.items():
            assert hashlib.sha256((out / name).read_bytes()).hexdigest() == sha256
            assert re.search(rf"^{re.escape(name)}  \d+ bytes  sha256 {sha256}$", run.stdout, re.M)
        assert "4 documents in" in run.stdout and "(4 new to the store), 0 failed" in run.stdout
        with store(lomza_home) as uow, uow:
            rows = uow.documents.list(application_id=1)
        assert {(r.path, r.sha256) for r in rows} == {
            ((out / name).resolve().as_posix(), sha) for name, sha in files.items()
        }
        again = grantflow(
            "generate", "final-report", "--all", "-f", "pdf", "-o", str(out), home=lomza_home
        )
        assert again.returncode == 0, combined(again)
        assert "1 documents in" in again.stdout and "(0 new to the store)" in again.stdout

    @pytest.mark.parametrize("fmt", ["pdf", "docx"])
    def test_the_publication_is_written_inside_the_home_with_a_relative_path(
        self, lomza_home: Path, fmt: str
    ) -> None:
        target = lomza_home / "publikacje" / f"publikasjon-nb.{fmt}"
        run = grantflow(
            "publication", "--lang", "nb", "-o", str(target), "--date", "2024-06-30",
            home=lomza_home,
        )  # fmt: skip
        assert run.returncode == 0, combined(run)
        digest = hashlib.sha256(target.read_bytes()).hexdigest()
        assert manifest(target.parent) == {f"publikasjon-nb.{fmt}": digest}
        with store(lomza_home) as uow, uow:
            (row,) = uow.documents.list()
        assert (row.kind, row.lang, row.fmt, row.application_id) == ("publication", "nb", fmt, None)
        assert (row.path, row.sha256) == (f"publikacje/publikasjon-nb.{fmt}", digest)

    def test_the_norwegian_docx_edition_shows_lomzas_project(
        self, lomza_home: Path, tmp_path: Path
    ) -> None:
        target = tmp_path / "publikasjon.docx"
        run = grantflow(
            "publication", "-l", "nb", "-o", str(target), "--date", "2024-06-30", home=lomza_home
        )
        assert run.returncode == 0, combined(run)
        with zipfile.ZipFile(target) as archive:
            body = archive.read("word/document.xml").decode("utf-8")
        assert "Bilateralt samarbeid" in body and "30. juni 2024" in body
        assert "Łomża" in body and "Sluttrapporten er ikke levert ennå." in body

    def test_a_kind_needs_an_application_or_all(self, lomza_home: Path, tmp_path: Path) -> None:
        run = grantflow("generate", "decision", "-o", str(tmp_path / "d"), home=lomza_home)
        assert run.returncode == 2
        assert "give --application ID or --all" in run.stderr

    def test_a_kind_the_registry_lacks_is_a_usage_error(
        self, lomza_home: Path, tmp_path: Path
    ) -> None:
        out = tmp_path / "out"
        run = grantflow("generate", "certificate", "--all", "-o", str(out), home=lomza_home)
        assert run.returncode == 2
        assert "No such command 'certificate'" in run.stderr
        assert not out.exists()

    def test_an_undecided_application_has_no_decision_letter(
        self, lomza_home: Path, tmp_path: Path
    ) -> None:
        run = grantflow(
            "generate", "decision", "--application", "1", "-o", str(tmp_path), home=lomza_home
        )
        assert run.returncode == 1
        assert "no decision document for application 1" in run.stderr

    def test_an_unknown_application_is_a_usage_error(
        self, lomza_home: Path, tmp_path: Path
    ) -> None:
        run = grantflow(
            "generate", "agreement", "--application", "7", "-o", str(tmp_path), home=lomza_home
        )
        assert run.returncode == 2
        assert "no application 7" in run.stderr
