"""Every kind's PDF in every language passes two independent accessibility checkers.

Each checker runs once over one PDF per kind and language; what each gets
wrong, and how that fact is checked instead, is in ``tests/integration/checkers.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf
import pytest

from grantflow.adapters.documents.renderer import TemplateRenderer
from grantflow.services.documents.registry import DOCUMENT_KINDS
from tests.integration import checkers
from tests.integration.test_documents import _subjects

EDITIONS = [(kind.code, lang) for kind in DOCUMENT_KINDS for lang in kind.languages]
CELLS = (pikepdf.Name.TD, pikepdf.Name.TH)


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


@pytest.fixture(scope="module")
def pdfua_reports(pdfs: dict[tuple[str, str], Path]) -> dict[Path, dict[str, Any]]:
    return checkers.pdfua_reports(pdfs.values())


@pytest.fixture(scope="module")
def outloud_reports(pdfs: dict[tuple[str, str], Path]) -> dict[Path, dict[str, Any]]:
    return checkers.outloud_reports(pdfs.values())


@pytest.mark.parametrize(("kind", "lang"), EDITIONS)
def test_pdfua_finds_nothing_in_any_kind_or_language(
    kind: str, lang: str, pdfs: dict[tuple[str, str], Path], pdfua_reports: dict[Path, Any]
) -> None:
    path = pdfs[(kind, lang)]
    assert checkers.pdfua_problems(path, pdfua_reports[path]) == []


@pytest.mark.parametrize(("kind", "lang"), EDITIONS)
def test_outloud_finds_no_error_and_no_warning_in_any_kind_or_language(
    kind: str, lang: str, pdfs: dict[tuple[str, str], Path], outloud_reports: dict[Path, Any]
) -> None:
    path = pdfs[(kind, lang)]
    assert checkers.outloud_problems(path, outloud_reports[path]) == []


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
