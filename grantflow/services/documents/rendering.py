"""A document to render, the file it gives, and the ports that render and record them.

A context is plain data (dicts, lists, ``str``, ``Decimal``, ``date``):
labels come from the form's vocabularies, amounts stay ``Decimal`` and dates
stay ``date`` so the templates format them per locale (filters
``format_money``, ``format_number``, ``format_date``). The variables each
template may use are documented in ``templates/variables.yaml``; a test
checks that list against the contexts the kinds build.

Rendering (docx through docxtpl, PDF through WeasyPrint) and the manifest
are adapters behind the ``DocumentRenderer`` and ``DocumentLog`` ports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, Protocol

Format = Literal["docx", "pdf"]
# Every format a renderer makes: docx from a docx template, PDF from an HTML one.
FORMATS: tuple[Format, ...] = ("docx", "pdf")
# Accessible PDF/UA by default; PDF/A-3b (archiving) on request, still tagged.
PdfVariant = Literal["pdf/ua-1", "pdf/a-3b"]


@dataclass(frozen=True)
class GeneratedDocument:
    """A file written by a renderer, identified by its content hash."""

    path: Path
    kind: str
    lang: str
    fmt: str
    sha256: str
    size: int
    application_id: int | None = None  # the application it is about; None: programme-wide


@dataclass(frozen=True)
class RenderRequest:
    kind: str  # the code of its ``DocumentKind``
    lang: str
    fmt: Format
    context: Mapping[str, Any]
    title: str  # the document's title in its metadata (PDF /Title, docx core title)
    issued: date  # creation and modification date in the metadata: fixed, so output is stable
    target: Path
    template: (
        str  # relative to the template folder: "decision/pl.docx", "decision/decision.html.j2"
    )
    pdf_variant: PdfVariant = "pdf/ua-1"
    # The stored application the document is about, recorded with the file;
    # None for a programme-wide document or a preview made without the store.
    application_id: int | None = None


class DocumentRenderer(Protocol):
    def render(self, request: RenderRequest) -> GeneratedDocument:
        """Write ``request.target``; raise ``DocumentError`` when it cannot."""


class DocumentLog(Protocol):
    """Where generated files are recorded (the manifest next to them, the store)."""

    def record(self, documents: Sequence[GeneratedDocument]) -> None: ...
