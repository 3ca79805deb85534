"""The two accessibility checkers every PDF must pass, and the one thing each gets wrong.

``pdfua check`` (the machine-checkable subset of PDF/UA-1) and ``outloud``
(PDF/UA-1 and WCAG 2.2) each run once over a batch of PDFs; ``pdfua_problems``
and ``outloud_problems`` say what a test must not accept in one file's
report. Where a checker is wrong, the fact it checks is checked here instead:

- outloud 0.2.1's TBL-014 (``outloud/rules/tables.py``, ``drawn_grid_untagged``)
  joins every ruled line of a page that crosses two others into ONE region
  (the box from the first grid's top to the last grid's bottom) and asks one
  /Table whose /Pg is that page to cover half of it. A page where two or more
  tables start can never pass, although each grid is its own /Table with
  header cells. Only that page's TBL-014 is accepted. Examined on a fresh demo
  (61 PDFs, 133 /Table elements, outloud flagged 39 pages):

  - no /Table spans two pages: every one has all its marked content on the
    page its /Pg names, so no flagged line belongs to a table continued from
    the page before (``application/stage1-outline/biala-podlaska.pdf`` p. 2:
    objects 204, 4 rows, 25 MCIDs, and 294, 3 rows, 16 MCIDs, both /Pg p. 2,
    covering 26 % and 15 % of outloud's region; object 143 on p. 1 has all
    its 29 MCIDs on p. 1);
  - of the 3,019 ruled lines outloud kept on the flagged pages, every one lies
    in the box of a /Table on its page (within a cell's padding) but the 26
    right-hand borders of the publication's partnership table, whose last
    column's text ("tak", "ja") stops short of them;
  - each flagged page has two or three /Table elements, each covering between
    8 % and 49.9 % of the joined region (publication-pl.pdf p. 8, object 887).
- pdfua 0.1.3's UA-14-001 (headings are not empty) raises on a heading whose
  /K is an array (``getattr(array, "is_integer")`` raises ValueError, not
  AttributeError) and is skipped; ``pdfua_problems`` checks that rule itself.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pikepdf

INSTALL = "python3 -m pip install pdfua outloud (the test extra of pyproject.toml)"
HEADINGS = {f"/H{level}" for level in range(1, 7)}


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"the accessibility checker {name} is not installed: {INSTALL}"
    return path


def _json_objects(text: str) -> list[dict[str, Any]]:
    """pdfua prints one JSON object per file, one after the other."""
    decoder, objects, at = json.JSONDecoder(), [], 0
    while at < len(text.rstrip()):
        found, at = decoder.raw_decode(text, at)
        objects.append(found)
        while at < len(text) and text[at].isspace():
            at += 1
    return objects


def pdfua_reports(paths: Iterable[Path]) -> dict[Path, dict[str, Any]]:
    """pdfua's report on each of ``paths``, by path."""
    given = {str(path): path for path in paths}
    run = subprocess.run(
        [_tool("pdfua"), "check", "--format", "json", *given],
        capture_output=True,
        text=True,
    )
    return {given[report["file"]]: report for report in _json_objects(run.stdout)}


def outloud_reports(paths: Iterable[Path]) -> dict[Path, dict[str, Any]]:
    """outloud's result for each of ``paths``, by path."""
    given = {str(path): path for path in paths}
    run = subprocess.run(
        [_tool("outloud"), "--fail-on", "never", "--json", "-", *given],
        capture_output=True,
        text=True,
        check=True,
    )
    return {given[result["path"]]: result for result in json.loads(run.stdout)["results"]}


def tables_on(path: Path, page: int) -> int:
    """How many /Table structure elements start on ``page`` (1-based)."""
    with pikepdf.open(path) as pdf:
        target = pdf.pages[page - 1].obj.objgen
        tables = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary) and o.get("/S") == pikepdf.Name.Table
        ]
        return sum(1 for t in tables if "/Pg" in t and t.Pg.objgen == target)


def empty_headings(path: Path) -> list[str]:
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


def pdfua_problems(path: Path, report: dict[str, Any]) -> list[Any]:
    """What pdfua found in ``path``, the rules it could not run but UA-14-001, and the
    empty headings UA-14-001 would have found."""
    crashed = [s for s in report.get("skipped", []) if s["rule_id"] != "UA-14-001"]
    counted = [f"{n} {kind}" for kind in ("errors", "warnings") if (n := report["summary"][kind])]
    return [*report["findings"], *counted, *crashed, *empty_headings(path)]


def outloud_problems(path: Path, result: dict[str, Any]) -> list[Any]:
    """outloud's errors and warnings on ``path`` but TBL-014 on a page where two or more
    tables start, or outloud's failure to read the file."""
    if result["error"] is not None:
        return [result["error"]]
    findings = [f for f in result["findings"] if f["severity"] in ("error", "warning")]
    return [f for f in findings if not (f["rule"] == "TBL-014" and tables_on(path, f["page"]) >= 2)]
