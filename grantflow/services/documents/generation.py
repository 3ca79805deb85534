"""Which documents to make, from the store through the registry, and making them.

``programme_requests`` asks each selected kind's planner what the store
holds, in one transaction, then builds a request per language and format
the kind exists in. Files go to ``<folder>/<stem>.<fmt>``: an application's
document to ``<kind>/<call>/<city>.<fmt>``, a kind in several languages with
the language added (``publication/publication-nb.pdf``). The flow and the
CLI only choose what to render and where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from grantflow.domain.errors import DocumentError
from grantflow.domain.programme import Programme
from grantflow.services.documents.kind import DocumentKind, Planned
from grantflow.services.documents.registry import DOCUMENT_KINDS, DocumentKinds
from grantflow.services.documents.rendering import (
    DocumentLog,
    DocumentRenderer,
    GeneratedDocument,
    RenderRequest,
)
from grantflow.services.documents.sources import Sources
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.validation.form import FormDefinition


@dataclass(frozen=True)
class Selection:
    """Which documents to make: ``None`` means all (every kind, application, language, format)."""

    kinds: tuple[str, ...] | None = None  # codes of the registry's kinds
    application_id: int | None = None
    lang: str | None = None
    fmt: str | None = None


def programme_requests(
    uow: UnitOfWork,
    *,
    programme: Programme,
    form: FormDefinition,
    folder: Path,
    selection: Selection,
    issued: date,
    kinds: DocumentKinds = DOCUMENT_KINDS,
) -> list[RenderRequest]:
    """Every document ``selection`` asks for, read from the store in one transaction.

    ``issued``: the date of programme-wide documents (the publication). With
    ``selection.application_id`` only that application's documents (never a
    programme-wide one). ``UnknownDocumentKind`` for a kind ``kinds`` lacks,
    NotFound for an unknown application.
    """
    wanted = kinds.select(selection.kinds)
    with uow:
        if selection.application_id is not None:
            uow.applications.get(selection.application_id)  # NotFound for an unknown id
        sources = Sources(uow, programme, form, issued)
        planned: list[tuple[DocumentKind[Any], Planned[Any]]] = [
            (kind, plan)
            for kind in wanted
            if not (kind.programme_wide and selection.application_id is not None)
            for plan in kind.plan(sources)
        ]
    requests = []
    for kind, plan in planned:
        if selection.application_id not in (None, plan.application_id):
            continue
        for lang in kind.languages:
            if selection.lang not in (None, lang):
                continue
            # A document in one language keeps its plain name; the editions of a
            # kind in several are told apart by theirs.
            stem = plan.stem if len(kind.languages) == 1 else f"{plan.stem}-{lang}"
            for fmt in kind.formats:
                if selection.fmt not in (None, fmt):
                    continue
                requests.append(
                    kind.request(
                        plan.subject,
                        lang=lang,
                        fmt=fmt,
                        target=folder / f"{stem}.{fmt}",
                        application_id=plan.application_id,
                    )
                )
    return requests


def render_batch(
    requests: Sequence[RenderRequest], renderer: DocumentRenderer
) -> tuple[list[GeneratedDocument], list[tuple[RenderRequest, str]]]:
    """Render each request; (documents, failures with their reason) — one failure loses no other.

    Only ``DocumentError`` (a document that cannot be made) is a failure; a
    programming error still raises.
    """
    done: list[GeneratedDocument] = []
    failed: list[tuple[RenderRequest, str]] = []
    for request in requests:
        try:
            done.append(renderer.render(request))
        except DocumentError as exc:
            failed.append((request, str(exc)))
    return done, failed


def generate(
    request: RenderRequest,
    *,
    renderer: DocumentRenderer,
    log: DocumentLog | None = None,
    kinds: DocumentKinds = DOCUMENT_KINDS,
) -> GeneratedDocument:
    """Render one request (made by its kind) and record it in ``log``.

    A request made by hand is checked first: its kind must be registered
    and exist in its language and format.
    """
    kinds.kind(request.kind).check(request.lang, request.fmt)
    document = renderer.render(request)
    if log is not None:
        log.record([document])
    return document
