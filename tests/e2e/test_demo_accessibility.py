"""Every PDF the demo writes passes both accessibility checkers, with no error and no warning.

The PDFs are those of the session's one demo run (``demo_run``, which
``test_cli.py`` reads too); what each checker gets wrong, and the structure
tree that shows it, is in ``tests/integration/checkers.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.test_cli import combined
from tests.integration import checkers

if TYPE_CHECKING:
    from tests.e2e.conftest import DemoRun

KINDS = {"application", "decision", "agreement", "final_report", "publication"}
# Each checker: its reports on a batch of PDFs, and what a test must not accept in one.
CHECKERS = {
    "pdfua": (checkers.pdfua_reports, checkers.pdfua_problems),
    "outloud": (checkers.outloud_reports, checkers.outloud_problems),
}


@pytest.fixture(scope="module")
def documents(demo_run: DemoRun) -> Path:
    assert demo_run.run.returncode == 0, combined(demo_run.run)
    return demo_run.home / "documents"


@pytest.fixture(scope="module")
def demo_pdfs(documents: Path) -> list[Path]:
    """Every PDF the demo's manifest lists, of every kind."""
    manifest = json.loads((documents / "manifest.json").read_text(encoding="utf-8"))
    listed = sorted(documents / e["file"] for e in manifest["files"] if e["file"].endswith(".pdf"))
    assert listed == sorted(documents.rglob("*.pdf"))
    assert {path.relative_to(documents).parts[0] for path in listed} == KINDS
    return listed


@pytest.mark.slow
@pytest.mark.parametrize("checker", list(CHECKERS))
def test_the_checker_finds_no_error_and_no_warning_in_any_pdf_of_the_demo(
    checker: str, documents: Path, demo_pdfs: list[Path]
) -> None:
    reports, problems_in = CHECKERS[checker]
    found = reports(demo_pdfs)
    problems = {str(p.relative_to(documents)): problems_in(p, found[p]) for p in demo_pdfs}
    assert {name: listed for name, listed in problems.items() if listed} == {}
