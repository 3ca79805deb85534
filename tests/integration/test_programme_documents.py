"""Every kind of document together, for real: agreements, final reports and the
publication's editions in docx and PDF (pdftotext, pikepdf), and the docx of every
kind converted by LibreOffice in one call.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pikepdf
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from grantflow import resources
from grantflow.adapters.documents.renderer import TemplateRenderer
from grantflow.services.documents.generation import generate
from grantflow.services.documents.kinds.agreement import AGREEMENT, AgreementDocument, Signatory
from grantflow.services.documents.kinds.final_report import FINAL_REPORT, FinalReportDocument
from grantflow.services.documents.kinds.publication import PUBLICATION, PublicationDocument
from grantflow.services.documents.registry import DOCUMENT_KINDS
from grantflow.services.documents.rendering import Format, GeneratedDocument, RenderRequest
from grantflow.validation import form as forms
from tests.intake_data import RATE
from tests.integration import clients
from tests.integration.test_documents import (
    NORWEGIAN,
    POLISH,
    REPORTED,
    TEMPLATES,
    _application_request,
    _docx_text,
)
from tests.unit.document_factories import (
    HOSTILE_CITY,
    chelm_decision_request,
    chelm_outline,
    hostile_outline,
)
from tests.unit.programme_document_factories import (
    LUMP_SUM,
    PROGRAMME_NAMES,
    chelm_agreement,
    chelm_final_report,
    hostile_agreement,
    programme_publication,
)

FORM = forms.load("outline")
# Who signs is not in the store: the template's line to sign on and usual positions.
TO_SIGN = {"city_signatory": Signatory(), "donor_signatory": Signatory()}


def _agreement_request(fmt: Format, target: Path, **changes: Any) -> RenderRequest:
    agreement = hostile_agreement() if changes.pop("hostile", False) else chelm_agreement()
    if changes.pop("to_sign", False):
        agreement = chelm_agreement(**TO_SIGN)
    document = AgreementDocument(agreement, FORM, PROGRAMME_NAMES)
    return AGREEMENT.request(document, lang="pl", fmt=fmt, target=target, **changes)


def _final_report_request(fmt: Format, target: Path) -> RenderRequest:
    document = FinalReportDocument(
        chelm_final_report(),
        FORM,
        PROGRAMME_NAMES,
        REPORTED,
        LUMP_SUM,
        "Kristiansand kommune",
        RATE,
    )
    return FINAL_REPORT.request(document, lang="pl", fmt=fmt, target=target)


def _publication_request(
    lang: str, target: Path, fmt: Format = "pdf", **changes: Any
) -> RenderRequest:
    document = PublicationDocument(programme_publication(**changes), FORM)
    return PUBLICATION.request(document, lang=lang, fmt=fmt, target=target)


def _render(request: RenderRequest) -> GeneratedDocument:
    return generate(request, renderer=TemplateRenderer())


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("programme-documents")


@pytest.fixture(scope="module")
def rendered(out: Path) -> dict[str, GeneratedDocument]:
    """Every kind x language x format, rendered once (and the hostile ones)."""
    requests = {
        "application.docx": _application_request(chelm_outline(), "docx", out / "wniosek.docx"),
        "application.pdf": _application_request(chelm_outline(), "pdf", out / "wniosek.pdf"),
        "hostile-application.docx": _application_request(
            hostile_outline(), "docx", out / "hostile-wniosek.docx"
        ),
        "decision.docx": chelm_decision_request("docx", out / "decyzja.docx"),
        "decision.pdf": chelm_decision_request("pdf", out / "decyzja.pdf"),
        "agreement.docx": _agreement_request("docx", out / "umowa.docx"),
        "agreement.pdf": _agreement_request("pdf", out / "umowa.pdf"),
        "hostile-agreement.docx": _agreement_request("docx", out / "hostile.docx", hostile=True),
        "hostile-agreement.pdf": _agreement_request("pdf", out / "hostile.pdf", hostile=True),
        "agreement-to-sign.docx": _agreement_request("docx", out / "do-podpisu.docx", to_sign=True),
        "agreement-to-sign.pdf": _agreement_request("pdf", out / "do-podpisu.pdf", to_sign=True),
        "final_report.docx": _final_report_request("docx", out / "raport.docx"),
        "final_report.pdf": _final_report_request("pdf", out / "raport.pdf"),
        "publication-pl.pdf": _publication_request("pl", out / "publikacja.pdf"),
        "publication-nb.pdf": _publication_request("nb", out / "publikasjon.pdf"),
        "publication-pl.docx": _publication_request("pl", out / "publikacja.docx", "docx"),
        "publication-nb.docx": _publication_request("nb", out / "publikasjon.docx", "docx"),
    }
    return {name: _render(request) for name, request in requests.items()}


def _words(document: GeneratedDocument) -> str:
    """The document's text, one space between words (PDF lines wrap anywhere)."""
    path = document.path
    text = _docx_text(path) if document.fmt == "docx" else clients.pdftotext(path)
    return " ".join(text.split())


def _document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


class TestEveryKind:
    def test_every_kind_language_and_format_is_rendered_here(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        expected = {
            (kind.code, lang, fmt)
            for kind in DOCUMENT_KINDS
            for lang in kind.languages
            for fmt in kind.formats
        }
        assert {(d.kind, d.lang, d.fmt) for d in rendered.values()} == expected

    def test_every_pdf_is_tagged_in_its_language_and_its_text_extracts(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        for name, document in rendered.items():
            if document.fmt != "pdf":
                continue
            with pikepdf.open(document.path) as pdf:
                assert str(pdf.Root.Lang) == document.lang, name
                assert "/StructTreeRoot" in pdf.Root, name
                assert "pdfuaid:part" in str(pdf.open_metadata()), name
            assert "Chełm" in clients.pdftotext(document.path), name

    def test_no_docx_keeps_a_template_tag(self, rendered: dict[str, GeneratedDocument]) -> None:
        for name, document in rendered.items():
            # The hostile ones say "{{ 7*7 }}" on purpose.
            if document.fmt == "docx" and not name.startswith("hostile"):
                text = _docx_text(document.path)
                assert "{{" not in text and "{%" not in text, name


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
        # The nb column's /Lang: tests/integration/test_accessibility.py.
        path = rendered["agreement.pdf"].path
        text = clients.pdftotext(path)
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
        pdf_text = clients.pdftotext(rendered["hostile-agreement.pdf"].path)
        for text in (docx_text, pdf_text):
            assert HOSTILE_CITY in text
            assert "Kristiansand & <i>Søgne</i> {{ 7*7 }}" in " ".join(text.split())
            assert "root:x:0:0" not in text
        assert 'Chełm <img src="file:///etc/passwd">' in docx_text

    def test_the_signatures_never_stand_alone_on_a_page_away_from_the_text_they_sign(
        self, tmp_path: Path
    ) -> None:
        # Three themes and three forms of involvement fill page 1 to just above the
        # signatures: without keeping them with the final clause they would open page 2 alone.
        agreement = chelm_agreement(
            themes=FORM.codes("themes")[:3],
            involvement_forms=FORM.codes("involvement_forms")[:3],
        )
        document = AgreementDocument(agreement, FORM, PROGRAMME_NAMES)
        path = tmp_path / "umowa.pdf"
        _render(AGREEMENT.request(document, lang="pl", fmt="pdf", target=path))
        pages = [page for page in clients.pdftotext(path).split("\f") if page.strip()]
        assert len(pages) == 2
        (signed,) = [page for page in pages if "Jakub Banaszek" in page]
        assert "§ 5. Postanowienia końcowe" in signed and "§ 5. Sluttbestemmelser" in signed
        assert "Mathias Bernander" in signed

    @pytest.mark.parametrize("fmt", ["docx", "pdf"])
    def test_the_same_agreement_twice_gives_the_same_bytes(
        self, rendered: dict[str, GeneratedDocument], tmp_path: Path, fmt: Format
    ) -> None:
        again = _render(_agreement_request(fmt, tmp_path / f"again.{fmt}"))
        assert again.sha256 == rendered[f"agreement.{fmt}"].sha256

    @pytest.mark.parametrize("fmt", ["docx", "pdf"])
    def test_the_signatories_named_on_the_day_sign_above_their_positions(
        self, rendered: dict[str, GeneratedDocument], fmt: Format
    ) -> None:
        text = _words(rendered[f"agreement.{fmt}"])
        assert "Jakub Banaszek" in text and "Prezydent Miasta Chełm" in text
        assert "Mathias Bernander" in text and "ordfører, i nærvær av KS" in text
        assert "……" not in text and "osoba upoważniona" not in text

    @pytest.mark.parametrize("fmt", ["docx", "pdf"])
    def test_without_signatories_a_line_to_sign_on_and_the_usual_positions(
        self, rendered: dict[str, GeneratedDocument], fmt: Format
    ) -> None:
        text = _words(rendered[f"agreement-to-sign.{fmt}"])
        assert text.count("……………………………………") == 2
        assert "osoba upoważniona do reprezentowania miasta" in text
        assert "ordfører eller den ordføreren gir fullmakt" in text

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
        assert 'w:val="nb-NO"' in _document_xml(rendered["final_report.docx"].path)

    @pytest.mark.parametrize("fmt", ["docx", "pdf"])
    def test_the_expenditure_is_totalled_in_eur_at_the_rate_recorded_for_the_call(
        self, rendered: dict[str, GeneratedDocument], fmt: Format
    ) -> None:
        # EUR 2 098 000.00 + EUR 138 250.40 + PLN 1 250 000.00 at 4.2986 (EUR 290 792.35)
        text = _words(rendered[f"final_report.{fmt}"]).replace(":", "")
        assert "Razem w EUR 2 527 042,75 EUR" in text
        assert "Kwoty w PLN przeliczono po kursie 4,2986 PLN za 1 EUR." in text

    def test_the_pdf_is_polish_with_a_norwegian_summary(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        path = rendered["final_report.pdf"].path
        text = clients.pdftotext(path)
        for letter in POLISH + NORWEGIAN:
            assert letter in text, letter
        assert "Raport końcowy" in text and "Działania partnerskie" in text
        assert "Sammendrag på norsk" in text
        assert "blåbærsyltetøy på ærfuglegg" in " ".join(text.split())  # summary_nb
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
        text = clients.pdftotext(path)
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
        text = clients.pdftotext(rendered["publication-pl.pdf"].path)
        assert text.count("Dofinansowane projekty według głównego obszaru") >= 1
        assert text.count("Ryczałty na partnerstwa w EUR") >= 1
        # The SVG's bar labels and the table both name each theme.
        assert text.count("Środowisko i energia") >= 2

    @pytest.mark.parametrize(
        ("name", "alt", "legend", "caption"),
        [
            ("publication-pl.pdf", "Mapa partnerstw", "Umowa podpisana", "Partnerstwa na mapie"),
            (
                "publication-nb.pdf",
                "Kart over partnerskapene",
                "Avtale signert",
                "Partnerskapene på kartet",
            ),
        ],
    )
    def test_each_edition_maps_the_partnerships_as_a_figure_followed_by_their_table(
        self, rendered: dict[str, GeneratedDocument], name: str, alt: str, legend: str, caption: str
    ) -> None:
        path = rendered[name].path
        with pikepdf.open(path) as pdf:
            figures = [
                o
                for o in pdf.objects
                if isinstance(o, pikepdf.Dictionary) and o.get("/S") == pikepdf.Name.Figure
            ]
            (the_map,) = [f for f in figures if str(f.get("/Alt")) == alt]
            page = next(i for i, p in enumerate(pdf.pages) if p.obj.objgen == the_map.Pg.objgen)
        pages = clients.pdftotext_pages(path)
        on_the_map = " ".join(w for *_, w in pages[page][1])
        # The map names the town and its partner and has its key; the map of Poland
        # follows it, then the table of pairs, on the same page or the next.
        assert "Chełm" in on_the_map and "Kristiansand kommune" in on_the_map
        after = " ".join(w for _, words in pages[page : page + 2] for *_, w in words)
        assert (
            after.index(legend)
            < after.index(caption)
            < after.index("Kristiansand kommune", after.index(caption))
        )

    @pytest.mark.parametrize("name", ["publication-pl.pdf", "publication-nb.pdf"])
    def test_no_page_is_mostly_empty(
        self, rendered: dict[str, GeneratedDocument], name: str
    ) -> None:
        """Every page but the last is filled at least half way down (the map, the
        tallest thing that cannot break, is less than half a page); the last page
        carries a whole table. Running heads and page numbers lie in the margins."""
        pages = clients.pdftotext_pages(rendered[name].path)
        top, bottom = 22 * 72 / 25.4, 20 * 72 / 25.4  # the @page margins of style.css
        for number, (height, words) in enumerate(pages, start=1):
            body = [(t, b, w) for t, b, w in words if t > top and b < height - bottom]
            filled = (max(b for _, b, _ in body) - top) / (height - top - bottom)
            if number < len(pages):
                assert filled > 0.5, (number, round(filled, 2))
            else:
                assert len(" ".join(w for *_, w in body)) > 100, number

    def test_a_reported_project_shows_its_indicators_activities_and_lump_sum(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        path = rendered["publication-pl.pdf"].path
        text = " ".join(clients.pdftotext(path).replace("\u00a0", " ").split())
        assert "Wizyta studyjna: zielona infrastruktura" in text and "Kristiansand" in text
        assert "Zaangażowano 150 000,00 EUR Wydano 138 250,40 EUR Zwrócono 11 749,60 EUR" in text
        with pikepdf.open(path) as pdf:
            alts = {
                str(o.get("/Alt"))
                for o in pdf.objects
                if isinstance(o, pikepdf.Dictionary) and o.get("/S") == pikepdf.Name.Figure
            }
        assert "Wskaźniki projektu – Chełm: wartość docelowa i osiągnięta" in alts

    def test_a_project_without_its_final_report_is_listed_not_given_a_page(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        text = " ".join(
            clients.pdftotext(rendered["publication-nb.pdf"].path).replace("\u00a0", " ").split()
        )
        running = text.index("Prosjekter under gjennomføring")
        assert "Hrubieszów: young people stay" in text[running:]
        assert "Indikatorer for Hrubieszów" not in text

    def test_the_same_publication_twice_gives_the_same_bytes(
        self, rendered: dict[str, GeneratedDocument], tmp_path: Path
    ) -> None:
        again = _render(_publication_request("nb", tmp_path / "again.pdf"))
        assert again.sha256 == rendered["publication-nb.pdf"].sha256


class TestPublicationDocx:
    def test_the_polish_edition_has_the_figures_tables_and_a_page_per_project(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        path = rendered["publication-pl.docx"].path
        text = " ".join(_docx_text(path).replace("\u00a0", " ").split())
        for letter in POLISH:
            assert letter in text, letter
        assert "Rozwój lokalny: Współpraca dwustronna" in text
        assert "Złożone zarysy projektów: 3. Pełne wnioski: 3. Projekty dofinansowane: 2." in text
        assert "zakwalifikowany do II etapu" in text  # a state by its Polish label
        assert "Środowisko i energia" in text and "Kristiansand kommune" in text
        assert "zaangażowane" in text and "zwrócone" in text
        assert "138 250,40 EUR" in text and "161 749,60 EUR" in text
        assert "Raport końcowy nie został jeszcze złożony." in text  # Hrubieszów's page
        # Chełm's page: its lump sum agreed, spent and returned, and its activities.
        assert (
            "Zwrócono 11 749,60 EUR" in text and "Wizyta studyjna: zielona infrastruktura" in text
        )
        body = _document_xml(path)
        assert body.count("<w:pageBreakBefore/>") == 2  # one page per funded project

    def test_the_norwegian_edition_is_worded_and_tagged_norwegian(
        self, rendered: dict[str, GeneratedDocument]
    ) -> None:
        path = rendered["publication-nb.docx"].path
        text = _docx_text(path)
        for letter in NORWEGIAN + "ł":
            assert letter in text, letter
        assert "Lokal utvikling: Bilateralt samarbeid" in text
        assert "Green Chełm: renewing public spaces" in text  # the English title
        assert "blåbærsyltetøy på ærfuglegg" in text  # the summary in Norwegian
        assert "tilbakeført" in text and "Avtale signert" in text and "ja" in text
        assert "3. juni 2024" in text
        assert docx.Document(str(path)).core_properties.language == "nb"
        with zipfile.ZipFile(path) as archive:
            styles = archive.read("word/styles.xml").decode("utf-8")
        assert 'w:val="nb-NO"' in styles

    @pytest.mark.parametrize("lang", ["pl", "nb"])
    def test_the_same_edition_twice_gives_the_same_bytes(
        self, rendered: dict[str, GeneratedDocument], tmp_path: Path, lang: str
    ) -> None:
        again = _render(_publication_request(lang, tmp_path / f"again-{lang}.docx", "docx"))
        assert again.sha256 == rendered[f"publication-{lang}.docx"].sha256

    def test_without_partnerships_the_edition_says_so(self, tmp_path: Path) -> None:
        request = _publication_request("pl", tmp_path / "p.docx", "docx", partnerships=())
        text = _docx_text(_render(request).path)
        assert "Żadne partnerstwo nie zostało jeszcze potwierdzone." in text
        assert "Umowa podpisana" not in text


class TestTranslations:
    @pytest.mark.parametrize("lang", ["pl", "nb"])
    def test_every_label_of_every_kinds_pdf_template_is_translated(self, lang: str) -> None:
        with (resources.locale() / lang / "LC_MESSAGES" / "grantflow.po").open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for kind in DOCUMENT_KINDS:
            path = TEMPLATES / kind.template(kind.languages[0], "pdf")
            for _, message, _, _ in extract_from_file(
                "jinja2", str(path), options={"extensions": "jinja2.ext.i18n"}
            ):
                assert isinstance(message, str)
                entry = catalog.get(message)
                assert entry is not None and entry.string, (lang, message)


@pytest.mark.libreoffice
class TestLibreOffice:
    def test_libreoffice_converts_the_docx_of_every_kind_in_one_call(
        self, rendered: dict[str, GeneratedDocument], tmp_path: Path
    ) -> None:
        # One soffice start for the whole suite: it takes seconds, a file more takes little.
        soffice = clients.soffice()
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
        application = clients.pdftotext(converted["wniosek.docx"])
        assert "Ringerike kommune, Hønefoss" in application and "Tromsø" in application
        assert HOSTILE_CITY in clients.pdftotext(converted["hostile-wniosek.docx"])
        assert "82,5 / 100" in clients.pdftotext(converted["decyzja.docx"])
        agreement = clients.pdftotext(converted["umowa.docx"])
        assert "Partnerskapsavtale" in agreement and "Ryczałt na partnerstwo" in agreement
        assert HOSTILE_CITY in clients.pdftotext(converted["hostile.docx"])
        assert "Sammendrag på norsk" in clients.pdftotext(converted["raport.docx"])
        polish = clients.pdftotext(converted["publikacja.docx"])
        norwegian = clients.pdftotext(converted["publikasjon.docx"])
        assert "Współpraca dwustronna" in polish and "Bilateralt samarbeid" in norwegian
        for letter in POLISH:
            assert letter in polish, letter
        for letter in NORWEGIAN:
            assert letter in norwegian, letter
