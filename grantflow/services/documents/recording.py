"""Recording generated files in the store: one record per file and its SHA-256.

``StoreDocumentLog`` is the ``DocumentLog`` port on the store. Only a kind
the registry lists is recorded: a file of any other kind is
``UnknownDocumentKind`` and nothing of its batch is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from grantflow.services.documents.registry import DOCUMENT_KINDS, DocumentKinds
from grantflow.services.documents.rendering import GeneratedDocument
from grantflow.services.ports.clock import Clock
from grantflow.services.ports.documents import DocumentRecord
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.services.retry import retry_on_conflict


def stored_path(path: Path, home: Path) -> str:
    """Relative to the home when the file lies inside it (the home can move), else absolute."""
    absolute, root = path.resolve(), home.resolve()
    return (
        absolute.relative_to(root).as_posix()
        if absolute.is_relative_to(root)
        else absolute.as_posix()
    )


def record_documents(
    uow: UnitOfWork,
    generated: Sequence[GeneratedDocument],
    *,
    home: Path,
    at: datetime,
    kinds: DocumentKinds = DOCUMENT_KINDS,
) -> int:
    """Record each file with its SHA-256 in one transaction; how many were new.

    A race is only with another recorder of the same bytes: the retry finds its rows.
    """
    for document in generated:
        kinds.kind(document.kind)  # UnknownDocumentKind before anything is written
    records = [
        DocumentRecord(
            kind=d.kind,
            lang=d.lang,
            fmt=d.fmt,
            application_id=d.application_id,
            path=stored_path(d.path, home),
            sha256=d.sha256,
            size=d.size,
            generated_at=at,
        )
        for d in generated
    ]
    return retry_on_conflict(uow, lambda uow: sum(uow.documents.add(r) for r in records))


class StoreDocumentLog:
    """The ``DocumentLog`` port on the store (paths relative to ``home``)."""

    def __init__(
        self,
        uow: UnitOfWork,
        home: Path,
        clock: Clock,
        kinds: DocumentKinds = DOCUMENT_KINDS,
    ) -> None:
        self._uow, self._home, self._clock, self._kinds = uow, home, clock, kinds
        self.new = 0  # records added so far (identical bytes recorded before are not)

    def record(self, documents: Sequence[GeneratedDocument]) -> None:
        self.new += record_documents(
            self._uow, documents, home=self._home, at=self._clock.now(), kinds=self._kinds
        )
