"""The intake use case against in-memory fakes: versions, idempotency, races."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from grantflow.domain.errors import Conflict
from grantflow.services import intake, retry
from grantflow.services.intake import Applicant, Upload, identify
from grantflow.validation.outline import ValidationResult, validate_outline
from grantflow.validation.report import FileReport, Issue
from grantflow.validation.workbook import Cell, CellValue, RawSheet, RawWorkbook
from tests.intake_data import (
    CHELM,
    HRUBIESZOW,
    STAGE1,
    invalid_result,
    unreadable_result,
    valid_result,
)
from tests.unit.factories import reference_programme
from tests.unit.fakes.files import FakeFileStore
from tests.unit.fakes.tables import Tables
from tests.unit.fakes.unit_of_work import FakeUnitOfWork

CHELM_V1 = b"PK\x03\x04 Chelm outline, first upload"
CHELM_V2 = b"PK\x03\x04 Chelm outline, corrected"
MOMENT = datetime(2019, 12, 2, 9, 30, tzinfo=UTC)


def _submit(
    uow: FakeUnitOfWork,
    content: bytes | intake.NotKept,
    *,
    result: ValidationResult | None = None,
    applicant: Applicant | None = CHELM,
    files: FakeFileStore | None = None,
) -> intake.SubmissionOutcome:
    upload = Upload(
        call_code=STAGE1,
        stage=1,
        file_name="chelm.xlsx",
        content=content,
        result=result or valid_result(),
        applicant=applicant,
        submitted_by="urzad@chelm.pl",
    )
    return intake.submit(uow, files or FakeFileStore(), upload, at=MOMENT)


class TestFirstUpload:
    def test_a_valid_outline_creates_the_application_and_its_first_version(self) -> None:
        uow = FakeUnitOfWork()
        outcome = _submit(uow, CHELM_V1)
        assert (outcome.version_no, outcome.created, outcome.valid) == (1, True, True)
        with uow:
            application = uow.applications.get(outcome.application_id or 0)
            stored = uow.submissions.get(outcome.submission_id)
        assert (application.teryt, application.city_name, application.state) == (
            "0662011",
            "Chełm",
            "submitted",
        )
        assert (application.call_code, application.stage, application.created_at) == (
            STAGE1,
            1,
            MOMENT,
        )
        assert stored.outline is not None and stored.outline.city_name == "Chełm"
        assert stored.size == len(CHELM_V1)
        assert stored.submitted_by == "urzad@chelm.pl"

    def test_the_original_bytes_are_kept_under_their_sha256(self) -> None:
        uow, files = FakeUnitOfWork(), FakeFileStore()
        outcome = _submit(uow, CHELM_V1, files=files)
        with uow:
            stored = uow.submissions.get(outcome.submission_id)
        assert files.uploads[stored.sha256] == CHELM_V1
        assert stored.stored_path.endswith(f"{stored.sha256}.xlsx")

    def test_an_invalid_outline_is_kept_with_its_report_as_a_version(self) -> None:
        uow = FakeUnitOfWork()
        outcome = _submit(uow, CHELM_V1, result=invalid_result())
        assert (outcome.version_no, outcome.valid) == (1, False)
        with uow:
            stored = uow.submissions.get(outcome.submission_id)
        assert stored.outline is None
        assert [i.code for i in stored.report.issues] == ["nip-checksum", "unknown-field"]

    def test_an_upload_without_a_known_city_is_kept_without_an_application(self) -> None:
        uow = FakeUnitOfWork()
        outcome = _submit(uow, b"not a zip at all", result=unreadable_result(), applicant=None)
        assert (outcome.application_id, outcome.version_no, outcome.valid) == (None, None, False)
        with uow:
            assert uow.applications.list() == []
            assert uow.submissions.get(outcome.submission_id).report.issues[0].code == (
                "file-unreadable"
            )


class TestUploadsNotRead:
    def test_an_upload_over_the_size_limit_is_kept_as_a_row_without_its_bytes(self) -> None:
        uow, files = FakeUnitOfWork(), FakeFileStore()
        digest = hashlib.sha256(b"25 MB of Chelm").hexdigest()
        too_large = ValidationResult(
            report=FileReport(
                "chelm.xlsx", [Issue("file-too-large", params={"size": "25 MB", "limit": "10 MB"})]
            ),
            outline=None,
        )
        outcome = _submit(uow, intake.NotKept(digest), result=too_large, files=files)
        with uow:
            stored = uow.submissions.get(outcome.submission_id)
        assert files.uploads == {}
        assert (stored.sha256, stored.stored_path, stored.size) == (digest, "", 0)
        assert (outcome.version_no, outcome.valid) == (1, False)

    def test_a_file_that_could_not_be_opened_is_kept_once_under_its_name(self) -> None:
        uow, files = FakeUnitOfWork(), FakeFileStore()
        first = _submit(
            uow, intake.NotKept(""), result=unreadable_result(), applicant=None, files=files
        )
        again = _submit(
            uow, intake.NotKept(""), result=unreadable_result(), applicant=None, files=files
        )
        zamosc = Upload(
            call_code=STAGE1,
            stage=1,
            file_name="zamosc.xlsx",
            content=intake.NotKept(""),
            result=unreadable_result("zamosc.xlsx"),
            applicant=None,
            submitted_by="urzad@zamosc.pl",
        )
        other = intake.submit(uow, files, zamosc, at=MOMENT)
        assert (again.created, again.submission_id) == (False, first.submission_id)
        assert other.created and other.submission_id != first.submission_id
        assert files.uploads == {}


class TestVersions:
    def test_a_corrected_upload_becomes_version_two_and_keeps_version_one(self) -> None:
        uow = FakeUnitOfWork()
        first = _submit(uow, CHELM_V1, result=invalid_result())
        second = _submit(uow, CHELM_V2)
        assert (first.version_no, second.version_no) == (1, 2)
        assert (first.opened_application, second.opened_application) == (True, False)
        assert first.application_id == second.application_id
        with uow:
            history = uow.submissions.for_application(second.application_id or 0)
        assert [(s.version_no, s.valid) for s in history] == [(1, False), (2, True)]

    def test_versions_are_counted_per_city(self) -> None:
        uow = FakeUnitOfWork()
        _submit(uow, CHELM_V1)
        _submit(uow, CHELM_V2)
        hrubieszow = _submit(
            uow,
            b"PK\x03\x04 Hrubieszow",
            result=valid_result("hrubieszow.xlsx", HRUBIESZOW),
            applicant=HRUBIESZOW,
        )
        assert hrubieszow.version_no == 1
        with uow:
            assert [a.city_name for a in uow.applications.list(STAGE1)] == ["Chełm", "Hrubieszów"]


class TestIdempotency:
    def test_the_same_file_twice_is_one_version(self) -> None:
        uow = FakeUnitOfWork()
        first = _submit(uow, CHELM_V1)
        again = _submit(uow, CHELM_V1)
        assert (again.created, again.submission_id, again.version_no) == (
            False,
            first.submission_id,
            1,
        )
        assert not again.opened_application
        with uow:
            assert len(uow.submissions.for_application(first.application_id or 0)) == 1

    def test_the_same_unreadable_file_twice_is_kept_once(self) -> None:
        uow = FakeUnitOfWork()
        first = _submit(uow, b"garbage", result=unreadable_result(), applicant=None)
        again = _submit(uow, b"garbage", result=unreadable_result(), applicant=None)
        assert (again.created, again.submission_id) == (False, first.submission_id)


def _competing_version(content_sha: str, version_no: int) -> Callable[[Tables], None]:
    """Another process stores a version of Chełm's application (id 1) first."""

    def write(tables: Tables) -> None:
        template = next(iter(tables.submissions.values()))
        new_id = max(tables.submissions) + 1
        tables.submissions[new_id] = dataclasses.replace(
            template, id=new_id, sha256=content_sha, version_no=version_no
        )

    return write


class TestRaces:
    def test_losing_a_race_for_the_same_file_returns_the_winners_version(self) -> None:
        uow = FakeUnitOfWork()
        _submit(uow, CHELM_V1)
        uow.concurrent_writes.append(_competing_version(hashlib.sha256(CHELM_V2).hexdigest(), 2))
        outcome = _submit(uow, CHELM_V2)
        assert (outcome.created, outcome.version_no) == (False, 2)

    def test_losing_a_race_for_a_version_number_takes_the_next_one(self) -> None:
        uow = FakeUnitOfWork()
        _submit(uow, CHELM_V1)
        uow.concurrent_writes.append(_competing_version("b" * 64, 2))
        outcome = _submit(uow, CHELM_V2)
        assert (outcome.created, outcome.version_no) == (True, 3)

    def test_a_conflict_that_never_settles_is_raised_after_the_last_attempt(self) -> None:
        uow = FakeUnitOfWork()
        _submit(uow, CHELM_V1)
        for version in range(2, 2 + retry.ATTEMPTS):
            uow.concurrent_writes.append(_competing_version(f"{version:064x}", version))
        with pytest.raises(Conflict):
            _submit(uow, CHELM_V2)


def _applicant_sheet(*rows: tuple[str, CellValue]) -> RawWorkbook:
    cells = tuple(
        (number, (Cell(f"A{number}", key), Cell(f"B{number}", key), Cell(f"C{number}", value)))
        for number, (key, value) in enumerate(rows, start=2)
    )
    sheet = RawSheet("Applicant", cells)
    return RawWorkbook(file="chelm.xlsx", sha256="0" * 64, sheets={"Applicant": sheet})


def _validated(raw: RawWorkbook) -> ValidationResult:
    """What the validator says of an outline with only (some of) its Applicant sheet."""
    return validate_outline(raw, reference_programme(), STAGE1)


class TestIdentify:
    def test_a_valid_outline_names_its_city(self) -> None:
        assert identify(valid_result()) == CHELM

    def test_an_invalid_outline_is_placed_by_the_teryt_typed_on_the_applicant_sheet(self) -> None:
        raw = _applicant_sheet(("city_name", " Hrubieszów\u00a0"), ("teryt", "0604011"))
        assert identify(_validated(raw)) == HRUBIESZOW

    def test_a_teryt_typed_as_a_number_gets_its_leading_zero_back(self) -> None:
        raw = _applicant_sheet(("teryt", 662011), ("city_name", "Chełm"))
        assert identify(_validated(raw)) == CHELM

    def test_a_teryt_typed_with_a_space_is_read_as_validation_reads_it(self) -> None:
        raw = _applicant_sheet(("teryt", "0662 011"), ("city_name", "Chełm"))
        result = _validated(raw)
        assert "teryt-format" not in [i.code for i in result.report.issues]
        assert identify(result) == CHELM

    def test_a_city_without_a_name_is_named_by_its_teryt(self) -> None:
        raw = _applicant_sheet(("teryt", "0662011"))
        assert identify(_validated(raw)) == Applicant("0662011", "0662011")

    def test_a_malformed_teryt_identifies_nobody(self) -> None:
        raw = _applicant_sheet(("city_name", "Chełm"), ("teryt", "123"))
        assert identify(_validated(raw)) is None

    def test_an_unreadable_file_identifies_nobody(self) -> None:
        raw = RawWorkbook(file="zepsuty.xlsx", sha256="0" * 64, readable=False)
        assert identify(_validated(raw)) is None
        assert identify(unreadable_result()) is None
