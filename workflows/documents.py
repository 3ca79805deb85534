"""Documents: a batch of render requests -> files, their manifest, and a Prefect artifact.

The requests come ready-made from the document kinds
(``grantflow.services.documents``: ``programme_requests``, or one kind's
``request``): the flow only spreads them over processes.
Rendering a PDF is CPU-bound Python (WeasyPrint), so the flow runs one task
per chunk of documents in other processes: a task per document would spend
more on bookkeeping than on a one-page letter. Where the chunks run is
``task_runner``'s choice: the scheduler in ``GRANTFLOW_DASK_ADDRESS`` (Dask
workers on several machines) when set, else a Dask ``LocalCluster`` for a
big batch, else Prefect's process pool, which starts sooner.

A document that cannot be made (``DocumentError``) is reported in the result
and the log; the other documents of its chunk and of the batch are kept. A
worker that dies takes its chunk with it: Dask's scheduler runs that chunk
again on another worker (and reports it failed if it kills workers again and
again); on the process pool every document of the chunk is reported failed.
The manifest is written once, by the flow, after every worker has returned:
workers never race for ``manifest.json``. Given the settings of a store, the
flow also records every file there
(``grantflow.services.documents.recording.record_documents``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner
from prefect_dask.task_runners import DaskTaskRunner

from grantflow import bootstrap, config
from grantflow.adapters.batch_file import read_batch, write_batch
from grantflow.adapters.documents.manifest import JsonManifest
from grantflow.services.documents.generation import render_batch
from grantflow.services.documents.recording import record_documents
from grantflow.services.documents.registry import DOCUMENT_KINDS
from grantflow.services.documents.rendering import GeneratedDocument, RenderRequest
from workflows import progress
from workflows.runners import workers_share_this_server
from workflows.store import STORE_RETRIES, STORE_RETRY_DELAY_S

# Documents per task: a chunk amortises a task's bookkeeping (and each
# worker's WeasyPrint warm-up) yet leaves enough chunks to keep both cores busy.
CHUNK_SIZE = 4
# From this many documents a batch runs on a Dask LocalCluster: its few
# seconds of start-up are then small beside the rendering (benchmarks/README.md).
DASK_FROM = 400
# Requests up to this size (serialised) are the flow run's ``requests``; a bigger batch is
# a batch file, far below the size Prefect's server accepts in a run's parameters
# (512 KiB: the documents of about 150 applications).
REQUESTS_INLINE_BYTES = 64 * 1024


@dataclass(frozen=True)
class Failure:
    target: str
    kind: str
    lang: str
    fmt: str
    reason: str


@dataclass(frozen=True)
class Chunk:
    documents: list[GeneratedDocument]
    failures: list[Failure]


@dataclass(frozen=True)
class BatchResult:
    documents: list[GeneratedDocument]  # in the order of the requests
    failures: list[Failure]
    manifest: str  # path of manifest.json
    recorded: int = 0  # documents new to the store (identical bytes recorded before are not)


def _failure(request: RenderRequest, reason: str) -> Failure:
    return Failure(str(request.target), request.kind, request.lang, request.fmt, reason)


@task(cache_policy=NO_CACHE)
def render_chunk(requests: list[RenderRequest]) -> Chunk:
    """Render a chunk in this worker process; a failed document does not stop the chunk."""
    done, failed = render_batch(requests, bootstrap.make_renderer())
    return Chunk(done, [_failure(request, reason) for request, reason in failed])


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def record_in_store(
    generated: list[GeneratedDocument], settings: config.Settings, as_of: datetime | None
) -> int:
    """Each file with its SHA-256 in the store (idempotent, so a retry is safe)."""
    with bootstrap.build(settings=settings, as_of=as_of) as wired:
        wired.migrate()
        return record_documents(
            wired.unit_of_work(), generated, home=settings.home, at=wired.clock.now()
        )


def task_runner(documents: int, dask_address: str | None) -> TaskRunner[Any]:
    """Where a batch of ``documents`` runs (see the module)."""
    if dask_address:
        return DaskTaskRunner(address=dask_address)
    if documents >= DASK_FROM:
        # One single-threaded worker per core: WeasyPrint holds the GIL.
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": os.cpu_count() or 1, "threads_per_worker": 1}
        )
    return ProcessPoolTaskRunner()


def chunks(requests: Sequence[RenderRequest], size: int) -> list[list[RenderRequest]]:
    return [list(requests[start : start + size]) for start in range(0, len(requests), size)]


@flow(name="documents", validate_parameters=False)
def render_documents(
    requests: list[RenderRequest],
    folder: str,
    kinds: list[str] | None = None,
    chunk_size: int = CHUNK_SIZE,
    settings: config.Settings | None = None,
    as_of: datetime | None = None,
    batch_file: str | None = None,
) -> BatchResult:
    """Render ``requests`` and those of ``batch_file`` (only those of ``kinds`` when
    given) into ``folder`` on the flow's task runner; ``generate_documents`` chooses
    that runner, and passes a big batch as a file.

    ``kinds`` are codes of the registry's kinds (``UnknownDocumentKind`` for
    another). Every target must lie inside ``folder``: its manifest lists them. With
    ``settings``, every file is also recorded in that store, its path
    relative to ``settings.home``, as made at ``as_of`` (default: now).
    """
    logger = get_run_logger()
    if batch_file is not None:
        folder_of_batches = (settings or config.load()).batches_dir
        requests = [*requests, *read_batch(folder_of_batches, Path(batch_file))]
    root = Path(folder).resolve()
    chosen = {kind.code for kind in DOCUMENT_KINDS.select(kinds)}
    wanted = [r for r in requests if r.kind in chosen]
    outside = [r for r in wanted if not r.target.resolve().is_relative_to(root)]
    failures = [_failure(r, f"the target is outside the batch folder {root}") for r in outside]
    todo = [r for r in wanted if r not in outside]
    batches = chunks(todo, max(chunk_size, 1))
    rendered: dict[Path, GeneratedDocument] = {}
    finished = 0
    progress.expect(len(todo))
    with workers_share_this_server():
        futures: dict[PrefectFuture[Chunk], list[RenderRequest]] = {
            render_chunk.submit(batch): batch for batch in batches
        }
        for future in as_completed(list(futures)):
            batch = futures[future]
            try:
                chunk = future.result()
            except Exception as exc:  # a worker died (too often, on Dask): report its chunk
                chunk = Chunk([], [_failure(r, f"worker failed: {exc!r}") for r in batch])
            rendered.update((document.path, document) for document in chunk.documents)
            failures.extend(chunk.failures)
            for failure in chunk.failures:
                logger.error("cannot render %s: %s", failure.target, failure.reason)
            finished += len(batch)
            logger.info("%d/%d documents rendered", finished, len(todo))
            progress.advance(len(batch))
    generated = [rendered[r.target] for r in todo if r.target in rendered]
    manifest = JsonManifest(root)
    manifest.record(generated)
    # Called, not submitted: recording runs in the flow's process, not in the pool.
    recorded = record_in_store(generated, settings, as_of) if settings is not None else 0
    create_table_artifact(
        key="documents",
        table=[
            {
                "file": d.path.name,
                "kind": d.kind,
                "lang": d.lang,
                "size": d.size,
                "sha256": d.sha256,
            }
            for d in generated
        ]
        + [
            {
                "file": Path(f.target).name,
                "kind": f.kind,
                "lang": f.lang,
                "size": 0,
                "sha256": f"FAILED: {f.reason}",
            }
            for f in failures
        ],
        description=f"{len(generated)} documents generated, {len(failures)} failed",
    )
    logger.info(
        "%d documents generated, %d failed, %d new to the store; manifest %s",
        len(generated),
        len(failures),
        recorded,
        root / "manifest.json",
    )
    return BatchResult(generated, failures, str(root / "manifest.json"), recorded)


def generate_documents(
    requests: list[RenderRequest],
    folder: str,
    kinds: list[str] | None = None,
    chunk_size: int = CHUNK_SIZE,
    settings: config.Settings | None = None,
    as_of: datetime | None = None,
) -> BatchResult:
    """``render_documents`` on the task runner for this batch and ``GRANTFLOW_DASK_ADDRESS``;
    a batch too big for a flow run's parameters goes as a batch file under the home."""
    loaded = config.load()
    runner = task_runner(len(requests), loaded.dask_address)
    batch_file = None
    serialized = render_documents.serialize_parameters({"requests": requests})  # as Prefect does
    if len(json.dumps(serialized)) > REQUESTS_INLINE_BYTES:
        home = settings or loaded
        batch_file = str(write_batch(home.batches_dir, requests, kind="documents"))
        requests = []
    return render_documents.with_options(task_runner=runner)(
        requests, folder, kinds, chunk_size, settings, as_of, batch_file
    )
