"""Every kind's PDF in every language passes two independent accessibility checkers.

``pdfua check`` (the machine-checkable subset of PDF/UA-1) and ``outloud``
(PDF/UA-1 and WCAG 2.2) run once each over one PDF per kind and language.
Where a checker is wrong the test says why and checks the fact itself:

- outloud's TBL-014 joins every ruled line of a page into one region and asks
  one /Table to cover half of it; a page with two or more tables (a final
  report's indicators, expenditure and activities) can never pass, although
  each grid is its own /Table. The test accepts TBL-014 only on such a page.
- pdfua 0.1.3's UA-14-001 (headings are not empty) raises on a heading whose
  /K is an array (``getattr(array, "is_integer")`` raises ValueError, not
  AttributeError) and is skipped; the test checks that rule itself.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from grantflow.adapters.documents.renderer import TemplateRenderer
from grantflow.services.documents.registry import DOCUMENT_KINDS
from tests.integration.test_documents import _subjects

INSTALL = "python3 -m pip install pdfua outloud (the test extra of pyproject.toml)"
EDITIONS = [(kind.code, lang) for kind in DOCUMENT_KINDS for lang in kind.languages]
HEADINGS = {f"/H{level}" for level in range(1, 7)}
CELLS = (pikepdf.Name.TD, pikepdf.Name.TH)


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"the accessibility checker {name} is not installed: {INSTALL}"
    return path


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """One PDF of each kind in each of its languages."""
    folder = tmp_path_factory.mktemp("accessible")
    renderer, subjects = TemplateRenderer(), _subjects()
    made = {}
    for code, lang in EDITIONS:
        target = folder / f"{code}-{lang}.pdf"
        kind = DOCUMENT_KINDS.kind(code)
        renderer.render(kind.request(subjects[code], lang=lang, fmt="pdf", target=target))
        made[(code, lang)] = target
    return made


def _json_objects(text: str) -> list[dict[str, Any]]:
    """pdfua prints one JSON object per file, one after the other."""
    decoder, objects, at = json.JSONDecoder(), [], 0
    while at < len(text.rstrip()):
        found, at = decoder.raw_decode(text, at)
        objects.append(found)
        while at < len(text) and text[at].isspace():
            at += 1
    return objects


@pytest.fixture(scope="module")
def pdfua_reports(pdfs: dict[tuple[str, str], Path]) -> dict[str, dict[str, Any]]:
    run = subprocess.run(
        [_tool("pdfua"), "check", "--format", "json", *map(str, pdfs.values())],
        capture_output=True,
        text=True,
    )
    return {Path(report["file"]).name: report for report in _json_objects(run.stdout)}


@pytest.fixture(scope="module")
def outloud_reports(pdfs: dict[tuple[str, str], Path]) -> dict[str, dict[str, Any]]:
    run = subprocess.run(
        [_tool("outloud"), "--fail-on", "never", "--json", "-", *map(str, pdfs.values())],
        capture_output=True,
        text=True,
        check=True,
    )
    return {Path(result["path"]).name: result for result in json.loads(run.stdout)["results"]}


def _tables_on(path: Path, page: int) -> int:
    """How many /Table structure elements start on ``page`` (1-based)."""
    with pikepdf.open(path) as pdf:
        target = pdf.pages[page - 1].obj.objgen
        tables = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/S") == pikepdf.Name.Table
        ]
        return sum(1 for t in tables if "/Pg" in t and t.Pg.objgen == target)


def _empty_headings(path: Path) -> list[str]:
    """The headings that mark no content (pdfua's UA-14-001, which crashes on these files)."""

    def marks_content(element: Any) -> bool:
        kids = element.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids]
        return any(
            isinstance(k, int) or (isinstance(k, pikepdf.Dictionary) and marks_content(k))
            for k in kids
            if k is not None
        )

    with pikepdf.open(path) as pdf:
        headings = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and str(o.get("/S")) in HEADINGS
        ]
        return [str(h.S) for h in headings if not marks_content(h)]


@pytest.mark.parametrize(("kind", "lang"), EDITIONS)
def test_pdfua_finds_nothing_in_any_kind_or_language(
    kind: str, lang: str, pdfs: dict[tuple[str, str], Path], pdfua_reports: dict[str, Any]
) -> None:
    path = pdfs[(kind, lang)]
    report = pdfua_reports[path.name]
    assert report["findings"] == [], report["findings"]
    assert report["summary"]["errors"] == report["summary"]["warnings"] == 0
    crashed = [s for s in report.get("skipped", []) if s["rule_id"] != "UA-14-001"]
    assert crashed == [], crashed
    assert _empty_headings(path) == []


@pytest.mark.parametrize(("kind", "lang"), EDITIONS)
def test_outloud_finds_no_error_and_no_warning_in_any_kind_or_language(
    kind: str, lang: str, pdfs: dict[tuple[str, str], Path], outloud_reports: dict[str, Any]
) -> None:
    path = pdfs[(kind, lang)]
    result = outloud_reports[path.name]
    assert result["error"] is None
    findings = [f for f in result["findings"] if f["severity"] in ("error", "warning")]
    wrong = [f for f in findings if f["rule"] == "TBL-014" and _tables_on(path, f["page"]) >= 2]
    assert [f for f in findings if f not in wrong] == []


def test_the_agreements_norwegian_column_is_tagged_norwegian_in_the_pdf(
    pdfs: dict[tuple[str, str], Path],
) -> None:
    with pikepdf.open(pdfs[("agreement", "pl")]) as pdf:
        cells = [
            o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/S") in CELLS
        ]
        languages = [str(c.get("/Lang", "pl")) for c in cells]
    assert languages.count("nb") == languages.count("pl") > 0


def test_running_heads_and_page_numbers_are_pagination_artifacts_on_every_page(
    pdfs: dict[tuple[str, str], Path],
) -> None:
    with pikepdf.open(pdfs[("publication", "nb")]) as pdf:
        assert len(pdf.pages) > 1
        for page in pdf.pages:
            artifacts = [
                i.operands[1].get("/Type")
                for i in pikepdf.parse_content_stream(page)
                if str(i.operator) == "BDC" and i.operands[0] == pikepdf.Name.Artifact
            ]
            # the running head and the page number
            assert artifacts == [pikepdf.Name.Pagination] * 2
