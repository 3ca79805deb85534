"""Intake: uploaded outlines or proposals -> validation report -> stored version -> reports.

The flow orders the steps; the rules live in ``grantflow.checking``
(reading, validating) and ``grantflow.services.intake`` (versions,
idempotency, a corrected upload's re-check). Running it twice on the same
files changes nothing the second time: every file comes back with
``created=False``.

Every file's report is written as HTML and JSON under the home (the files
the portal, the CLI and the cities read); the run publishes one table
artifact listing them all, not an artifact per report: at 200 files the 200
artifact calls took longer than validating and storing the files
(benchmarks/README.md, "Scale"). Prefect's documentation recommends the
same: compile the report, then create one artifact, with links to where the
data lies. A big batch is validated on a process pool, one worker per core:
reading a workbook is pure Python (openpyxl), so threads share one core.

A big batch is passed by reference: Prefect's server refuses a flow run whose
parameters serialise to more than 512 KiB, about 8,000 upload paths. A caller
hands its paths to :func:`batch`, which names a big batch in a manifest under
the home (``grantflow.adapters.manifest``); the flow reads it, so any number
of files is one flow run with small parameters.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, TypeVar, cast

from prefect import flow, task, unmapped
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from grantflow import bootstrap, checking, config
from grantflow.adapters import i18n, report_render
from grantflow.adapters.files import LocalFileStore
from grantflow.adapters.manifest import read_manifest, write_manifest
from grantflow.domain.names import slug  # report names and artifact keys: a-z, 0-9, dashes
from grantflow.domain.programme import PROPOSAL_FORM
from grantflow.services import intake as intake_service
from grantflow.services import proposal
from grantflow.services.intake import Applicant, NotKept, Upload
from grantflow.validation.outline import ValidationResult
from grantflow.validation.proposal import Shortlist
from grantflow.validation.report import Report
from workflows import progress
from workflows.runners import workers_share_this_server
from workflows.store import STORE_RETRIES, STORE_RETRY_DELAY_S, prepare_store

Lang = Literal["pl", "nb", "en"]
T = TypeVar("T")

# Files per validation (and publishing) task: enough to amortise a task's bookkeeping
# (a few API calls), few enough that the chunks spread over the workers. A bigger
# batch makes bigger chunks rather than more than MAX_CHUNKS task runs of each kind.
CHUNK_SIZE, MAX_CHUNKS = 25, 40
# From this many files the batch is validated on a process pool: below it, starting
# the workers (each imports Prefect and openpyxl, 2-4 s) costs more than the second
# core saves (benchmarks/README.md, "Scale").
PROCESSES_FROM = 400
# Paths up to this size (serialised as Prefect measures a run's parameters) are the run's
# ``files``, which the Prefect UI shows on the run's page: a city's upload, or a few
# hundred files, stay readable there. A bigger batch goes in a manifest, far below the
# server's limit (512 KiB by default) for any count.
FILES_INLINE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Batch:
    """The intake's ``files`` and ``manifest`` parameters for a batch of paths."""

    files: list[str]
    manifest: str | None = None


def batch(paths: list[str], settings: config.Settings) -> Batch:
    """``paths`` as the flow's parameters: the paths while they are small, a manifest
    under ``settings.manifests_dir`` otherwise."""
    if len(json.dumps(paths, separators=(",", ":"))) <= FILES_INLINE_BYTES:
        return Batch(paths)
    return Batch([], str(write_manifest(settings.manifests_dir, paths, kind="intake")))


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
    report_name: str  # the stem of both report files, one per call, city and version
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
    """Each file's report as HTML and JSON files under the home.

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
        report_name=name,
        note=i18n.word(receipt.note.msgid, lang, receipt.note.values) if receipt.note else "",
    )


def report_name(
    call_code: str, applicant: Applicant | None, outcome: intake_service.SubmissionOutcome
) -> str:
    """The report's file name: one per call, city and version.

    ``validation-stage1-outline-0662011-v2``. By TERYT, not by name: two towns
    may share a name, and a city's Stage 2 report must not replace its Stage 1
    one. An upload of no known city is named by its submission.
    """
    if applicant is not None and outcome.version_no is not None:
        return f"validation-{slug(call_code)}-{slug(applicant.teryt)}-v{outcome.version_no}"
    return f"validation-{slug(call_code)}-upload-{outcome.submission_id}"


def chunks(items: list[T], size: int | None = None) -> list[list[T]]:
    """``items`` in chunks of ``size``; by default of ``CHUNK_SIZE``, or bigger ones when
    that would make more than ``MAX_CHUNKS``."""
    size = size or max(CHUNK_SIZE, math.ceil(len(items) / MAX_CHUNKS))
    return [items[start : start + size] for start in range(0, len(items), size)]


def validation_runner(files: int) -> ProcessPoolTaskRunner | ThreadPoolTaskRunner[list[Checked]]:
    """Where ``files`` files are validated (see the module)."""
    return ProcessPoolTaskRunner() if files >= PROCESSES_FROM else ThreadPoolTaskRunner()


def publish_index(call_code: str, summaries: list[FileSummary], reports: Path) -> None:
    """One table artifact for the run: a row per file, naming its stored report."""
    valid = sum(1 for s in summaries if s.valid)
    create_table_artifact(
        key=f"validation-reports-{slug(call_code)}",
        table=[
            {
                "file": s.file,
                "city": s.city or "",
                "teryt": s.teryt or "",
                "version": s.version_no,
                "new": s.created,
                "valid": s.valid,
                "errors": s.errors,
                "warnings": s.warnings,
                "report": f"{s.report_name}.html",
                "note": s.note,
            }
            for s in summaries
        ],
        description=(
            f"Validation reports of {call_code}: {len(summaries)} files, {valid} valid; "
            f"each report as HTML and JSON in {reports}"
        ),
    )


@flow(name="intake", log_prints=False)
def intake(
    files: list[str] | None = None,
    manifest: str | None = None,
    call_code: str = "stage1-outline",
    submitted_by: str = "cli",
    programme_file: str | None = None,
    lang: Lang = "en",
    as_of: datetime | None = None,
) -> list[FileSummary]:
    """Validate uploaded outlines, keep each as a version of its city's application
    (received now, or at ``as_of``), and publish every validation report.

    The uploads are ``files`` and then those ``manifest`` names, a path per line
    (:func:`batch` chooses for a caller). A named file that is gone gets its report."""
    paths = [*(files or []), *(read_manifest(Path(manifest)) if manifest else [])]
    settings = config.load()
    stage = (
        checking.programme_for(Path(programme_file) if programme_file else None, call_code)
        .call(call_code)
        .stage
    )
    prepare_store(settings.database_url)
    progress.expect(len(paths))
    shortlist = read_shortlist(settings, call_code, programme_file)
    with workers_share_this_server(), validation_runner(len(paths)) as runner:
        validated = runner.map(
            validate,
            {
                "paths": chunks(paths),
                "call_code": unmapped(call_code),
                "programme_file": unmapped(programme_file),
                "shortlist": unmapped(shortlist),
            },
        )
        # Prefect 3.9's stubs of a runner's ``map`` type each result as a future again.
        results = cast("list[list[Checked]]", validated.result())
    checked = [c for chunk in results for c in chunk]
    # quote(): Prefect walks a task's parameters for futures to wait for; walking
    # 10,000 checked files (their reports, outlines and bytes) took it seconds, and
    # these hold none. Prefect hands the task the list itself (its stubs do not say so).
    receipts = store(  # type: ignore[call-overload]
        quote(checked),
        settings=settings,
        call_code=call_code,
        stage=stage,
        submitted_by=submitted_by,
        as_of=as_of,
    )
    received = list(zip(checked, receipts, strict=True))
    published = publish.map(
        [quote(chunk) for chunk in chunks(received)],
        unmapped(settings),
        unmapped(lang),
        unmapped(call_code),
    ).result()
    summaries = [summary for chunk in published for summary in chunk]
    publish_index(call_code, summaries, settings.reports_dir)
    return summaries
