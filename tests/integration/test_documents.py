"""The documents adapter for real: files in tmp_path, pdftotext, pikepdf; the template variables.

LibreOffice converts the docx of every kind in one call, in test_programme_documents.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import jinja2
import pikepdf
import pytest
import yaml
from docxtpl import DocxTemplate
from jinja2 import nodes
from jinja2.defaults import DEFAULT_NAMESPACE
from openpyxl import Workbook
from typer.testing import CliRunner, Result

from grantflow import resources
from grantflow.adapters.documents.fetcher import RefusedURL, TemplateFetcher
from grantflow.adapters.documents.manifest import MANIFEST, JsonManifest
from grantflow.adapters.documents.renderer import TemplateRenderer
from grantflow.cli import app
from grantflow.domain.errors import DocumentError
from grantflow.domain.outline import Outline
from grantflow.domain.ranking import ReasonCode
from grantflow.services.documents.generation import generate
from grantflow.services.documents.kinds.agreement import AgreementDocument
from grantflow.services.documents.kinds.application import ApplicationDocument, application_request
from grantflow.services.documents.kinds.decision import DecisionDocument
from grantflow.services.documents.kinds.final_report import FinalReportDocument
from grantflow.services.documents.kinds.publication import PublicationDocument
from grantflow.services.documents.registry import DOCUMENT_KINDS
from grantflow.services.documents.rendering import (
    DocumentLog,
    Format,
    GeneratedDocument,
    RenderRequest,
)
from grantflow.validation import form as forms
from tests.integration import clients
from tests.unit.document_factories import (
    HOSTILE_CITY,
    HOSTILE_IMAGE,
    ISSUED,
    OPERATOR,
    PROGRAMME_NAME,
    RATE,
    chelm_decision,
    chelm_decision_request,
    chelm_outline,
    hostile_outline,
)
from tests.unit.factories import chelm_outline_values
from tests.unit.programme_document_factories import (
    LUMP_SUM,
    PROGRAMME_NAMES,
    chelm_agreement,
    chelm_final_report,
    programme_publication,
)

POLISH = "ąćęłńóśźż"
REPORTED = date(2024, 1, 15)
NORWEGIAN = "æøå"
TEMPLATES = resources.templates()


def _application_request(
    outline: Outline, fmt: Format, target: Path, **options: Any
) -> RenderRequest:
    return application_request(
        outline,
        form=forms.load("outline"),
        programme_name=PROGRAMME_NAME,
        lang="pl",
        fmt=fmt,
        target=target,
        issued=ISSUED,
        **options,
    )


def _application(
    outline: Outline,
    fmt: Format,
    target: Path,
    log: DocumentLog | None = None,
    **options: Any,
) -> GeneratedDocument:
    request = _application_request(outline, fmt, target, **options)
    return generate(request, renderer=TemplateRenderer(), log=log)


def _decision(fmt: Format, target: Path, **changes: Any) -> GeneratedDocument:
    return generate(chelm_decision_request(fmt, target, **changes), renderer=TemplateRenderer())


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("documents")


@pytest.fixture(scope="module")
def application_docx(out: Path) -> GeneratedDocument:
    return _application(chelm_outline(), "docx", out / "chelm-wniosek.docx")


@pytest.fixture(scope="module")
def application_pdf(out: Path) -> GeneratedDocument:
    return _application(chelm_outline(), "pdf", out / "chelm-wniosek.pdf")


@pytest.fixture(scope="module")
def hostile_docx(out: Path) -> GeneratedDocument:
    return _application(hostile_outline(), "docx", out / "hostile.docx")


@pytest.fixture(scope="module")
def hostile_pdf(out: Path) -> GeneratedDocument:
    return _application(hostile_outline(), "pdf", out / "hostile.pdf")


class TestApplicationDocx:
    def test_the_application_shows_the_applicant_budget_rate_and_partner(
        self, application_docx: GeneratedDocument
    ) -> None:
        text = _docx_text(application_docx.path)
        assert "Wniosek: Zielony Chełm" in text
        assert "Środowisko i energia" in text
        assert re.search(r"2\s800\s000,00\sEUR", text)
        assert re.search(r"1\s289\s580,00\sPLN", text)
        assert "po kursie 4,2986 PLN za 1 EUR" in text
        assert "Ringerike kommune, Hønefoss" in text
        assert "Tromsø, Ålesund, Bærum i Råde" in text
        assert "Summary in English" in text
        assert "{{" not in text and "{%" not in text

    def test_the_result_records_size_and_sha256_of_the_file(
        self, application_docx: GeneratedDocument
    ) -> None:
        data = application_docx.path.read_bytes()
        assert application_docx.sha256 == hashlib.sha256(data).hexdigest()
        assert application_docx.size == len(data)
        assert (application_docx.kind, application_docx.lang, application_docx.fmt) == (
            "application",
            "pl",
            "docx",
        )

    def test_hostile_user_text_renders_literally(self, hostile_docx: GeneratedDocument) -> None:
        text = _docx_text(hostile_docx.path)
        assert HOSTILE_CITY in text
        assert HOSTILE_IMAGE in text
        assert "Ringerike kommune </w:t><w:t> & Hønefoss" in text
        assert "49" not in text.replace("60 354", "")

    def test_the_metadata_carry_the_title_and_the_issue_date(
        self, hostile_docx: GeneratedDocument
    ) -> None:
        properties = docx.Document(str(hostile_docx.path)).core_properties
        assert properties.title.endswith(f"({HOSTILE_CITY})")
        assert properties.created is not None
        assert properties.created.date() == ISSUED
        assert properties.language == "pl"

    def test_every_zip_entry_has_the_fixed_timestamp_and_content_types_come_first(
        self, application_docx: GeneratedDocument
    ) -> None:
        with zipfile.ZipFile(application_docx.path) as archive:
            infos = archive.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}

    def test_the_same_inputs_give_the_same_bytes(
        self, application_docx: GeneratedDocument, tmp_path: Path
    ) -> None:
        again = _application(chelm_outline(), "docx", tmp_path / "again.docx")
        assert again.sha256 == application_docx.sha256

    def test_the_decision_letter_states_decision_score_and_rank(self, tmp_path: Path) -> None:
        text = _docx_text(_decision("docx", tmp_path / "decyzja.docx").path)
        assert "zarys projektu został zakwalifikowany do drugiego etapu" in text
        assert "82,5 / 100" in text
        assert "16 marca 2020" in text


class TestApplicationPdf:
    def test_every_polish_and_norwegian_letter_is_extractable(
        self, application_pdf: GeneratedDocument
    ) -> None:
        text = clients.pdftotext(application_pdf.path)
        for letter in POLISH + NORWEGIAN:
            assert letter in text, letter
        assert "Ringerike kommune, Hønefoss" in text
        assert "Streszczenie projektu" in text  # labels come from the Polish catalog

    def test_hostile_user_text_renders_literally(self, hostile_pdf: GeneratedDocument) -> None:
        text = clients.pdftotext(hostile_pdf.path)
        assert HOSTILE_CITY in text
        assert 'Zobacz <img src="file:///etc/passwd">' in text
        assert "root:x:0:0" not in text

    def test_the_pdf_is_tagged_with_language_title_and_embedded_fonts(
        self, application_pdf: GeneratedDocument
    ) -> None:
        with pikepdf.open(application_pdf.path) as pdf:
            root = pdf.Root
            assert "/StructTreeRoot" in root
            assert str(root.Lang) == "pl"
            assert bool(root.MarkInfo.Marked) is True
            assert bool(root.ViewerPreferences.DisplayDocTitle) is True
            assert str(pdf.docinfo.Title).startswith("Wniosek: Zielony Chełm")
            assert "pdfuaid:part" in str(pdf.open_metadata())
            fonts = [f for page in pdf.pages for f in page.Resources.Font.values()]
            assert fonts
            for font in fonts:
                descriptor = font.DescendantFonts[0].FontDescriptor
                assert "/FontFile2" in descriptor, font.BaseFont
                assert "DejaVu" in str(font.BaseFont)

    def test_pdf_a_is_available_on_request_and_stays_tagged(self, tmp_path: Path) -> None:
        archived = _application(
            chelm_outline(), "pdf", tmp_path / "archive.pdf", pdf_variant="pdf/a-3b"
        )
        with pikepdf.open(archived.path) as pdf:
            metadata = pdf.open_metadata()
            assert metadata.pdfa_status == "3B"
            assert "/StructTreeRoot" in pdf.Root

    def test_the_same_inputs_give_the_same_bytes_in_this_and_a_fresh_process(
        self, application_pdf: GeneratedDocument, tmp_path: Path
    ) -> None:
        again = _application(chelm_outline(), "pdf", tmp_path / "again.pdf")
        assert again.sha256 == application_pdf.sha256
        # A fresh process without SOURCE_DATE_EPOCH: the font subsets must not
        # carry the time of rendering.
        script = (
            "from pathlib import Path; import sys\n"
            "from tests.integration.test_documents import _application\n"
            "from tests.unit.document_factories import chelm_outline\n"
            "print(_application(chelm_outline(), 'pdf', Path(sys.argv[1])).sha256)\n"
        )
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        result = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "fresh.pdf")],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            cwd=Path(__file__).parents[2],
        )
        assert result.stdout.strip() == application_pdf.sha256

    def test_the_decision_letter_is_tagged_polish(self, tmp_path: Path) -> None:
        letter = _decision("pdf", tmp_path / "decyzja.pdf")
        text = clients.pdftotext(letter.path)
        assert "Uprzejmie informujemy, że decyzją komitetu wyboru z dnia 16 marca 2020" in text
        with pikepdf.open(letter.path) as pdf:
            assert str(pdf.Root.Lang) == "pl"


def _letter_text(fmt: Format, target: Path, **changes: Any) -> str:
    """The decision letter's text, one space between words (PDF lines wrap anywhere)."""
    letter = _decision(fmt, target, **changes)
    text = _docx_text(letter.path) if fmt == "docx" else clients.pdftotext(letter.path)
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_decision_letter_carries_what_an_administrative_letter_needs_from_the_programme(
    fmt: Format, tmp_path: Path
) -> None:
    text = _letter_text(fmt, tmp_path / f"decyzja.{fmt}")
    assert "Ministerstwo Funduszy i Polityki Regionalnej" in text
    assert "Warszawa, 16 marca 2020" in text
    assert "Znak sprawy: DPP-II.7221.1.12.2019" in text
    assert "Chełm Do rąk: Anna Kowalczyk rozwoj@chelm.pl" in text
    assert "Podstawa prawna: art. 7.5 Regulacji w sprawie wdrażania" in text
    assert (
        "przysługuje prawo złożenia wniosku o ponowne rozpatrzenie sprawy w terminie 14 dni od "
        "dnia doręczenia niniejszej decyzji. Wniosek rozpatruje: Minister Funduszy i Polityki "
        "Regionalnej. Wniosek składa się na piśmie, na adres ul. Wspólna 2/4, 00-926 Warszawa."
    ) in text
    assert "Katarzyna Wiśniewska Zastępca Dyrektora Departamentu Programów Pomocowych" in text


RANKED_3RD = "zajął 3. miejsce na liście rankingowej"
ANNOUNCED = "Uprzejmie informujemy, że decyzją komitetu wyboru z dnia 16 marca 2020"
# The ranking's reason (and the stage, where the wording differs) -> the letter's sentence.
REASONS = [
    (
        ReasonCode.COMMITTEE_CHANGE,
        1,
        "shortlisted",
        "Projekt spójny z celami programu; partnerstwo z Ringerike (Hønefoss) dobrze opisane.",
    ),
    (
        ReasonCode.WITHIN_SELECTED_COUNT,
        1,
        "shortlisted",
        f"Zarys projektu {RANKED_3RD} z oceną końcową 82,5 pkt i mieści się w liczbie "
        "zarysów zakwalifikowanych do drugiego etapu.",
    ),
    (
        ReasonCode.WITHIN_SELECTED_COUNT,
        2,
        "selected",
        f"Wniosek {RANKED_3RD} z oceną końcową 82,5 pkt i mieści się w liczbie wniosków "
        "oraz w alokacji programu.",
    ),
    (
        ReasonCode.MOVED_UP,
        2,
        "selected",
        f"Wniosek {RANKED_3RD} i po rezygnacji innego wnioskodawcy został przeniesiony z listy "
        "rezerwowej na listę wniosków wybranych do dofinansowania.",
    ),
    (
        ReasonCode.RESERVE_LIST,
        2,
        "reserve",
        f"Wniosek {RANKED_3RD}; zostanie dofinansowany, jeśli zwolnią się środki programu.",
    ),
    (
        ReasonCode.OUTSIDE_ALLOCATION,
        2,
        "reserve",
        f"Wniosek {RANKED_3RD}, lecz wnioskowana dotacja nie mieści się w pozostałej alokacji "
        "programu; zostanie dofinansowany, jeśli zwolnią się środki programu.",
    ),
    (
        ReasonCode.BELOW_RESERVE_LIST,
        1,
        "rejected",
        f"Zarys projektu {RANKED_3RD}, poza miejscami kwalifikującymi do drugiego etapu.",
    ),
    (
        ReasonCode.BELOW_RESERVE_LIST,
        2,
        "rejected",
        f"Wniosek {RANKED_3RD}, poza miejscami na dofinansowanie i na liście rezerwowej.",
    ),
]
DECISIONS = {
    "selected": "wniosek został wybrany do dofinansowania.",
    "shortlisted": "zarys projektu został zakwalifikowany do drugiego etapu.",
    "reserve": "wniosek został umieszczony na liście rezerwowej.",
    "rejected": "wniosek został odrzucony.",
}


class TestTheDecisionLetterStatesTheRankingsReason:
    @pytest.mark.parametrize("fmt", ["docx", "pdf"])
    @pytest.mark.parametrize(("reason", "stage", "decision", "sentence"), REASONS)
    def test_each_reason_code_is_worded_in_polish_by_the_template(
        self,
        tmp_path: Path,
        fmt: Format,
        reason: ReasonCode,
        stage: int,
        decision: str,
        sentence: str,
    ) -> None:
        text = _letter_text(
            fmt, tmp_path / f"decyzja.{fmt}", reason=reason, stage=stage, decision=decision
        )
        assert f"{ANNOUNCED} {DECISIONS[decision]}" in text
        assert sentence in text
        assert "{{" not in text and "{%" not in text

    @pytest.mark.parametrize("fmt", ["docx", "pdf"])
    def test_a_score_under_the_pass_mark_is_explained_with_it(
        self, tmp_path: Path, fmt: Format
    ) -> None:
        text = _letter_text(
            fmt,
            tmp_path / f"decyzja.{fmt}",
            reason=ReasonCode.BELOW_PASS_MARK,
            stage=2,
            decision="rejected",
            score=Decimal("48.5"),
        )
        assert (
            "Ocena końcowa (48,5 pkt) jest niższa od progu 60 pkt wymaganego przez program." in text
        )

    def test_a_pdf_letter_without_a_sentence_for_its_reason_is_not_made(
        self, tmp_path: Path
    ) -> None:
        with pytest.raises(DocumentError, match="why"):
            _decision("pdf", tmp_path / "decyzja.pdf", reason=ReasonCode.WITHDRAWN)
        assert not (tmp_path / "decyzja.pdf").exists()


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012  # shared with the test on purpose

    def do_GET(self) -> None:  # the name http.server calls
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body{}")

    def log_message(self, *args: Any) -> None:
        """Keep the test output clean."""


@pytest.fixture
def web_server() -> Iterator[str]:
    _CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class TestTemplateFetcher:
    def test_a_file_inside_the_template_folder_is_served(self) -> None:
        response = TemplateFetcher(TEMPLATES).fetch((TEMPLATES / "style.css").as_uri())
        assert b"@font-face" in response.read()
        assert response.content_type == "text/css"

    def test_a_data_uri_is_served(self) -> None:
        response = TemplateFetcher(TEMPLATES).fetch("data:text/plain;base64,w6bDuMOl")
        assert response.read().decode() == "æøå"

    @pytest.mark.parametrize(
        "url",
        [
            "file:///etc/passwd",
            "file://evil.example/etc/passwd",
            f"{TEMPLATES.as_uri()}/../pyproject.toml",
            "ftp://example.org/x.css",
        ],
    )
    def test_anything_else_is_refused(self, url: str) -> None:
        with pytest.raises(RefusedURL):
            TemplateFetcher(TEMPLATES).fetch(url)

    def test_a_symlink_leading_out_of_the_folder_is_refused(self, tmp_path: Path) -> None:
        root = tmp_path / "templates"
        root.mkdir()
        (tmp_path / "secret.txt").write_text("tajne")
        (root / "link.css").symlink_to(tmp_path / "secret.txt")
        with pytest.raises(RefusedURL):
            TemplateFetcher(root).fetch((root / "link.css").as_uri())

    def test_a_network_url_is_refused_before_any_request(self, web_server: str) -> None:
        with pytest.raises(RefusedURL):
            TemplateFetcher(TEMPLATES).fetch(f"{web_server}/style.css")
        assert _CountingHandler.requests == []

    def test_a_template_reaching_outside_fails_and_fetches_nothing(
        self, tmp_path: Path, web_server: str
    ) -> None:
        root = tmp_path / "templates"
        (root / "application").mkdir(parents=True)
        (root / "application" / "application.html.j2").write_text(
            f'<html lang="pl"><head><title>t</title>'
            f'<link rel="stylesheet" href="{web_server}/evil.css"></head>'
            f'<body><img src="file:///etc/passwd" alt="x"></body></html>'
        )
        request = RenderRequest(
            kind="application",
            lang="pl",
            fmt="pdf",
            context={},
            title="t",
            issued=ISSUED,
            target=tmp_path / "evil.pdf",
            template="application/application.html.j2",
        )
        with pytest.raises(DocumentError, match="refused"):
            TemplateRenderer(root).render(request)
        assert _CountingHandler.requests == []
        assert not (tmp_path / "evil.pdf").exists()


def _flatten(value: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        yield from _flatten(value[0], f"{prefix}[]")
    else:
        yield prefix


def _used_paths(source: str, environment: jinja2.Environment) -> set[str]:
    """Dotted paths a template reads ("budget.lines[].amount"), loop variables resolved."""
    used: set[str] = set()
    aliases: dict[str, str] = {}
    local: set[str] = set()  # set in the template itself ({% set state_names = … %})

    def path(node: nodes.Node) -> str | None:
        if isinstance(node, nodes.Name):
            return aliases.get(node.name, node.name)
        if isinstance(node, nodes.Getattr):
            base = path(node.node)
            return None if base is None else f"{base}.{node.attr}"
        return None

    def visit(node: nodes.Node) -> None:
        if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
            local.add(node.target.name)
            visit(node.node)
            return
        if isinstance(node, nodes.For) and isinstance(node.target, nodes.Name):
            visit(node.iter)
            iterated = path(node.iter)
            if iterated is not None:
                aliases[node.target.name] = f"{iterated}[]"
            for child in (*node.body, *node.else_, *([node.test] if node.test else [])):
                visit(child)
            return
        if isinstance(node, nodes.Getattr) or (isinstance(node, nodes.Name) and node.ctx == "load"):
            found = path(node)
            if found is not None:
                used.add(found)
                return
        for child in node.iter_child_nodes():
            visit(child)

    visit(environment.parse(source))
    # "rate" from "for rate in budget.rates" reads the list itself.
    # Jinja's own names: the loop object, its globals (dict, range…), gettext.
    jinja = {"loop", "_", "gettext", "ngettext", *DEFAULT_NAMESPACE}
    return {
        p.removesuffix("[]")
        for p in used
        if p.split(".")[0].removesuffix("[]") not in jinja | local
    }


def _documented() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml.safe_load(
        (TEMPLATES / "variables.yaml").read_text(encoding="utf-8")
    )
    return data


def _subjects() -> dict[str, object]:
    """A subject of each shipped kind from the sample data (a new kind adds its own)."""
    form = forms.load("outline")
    return {
        "application": ApplicationDocument(chelm_outline(), form, PROGRAMME_NAMES, ISSUED),
        "decision": DecisionDocument(chelm_decision(), PROGRAMME_NAMES, OPERATOR),
        "agreement": AgreementDocument(chelm_agreement(), form, PROGRAMME_NAMES),
        "final_report": FinalReportDocument(
            chelm_final_report(),
            form,
            PROGRAMME_NAMES,
            REPORTED,
            LUMP_SUM,
            "Kristiansand kommune",
            RATE,
        ),
        "publication": PublicationDocument(programme_publication(), form),
    }


def _context(kind: str, lang: str) -> dict[str, Any]:
    """The context of each kind from the sample data, in ``lang``, as the kind builds it."""
    return DOCUMENT_KINDS.kind(kind).context(_subjects()[kind], lang)


def _template_sources(kind: str) -> dict[str, str]:
    """The HTML template (with the base page) and every language's docx, as Jinja source."""
    declared = DOCUMENT_KINDS.kind(kind)
    html = TEMPLATES / declared.template(declared.languages[0], "pdf")
    sources = {
        "html": html.read_text(encoding="utf-8")
        + (TEMPLATES / "base.html.j2").read_text(encoding="utf-8")
    }
    for lang in declared.languages:
        template = DocxTemplate(TEMPLATES / declared.template(lang, "docx"))
        template.init_docx()
        xml = template.patch_xml(template.get_xml())
        for _, part in template.get_headers_footers(template.HEADER_URI):
            xml += template.patch_xml(template.get_part_xml(part))
        sources[f"{lang}.docx"] = xml
    return sources


EDITIONS = [(kind.code, lang) for kind in DOCUMENT_KINDS for lang in kind.languages]


class TestTemplateVariables:
    @pytest.mark.parametrize(("kind", "lang"), EDITIONS)
    def test_every_provided_variable_is_documented_and_nothing_more(
        self, kind: str, lang: str
    ) -> None:
        assert set(_flatten(_context(kind, lang))) == set(_documented()[kind])

    def test_every_shipped_kind_has_a_sample_subject_and_documented_variables(self) -> None:
        assert set(_subjects()) == set(DOCUMENT_KINDS.codes) <= set(_documented())

    @pytest.mark.parametrize("kind", DOCUMENT_KINDS.codes)
    def test_every_template_the_kind_declares_is_shipped(self, kind: str) -> None:
        declared = DOCUMENT_KINDS.kind(kind)
        for lang in declared.languages:
            for fmt in declared.formats:
                assert (TEMPLATES / declared.template(lang, fmt)).is_file(), (lang, fmt)

    @pytest.mark.parametrize("kind", DOCUMENT_KINDS.codes)
    def test_every_variable_a_template_uses_is_documented(self, kind: str) -> None:
        documented = set(_documented()[kind])
        # A list documented by its items ("indicators[].unit") may be iterated
        # ("indicators"), nested ones too ("projects[].indicators").
        documented |= {p.split("[]")[0] for p in documented}
        documented |= {p.rsplit("[]", 1)[0] for p in documented if "[]" in p}
        # A mapping documented by its keys ("map.towns[].name") may be handed whole
        # to a chart filter ("map").
        documented |= {p.split(".")[0] for p in documented}
        environment = jinja2.Environment(extensions=["jinja2.ext.i18n"])
        for name, source in _template_sources(kind).items():
            used = _used_paths(source, environment)
            assert used, name
            assert used <= documented, (name, sorted(used - documented))


class TestManifest:
    def test_documents_are_recorded_with_their_hashes_sorted_by_file(self, tmp_path: Path) -> None:
        manifest = JsonManifest(tmp_path)
        pdf = _application(chelm_outline(), "pdf", tmp_path / "b.pdf", log=manifest)
        docx_file = _application(chelm_outline(), "docx", tmp_path / "a.docx", log=manifest)
        data = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
        assert [e["file"] for e in data["files"]] == ["a.docx", "b.pdf"]
        assert data["files"][0]["sha256"] == docx_file.sha256
        assert data["files"][1] == {
            "file": "b.pdf",
            "kind": "application",
            "lang": "pl",
            "format": "pdf",
            "sha256": pdf.sha256,
            "size": pdf.size,
        }

    def test_regenerating_a_file_replaces_its_entry(self, tmp_path: Path) -> None:
        manifest = JsonManifest(tmp_path)
        _application(chelm_outline(), "docx", tmp_path / "a.docx", log=manifest)
        second = _application(
            chelm_outline(city_name="Hrubieszów"), "docx", tmp_path / "a.docx", log=manifest
        )
        data = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
        assert [e["sha256"] for e in data["files"]] == [second.sha256]


def _write_outline(values: dict[str, Any], path: Path) -> None:
    """Lay the values out as the form does: key/value sheets from row 2, tables from row 3."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, sheet in values.items():
        worksheet = workbook.create_sheet(name)
        if isinstance(sheet, dict):
            worksheet.append(["key", "label", "value"])
            for key, value in sheet.items():
                worksheet.append([key, key, value])
        else:
            keys = list(sheet[0])
            worksheet.append(keys)
            worksheet.append(keys)
            for row in sheet:
                worksheet.append([row[k] for k in keys])
    workbook.save(path)


def _valid_values() -> dict[str, Any]:
    values: dict[str, Any] = chelm_outline_values()
    # The soft-measures line in EUR: valid whatever the reference programme's rate is.
    values["Budget"][1].update(amount=Decimal("300000.00"), currency="EUR")
    return values


def _preview(outline: Path, target: Path, *options: str) -> Result:
    """``grantflow generate application --outline FILE -o TARGET`` with ``options``."""
    command = ["generate", "application", "--outline", str(outline), "-o", str(target)]
    return CliRunner().invoke(app, [*command, *options])


class TestGenerateCommand:
    @pytest.mark.parametrize("fmt", ["docx", "pdf"])
    def test_a_valid_outline_file_is_rendered_and_recorded(self, tmp_path: Path, fmt: str) -> None:
        _write_outline(_valid_values(), tmp_path / "chelm.xlsx")
        target = tmp_path / "out" / f"chelm.{fmt}"
        result = _preview(
            tmp_path / "chelm.xlsx", target, "--lang", "pl", "--format", fmt, "--date", "2019-12-20"
        )
        assert result.exit_code == 0, result.output
        digest = hashlib.sha256(target.read_bytes()).hexdigest()
        assert digest in result.output
        manifest = json.loads((target.parent / MANIFEST).read_text(encoding="utf-8"))
        assert manifest["files"][0]["sha256"] == digest

    def test_an_invalid_outline_prints_its_report_and_exits_1(self, tmp_path: Path) -> None:
        values = _valid_values()
        values["Applicant"]["nip"] = "5632004010"
        _write_outline(values, tmp_path / "chelm.xlsx")
        target = tmp_path / "chelm.pdf"
        result = _preview(tmp_path / "chelm.xlsx", target, "--format", "pdf")
        assert result.exit_code == 1
        assert "nip" in result.output
        assert not target.exists()
