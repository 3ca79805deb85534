"""The document kinds the programme has: the one list the CLI, the flows and the store read.

``DOCUMENT_KINDS`` holds the shipped kinds in the order the batch makes
them. A kind the registry lacks is ``UnknownDocumentKind`` wherever its
code is used, never some other document. Adding a kind: write its module
under ``kinds/``, add it to ``DOCUMENT_KINDS`` below, add its templates and
catalog entries (``docs/architecture.md``, "Adding a document kind").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from grantflow.domain.errors import NotFound
from grantflow.services.documents.kind import DocumentKind
from grantflow.services.documents.kinds.agreement import AGREEMENT
from grantflow.services.documents.kinds.application import APPLICATION
from grantflow.services.documents.kinds.decision import DECISION
from grantflow.services.documents.kinds.final_report import FINAL_REPORT
from grantflow.services.documents.kinds.publication import PUBLICATION
from grantflow.services.documents.rendering import FORMATS, Format


class UnknownDocumentKind(NotFound):
    """A document kind the registry does not list."""


class DocumentKinds:
    """An ordered, read-only set of kinds by code."""

    def __init__(self, kinds: Iterable[DocumentKind[Any]]) -> None:
        self._kinds: dict[str, DocumentKind[Any]] = {}
        for kind in kinds:
            if kind.code in self._kinds:
                raise ValueError(f"the document kind {kind.code!r} is registered twice")
            self._kinds[kind.code] = kind

    def __iter__(self) -> Iterator[DocumentKind[Any]]:
        return iter(self._kinds.values())

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self._kinds)

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language some kind exists in, in order of first appearance."""
        return tuple(dict.fromkeys(lang for kind in self for lang in kind.languages))

    @property
    def formats(self) -> tuple[Format, ...]:
        """Every format some kind exists in."""
        return tuple(fmt for fmt in FORMATS if any(fmt in kind.formats for kind in self))

    def kind(self, code: str) -> DocumentKind[Any]:
        try:
            return self._kinds[code]
        except KeyError:
            raise UnknownDocumentKind(
                f"no document kind {code!r}; the kinds are {', '.join(self._kinds)}"
            ) from None

    def select(self, codes: Iterable[str] | None) -> list[DocumentKind[Any]]:
        """The kinds of ``codes`` in the order given (every kind for None)."""
        return list(self) if codes is None else [self.kind(code) for code in codes]

    def with_kind(self, kind: DocumentKind[Any]) -> DocumentKinds:
        """These kinds and ``kind`` after them."""
        return DocumentKinds([*self, kind])


DOCUMENT_KINDS = DocumentKinds([APPLICATION, DECISION, AGREEMENT, FINAL_REPORT, PUBLICATION])
