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

from datetime import date
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from grantflow import config
from grantflow.adapters.store import make_engine
from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
from grantflow.services.documents import KINDS, Kind, RenderRequest
from grantflow.services.programme_documents import Selection, programme_requests
from grantflow.validation import form
from workflows.documents import BatchResult, generate_documents
from workflows.lifecycle_store import (
    STORE_RETRIES,
    STORE_RETRY_DELAY_S,
    prepare_store,
    programme_of,
    today,
)


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def plan(
    settings: config.Settings,
    folder: str,
    kinds: list[Kind],
    programme_file: str | None,
    issued: date,
) -> list[RenderRequest]:
    engine = make_engine(settings.database_url)
    try:
        return programme_requests(
            SqlUnitOfWork(engine),
            programme=programme_of(programme_file),
            form=form.load("outline"),
            folder=Path(folder).resolve(),
            selection=Selection(tuple(kinds)),
            issued=issued,
        )
    finally:
        engine.dispose()


@flow(name="programme-documents", log_prints=False)
def programme_documents(
    folder: str,
    kinds: list[Kind] | None = None,
    programme_file: str | None = None,
    issued: date | None = None,
) -> BatchResult:
    """Render every document of ``kinds`` (default: all) the store holds into ``folder``."""
    settings = config.load()
    prepare_store(settings.database_url)
    requests = plan(settings, folder, kinds or list(KINDS), programme_file, issued or today())
    return generate_documents(requests, folder, settings=settings)
