"""The registry of document kinds: what a kind must declare, and what the registry answers."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from grantflow.domain.errors import NotFound
from grantflow.services.documents.kind import DocumentKind, Planned
from grantflow.services.documents.kinds.application import APPLICATION
from grantflow.services.documents.kinds.publication import PUBLICATION
from grantflow.services.documents.registry import (
    DOCUMENT_KINDS,
    DocumentKinds,
    UnknownDocumentKind,
)
from grantflow.services.documents.sources import Sources


def _context(subject: str, lang: str) -> dict[str, Any]:
    return {"document": {"title": subject, "issued_on": None, "lang": lang}}


def _plan(sources: Sources) -> list[Planned[str]]:
    return []


def kind(**changes: Any) -> DocumentKind[str]:
    """A pdf-only Polish and Norwegian kind, changed by ``changes``."""
    declared = DocumentKind(
        code="certificate",
        languages=("pl", "nb"),
        templates={"pdf": "certificate/certificate.html.j2"},
        build_context=_context,
        plan=_plan,
    )
    return dataclasses.replace(declared, **changes)


class TestTheShippedRegistry:
    def test_it_lists_the_five_kinds_of_the_programme_in_the_order_they_are_made(self) -> None:
        assert DOCUMENT_KINDS.codes == (
            "application",
            "decision",
            "agreement",
            "final_report",
            "publication",
        )

    def test_its_languages_and_formats_are_those_of_its_kinds(self) -> None:
        assert DOCUMENT_KINDS.languages == ("pl", "nb")
        assert DOCUMENT_KINDS.formats == ("docx", "pdf")

    def test_only_the_publication_is_programme_wide(self) -> None:
        assert [k.code for k in DOCUMENT_KINDS if k.programme_wide] == ["publication"]

    def test_a_kind_it_lacks_is_not_found_and_the_message_names_the_kinds(self) -> None:
        with pytest.raises(UnknownDocumentKind, match="no document kind 'dyplom'; the kinds are"):
            DOCUMENT_KINDS.kind("dyplom")
        assert issubclass(UnknownDocumentKind, NotFound)  # a usage error for the CLI

    def test_selecting_none_is_every_kind_and_codes_keep_the_order_given(self) -> None:
        assert DOCUMENT_KINDS.select(None) == list(DOCUMENT_KINDS)
        assert DOCUMENT_KINDS.select(["publication", "application"]) == [PUBLICATION, APPLICATION]


class TestAKindsDeclaration:
    def test_its_formats_are_those_it_has_a_template_for(self) -> None:
        assert kind().formats == ("pdf",)
        assert APPLICATION.formats == ("docx", "pdf")

    def test_its_templates_name_the_language(self) -> None:
        assert PUBLICATION.template("nb", "docx") == "publication/nb.docx"
        assert PUBLICATION.template("nb", "pdf") == "publication/publication.html.j2"

    @pytest.mark.parametrize(
        ("lang", "fmt", "message"),
        [("en", "pdf", "exists in pl, nb, not 'en'"), ("pl", "docx", "exists as pdf, not 'docx'")],
    )
    def test_a_language_or_format_it_lacks_is_a_usage_error(
        self, lang: str, fmt: str, message: str
    ) -> None:
        with pytest.raises(ValueError, match=message):
            kind().check(lang, fmt)

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"code": "Zaświadczenie"}, "lower-case identifier"),
            ({"code": "final-report"}, "lower-case identifier"),
            # The store keeps the code in 20 characters: a longer one would fail on PostgreSQL.
            ({"code": "zaswiadczenie_o_udziale"}, "at most 20 letters"),
            ({"languages": ()}, "at least one language"),
            ({"templates": {}}, "templates for formats among docx, pdf"),
            ({"templates": {"odt": "certificate/pl.odt"}}, "not odt"),
        ],
    )
    def test_a_declaration_missing_a_part_is_refused(
        self, changes: dict[str, Any], message: str
    ) -> None:
        with pytest.raises(ValueError, match=message):
            kind(**changes)

    def test_a_context_in_another_language_than_asked_is_refused(self) -> None:
        wrong = kind(build_context=lambda subject, lang: _context(subject, "pl"))
        with pytest.raises(ValueError, match="context is in 'pl', not 'nb'"):
            wrong.request("Chełm", lang="nb", fmt="pdf", target=Path("chelm.pdf"))

    def test_a_code_registered_twice_is_refused(self) -> None:
        with pytest.raises(ValueError, match="'certificate' is registered twice"):
            DocumentKinds([kind(), kind(languages=("pl",))])
