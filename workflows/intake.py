"""Intake: uploaded outlines or proposals -> validation report -> stored version -> artifact.

The flow orders the steps; the rules live in ``grantflow.checking``
(reading, validating) and ``grantflow.services.intake`` (versions,
idempotency, a corrected upload's re-check). Running it twice on the same
files changes nothing the second time: every file comes back with
``created=False``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, TypeVar

from prefect import flow, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from grantflow import bootstrap, checking, config
from grantflow.adapters import i18n, report_render
from grantflow.adapters.files import LocalFileStore
from grantflow.domain.names import slug  # artifact keys allow a-z, 0-9 and dashes
from grantflow.domain.programme import PROPOSAL_FORM
from grantflow.services import intake as intake_service
from grantflow.services import proposal
from grantflow.services.intake import Applicant, NotKept, Upload
from grantflow.validation.outline import ValidationResult
from grantflow.validation.proposal import Shortlist
from grantflow.validation.report import Report
from workflows import progress
from workflows.store import STORE_RETRIES, STORE_RETRY_DELAY_S, prepare_store

Lang = Literal["pl", "nb", "en"]
T = TypeVar("T")

# Files per validation (and publishing) task: enough to amortise a task's bookkeeping
# (a few API calls), few enough that the chunks spread over the threads.
CHUNK_SIZE = 25


@dataclass(frozen=True)
class Checked:
    path: str
    result: ValidationResult
    applicant: Applicant | None
    # The bytes that were validated, carried to ``store`` (at most the read
    # limit each, 10 MB): the file on disk may have changed since, or be huge.
    content: bytes | NotKept


@dataclass(frozen=True)
class FileSummary:
    """One line of the intake's answer, per file."""

    file: str
    city: str | None
    teryt: str | None
    application_id: int | None
    version_no: int | None
    created: bool
    valid: bool
    errors: int
    warnings: int
    report_html: str
    report_json: str
    artifact_key: str
    note: str = ""  # e.g. a correction that came after its deadline


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def read_shortlist(
    settings: config.Settings, call_code: str, programme_file: str | None
) -> Shortlist | None:
    """For a call with the proposal form, the cities that may submit and their outlines."""
    programme = checking.programme_for(Path(programme_file) if programme_file else None, call_code)
    if programme.call(call_code).form != PROPOSAL_FORM:
        return None
    with bootstrap.build(settings=settings) as wired:
        return proposal.shortlist(wired.unit_of_work(), programme, call_code)


@task(cache_policy=NO_CACHE)
def validate(
    paths: list[str], call_code: str, programme_file: str | None, shortlist: Shortlist | None
) -> list[Checked]:
    """Read and validate a chunk of files. Never raises on bad input: it is in the reports."""
    programme = checking.programme_for(Path(programme_file) if programme_file else None, call_code)
    checked = []
    for path in paths:
        upload, result = checking.check_file(Path(path), programme, call_code, shortlist)
        applicant = intake_service.identify(result)
        content = upload.content if upload.content is not None else NotKept(upload.workbook.sha256)
        checked.append(Checked(path, result, applicant, content))
    return checked


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def store(
    checked: list[Checked],
    *,
    settings: config.Settings,
    call_code: str,
    stage: int,
    submitted_by: str,
    as_of: datetime | None,
) -> list[intake_service.Receipt]:
    """Each file received: its version, and what it means for an application returned
    for correction."""
    with bootstrap.build(settings=settings, as_of=as_of) as wired:
        uow, files, at = wired.unit_of_work(), wired.files, wired.clock.now()
        uploads = [
            Upload(
                call_code=call_code,
                stage=stage,
                file_name=Path(item.path).name,
                content=item.content,
                result=item.result,
                applicant=item.applicant,
                submitted_by=submitted_by,
            )
            for item in checked
        ]
        return [intake_service.receive_upload(uow, files, upload, at=at) for upload in uploads]


@task(cache_policy=NO_CACHE)
def publish(
    received: list[tuple[Checked, intake_service.Receipt]],
    settings: config.Settings,
    lang: Lang,
    call_code: str,
) -> list[FileSummary]:
    """Each file's report as a Prefect artifact and as HTML and JSON files under the home.

    A task per chunk of files, not per file: with a task per file, Prefect's
    bookkeeping of 1,000 task runs took longer than validating the files
    (benchmarks/README.md, "Scale")."""
    files = bootstrap.Wiring(settings).files
    summaries = []
    for item, receipt in received:
        summaries.append(_publish_one(item, receipt, files, lang, call_code))
        progress.advance()
    return summaries


def _publish_one(
    item: Checked,
    receipt: intake_service.Receipt,
    files: LocalFileStore,
    lang: Lang,
    call_code: str,
) -> FileSummary:
    outcome = receipt.outcome
    file_report = item.result.report
    report = Report([file_report])
    name = report_name(call_code, item.applicant, outcome)
    html = files.save_report(name, "html", report_render.render(report, "html", lang))
    json_path = files.save_report(name, "json", report_render.render(report, "json", lang))
    create_markdown_artifact(
        key=name,
        markdown=report_render.render(report, "markdown", lang).decode("utf-8"),
        description=f"Validation report of {file_report.file}",
    )
    return FileSummary(
        file=file_report.file,
        city=item.applicant.city_name if item.applicant else None,
        teryt=item.applicant.teryt if item.applicant else None,
        application_id=outcome.application_id,
        version_no=outcome.version_no,
        created=outcome.created,
        valid=outcome.valid,
        errors=file_report.errors,
        warnings=file_report.warnings,
        report_html=str(html),
        report_json=str(json_path),
        artifact_key=name,
        note=i18n.word(receipt.note.msgid, lang, receipt.note.values) if receipt.note else "",
    )


def report_name(
    call_code: str, applicant: Applicant | None, outcome: intake_service.SubmissionOutcome
) -> str:
    """The report's file name and artifact key: one per call, city and version.

    ``validation-stage1-outline-0662011-v2``. By TERYT, not by name: two towns
    may share a name, and a city's Stage 2 report must not replace its Stage 1
    one. An upload of no known city is named by its submission.
    """
    if applicant is not None and outcome.version_no is not None:
        return f"validation-{slug(call_code)}-{slug(applicant.teryt)}-v{outcome.version_no}"
    return f"validation-{slug(call_code)}-upload-{outcome.submission_id}"


def chunks(items: list[T], size: int = CHUNK_SIZE) -> list[list[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


@flow(name="intake", log_prints=False)
def intake(
    files: list[str],
    call_code: str = "stage1-outline",
    submitted_by: str = "cli",
    programme_file: str | None = None,
    lang: Lang = "en",
    as_of: datetime | None = None,
) -> list[FileSummary]:
    """Validate uploaded outlines, keep each as a version of its city's application
    (received now, or at ``as_of``), and publish every validation report."""
    settings = config.load()
    stage = (
        checking.programme_for(Path(programme_file) if programme_file else None, call_code)
        .call(call_code)
        .stage
    )
    prepare_store(settings.database_url)
    progress.expect(len(files))
    shortlist = read_shortlist(settings, call_code, programme_file)
    checked = [
        c
        for chunk in validate.map(
            chunks(files), call_code, programme_file, unmapped(shortlist)
        ).result()
        for c in chunk
    ]
    receipts = store(
        checked,
        settings=settings,
        call_code=call_code,
        stage=stage,
        submitted_by=submitted_by,
        as_of=as_of,
    )
    received = list(zip(checked, receipts, strict=True))
    published = publish.map(
        chunks(received), unmapped(settings), unmapped(lang), unmapped(call_code)
    ).result()
    return [summary for chunk in published for summary in chunk]
