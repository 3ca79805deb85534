"""Render documents: docx through docxtpl, PDF through WeasyPrint, byte for byte reproducible.

Layout of the template folder (``grantflow.resources.templates()``):
``<kind>/<lang>.docx`` (operators edit them in Word or LibreOffice),
``<kind>/<kind>.html.j2`` extending ``base.html.j2`` with ``style.css`` and
the embedded fonts in ``fonts/``. Both kinds of template are Jinja with
autoescape on: user text is always text (an ``&`` or ``<`` in a city name
stays literal), and with ``StrictUndefined`` a misspelt variable fails the
rendering instead of leaving a silent gap.

HTML templates are translated with Jinja's i18n extension (``{{ _("…") }}``)
from the gettext catalogs of ``grantflow/locale``; docx templates are written
in their own language, one file per language, so an operator edits the
wording directly.
"""

from __future__ import annotations

import hashlib
import io
import os
from datetime import datetime, time
from functools import cache
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from grantflow import resources
from grantflow.adapters import i18n
from grantflow.adapters.documents import charts
from grantflow.adapters.documents.fetcher import TemplateFetcher
from grantflow.adapters.documents.formatting import filters
from grantflow.adapters.reproducible import stable_zip
from grantflow.domain.errors import DocumentError
from grantflow.services.documents import GeneratedDocument, RenderRequest

# fontTools stamps each embedded font subset with the current time unless
# SOURCE_DATE_EPOCH is set (the reproducible-builds convention); the same
# instant as reproducible.ZIP_EPOCH keeps PDFs reproducible. A value set by
# the caller wins.
_FONT_EPOCH = "315532800"  # 1980-01-01T00:00:00Z


class TemplateRenderer:
    """The ``DocumentRenderer`` port over the template folder ``root``."""

    def __init__(self, root: Path | None = None) -> None:
        self._root = (root or resources.templates()).resolve()

    def render(self, request: RenderRequest) -> GeneratedDocument:
        try:
            data = self._docx(request) if request.fmt == "docx" else self._pdf(request)
        except (jinja2.TemplateError, FatalURLFetchingError, OSError, ValueError) as exc:
            raise DocumentError(
                f"cannot render the {request.kind} ({request.lang}, {request.fmt}): {exc}"
            ) from exc
        request.target.parent.mkdir(parents=True, exist_ok=True)
        request.target.write_bytes(data)
        return GeneratedDocument(
            path=request.target,
            kind=request.kind,
            lang=request.lang,
            fmt=request.fmt,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
        )

    # --- docx ---------------------------------------------------------------

    def docx_template(self, kind: str, lang: str) -> Path:
        path = self._root / kind / f"{lang}.docx"
        if not path.is_file():
            raise DocumentError(f"no docx template for the {kind} in {lang}: {path}")
        return path

    def _docx(self, request: RenderRequest) -> bytes:
        template = DocxTemplate(self.docx_template(request.kind, request.lang))
        template.render(dict(request.context), _docx_environment(request.lang), autoescape=True)
        # Set after rendering, as plain values: docxtpl would run core properties
        # through the autoescaping environment and double-escape an "&" in a title.
        properties = template.core_properties
        stamp = datetime.combine(request.issued, time())
        properties.title = request.title
        properties.language = request.lang
        properties.created = stamp
        properties.modified = stamp
        properties.last_printed = stamp
        properties.revision = 1
        buffer = io.BytesIO()
        template.save(buffer)
        return stable_zip(buffer.getvalue())

    # --- pdf ----------------------------------------------------------------

    def _pdf(self, request: RenderRequest) -> bytes:
        environment = _html_environment(self._root, request.lang)
        template = environment.get_template(f"{request.kind}/{request.kind}.html.j2")
        html = template.render(dict(request.context))
        document = HTML(
            string=html,
            base_url=self._root.as_uri() + "/",
            url_fetcher=TemplateFetcher(self._root),
        )
        # The file identifier would otherwise be a hash of the whole output;
        # deriving it from the input states "same input, same document" directly.
        os.environ.setdefault("SOURCE_DATE_EPOCH", _FONT_EPOCH)
        identifier = hashlib.sha256(f"{request.pdf_variant}\n{html}".encode()).digest()[:16]
        pdf: bytes = document.write_pdf(
            pdf_variant=request.pdf_variant,
            pdf_tags=True,
            pdf_identifier=identifier,
        )
        return pdf


@cache
def _docx_environment(lang: str) -> jinja2.Environment:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    environment.filters.update(filters(lang))
    return environment


@cache
def _html_environment(root: Path, lang: str) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(  # type: ignore[attr-defined]  # added by the i18n extension
        i18n.translations(lang), newstyle=True
    )
    formatting = filters(lang)
    environment.filters.update(formatting)
    # Charts only in HTML: a docx has no inline SVG.
    environment.filters.update(charts.filters(formatting))
    return environment
