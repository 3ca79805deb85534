"""Intake: uploaded outlines -> validation report -> stored version -> report artifact.

The flow orders the steps; the rules live in ``grantflow.checking``
(reading, validating) and ``grantflow.services.intake`` (versions,
idempotency). Running it twice on the same files changes nothing the second
time: every file comes back with ``created=False``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from prefect import flow, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from grantflow import checking, config
from grantflow.adapters import report_render
from grantflow.adapters.files import LocalFileStore
from grantflow.adapters.store import SqlUnitOfWork, make_engine, migrate
from grantflow.services import intake as intake_service
from grantflow.services.intake import Applicant
from grantflow.validation.outline import ValidationResult
from grantflow.validation.report import Report

Lang = Literal["pl", "nb", "en"]

# Files per validation task: enough to amortise a task's bookkeeping
# (a few API calls), few enough that the chunks spread over the threads.
CHUNK_SIZE = 25
# SQLite can be locked for a moment by another writer (a CLI next to a flow);
# the busy timeout covers most of it, a retry the rest. Safe: storing is idempotent.
STORE_RETRIES, STORE_RETRY_DELAY_S = 2, 2


@dataclass(frozen=True)
class Checked:
    path: str
    result: ValidationResult
    applicant: Applicant | None


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


# Letters that Unicode does not decompose into a base letter and an accent.
_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "đ": "d"})


def slug(text: str) -> str:
    """``Hrubieszów`` -> ``hrubieszow``: artifact keys allow a-z, 0-9 and dashes."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII))
    ascii_text = decomposed.encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split()) or "file"


@task(cache_policy=NO_CACHE)
def validate(paths: list[str], call_code: str, programme_file: str | None) -> list[Checked]:
    """Read and validate a chunk of files. Never raises on bad input: it is in the reports."""
    programme = checking.programme_for(Path(programme_file) if programme_file else None, call_code)
    checked = []
    for path in paths:
        raw, result = checking.check_file(Path(path), programme, call_code)
        checked.append(Checked(path, result, intake_service.identify(raw, result)))
    return checked


@task(cache_policy=NO_CACHE)
def prepare_store(database_url: str) -> None:
    migrate(database_url)


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def store(
    checked: list[Checked],
    *,
    settings: config.Settings,
    call_code: str,
    stage: int,
    submitted_by: str,
) -> list[intake_service.SubmissionOutcome]:
    engine = make_engine(settings.database_url)
    try:
        uow, files = SqlUnitOfWork(engine), LocalFileStore(settings.home)
        return [
            intake_service.submit(
                uow,
                files,
                file_name=Path(item.path).name,
                content=Path(item.path).read_bytes(),
                result=item.result,
                applicant=item.applicant,
                call_code=call_code,
                stage=stage,
                submitted_by=submitted_by,
            )
            for item in checked
        ]
    finally:
        engine.dispose()


@task(cache_policy=NO_CACHE)
def publish(
    item: Checked, outcome: intake_service.SubmissionOutcome, settings: config.Settings, lang: Lang
) -> FileSummary:
    """The report as a Prefect artifact and as HTML and JSON files under the home."""
    file_report = item.result.report
    report = Report([file_report])
    who = item.applicant.city_name if item.applicant else Path(item.path).stem
    key = f"validation-{slug(who)}"
    name = (
        f"{key}-v{outcome.version_no}" if outcome.version_no else f"{key}-{outcome.submission_id}"
    )
    files = LocalFileStore(settings.home)
    html = files.save_report(name, "html", report_render.render(report, "html", lang))
    json_path = files.save_report(name, "json", report_render.render(report, "json", lang))
    create_markdown_artifact(
        key=key,
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
        artifact_key=key,
    )


def chunks(items: list[str], size: int = CHUNK_SIZE) -> list[list[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


@flow(name="intake", log_prints=False)
def intake(
    files: list[str],
    call_code: str = "stage1-outline",
    submitted_by: str = "cli",
    programme_file: str | None = None,
    lang: Lang = "en",
) -> list[FileSummary]:
    """Validate uploaded outlines, keep each as a version of its city's application,
    and publish every validation report."""
    settings = config.load()
    stage = (
        checking.programme_for(Path(programme_file) if programme_file else None, call_code)
        .call(call_code)
        .stage
    )
    prepare_store(settings.database_url)
    checked = [
        c
        for chunk in validate.map(chunks(files), call_code, programme_file).result()
        for c in chunk
    ]
    outcomes = store(
        checked, settings=settings, call_code=call_code, stage=stage, submitted_by=submitted_by
    )
    return publish.map(checked, outcomes, unmapped(settings), unmapped(lang)).result()
