"""What a document kind declares: its code, languages, templates, context builder and planner.

A kind's module (``grantflow/services/documents/kinds/``) builds one
``DocumentKind`` and the registry lists it. Everything else (the CLI's
choices, the batch, the flows, the store's record) reads the registry, so
adding a kind is its module, its templates and its catalog entries
(``docs/architecture.md``, "Adding a document kind").

``T`` is the kind's subject: the plain data one document is made from (a
decision letter, an agreement's terms, ...). The planner finds the subjects
the store holds now; the context builder turns one subject into what the
template gets, in one language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from grantflow.services.documents.rendering import FORMATS, Format, PdfVariant, RenderRequest
from grantflow.services.documents.sources import Sources

T = TypeVar("T")


# The store records each document's kind in a column of this width
# (``adapters/store/models/documents.py``).
MAX_CODE_LENGTH = 20


@dataclass(frozen=True)
class Planned(Generic[T]):
    """One document the store holds, before its language and format are chosen."""

    application_id: int | None  # None: programme-wide
    stem: str  # the file's path below the output folder, without the suffix
    subject: T


@dataclass(frozen=True)
class DocumentKind(Generic[T]):
    """A kind of document: what it is made of and from which templates.

    ``templates``: the template of each format the kind exists in, relative
    to the template folder, ``{lang}`` standing for the language:
    ``{"docx": "decision/{lang}.docx", "pdf": "decision/decision.html.j2"}``.
    ``build_context(subject, lang)`` returns the template's variables with a
    ``document`` part (``title``, ``issued_on``, ``lang``) that becomes the
    file's metadata. ``plan(sources)`` lists the documents of this kind the
    store holds. A ``programme_wide`` kind has one document for the whole
    programme (``application_id`` None), never made for a single application.
    """

    code: str
    languages: tuple[str, ...]
    templates: Mapping[Format, str]
    build_context: Callable[[T, str], dict[str, Any]]
    plan: Callable[[Sources], list[Planned[T]]]
    programme_wide: bool = False

    def __post_init__(self) -> None:
        if not self.code.isidentifier() or not self.code.islower():
            raise ValueError(f"a kind's code is a lower-case identifier, not {self.code!r}")
        if len(self.code) > MAX_CODE_LENGTH:
            raise ValueError(
                f"a kind's code has at most {MAX_CODE_LENGTH} letters (the store keeps it), "
                f"not {self.code!r}"
            )
        if not self.languages:
            raise ValueError(f"the {self.code} needs at least one language")
        unknown = sorted(set(self.templates) - set(FORMATS))
        if unknown or not self.templates:
            raise ValueError(
                f"the {self.code} needs templates for formats among {', '.join(FORMATS)}, "
                f"not {', '.join(unknown) or 'none'}"
            )

    @property
    def formats(self) -> tuple[Format, ...]:
        """The formats the kind exists in: those it has a template for."""
        return tuple(fmt for fmt in FORMATS if fmt in self.templates)

    def check(self, lang: str, fmt: str | None = None) -> None:
        """ValueError for a language or format this kind does not exist in."""
        if lang not in self.languages:
            raise ValueError(f"the {self.code} exists in {', '.join(self.languages)}, not {lang!r}")
        if fmt is not None and fmt not in self.formats:
            raise ValueError(f"the {self.code} exists as {', '.join(self.formats)}, not {fmt!r}")

    def template(self, lang: str, fmt: Format) -> str:
        self.check(lang, fmt)
        return self.templates[fmt].format(lang=lang)

    def context(self, subject: T, lang: str) -> dict[str, Any]:
        """What the template gets in ``lang`` (checked first: a language the kind
        lacks has no labels)."""
        self.check(lang)
        return self.build_context(subject, lang)

    def request(
        self,
        subject: T,
        *,
        lang: str,
        fmt: Format,
        target: Path,
        pdf_variant: PdfVariant = "pdf/ua-1",
        application_id: int | None = None,
    ) -> RenderRequest:
        """The request for one file: title and date are the context's ``document``,
        so the metadata always say what the page says."""
        template = self.template(lang, fmt)
        context = self.context(subject, lang)
        document = context["document"]
        if document["lang"] != lang:
            raise ValueError(f"the {self.code} context is in {document['lang']!r}, not {lang!r}")
        return RenderRequest(
            kind=self.code,
            lang=lang,
            fmt=fmt,
            context=context,
            title=document["title"],
            issued=document["issued_on"],
            target=target,
            template=template,
            pdf_variant=pdf_variant,
            application_id=application_id,
        )
