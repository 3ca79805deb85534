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
from grantflow.adapters.report_render import localise
from grantflow.adapters.spreadsheet import ReadLimits, read_workbook
from grantflow.validation.outline import validate_outline
from grantflow.validation.programme_file import load_programme
from grantflow.validation.report import FileReport, Issue
from grantflow.validation.workbook import CellValue, RawWorkbook
from tests.integration import clients, hostile

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


def corrupt_deflate(tmp_path: Path, name: str = WORKBOOK, source: Path = FORM) -> Path:
    """The form with one part's deflate stream starting with a reserved block type
    (by default the workbook part, without which LibreOffice does not open it)."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
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


def validate_json(*paths: Path, lang: str = "en") -> tuple[subprocess.CompletedProcess[str], Any]:
    """``grantflow validate --format json`` as a user runs it; its stdout parsed."""
    command = ["validate", "--format", "json", "--lang", lang, *map(str, paths)]
    run = subprocess.run(
        [sys.executable, "-m", "grantflow.cli", *command],
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
    def test_a_corrupt_deflate_stream_in_the_workbook_part_is_the_files_issue(
        self, tmp_path: Path
    ) -> None:
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


# --- other spreadsheet formats, renamed to .xlsx: a few lines of each -------------

SPREADSHEET_ML = (
    '<?xml version="1.0"?>\r\n<?mso-application progid="Excel.Sheet"?>\r\n'
    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"\r\n'
    ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\r\n'
    ' <Worksheet ss:Name="Wniosek"><Table><Row><Cell><Data ss:Type="String">Chełm</Data>'
    "</Cell></Row></Table></Worksheet>\r\n</Workbook>\r\n"
)
FLAT_ODS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n\n'
    '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3"'
    ' office:mimetype="application/vnd.oasis.opendocument.spreadsheet">\n'
    ' <office:body><office:spreadsheet><table:table table:name="Wniosek"/>'
    "</office:spreadsheet></office:body>\n</office:document>\n"
)
HTML_EXPORT = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"'
    ' xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="utf-8"></head>'
    "<body><table><tr><td>Gmina</td><td>Chełm</td></tr></table></body></html>\n"
)
HTML_PAGE = (
    '\ufeff<!DOCTYPE html>\n<html lang="pl"><body><table><tr><td>Chełm</td></tr></table>'
    "</body></html>\n"
)
XHTML_PAGE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
    "<body><table><tr><td>Chełm</td></tr></table></body></html>\n"
)
HTML_TABLE = (
    "<table>\n<tr><th>Gmina</th><th>Kwota</th></tr>\n"
    "<tr><td>Chełm</td><td>150000</td></tr>\n</table>\n"
)
SYLK = 'ID;PWXL;N;E\r\nP;PGeneral\r\nC;Y1;X1;K"Gmina"\r\nC;Y1;X2;K"Chełm"\r\nE\r\n'
DIF_LINES = [
    "TABLE", "0,1", '"EXCEL"', "VECTORS", "0,2", '""', "TUPLES", "0,1", '""', "DATA", "0,0",
    '""', "-1,0", "BOT", "1,0", '"Gmina"', "1,0", '"Chełm"', "-1,0", "EOD",
]  # fmt: skip


def text_file(content: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        path = tmp_path / "wniosek.xlsx"
        path.write_bytes(content.encode(encoding))
        return path

    return build


def numbers_file(*names: str) -> Callable[[Path], Path]:
    """A zip laid out as Numbers saves a spreadsheet (its parts' contents do not matter)."""

    def build(tmp_path: Path) -> Path:
        path = tmp_path / "wniosek.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in names:
                archive.writestr(name, b"\x00\x01protobuf, snappy-framed")
        return path

    return build


NUMBERS_PARTS = ("Metadata/Properties.plist", "Metadata/DocumentIdentifier", "preview.jpg")
OTHER_FORMATS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "SpreadsheetML 2003": (text_file(SPREADSHEET_ML), "Excel 2003 XML"),
    "SpreadsheetML 2003 in UTF-16": (text_file(SPREADSHEET_ML, "utf-16"), "Excel 2003 XML"),
    "flat ODS": (text_file(FLAT_ODS), "flat ODS (.fods)"),
    "HTML as Excel exports it": (text_file(HTML_EXPORT), "HTML (web page)"),
    "HTML page with a BOM": (text_file(HTML_PAGE), "HTML (web page)"),
    "XHTML page": (text_file(XHTML_PAGE), "HTML (web page)"),
    "bare HTML table": (text_file(HTML_TABLE), "HTML (web page)"),
    "SYLK": (text_file(SYLK, "cp1250"), "SYLK"),
    "DIF, Windows lines": (text_file("\r\n".join(DIF_LINES) + "\r\n"), "DIF"),
    "DIF, Unix lines": (text_file("\n".join(DIF_LINES) + "\n"), "DIF"),
    "Numbers": (
        numbers_file("Index/Document.iwa", "Index/Tables/DataList.iwa", *NUMBERS_PARTS),
        "Apple Numbers",
    ),
    "Numbers bundle": (
        numbers_file("Wniosek.numbers/Index.zip", "Wniosek.numbers/preview.jpg"),
        "Apple Numbers",
    ),
}
# The format's name in each message: Polish and Norwegian put it in their own words.
FORMAT_IN_MESSAGE = {
    "Excel 2003 XML": {
        "pl": "Plik jest w formacie Excel 2003 XML, a nie skoroszytem",
        "nb": "Filen er en Excel 2003 XML-fil, ikke",
        "en": "The file is in Excel 2003 XML format,",
    },
    "flat ODS (.fods)": {
        "pl": "Plik jest w formacie FODS (ODS jako jeden plik XML), a nie",
        "nb": "Filen er en flat ODS-fil, ikke",
        "en": "The file is in flat ODS (.fods) format,",
    },
    "HTML (web page)": {
        "pl": "Plik jest w formacie HTML (strona internetowa), a nie",
        "nb": "Filen er en HTML-fil, ikke",
        "en": "The file is in HTML (web page) format,",
    },
    "SYLK": {
        "pl": "Plik jest w formacie SYLK, a nie",
        "nb": "Filen er en SYLK-fil, ikke",
        "en": "The file is in SYLK format,",
    },
    "DIF": {
        "pl": "Plik jest w formacie DIF, a nie",
        "nb": "Filen er en DIF-fil, ikke",
        "en": "The file is in DIF format,",
    },
    "Apple Numbers": {
        "pl": "Plik jest w formacie Apple Numbers, a nie",
        "nb": "Filen er en Apple Numbers-fil, ikke",
        "en": "The file is in Apple Numbers format,",
    },
}


class TestOtherSpreadsheetFormatsAreNamed:
    @pytest.mark.parametrize("case", sorted(OTHER_FORMATS))
    def test_a_spreadsheet_in_another_format_is_named_by_its_format(
        self, case: str, tmp_path: Path
    ) -> None:
        build, fmt = OTHER_FORMATS[case]

        workbook = read_workbook(build(tmp_path))

        assert not workbook.readable
        assert [(i.code, i.params) for i in workbook.issues] == [
            ("unsupported-format", {"format": fmt})
        ]

    @pytest.mark.parametrize("lang", ["pl", "nb", "en"])
    @pytest.mark.parametrize("fmt", sorted(FORMAT_IN_MESSAGE))
    def test_the_message_names_the_format_in_the_users_language(self, fmt: str, lang: str) -> None:
        message = localise(Issue("unsupported-format", params={"format": fmt}), lang)

        assert message.startswith(FORMAT_IN_MESSAGE[fmt][lang])

    @pytest.mark.parametrize("lang", ["pl", "nb", "en"])
    def test_validate_names_the_format_of_each_file_of_a_batch(
        self, lang: str, tmp_path: Path
    ) -> None:
        paths = []
        for number, case in enumerate(sorted(OTHER_FORMATS)):
            folder = tmp_path / str(number)
            folder.mkdir()
            paths.append(OTHER_FORMATS[case][0](folder).rename(tmp_path / f"{number}.xlsx"))

        _, parsed = validate_json(*paths, lang=lang)

        messages = {
            name: [(i["code"], i["message"]) for i in entry["issues"]]
            for name, entry in reports_by_file(parsed).items()
        }
        for number, case in enumerate(sorted(OTHER_FORMATS)):
            expected = FORMAT_IN_MESSAGE[OTHER_FORMATS[case][1]][lang]
            [(code, message)] = messages[f"{number}.xlsx"]
            assert code == "unsupported-format"
            assert message.startswith(expected), (case, message)

    def test_the_forms_own_workbook_part_alone_is_not_taken_for_excel_2003_xml(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "workbook.xlsx"
        path.write_bytes(members(FORM)[WORKBOOK])

        workbook = read_workbook(path)

        assert [(i.code, i.params) for i in workbook.issues] == [
            ("unsupported-format", {"format": "CSV/text"})
        ]

    def test_a_workbook_embedding_a_file_named_like_numbers_parts_is_read(
        self, tmp_path: Path, original: dict[tuple[str, str], CellValue]
    ) -> None:
        path = hostile.rewrite_zip(
            FORM,
            tmp_path / "embeds.xlsx",
            add={
                "xl/embeddings/Index.zip": b"PK\x05\x06" + bytes(18),
                "xl/Index/Document.iwa": b"x",
            },
        )

        assert cell_values(read_workbook(path)) == original


# --- Strict Open XML ------------------------------------------------------------

# What Excel's "Strict Open XML Spreadsheet" save type writes instead of the usual
# (transitional) names; the package's own namespaces (content types, package
# relationships, core properties) are the same in both. In this order: the
# relationship type spelled differently before the namespace that prefixes it.
TO_STRICT = [
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties",
    ),
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    ),
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
        b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
    ),
    (
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    ),
    (
        b"http://schemas.openxmlformats.org/drawingml/2006/main",
        b"http://purl.oclc.org/ooxml/drawingml/main",
    ),
]


def saved_as_strict(tmp_path: Path) -> Path:
    """The form as Excel saves it as Strict Open XML: other namespaces, conformance="strict"."""
    parts = members(FORM)
    strict = {}
    for name, content in parts.items():
        for transitional, purl in TO_STRICT:
            content = content.replace(transitional, purl)
        strict[name] = content
    strict[WORKBOOK] = strict[WORKBOOK].replace(
        b"<workbook ", b'<workbook conformance="strict" ', 1
    )
    assert b"schemas.openxmlformats.org/officeDocument" not in strict["_rels/.rels"]
    assert b"schemas.openxmlformats.org/spreadsheetml" not in b"".join(strict.values())
    return hostile.rewrite_zip(FORM, tmp_path / "strict.xlsx", replace=strict)


class TestStrictOpenXml:
    def test_openpyxl_alone_finds_no_sheet_in_a_strict_workbook(self, tmp_path: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(saved_as_strict(tmp_path), read_only=True)

        assert book.worksheets == []  # the five sheet-missing issues of issue 10

    def test_the_form_saved_as_strict_reads_like_the_original(
        self, tmp_path: Path, original: dict[tuple[str, str], CellValue]
    ) -> None:
        path = saved_as_strict(tmp_path)

        assert cell_values(read_workbook(path)) == original
        assert report_of(path) == FileReport(file=path.name, issues=[])

    def test_a_strict_upload_is_kept_as_it_came(self, tmp_path: Path) -> None:
        path = saved_as_strict(tmp_path)

        upload = spreadsheet.read_upload(path)

        assert upload.workbook.readable
        assert upload.content == path.read_bytes()

    def test_validate_finds_the_strict_form_valid_in_every_language(self, tmp_path: Path) -> None:
        path = saved_as_strict(tmp_path)

        for lang in ("pl", "nb", "en"):
            run, parsed = validate_json(path, lang=lang)

            assert reports_by_file(parsed)[path.name]["issues"] == []
            assert run.returncode == 0

    def test_a_formula_without_value_in_a_strict_sheet_is_still_found(self, tmp_path: Path) -> None:
        strict = members(saved_as_strict(tmp_path))
        sheet = "xl/worksheets/sheet2.xml"
        cell = re.search(rb'<c r="(B[0-9]+)"[^>]*?(?:/>|>.*?</c>)', strict[sheet])
        assert cell is not None
        formula = b'<c r="%s"><f>1+1</f></c>' % cell.group(1)
        path = hostile.rewrite_zip(
            FORM,
            tmp_path / "strict-formula.xlsx",
            replace={**strict, sheet: strict[sheet].replace(cell.group(0), formula, 1)},
        )

        issues = read_workbook(path).issues

        assert [(i.code, i.cell) for i in issues] == [
            ("formula-without-value", cell.group(1).decode())
        ]


# --- packages spreadsheet programs open or refuse ------------------------------------
#
# Five corpus files were still refused (issue 10): a package without
# [Content_Types].xml, one with a sheet failing its CRC-32, one whose _rels/.rels is
# not XML, one with a sheet's deflate stream corrupt, one whose workbook relationships
# are garbled. Each is made here from the form, and LibreOffice decides: what it opens
# is read as it reads it, what it refuses stays refused, with a reason that says why.

SHEET = "xl/worksheets/sheet1.xml"  # the Applicant sheet
RELATIONSHIPS = "xl/_rels/workbook.xml.rels"  # where each sheet of the workbook is
SHARED_STRINGS = "xl/sharedStrings.xml"


def with_shared_strings(tmp_path: Path) -> Path:
    """The form saved again by LibreOffice, which keeps its texts in a shared-strings part
    (formgen writes them inline)."""
    outdir = tmp_path / "zapisany-w-libreoffice"
    clients.soffice_convert(FORM, "xlsx", outdir, tmp_path / "profile")
    path = outdir / FORM.name
    assert SHARED_STRINGS in members(path)
    return path


def without_content_types(tmp_path: Path) -> Path:
    path = tmp_path / "bez-content-types.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members(FORM).items():
            if name != CONTENT_TYPES:
                archive.writestr(name, content)
    return path


def recorded_as(source: Path, path: Path, name: str, crc: int, size: int) -> Path:
    """``source`` copied to ``path`` with the CRC-32 and unpacked size recorded for the
    part ``name`` (in both its headers) replaced by ``crc`` and ``size``."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(name)
    struct.pack_into("<LLL", data, info.header_offset + 14, crc, info.compress_size, size)
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<LLL", data, central + 16, crc, info.compress_size, size)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive, pytest.raises(zipfile.BadZipFile, match="CRC-32"):
        archive.read(name)
    return path


def with_bad_checksum(tmp_path: Path, name: str = SHEET) -> Path:
    """The form with one part's CRC-32 wrong in both its headers; its bytes intact."""
    with zipfile.ZipFile(FORM) as archive:
        info = archive.getinfo(name)
    path = tmp_path / "zla-suma-kontrolna.xlsx"
    return recorded_as(FORM, path, name, info.CRC ^ 0xFFFF, info.file_size)


def with_garbled_part(tmp_path: Path, name: str) -> Path:
    """The form with one part inflating to garbled XML, longer than the original whose
    CRC-32 and size its headers still record: the damage of calamine's issue 252 file."""
    garbled = members(FORM)[name].replace(b"://schemas.", b'""""""o"emas.')  # as in that file
    rewritten = hostile.rewrite_zip(FORM, tmp_path / "przepisany.xlsx", replace={name: garbled})
    with zipfile.ZipFile(FORM) as archive:
        info = archive.getinfo(name)
    path = tmp_path / "znieksztalcony.xlsx"
    return recorded_as(rewritten, path, name, info.CRC, info.file_size)


# The two ways a sheet's part is damaged that LibreOffice shows as an empty sheet,
# and the code of the warning each is read with.
SHEET_DAMAGES = pytest.mark.parametrize(
    ("damage", "code"),
    [
        pytest.param(with_bad_checksum, "part-checksum-mismatch", id="failing-its-checksum"),
        pytest.param(corrupt_deflate, "part-unreadable", id="corrupt-deflate-stream"),
    ],
)


def with_broken_package_relationships(tmp_path: Path) -> Path:
    return with_part(tmp_path, "_rels/.rels", lambda _: b'<?xml version="1.0"?>\nCORRUPTED')


class TestWhatSpreadsheetProgramsOpen:
    def test_a_form_without_its_content_types_is_refused_naming_the_missing_list(
        self, tmp_path: Path
    ) -> None:
        workbook = read_workbook(without_content_types(tmp_path))

        assert not workbook.readable
        (issue,) = workbook.issues
        assert issue.code == "file-unreadable"
        assert "[Content_Types].xml" in issue.params["reason"]
        assert "brakuje w nim spisu części ([Content_Types].xml)" in localise(issue, "pl")
        assert "mangler listen over delene sine ([Content_Types].xml)" in localise(issue, "nb")

    def test_a_form_with_broken_package_relationships_is_refused_naming_them(
        self, tmp_path: Path
    ) -> None:
        workbook = read_workbook(with_broken_package_relationships(tmp_path))

        assert not workbook.readable
        (issue,) = workbook.issues
        assert "(_rels/.rels) are damaged" in issue.params["reason"]
        assert "powiązania pakietu (_rels/.rels) są uszkodzone" in localise(issue, "pl")

    @SHEET_DAMAGES
    def test_a_damaged_sheet_reads_empty_and_the_other_sheets_whole(
        self,
        tmp_path: Path,
        original: dict[tuple[str, str], CellValue],
        damage: Callable[[Path, str], Path],
        code: str,
    ) -> None:
        workbook = read_workbook(damage(tmp_path, SHEET))

        assert workbook.readable
        assert [(i.code, i.severity, i.sheet, i.params) for i in workbook.issues] == [
            (code, "warning", "Applicant", {"part": SHEET})
        ]
        values = cell_values(workbook)
        assert not [key for key in values if key[0] == "Applicant"]
        assert values == {key: v for key, v in original.items() if key[0] != "Applicant"}

    def test_the_damaged_sheets_fields_are_then_missing_as_libreoffice_shows_them(
        self, tmp_path: Path
    ) -> None:
        report = report_of(with_bad_checksum(tmp_path))

        codes = [i.code for i in report.issues]
        assert codes[0] == "part-checksum-mismatch"
        assert set(codes[1:]) == {"required"}
        assert {i.sheet for i in report.issues[1:]} == {"Applicant"}
        message = localise(report.issues[0], "pl")
        assert message.startswith(f"Część pliku {SHEET} jest uszkodzona")

    def test_a_sheet_failing_its_checksum_is_kept_as_it_came(self, tmp_path: Path) -> None:
        path = with_bad_checksum(tmp_path)

        assert spreadsheet.read_upload(path).content == path.read_bytes()

    def test_the_warning_for_a_sheet_that_cannot_be_unpacked_says_to_fill_it_in_again(
        self, tmp_path: Path
    ) -> None:
        report = report_of(corrupt_deflate(tmp_path, SHEET))

        warning, *missing = report.issues
        assert warning.code == "part-unreadable"
        assert {(i.code, i.sheet) for i in missing} == {("required", "Applicant")}
        assert localise(warning, "pl").startswith(
            "Arkusz „Applicant” jest w pliku uszkodzony "
            f"(nie da się rozpakować jego części {SHEET})"
        )
        assert "Fyll ut arket på nytt" in localise(warning, "nb")
        assert "Fill in that sheet again" in localise(warning, "en")

    def test_a_batch_reports_the_form_with_a_sheet_that_cannot_be_unpacked_beside_the_others(
        self, tmp_path: Path
    ) -> None:
        damaged = corrupt_deflate(tmp_path, SHEET)

        run, parsed = validate_json(damaged, FORM, lang="nb")

        assert run.returncode == 1, run.stderr
        reports = reports_by_file(parsed)
        first = reports[damaged.name]["issues"][0]
        assert (first["code"], first["sheet"]) == ("part-unreadable", "Applicant")
        assert first["message"].startswith("Arket «Applicant» er skadet i filen")
        assert reports[FORM.name]["valid"] is True

    @pytest.mark.parametrize("name", [WORKBOOK, STYLES])
    def test_a_corrupt_deflate_stream_outside_the_sheets_leaves_the_file_unreadable(
        self, tmp_path: Path, name: str
    ) -> None:
        workbook = read_workbook(corrupt_deflate(tmp_path, name))

        assert not workbook.readable
        assert [(i.code, i.params["reason"]) for i in workbook.issues] == [
            ("file-unreadable", "the workbook's parts are damaged")
        ]

    @pytest.mark.parametrize(
        "damage",
        [
            pytest.param(with_garbled_part, id="garbled-as-in-calamine-issue-252"),
            pytest.param(with_bad_checksum, id="failing-its-checksum"),
            pytest.param(corrupt_deflate, id="corrupt-deflate-stream"),
        ],
    )
    def test_damaged_workbook_relationships_are_refused_saying_what_to_do(
        self, tmp_path: Path, damage: Callable[[Path, str], Path]
    ) -> None:
        workbook = read_workbook(damage(tmp_path, RELATIONSHIPS))

        assert not workbook.readable
        (issue,) = workbook.issues
        assert issue.code == "file-unreadable"
        assert localise(issue, "en").endswith(
            "the list of where its sheets are kept (xl/_rels/workbook.xml.rels) is damaged, so "
            "spreadsheet programs show none of its values; save it again from the program it "
            "was filled in with, or fill in the blank form again"
        )
        polish = localise(issue, "pl")
        assert "uszkodzony jest w nim spis miejsc, w których zapisano arkusze" in polish
        assert polish.endswith("albo wypełnij ponownie pusty formularz")
        norwegian = localise(issue, "nb")
        assert "oversikten over hvor arkene er lagret (xl/_rels/workbook.xml.rels)" in norwegian
        assert norwegian.endswith("fyll ut det tomme skjemaet på nytt")


def libreoffice_csv(path: Path, tmp_path: Path) -> dict[str, str] | None:
    """Every sheet of ``path`` as LibreOffice exports it to CSV (by sheet name), or None
    when LibreOffice cannot load the file."""
    outdir = tmp_path / f"csv-{path.stem}"
    # Comma, quote, UTF-8, from row 1, ..., and -1: every sheet to a file of its own.
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    run = clients.soffice_convert(path, every_sheet, outdir, tmp_path / "profile", check=False)
    if "could not be loaded" in run.stderr or not outdir.exists():
        return None
    return {
        csv.stem.removeprefix(f"{path.stem}-"): csv.read_text(encoding="utf-8")
        for csv in outdir.glob("*.csv")
    }


@pytest.mark.libreoffice
class TestLibreOfficeDecides:
    def test_libreoffice_opens_neither_a_form_without_content_types_nor_broken_relationships(
        self, tmp_path: Path
    ) -> None:
        assert libreoffice_csv(without_content_types(tmp_path), tmp_path) is None
        assert libreoffice_csv(with_broken_package_relationships(tmp_path), tmp_path) is None
        assert libreoffice_csv(FORM, tmp_path) is not None  # the untouched form loads

    @pytest.mark.parametrize(
        "damage", [with_bad_checksum, corrupt_deflate], ids=["checksum", "deflate-stream"]
    )
    def test_libreoffice_shows_a_damaged_sheet_empty_and_the_others_whole(
        self, tmp_path: Path, damage: Callable[[Path, str], Path]
    ) -> None:
        damaged = libreoffice_csv(damage(tmp_path, SHEET), tmp_path)
        whole = libreoffice_csv(FORM, tmp_path)

        assert damaged is not None and whole is not None
        assert damaged["Applicant"].strip() == ""
        assert "Chełm" in whole["Applicant"]
        assert {k: v for k, v in damaged.items() if k != "Applicant"} == {
            k: v for k, v in whole.items() if k != "Applicant"
        }

    def test_libreoffice_shows_no_value_of_a_form_with_garbled_workbook_relationships(
        self, tmp_path: Path
    ) -> None:
        damaged = libreoffice_csv(with_garbled_part(tmp_path, RELATIONSHIPS), tmp_path)

        assert damaged is not None
        assert set(damaged) == {
            "Applicant",
            "Project",
            "Budget",
            "Partnership",
            "Indicators",
            "Lists",
        }
        assert all(csv.strip() == "" for csv in damaged.values())

    def test_libreoffice_shows_no_text_of_a_form_whose_shared_strings_cannot_be_unpacked(
        self, tmp_path: Path
    ) -> None:
        source = with_shared_strings(tmp_path)
        damaged = libreoffice_csv(corrupt_deflate(tmp_path, SHARED_STRINGS, source), tmp_path)

        assert damaged is not None
        assert "Chełm" not in damaged["Applicant"]
        assert "city_name" not in damaged["Applicant"]
        assert "60354" in damaged["Applicant"]  # the numbers stay

    def test_shared_strings_that_cannot_be_unpacked_leave_the_file_unreadable(
        self, tmp_path: Path
    ) -> None:
        # LibreOffice shows such a file with every text gone, the keys of the fields too.
        source = with_shared_strings(tmp_path)
        assert read_workbook(source).readable  # as LibreOffice saved it, undamaged

        workbook = read_workbook(corrupt_deflate(tmp_path, SHARED_STRINGS, source))

        assert not workbook.readable
        assert [i.code for i in workbook.issues] == ["file-unreadable"]
