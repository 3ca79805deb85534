"""Documents: a batch of render requests -> files, their manifest, and a Prefect artifact.

The requests come ready-made from ``grantflow.services.documents``
(``application_request``, ``agreement_request``, ``final_report_request``,
``publication_request``, ...): the flow only spreads them over processes.
Rendering a PDF is CPU-bound Python (WeasyPrint), so the flow runs on
Prefect's ``ProcessPoolTaskRunner``, one task per chunk of documents: a
task per document would spend more on bookkeeping than on a one-page letter.

A document that cannot be made (``DocumentError``) is reported in the result
and the log; the other documents of its chunk and of the batch are kept. A
worker that dies takes its chunk with it, and every document of that chunk
is reported failed. The manifest is written once, by the flow, after every
worker has returned: workers never race for ``manifest.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ProcessPoolTaskRunner

from grantflow.adapters.documents.manifest import JsonManifest
from grantflow.adapters.documents.renderer import TemplateRenderer
from grantflow.services import documents
from grantflow.services.documents import GeneratedDocument, Kind, RenderRequest

# Documents per task: a chunk amortises a task's bookkeeping (and each
# worker's WeasyPrint warm-up) yet leaves enough chunks to keep both cores busy.
CHUNK_SIZE = 4


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


def _failure(request: RenderRequest, reason: str) -> Failure:
    return Failure(str(request.target), request.kind, request.lang, request.fmt, reason)


@task(cache_policy=NO_CACHE)
def render_chunk(requests: list[RenderRequest]) -> Chunk:
    """Render a chunk in this worker process; a failed document does not stop the chunk."""
    done, failed = documents.render_batch(requests, TemplateRenderer())
    return Chunk(done, [_failure(request, reason) for request, reason in failed])


def chunks(requests: Sequence[RenderRequest], size: int) -> list[list[RenderRequest]]:
    return [list(requests[start : start + size]) for start in range(0, len(requests), size)]


# Prefect types task_runner for its own futures; the process pool hands out
# concurrent ones, which the flow consumes the same way.
@flow(
    name="documents",
    task_runner=ProcessPoolTaskRunner(),  # type: ignore[arg-type]
    validate_parameters=False,
)
def generate_documents(
    requests: list[RenderRequest],
    folder: str,
    kinds: list[Kind] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> BatchResult:
    """Render ``requests`` (only those of ``kinds`` when given) into ``folder``.

    Every target must lie inside ``folder``: its manifest lists them.
    """
    logger = get_run_logger()
    root = Path(folder).resolve()
    wanted = [r for r in requests if kinds is None or r.kind in kinds]
    outside = [r for r in wanted if not r.target.resolve().is_relative_to(root)]
    failures = [_failure(r, f"the target is outside the batch folder {root}") for r in outside]
    todo = [r for r in wanted if r not in outside]
    batches = chunks(todo, max(chunk_size, 1))
    futures: dict[PrefectFuture[Chunk], list[RenderRequest]] = {
        render_chunk.submit(batch): batch for batch in batches
    }
    rendered: dict[Path, GeneratedDocument] = {}
    finished = 0
    for future in as_completed(list(futures)):
        batch = futures[future]
        try:
            chunk = future.result()
        except Exception as exc:  # a dead worker: report its chunk, keep the rest
            chunk = Chunk([], [_failure(r, f"worker failed: {exc!r}") for r in batch])
        rendered.update((document.path, document) for document in chunk.documents)
        failures.extend(chunk.failures)
        for failure in chunk.failures:
            logger.error("cannot render %s: %s", failure.target, failure.reason)
        finished += len(batch)
        logger.info("%d/%d documents rendered", finished, len(todo))
    generated = [rendered[r.target] for r in todo if r.target in rendered]
    manifest = JsonManifest(root)
    manifest.record(generated)
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
        "%d documents generated, %d failed; manifest %s",
        len(generated),
        len(failures),
        root / "manifest.json",
    )
    return BatchResult(generated, failures, str(root / "manifest.json"))
