"""Files real programs write and open: read for their values, or reported, never a crash.

Every input is the project's own filled form (a shipped sample, written by
formgen) with one quirk of a real-world file injected: a corrupt deflate
stream, a stylesheet openpyxl refuses or prints about, an odd sheet state, a
dangling shared-strings declaration, a thousand parts, backslash or
differently-cased part names.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import warnings
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from grantflow import checking, resources
from grantflow.adapters import spreadsheet
from grantflow.adapters.spreadsheet import ReadLimits, read_workbook
from grantflow.validation.outline import validate_outline
from grantflow.validation.programme_file import load_programme
from grantflow.validation.report import FileReport
from grantflow.validation.workbook import CellValue, RawWorkbook
from tests.integration import hostile

FORM = resources.samples() / "outlines" / "chelm.xlsx"  # a valid outline, as formgen writes it
CALL = "stage1-outline"
PROGRAMME = load_programme()
STYLES = "xl/styles.xml"
WORKBOOK = "xl/workbook.xml"
CONTENT_TYPES = "[Content_Types].xml"


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def with_part(tmp_path: Path, name: str, edit: Callable[[bytes], bytes]) -> Path:
    """The form with one part's XML edited (the edit must change it)."""
    original = members(FORM)[name]
    edited = edit(original)
    assert edited != original, f"the edit left {name} as it was"
    return hostile.rewrite_zip(FORM, tmp_path / "quirk.xlsx", replace={name: edited})


def rezipped(tmp_path: Path, rename: Callable[[str], str]) -> Path:
    path = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members(FORM).items():
            archive.writestr(rename(name), content)
    return path


def corrupt_deflate(tmp_path: Path, name: str = "xl/worksheets/sheet2.xml") -> Path:
    """The form with one sheet's deflate stream starting with a reserved block type."""
    data = bytearray(FORM.read_bytes())
    with zipfile.ZipFile(FORM) as archive:
        info = archive.getinfo(name)
    assert info.compress_type == zipfile.ZIP_DEFLATED
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    data[start] = 0b111  # final block, type 3: "invalid block type"
    path = tmp_path / "corrupt-deflate.xlsx"
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive, pytest.raises(zlib.error):
        archive.read(name)  # the very error that escaped the reader
    return path


def cell_values(workbook: RawWorkbook) -> dict[tuple[str, str], CellValue]:
    assert workbook.readable, workbook.issues
    return {
        (sheet.name, cell.ref): cell.value
        for sheet in workbook.sheets.values()
        for _, cells in sheet.rows
        for cell in cells
    }


def report_of(path: Path) -> FileReport:
    return validate_outline(read_workbook(path), PROGRAMME, CALL).report


def openpyxl_refuses(path: Path) -> None:
    """The quirk is real: openpyxl alone cannot load the file."""
    refusals = (ValueError, TypeError, KeyError, IndexError, SyntaxError)
    with warnings.catch_warnings(), pytest.raises(refusals):
        warnings.simplefilter("ignore")
        openpyxl.load_workbook(path, read_only=True, data_only=True)


def validate_json(*paths: Path) -> tuple[subprocess.CompletedProcess[str], Any]:
    """``grantflow validate --format json`` as a user runs it; its stdout parsed."""
    run = subprocess.run(
        [sys.executable, "-m", "grantflow.cli", "validate", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "default"},
    )
    assert "Traceback" not in run.stderr, run.stderr
    return run, json.loads(run.stdout)


def reports_by_file(parsed: Any) -> dict[str, Any]:
    files = parsed["files"] if isinstance(parsed, dict) else parsed
    return {entry["file"]: entry for entry in files}


@pytest.fixture(scope="module")
def original() -> dict[tuple[str, str], CellValue]:
    return cell_values(read_workbook(FORM))


class TestADamagedFileCostsNoOtherFileItsReport:
    def test_a_corrupt_deflate_stream_in_a_sheet_is_the_files_issue(self, tmp_path: Path) -> None:
        workbook = read_workbook(corrupt_deflate(tmp_path))

        assert not workbook.readable
        assert [(i.code, i.params["reason"]) for i in workbook.issues] == [
            ("file-unreadable", "the workbook's parts are damaged")
        ]

    def test_whatever_a_library_raises_becomes_the_files_issue(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def explode(*args: Any, **kwargs: Any) -> Any:
            raise RecursionError("maximum recursion depth exceeded")

        monkeypatch.setattr(spreadsheet, "_inspect_members", explode)

        workbook = read_workbook(FORM)

        assert [i.code for i in workbook.issues] == ["file-unreadable"]
        assert workbook.sheets == {}

    def test_a_batch_with_a_corrupt_file_reports_every_file_as_json(self, tmp_path: Path) -> None:
        corrupt = corrupt_deflate(tmp_path)

        run, parsed = validate_json(corrupt, FORM)

        assert run.returncode == 1, run.stderr  # one file is invalid, none is lost
        reports = reports_by_file(parsed)
        assert reports[corrupt.name]["issues"][0]["code"] == "file-unreadable"
        assert reports[FORM.name]["valid"] is True

    def test_the_corrupt_file_alone_gets_its_report_as_json(self, tmp_path: Path) -> None:
        corrupt = corrupt_deflate(tmp_path)

        run, parsed = validate_json(corrupt)

        assert run.returncode == 1
        assert [i["code"] for i in reports_by_file(parsed)[corrupt.name]["issues"]] == [
            "file-unreadable"
        ]

    def test_the_worker_processes_report_every_file_of_a_batch(self, tmp_path: Path) -> None:
        corrupt = corrupt_deflate(tmp_path)
        paths = [FORM] * checking.PARALLEL_THRESHOLD + [corrupt]

        report = checking.check_files(paths, jobs=2)

        assert [f.valid for f in report.files] == [True] * checking.PARALLEL_THRESHOLD + [False]

    def test_a_file_whose_check_fails_unexpectedly_still_gets_a_report(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("a bug, not the file")

        monkeypatch.setattr(checking, "validate_outline", fail)

        report = checking.check_files([FORM, FORM], jobs=1)

        assert [[i.code for i in f.issues] for f in report.files] == [["file-unreadable"]] * 2

    def test_after_a_worker_died_the_files_left_are_checked_again_each_on_its_own(self) -> None:
        died: Future[FileReport] = Future()
        died.set_exception(BrokenProcessPool("a worker was killed"))

        report = checking._report_of(died, FORM, None, CALL)

        assert (report.file, report.valid) == (FORM.name, True)


def without_default_cell_style(styles: bytes) -> bytes:
    """An empty table of cell style formats: openpyxl prints "0 is out of range"."""
    return re.sub(rb"<cellStyleXfs.*?</cellStyleXfs>", b'<cellStyleXfs count="0"/>', styles)


class TestNothingALibraryPrintsReachesTheOutput:
    def test_the_empty_style_table_really_makes_openpyxl_print(self, tmp_path: Path) -> None:
        path = with_part(tmp_path, STYLES, without_default_cell_style)
        out = io.StringIO()

        with pytest.raises(IndexError), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys_stdout, sys.stdout = sys.stdout, out
            try:
                openpyxl.load_workbook(path, read_only=True)
            finally:
                sys.stdout = sys_stdout

        assert out.getvalue() == "0 is out of range\n"

    def test_reading_prints_and_warns_nothing(
        self, tmp_path: Path, capfd: pytest.CaptureFixture[str]
    ) -> None:
        path = with_part(tmp_path, STYLES, without_default_cell_style)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            workbook = read_workbook(path)

        assert workbook.readable
        assert capfd.readouterr() == ("", "")
        assert caught == []

    def test_validate_as_json_parses_whatever_openpyxl_prints(
        self, tmp_path: Path, original: dict[tuple[str, str], CellValue]
    ) -> None:
        path = with_part(tmp_path, STYLES, without_default_cell_style)

        run, parsed = validate_json(path)

        assert run.returncode == 0, run.stdout
        assert reports_by_file(parsed)[path.name]["valid"] is True
        assert cell_values(read_workbook(path)) == original


def add_fill(styles: bytes, fill: bytes) -> bytes:
    return re.sub(rb"</fills>", fill + b"</fills>", styles, count=1)


QUIRKS: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "an empty fill": (STYLES, lambda xml: add_fill(xml, b"<fill/>")),
    "an invalid colour": (
        STYLES,
        lambda xml: xml.replace(b'<color rgb="00666666"/>', b'<color rgb="grey"/>', 1),
    ),
    "an empty style table": (STYLES, without_default_cell_style),
    "styles that are not XML": (STYLES, lambda xml: xml[: len(xml) // 2]),
    'a sheet in state "show"': (
        WORKBOOK,
        lambda xml: xml.replace(b'state="visible"', b'state="show"'),
    ),
    "a shared-strings part declared but missing": (
        CONTENT_TYPES,
        lambda xml: xml.replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
    ),
}


class TestFilesRealProgramsOpenAreRead:
    @pytest.mark.parametrize("quirk", sorted(QUIRKS))
    def test_a_quirk_openpyxl_refuses_still_gives_every_value(
        self, quirk: str, tmp_path: Path, original: dict[tuple[str, str], CellValue]
    ) -> None:
        part, edit = QUIRKS[quirk]
        path = with_part(tmp_path, part, edit)
        openpyxl_refuses(path)

        assert cell_values(read_workbook(path)) == original
        assert report_of(path).valid

    def test_dates_stay_dates_when_the_styles_are_replaced(self, tmp_path: Path) -> None:
        path = with_part(tmp_path, STYLES, lambda xml: add_fill(xml, b"<fill/>"))

        values = cell_values(read_workbook(path))

        assert str(values["Project", "C8"]) == "2021-04-01 00:00:00"

    def test_a_file_still_damaged_after_mending_keeps_its_first_reason(
        self, tmp_path: Path
    ) -> None:
        path = hostile.rewrite_zip(
            with_part(tmp_path, STYLES, lambda xml: add_fill(xml, b"<fill/>")),
            tmp_path / "both.xlsx",
            replace={"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c r="},
        )

        workbook = read_workbook(path)

        assert [i.code for i in workbook.issues] == ["file-unreadable"]

    def test_a_workbook_of_over_a_thousand_parts_is_read(
        self, tmp_path: Path, original: dict[tuple[str, str], CellValue]
    ) -> None:
        extra = {f"xl/printerSettings/printerSettings{i}.bin": b"\0" * 64 for i in range(1_100)}
        path = hostile.rewrite_zip(FORM, tmp_path / "bigfoot.xlsx", add=extra)

        assert cell_values(read_workbook(path)) == original

    def test_the_part_limit_still_stops_a_central_directory_bomb(self, tmp_path: Path) -> None:
        path = hostile.many_parts(tmp_path, count=ReadLimits().max_members)

        workbook = read_workbook(path)

        assert [i.params.get("reason") for i in workbook.issues] == [
            "the archive has far more parts than any workbook"
        ]


class TestPartNamesAsOtherReadersAcceptThem:
    def test_backslash_separators_read_like_the_original(
        self, tmp_path: Path, original: dict[tuple[str, str], CellValue]
    ) -> None:
        path = rezipped(tmp_path, lambda name: name.replace("/", "\\"))

        assert cell_values(read_workbook(path)) == original
        assert report_of(path) == FileReport(file=path.name, issues=[])

    def test_part_names_in_another_case_read_like_the_original(
        self, tmp_path: Path, original: dict[tuple[str, str], CellValue]
    ) -> None:
        path = rezipped(tmp_path, lambda name: name.lower().replace("/", "\\"))

        assert cell_values(read_workbook(path)) == original

    def test_a_part_spelled_as_referenced_wins_over_its_namesake_in_another_case(
        self, tmp_path: Path, original: dict[tuple[str, str], CellValue]
    ) -> None:
        path = hostile.rewrite_zip(
            rezipped(tmp_path, lambda name: name.replace("/", "\\")),
            tmp_path / "namesakes.xlsx",
            add={"XL/STYLES.XML": b"<not a stylesheet"},
        )

        assert cell_values(read_workbook(path)) == original

    def test_an_upload_is_kept_as_it_came_not_as_it_was_mended(self, tmp_path: Path) -> None:
        path = rezipped(tmp_path, lambda name: name.replace("/", "\\"))

        upload = spreadsheet.read_upload(path)

        assert upload.content == path.read_bytes()

    def test_a_well_named_package_is_read_from_its_own_bytes(self) -> None:
        data = FORM.read_bytes()

        assert spreadsheet._readable_names(data, ReadLimits()) is data
