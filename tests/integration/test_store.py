"""The store for real: migrations, round trips, versions and races on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from grantflow.adapters.files import LocalFileStore
from grantflow.adapters.store import SqlUnitOfWork, head_revision, make_engine, migrate
from grantflow.adapters.store.codec import outline_from_json, to_json
from grantflow.adapters.store.engine import normalise_url
from grantflow.adapters.store.migrate import target_metadata
from grantflow.domain.errors import ConfigurationError, Conflict, NotFound, StorageError
from grantflow.services import intake, lifecycle
from grantflow.services.intake import Applicant, SubmissionOutcome, Upload
from grantflow.services.ports.applications import NewSubmission
from grantflow.validation.outline import ValidationResult
from tests.intake_data import (
    CHELM,
    HRUBIESZOW,
    STAGE1,
    invalid_result,
    unreadable_result,
    valid_result,
)
from tests.intake_data import outline as chelm_outline

CHELM_V1 = b"PK\x03\x04 Chelm outline, first upload"
CHELM_V2 = b"PK\x03\x04 Chelm outline, corrected"


# Chełm uploads its outline a fortnight before the Stage 1 deadline.
SUBMITTED_AT = datetime(2019, 9, 16, 10, 0, tzinfo=UTC)


def _submit(
    uow: SqlUnitOfWork,
    files: LocalFileStore,
    content: bytes,
    result: ValidationResult | None = None,
    applicant: Applicant | None = CHELM,
) -> SubmissionOutcome:
    upload = Upload(
        call_code=STAGE1,
        stage=1,
        file_name="chelm.xlsx",
        content=content,
        result=result or valid_result(),
        applicant=applicant,
        submitted_by="urząd@chełm.pl",
    )
    return intake.submit(uow, files, upload, at=SUBMITTED_AT)


@pytest.fixture
def files(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "home")


class TestMigrations:
    def test_migrations_build_the_schema_on_an_empty_database(
        self, empty_database_url: str
    ) -> None:
        migrate(empty_database_url)
        engine = make_engine(empty_database_url)
        try:
            tables = set(inspect(engine).get_table_names())
            with engine.connect() as connection:
                current = MigrationContext.configure(connection).get_current_revision()
        finally:
            engine.dispose()
        assert {"applications", "submissions", "alembic_version"} <= tables
        assert current == head_revision()

    def test_migrating_again_keeps_the_data_and_the_revision(
        self, database_url: str, tmp_path: Path
    ) -> None:
        engine = make_engine(database_url)
        try:
            stored = _submit(SqlUnitOfWork(engine), LocalFileStore(tmp_path), CHELM_V1)
            migrate(database_url)
            uow = SqlUnitOfWork(engine)
            with uow:
                kept = uow.submissions.get(stored.submission_id)
            with engine.connect() as connection:
                current = MigrationContext.configure(connection).get_current_revision()
        finally:
            engine.dispose()
        assert (kept.version_no, kept.file_name) == (1, "chelm.xlsx")
        assert current == head_revision()

    def test_the_models_describe_exactly_what_the_migrations_build(self, engine: Engine) -> None:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            differences = compare_metadata(context, target_metadata())
        assert differences == []

    def test_a_file_that_is_not_a_database_is_a_storage_error(self, tmp_path: Path) -> None:
        impostor = tmp_path / "grantflow.db"
        impostor.write_text("Chełm, Hrubieszów, Konin\n" * 100, encoding="utf-8")
        with pytest.raises(StorageError):
            migrate(f"sqlite:///{impostor}")

    def test_reading_a_file_that_is_not_a_database_is_a_storage_error(self, tmp_path: Path) -> None:
        impostor = tmp_path / "grantflow.db"
        impostor.write_bytes(b"Ringerike kommune, Kristiansand kommune\n" * 200)
        engine = make_engine(f"sqlite:///{impostor}")
        try:
            uow = SqlUnitOfWork(engine)
            with pytest.raises(StorageError), uow:
                uow.applications.list()
        finally:
            engine.dispose()

    def test_a_plain_postgresql_url_uses_psycopg_3(self) -> None:
        url = normalise_url("postgresql://postgres@127.0.0.1:5432/test")
        assert url.drivername == "postgresql+psycopg"

    def test_an_unsupported_database_is_a_configuration_error(self) -> None:
        with pytest.raises(ConfigurationError):
            normalise_url("mysql://root@localhost/grantflow")


class TestRoundTrip:
    def test_a_valid_submission_comes_back_with_its_report_and_outline(
        self, uow: SqlUnitOfWork, files: LocalFileStore
    ) -> None:
        sent = valid_result()
        outcome = _submit(uow, files, CHELM_V1, sent)
        with uow:
            stored = uow.submissions.get(outcome.submission_id)
            application = uow.applications.get(outcome.application_id or 0)
        assert stored.outline == sent.outline
        assert stored.report.to_storable() == sent.report.to_storable()
        assert (stored.valid, stored.version_no, stored.submitted_by) == (True, 1, "urząd@chełm.pl")
        assert stored.submitted_at.tzinfo is not None
        assert stored.submitted_at == SUBMITTED_AT  # the moment given, back in UTC
        assert (application.city_name, application.teryt, application.state) == (
            "Chełm",
            "0662011",
            "submitted",
        )
        assert files.upload_path(stored.stored_path).read_bytes() == CHELM_V1

    def test_the_version_handed_back_on_adding_is_the_one_read_back_later(
        self, uow: SqlUnitOfWork
    ) -> None:
        sent = valid_result()
        with uow:
            application = uow.applications.add(
                call_code=STAGE1,
                stage=1,
                teryt=CHELM.teryt,
                city_name=CHELM.city_name,
                created_at=SUBMITTED_AT,
            )
            added = uow.submissions.add(
                NewSubmission(
                    application_id=application.id,
                    version_no=1,
                    file_name="zarys-chełm.xlsx",
                    sha256="5e" * 32,
                    stored_path="",
                    size=0,
                    report=sent.report,
                    outline=sent.outline,
                    submitted_by="urząd@chełm.pl",
                    submitted_at=SUBMITTED_AT,
                )
            )
            uow.commit()
        with uow:
            assert uow.submissions.get(added.id) == added

    def test_an_invalid_submission_keeps_its_issues_and_no_outline(
        self, uow: SqlUnitOfWork, files: LocalFileStore
    ) -> None:
        sent = invalid_result()
        outcome = _submit(uow, files, CHELM_V1, sent)
        with uow:
            stored = uow.submissions.get(outcome.submission_id)
        assert stored.outline is None
        assert stored.report.issues == sent.report.issues
        assert (stored.valid, stored.report.errors, stored.report.warnings) == (False, 1, 1)

    def test_an_unreadable_upload_is_kept_without_an_application(
        self, uow: SqlUnitOfWork, files: LocalFileStore
    ) -> None:
        first = _submit(uow, files, b"not a zip", unreadable_result(), applicant=None)
        again = _submit(uow, files, b"not a zip", unreadable_result(), applicant=None)
        assert (first.application_id, first.version_no, first.created) == (None, None, True)
        assert (again.submission_id, again.created) == (first.submission_id, False)

    def test_asking_for_a_missing_application_is_not_found(self, uow: SqlUnitOfWork) -> None:
        with uow, pytest.raises(NotFound):
            uow.applications.get(404)


class TestVersions:
    def test_versions_increment_per_city(self, uow: SqlUnitOfWork, files: LocalFileStore) -> None:
        chelm = [
            _submit(uow, files, CHELM_V1, invalid_result()),
            _submit(uow, files, CHELM_V2),
        ]
        hrubieszow = _submit(
            uow, files, b"PK Hrubieszow", valid_result("hrubieszow.xlsx", HRUBIESZOW), HRUBIESZOW
        )
        assert [o.version_no for o in chelm] == [1, 2]
        assert hrubieszow.version_no == 1
        with uow:
            history = uow.submissions.for_application(chelm[0].application_id or 0)
            cities = [a.city_name for a in uow.applications.list(STAGE1)]
        assert [(s.version_no, s.valid) for s in history] == [(1, False), (2, True)]
        assert cities == ["Chełm", "Hrubieszów"]

    def test_the_same_file_twice_is_one_version(
        self, uow: SqlUnitOfWork, files: LocalFileStore
    ) -> None:
        first = _submit(uow, files, CHELM_V1)
        again = _submit(uow, files, CHELM_V1)
        assert (again.created, again.submission_id, again.version_no) == (
            False,
            first.submission_id,
            1,
        )
        with uow:
            assert len(uow.submissions.for_application(first.application_id or 0)) == 1

    def test_each_applications_newest_valid_version_is_read_for_all_in_one_go(
        self, uow: SqlUnitOfWork, files: LocalFileStore
    ) -> None:
        chelm = [
            _submit(uow, files, CHELM_V1),
            _submit(uow, files, CHELM_V2),
            _submit(uow, files, b"PK Chelm, a third try", invalid_result()),
        ]
        _submit(uow, files, b"PK Hrubieszow", invalid_result("hrubieszow.xlsx"), HRUBIESZOW)
        _submit(uow, files, b"not a workbook", unreadable_result(), applicant=None)
        with uow:
            newest = uow.submissions.newest_valid()
            current = lifecycle.current_version(uow, chelm[0].application_id or 0)
        assert list(newest) == [chelm[0].application_id]
        assert newest[chelm[0].application_id or 0] == current
        assert current.version_no == 2

    def test_a_citys_applications_to_every_call_are_read_without_the_others(
        self, uow: SqlUnitOfWork
    ) -> None:
        moment = datetime(2019, 12, 2, 9, 30, tzinfo=UTC)
        with uow:
            for call, stage, teryt, city in (
                (STAGE1, 1, "0662011", "Chełm"),
                (STAGE1, 1, "0607011", "Hrubieszów"),
                ("stage2-proposal", 2, "0662011", "Chełm"),
            ):
                uow.applications.add(
                    call_code=call, stage=stage, teryt=teryt, city_name=city, created_at=moment
                )
            chelm = uow.applications.of_city("0662011")
        assert [(a.call_code, a.city_name) for a in chelm] == [
            (STAGE1, "Chełm"),
            ("stage2-proposal", "Chełm"),
        ]

    def test_a_second_application_for_the_same_city_and_call_is_a_conflict(
        self, uow: SqlUnitOfWork
    ) -> None:
        moment = datetime(2019, 12, 2, 9, 30, tzinfo=UTC)
        with uow:
            uow.applications.add(
                call_code=STAGE1, stage=1, teryt="0662011", city_name="Chełm", created_at=moment
            )
            with pytest.raises(Conflict):
                uow.applications.add(
                    call_code=STAGE1, stage=1, teryt="0662011", city_name="Chełm", created_at=moment
                )


def _in_threads(count: int, work: Callable[[int], SubmissionOutcome]) -> list[SubmissionOutcome]:
    """Run ``work(i)`` in ``count`` threads released at the same moment."""
    start = threading.Barrier(count)
    outcomes: list[SubmissionOutcome | BaseException] = [RuntimeError("not run")] * count

    def run(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = work(index)
        except BaseException as exc:  # surfaced by the assertion below
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert failures == []
    return [o for o in outcomes if isinstance(o, SubmissionOutcome)]


class TestConcurrency:
    def test_two_threads_submitting_the_same_file_store_one_version(
        self, engine: Engine, files: LocalFileStore
    ) -> None:
        outcomes = _in_threads(2, lambda _: _submit(SqlUnitOfWork(engine), files, CHELM_V1))
        assert sorted(o.created for o in outcomes) == [False, True]
        assert {o.submission_id for o in outcomes} == {outcomes[0].submission_id}
        uow = SqlUnitOfWork(engine)
        with uow:
            assert len(uow.applications.list()) == 1
            assert len(uow.submissions.for_application(outcomes[0].application_id or 0)) == 1

    def test_threads_submitting_different_files_of_one_city_get_distinct_versions(
        self, engine: Engine, files: LocalFileStore
    ) -> None:
        contents = [f"PK Chełm, poprawka {n}".encode() for n in range(4)]
        outcomes = _in_threads(
            len(contents), lambda i: _submit(SqlUnitOfWork(engine), files, contents[i])
        )
        assert sorted(o.version_no or 0 for o in outcomes) == [1, 2, 3, 4]
        assert len({o.application_id for o in outcomes}) == 1


class TestLocalFileStore:
    def test_an_upload_is_stored_under_its_sha256(self, files: LocalFileStore) -> None:
        sha = "ab" + "0" * 62
        relative = files.save_upload(sha, b"PK Konin")
        assert relative == f"uploads/ab/{sha}.xlsx"
        assert files.upload_path(relative).read_bytes() == b"PK Konin"
        assert [p.name for p in files.upload_path(relative).parent.iterdir()] == [f"{sha}.xlsx"]

    def test_a_report_name_with_polish_letters_becomes_a_portable_file_name(
        self, files: LocalFileStore
    ) -> None:
        path = files.save_report("walidacja Hrubieszów", "html", "<p>Hrubieszów</p>".encode())
        assert path.parent == files.home / "reports"
        assert path.name.isascii() and path.suffix == ".html"
        assert path.read_text(encoding="utf-8") == "<p>Hrubieszów</p>"

    def test_something_that_is_not_a_sha256_is_refused(self, files: LocalFileStore) -> None:
        with pytest.raises(ValueError, match="SHA-256"):
            files.save_upload("../../etc/passwd", b"")

    def test_an_unwritable_home_is_a_storage_error(self, tmp_path: Path) -> None:
        blocker = tmp_path / "home"
        blocker.write_text("a file where the home folder should be")
        with pytest.raises(StorageError):
            LocalFileStore(blocker).save_upload("c" * 64, b"PK Ringerike")


def test_an_outline_stored_before_form_v2_reads_without_a_representative() -> None:
    stored = to_json(chelm_outline())
    del stored["representative_name"], stored["representative_position"]
    read = outline_from_json(stored)
    assert (read.city_name, read.representative_name, read.representative_position) == (
        "Chełm",
        "",
        "",
    )
