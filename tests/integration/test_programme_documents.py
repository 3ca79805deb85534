"""Agreements, final reports and publications for real.

docx, PDF, pdftotext, pikepdf and LibreOffice.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import pikepdf
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from grantflow import resources
from grantflow.adapters.documents.renderer import TemplateRenderer
from grantflow.services import documents
from grantflow.services.documents import GeneratedDocument, RenderRequest
from grantflow.validation import form as forms
from tests.integration.test_documents import (
    NORWEGIAN,
    POLISH,
    TEMPLATES,
    _documented,
    _docx_text,
    _flatten,
    _pdftotext,
    _template_sources,
    _used_paths,
)
from tests.unit.document_factories import HOSTILE_CITY
from tests.unit.programme_document_factories import (
    LUMP_SUM,
    PROGRAMME_NAMES,
    chelm_agreement,
    chelm_final_report,
    hostile_agreement,
    programme_publication,
)

FORM = forms.load("outline")
REPORTED = date(2024, 1, 15)
NEW_KINDS = ("agreement", "final_report", "publication")


def _agreement_request(fmt: documents.Format, target: Path, **changes: Any) -> RenderRequest:
    agreement = hostile_agreement() if changes.pop("hostile", False) else chelm_agreement()
    return documents.agreement_request(
        agreement, form=FORM, programme_name=PROGRAMME_NAMES, fmt=fmt, target=target, **changes
    )


def _final_report_request(fmt: documents.Format, target: Path) -> RenderRequest:
    return documents.final_report_request(
        chelm_final_report(),
        form=FORM,
        programme_name=PROGRAMME_NAMES["pl"],
        issued=REPORTED,
        committed_eur=LUMP_SUM,
        partner="Kristiansand kommune",
        fmt=fmt,
        target=target,
    )


def _publication_request(lang: str, target: Path) -> RenderRequest:
    return documents.publication_request(
        programme_publication(), form=FORM, lang=lang, target=target
    )


def _render(request: RenderRequest) -> GeneratedDocument:
    return documents.generate(request, renderer=TemplateRenderer())


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("programme-documents")


@pytest.fixture(scope="module")
def rendered(out: Path) -> dict[str, GeneratedDocument]:
    """Every kind x language x format of this module, rendered once."""
    requests = {
        "agreement.docx": _agreement_request("docx", out / "umowa.docx"),
        "agreement.pdf": _agreement_request("pdf", out / "umowa.pdf"),
        "hostile-agreement.docx": _agreement_request("docx", out / "hostile.docx", hostile=True),
        "hostile-agreement.pdf": _agreement_request("pdf", out / "hostile.pdf", hostile=True),
        "final_report.docx": _final_report_request("docx", out / "raport.docx"),
        "final_report.pdf": _final_report_request("pdf", out / "raport.pdf"),
        "publication-pl.pdf": _publication_request("pl", out / "publikacja.pdf"),
        "publication-nb.pdf": _publication_request("nb", out / "publikasjon.pdf"),
    }
    return {name: _render(request) for name, request in requests.items()}


class TestAgreement:
    def test_the_docx_has_both_columns_with_amounts_in_figures_and_words(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        text = _docx_text(rendered["agreement.docx"].path)
        assert "sto pięćdziesiąt tysięcy euro, zero centów" in text
        assert "en hundre og femti tusen euro" in text
        assert "30 kwietnia 2024" in text and "30. april 2024" in text
        assert "Beredskap og motstandskraft" in text and "Odporność i gotowość kryzysowa" in text
        assert "voivodskap Lublin" in text and "województwo lubelskie" in text
        assert "{{" not in text and "{%" not in text

    def test_the_pdf_is_tagged_polish_and_extracts_every_letter(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        # WeasyPrint 70 writes the document's /Lang only, not the nb column's
        # lang attribute into the structure tree: the docx carries both.
        path = rendered["agreement.pdf"].path
        text = _pdftotext(path)
        for letter in POLISH + NORWEGIAN:
            assert letter in text, letter
        assert "Partnerskapsavtale" in text
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.Lang) == "pl"
            assert "/StructTreeRoot" in pdf.Root

    def test_the_docx_marks_the_norwegian_column_as_norwegian(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        with zipfile.ZipFile(rendered["agreement.docx"].path) as archive:
            body = archive.read("word/document.xml").decode("utf-8")
        assert 'w:val="nb-NO"' in body

    def test_hostile_names_render_literally_and_fetch_nothing(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        docx_text = _docx_text(rendered["hostile-agreement.docx"].path)
        pdf_text = _pdftotext(rendered["hostile-agreement.pdf"].path)
        for text in (docx_text, pdf_text):
            assert HOSTILE_CITY in text
            assert "Kristiansand & <i>Søgne</i> {{ 7*7 }}" in " ".join(text.split())
            assert "root:x:0:0" not in text
        assert 'Chełm <img src="file:///etc/passwd">' in docx_text

    @pytest.mark.parametrize("fmt", ["docx", "pdf"])
    def test_the_same_agreement_twice_gives_the_same_bytes(
        self, rendered: dict[str, GeneratedDocument], tmp_path: Path, fmt: documents.Format
    ) -> None:
        again = _render(_agreement_request(fmt, tmp_path / f"again.{fmt}"))
        assert again.sha256 == rendered[f"agreement.{fmt}"].sha256

    def test_pdf_a_is_available_for_the_archive(self, tmp_path: Path) -> None:
        archived = _render(_agreement_request("pdf", tmp_path / "a.pdf", pdf_variant="pdf/a-3b"))
        with pikepdf.open(archived.path) as pdf:
            assert pdf.open_metadata().pdfa_status == "3B"


class TestFinalReport:
    def test_the_docx_compares_achieved_with_target_and_states_the_lump_sum(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        text = _docx_text(rendered["final_report.docx"].path)
        assert "105,6" in text  # 13.2 ha of 12.5
        assert "Osiągnięte wartości docelowe: 1 z 2." in text
        assert "138 250,40" in " ".join(text.replace("\u00a0", " ").split())
        assert "Sammendrag på norsk" in text and "blåbærsyltetøy på ærfuglegg" in text

    def test_the_pdf_is_polish_with_a_norwegian_summary(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        path = rendered["final_report.pdf"].path
        text = _pdftotext(path)
        for letter in POLISH + NORWEGIAN:
            assert letter in text, letter
        assert "Raport końcowy" in text and "Działania partnerskie" in text
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.Lang) == "pl"
            assert "pdfuaid:part" in str(pdf.open_metadata())


class TestPublication:
    @pytest.mark.parametrize(
        ("name", "lang", "heading", "spent"),
        [
            ("publication-pl.pdf", "pl", "Współpraca dwustronna", "wydane"),
            ("publication-nb.pdf", "nb", "Bilateralt samarbeid", "brukt"),
        ],
    )
    def test_each_edition_is_in_its_language_with_figures_and_a_project_page(
        self,
        rendered: dict[str, GeneratedDocument],
        name: str,
        lang: str,
        heading: str,
        spent: str,
    ) -> None:
        path = rendered[name].path
        text = _pdftotext(path)
        assert heading in text
        assert spent in text
        assert "Kristiansand kommune" in text
        assert "138 250,40 EUR" in " ".join(text.replace("\u00a0", " ").split())
        for letter in ("ł", "ó", "ø", "æ") if lang == "nb" else POLISH:
            assert letter in text, letter
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.Lang) == lang
            assert len(pdf.pages) >= 3  # figures, then a page per funded project

    def test_the_charts_are_drawn_with_their_titles_and_a_table_alternative(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        text = _pdftotext(rendered["publication-pl.pdf"].path)
        assert text.count("Dofinansowane projekty według głównego obszaru") >= 1
        assert text.count("Ryczałty na partnerstwa w EUR") >= 1
        # The SVG's bar labels and the table both name each theme.
        assert text.count("Środowisko i energia") >= 2

    def test_the_same_publication_twice_gives_the_same_bytes(
        self, rendered: dict[str, GeneratedDocument], tmp_path: Path
    ) -> None:
        again = _render(_publication_request("nb", tmp_path / "again.pdf"))
        assert again.sha256 == rendered["publication-nb.pdf"].sha256

    def test_there_is_no_docx_publication(self, tmp_path: Path) -> None:
        request = _publication_request("pl", tmp_path / "p.docx")
        docx_request = RenderRequest(**{**request.__dict__, "fmt": "docx"})
        with pytest.raises(ValueError, match="pdf"):
            documents.generate(docx_request, renderer=TemplateRenderer())


def _contexts() -> dict[str, dict[str, Any]]:
    return {
        "agreement": documents.agreement_context(
            chelm_agreement(), FORM, programme_name=PROGRAMME_NAMES
        ),
        "final_report": documents.final_report_context(
            chelm_final_report(),
            FORM,
            programme_name="Rozwój lokalny",
            issued=REPORTED,
            committed_eur=LUMP_SUM,
            partner="Kristiansand kommune",
        ),
        "publication": documents.publication_document_context(programme_publication(), FORM, "pl"),
    }


class TestTemplateVariables:
    @pytest.mark.parametrize("kind", NEW_KINDS)
    def test_every_provided_variable_is_documented_and_nothing_more(self, kind: str) -> None:
        assert set(_flatten(_contexts()[kind])) == set(_documented()[kind])

    @pytest.mark.parametrize("kind", NEW_KINDS)
    def test_every_variable_a_template_uses_is_documented(self, kind: str) -> None:
        documented = {p.split("[]")[0] for p in _documented()[kind]} | set(_documented()[kind])
        # Nested lists ("projects[].indicators") may be iterated too.
        documented |= {p.rsplit("[]", 1)[0] for p in _documented()[kind] if "[]" in p}
        environment = jinja2.Environment(extensions=["jinja2.ext.i18n"])
        if "docx" in documents.FORMATS_OF[kind]:  # type: ignore[index]
            sources = _template_sources(kind)
        else:
            sources = {"html": (TEMPLATES / kind / f"{kind}.html.j2").read_text(encoding="utf-8")}
        for name, source in sources.items():
            used = _used_paths(source, environment)
            # Template-local names: the translated labels of fixed codes.
            used -= {"state_names", "lump_sum_names"}
            assert used, name
            assert used <= documented, (name, sorted(used - documented))

    @pytest.mark.parametrize("lang", ["pl", "nb"])
    def test_every_label_of_the_new_pdf_templates_is_translated(self, lang: str) -> None:
        with (resources.locale() / lang / "LC_MESSAGES" / "grantflow.po").open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for kind in NEW_KINDS:
            path = TEMPLATES / kind / f"{kind}.html.j2"
            for _, message, _, _ in extract_from_file(
                "jinja2", str(path), options={"extensions": "jinja2.ext.i18n"}
            ):
                assert isinstance(message, str)
                entry = catalog.get(message)
                assert entry is not None and entry.string, (lang, message)


@pytest.mark.libreoffice
class TestLibreOffice:
    def test_libreoffice_converts_every_new_docx_in_one_call(
        self, rendered: dict[str, GeneratedDocument], tmp_path: Path
    ) -> None:
        soffice = shutil.which("soffice")
        assert soffice is not None, "LibreOffice (soffice) is not installed"
        files = [d.path for name, d in rendered.items() if name.endswith(".docx")]
        result = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path / "lo"),
                *map(str, files),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr
        converted = {f.name: tmp_path / "lo" / f"{f.stem}.pdf" for f in files}
        assert all(p.is_file() and p.stat().st_size > 0 for p in converted.values())
        agreement = _pdftotext(converted["umowa.docx"])
        assert "Partnerskapsavtale" in agreement and "Ryczałt na partnerstwo" in agreement
        assert HOSTILE_CITY in _pdftotext(converted["hostile.docx"])
        assert "Sammendrag på norsk" in _pdftotext(converted["raport.docx"])
