"""The programme's documents from the store, as a flow a deployment can run on a schedule.

``workflows.documents.generate_documents`` renders requests it is handed;
this flow is what a Prefect deployment (``prefect.yaml``) runs: it reads
from the store which documents the programme has now (applications,
decisions, agreements, final reports, the publication), renders them into
``folder`` through that flow and records each one with its SHA-256. Same
store, same documents: a re-run writes identical bytes and records nothing
new.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from grantflow import bootstrap, config
from grantflow.services.documents.generation import Selection, programme_requests
from grantflow.services.documents.registry import DOCUMENT_KINDS
from grantflow.services.documents.rendering import RenderRequest
from grantflow.validation import form
from workflows.documents import BatchResult, generate_documents
from workflows.store import STORE_RETRIES, STORE_RETRY_DELAY_S, prepare_store


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def plan(
    settings: config.Settings,
    folder: str,
    kinds: list[str] | None,
    programme_file: str | None,
    issued: date | None,
    as_of: datetime | None,
) -> list[RenderRequest]:
    with bootstrap.build(settings=settings, programme_file=programme_file, as_of=as_of) as wired:
        return programme_requests(
            wired.unit_of_work(),
            programme=wired.programme,
            form=form.load("outline"),
            folder=Path(folder).resolve(),
            selection=Selection(None if kinds is None else tuple(kinds)),
            issued=issued or wired.programme.publication_day(wired.clock.today()),
        )


@flow(name="programme-documents", log_prints=False)
def programme_documents(
    folder: str,
    kinds: list[str] | None = None,
    programme_file: str | None = None,
    issued: date | None = None,
    as_of: datetime | None = None,
) -> BatchResult:
    """Render every document of ``kinds`` (default: every kind of the registry) the store
    holds into ``folder``; the publication dated ``issued`` (default: the day of ``as_of``,
    or today). A kind the registry lacks fails the run (``UnknownDocumentKind``)."""
    DOCUMENT_KINDS.select(kinds)  # an unknown kind fails here, not in plan's store retries
    settings = config.load()
    prepare_store(settings.database_url)
    requests = plan(settings, folder, kinds, programme_file, issued, as_of)
    return generate_documents(requests, folder, settings=settings, as_of=as_of)
