"""Render documents: docx through docxtpl, PDF through WeasyPrint, byte for byte reproducible.

A request names its template, relative to the template folder
(``grantflow.resources.templates()`` unless another is given); each kind
declares its own (``grantflow.services.documents.kinds``), by convention
``<kind>/<lang>.docx`` (operators edit them in Word or LibreOffice) and
``<kind>/<kind>.html.j2`` extending ``base.html.j2`` with ``style.css`` and
the embedded fonts in ``fonts/``. Both kinds of template are Jinja with
autoescape on: user text is always text (an ``&`` or ``<`` in a city name
stays literal), and with ``StrictUndefined`` a misspelt variable fails the
rendering instead of leaving a silent gap.

HTML templates are translated with Jinja's i18n extension (``{{ _("…") }}``)
from the gettext catalogs (``grantflow/locale`` unless another folder is
given); docx templates are written in their own language, one file per
language, so an operator edits the wording directly.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time
from functools import cache
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from weasyprint import HTML
from weasyprint.text import ffi
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from grantflow import resources
from grantflow.adapters import i18n
from grantflow.adapters.atomic import write_atomically
from grantflow.adapters.documents import accessibility, charts
from grantflow.adapters.documents.fetcher import TemplateFetcher
from grantflow.adapters.documents.formatting import filters
from grantflow.adapters.reproducible import stable_zip
from grantflow.domain.errors import DocumentError, StorageError
from grantflow.services.documents.rendering import GeneratedDocument, RenderRequest

# The same instant as reproducible.ZIP_EPOCH, for fonts (see _font_epoch).
_FONT_EPOCH = "315532800"  # 1980-01-01T00:00:00Z
_FONT_EPOCH_LOCK = threading.Lock()


@contextmanager
def _font_epoch() -> Iterator[None]:
    """``SOURCE_DATE_EPOCH`` set while a PDF is written, and only then.

    When fontTools rewrites a font (WeasyPrint's fallback subsetter without
    HarfBuzz-subset, a variable font made static, colour glyphs removed from
    a fallback emoji font), it stamps the font's ``head`` table with the
    current time, read by ``fontTools.misc.timeTools.timestampNow`` from this
    variable and from nowhere else: neither fontTools nor WeasyPrint 70 takes
    the time as an argument. So it is set around ``write_pdf``, under a lock
    (no other PDF in this process sees it come or go), and removed after. A
    value the caller exported wins and stays.
    """
    with _FONT_EPOCH_LOCK:
        if "SOURCE_DATE_EPOCH" in os.environ:
            yield
            return
        os.environ["SOURCE_DATE_EPOCH"] = _FONT_EPOCH
        try:
            yield
        finally:
            del os.environ["SOURCE_DATE_EPOCH"]


# By process id and template folder: a worker forked from a process that had one
# builds its own, and leaves the inherited one (and its folder of font files, which
# the parent still reads) alone.
_FONT_CONFIGURATIONS: dict[tuple[int, Path], FontConfiguration] = {}


def _font_configuration(root: Path) -> FontConfiguration:
    """This process's WeasyPrint font configuration for the template folder ``root``.

    Built per PDF it cost a scan of the system's fonts and a fresh load of the
    template's @font-face files for every document. One per folder, because
    two folders may each name their own file "DejaVu Sans" and a configuration
    holding both would pick either; a font file replaced on disk under the same
    name is seen by the next process. Only used under ``_FONT_EPOCH_LOCK``: one
    PDF at a time uses it.
    """
    key = (os.getpid(), root)
    if key not in _FONT_CONFIGURATIONS:
        _FONT_CONFIGURATIONS[key] = FontConfiguration()
    return _FONT_CONFIGURATIONS[key]


def fast_font_subsetting() -> bool:
    """Whether WeasyPrint found HarfBuzz's subsetter (Debian: libharfbuzz-subset0).

    Without it WeasyPrint subsets every embedded font with fontTools, several
    times slower: the demo's documents take minutes longer."""
    return ffi.harfbuzz_subset is not None


class TemplateRenderer:
    """The ``DocumentRenderer`` port over the template folder ``root`` and the gettext
    catalogs under ``locale`` (``<lang>/LC_MESSAGES/grantflow.po``)."""

    def __init__(self, root: Path | None = None, locale: Path | None = None) -> None:
        self._root = (root or resources.templates()).resolve()
        self._locale = locale  # None: the shipped catalogs, compiled once for every user

    def render(self, request: RenderRequest) -> GeneratedDocument:
        try:
            data = self._docx(request) if request.fmt == "docx" else self._pdf(request)
        except (jinja2.TemplateError, FatalURLFetchingError, OSError, ValueError) as exc:
            raise DocumentError(
                f"cannot render the {request.kind} ({request.lang}, {request.fmt}): {exc}"
            ) from exc
        try:
            write_atomically(request.target, data)
        except StorageError as exc:
            raise DocumentError(f"cannot write the {request.kind}: {exc}") from exc
        return GeneratedDocument(
            path=request.target,
            kind=request.kind,
            lang=request.lang,
            fmt=request.fmt,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            application_id=request.application_id,
        )

    # --- docx ---------------------------------------------------------------

    def docx_template(self, request: RenderRequest) -> Path:
        """The request's docx template, which must lie inside the template folder."""
        path = (self._root / request.template).resolve()
        if not path.is_relative_to(self._root) or not path.is_file():
            raise DocumentError(
                f"no docx template for the {request.kind} in {request.lang}: {path}"
            )
        return path

    def _docx(self, request: RenderRequest) -> bytes:
        template = DocxTemplate(self.docx_template(request))
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
        environment = _html_environment(self._root, self._locale, request.lang)
        template = environment.get_template(request.template)
        html = template.render(dict(request.context))
        document = HTML(
            string=html,
            base_url=self._root.as_uri() + "/",
            url_fetcher=TemplateFetcher(self._root),
        )
        # The file identifier would otherwise be a hash of the whole output;
        # deriving it from the input states "same input, same document" directly.
        identifier = hashlib.sha256(f"{request.pdf_variant}\n{html}".encode()).digest()[:16]
        with _font_epoch():
            pdf: bytes = document.write_pdf(
                font_config=_font_configuration(self._root),
                pdf_variant=request.pdf_variant,
                pdf_tags=True,
                pdf_identifier=identifier,
                finisher=accessibility.finish_tags,
            )
        return accessibility.complete(pdf)


@cache
def _docx_environment(lang: str) -> jinja2.Environment:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    environment.filters.update(filters(lang))
    return environment


@cache
def _html_environment(root: Path, locale: Path | None, lang: str) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(  # type: ignore[attr-defined]  # added by the i18n extension
        i18n.translations(lang, locale), newstyle=True
    )
    formatting = filters(lang)
    environment.filters.update(formatting)
    # Charts only in HTML: a docx has no inline SVG.
    environment.filters.update(charts.filters(formatting))
    return environment
