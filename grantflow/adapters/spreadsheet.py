"""Read an uploaded outline workbook safely: hostile files become issues, never exceptions.

An upload is untrusted. Before openpyxl parses anything, the archive is
inspected from its central directory (declared sizes, compression ratio,
macro parts, foreign formats), and every XML part is scanned for DTDs.
Only then does openpyxl read the cell values, sheet by sheet, at most
``ReadLimits.max_rows`` rows each, so time and memory stay bounded whatever
the file claims to be.

``read_workbook`` translates every failure into a file-level ``Issue`` on a
``RawWorkbook`` with ``readable=False``; interpreting the cells is
validation's job. ``read_upload`` also hands back the bytes it read, so an
upload is stored exactly as it was checked, from one read.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import stat
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from openpyxl.utils import get_column_letter

from grantflow.validation.report import Issue
from grantflow.validation.workbook import Cell, CellValue, RawSheet, RawWorkbook

_MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Bounds that keep reading a hostile upload cheap in time and memory.

    The defaults are far above what a filled outline form needs (a few
    hundred kilobytes, a few hundred rows) and far below what hurts.
    """

    max_file_bytes: int = 10 * _MB
    max_members: int = 1_000
    # Declared uncompressed size of all zip members together (bounds each one too).
    max_unpacked_bytes: int = 64 * _MB
    # Uncompressed/compressed size of one member: real sheet XML stays well below
    # 50, a zip bomb of zeros is near 1000. Small members may compress as they like.
    max_ratio: int = 200
    ratio_floor_bytes: int = 1 * _MB
    max_rows: int = 10_000
    # Cells right of this column are ignored: no form has more than a dozen columns.
    max_columns: int = 200


DEFAULT_LIMITS = ReadLimits()

_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# An encrypted (password-protected) .xlsx is an OLE2 container with this stream.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_XML_SUFFIXES = (".xml", ".rels", ".vml")

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = _NS_DOC_REL.strip("{}") + "/officeDocument"

# Sheet XML, scanned as bytes (only when it holds formulas at all): a cell, its
# attributes and its body; inside the body a formula and a cached value. openpyxl
# writes an empty ``<v></v>`` for a formula it cannot compute; an empty value
# counts as cached only for a string result (``t="str"``: the formula gave "").
# Element names may carry a namespace prefix (``<x:c>``), which some writers use.
_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CACHED_VALUE = re.compile(rb"<(?:\w+:)?v(?:\s[^>/]*)?>[^<]")
_ANY_VALUE = re.compile(rb"<(?:\w+:)?v[\s>/]")
_STRING_RESULT = re.compile(rb"""\bt=["']str["']""")
_CELL_REF = re.compile(rb"""\br=["']([A-Z]{1,3})([0-9]{1,7})["']""")


class _Rejected(Exception):
    """A fatal finding: the issue replaces the workbook's contents."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.code)
        self.issue = issue


def _unreadable(reason: str) -> _Rejected:
    return _Rejected(Issue("file-unreadable", params={"reason": reason}))


def _unsupported(fmt: str) -> _Rejected:
    return _Rejected(Issue("unsupported-format", params={"format": fmt}))


def _too_large(size: str, limit: str) -> _Rejected:
    return _Rejected(Issue("file-too-large", params={"size": size, "limit": limit}))


def human_size(n: int) -> str:
    """A byte count as people read it: ``"12.5 MB"``, ``"830 kB"``, ``"120 B"``."""
    if n >= _MB:
        return f"{n / _MB:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n} B"


@dataclass(frozen=True)
class Upload:
    """One read of an uploaded file: its cells, and the very bytes they were read from.

    Whoever keeps the upload keeps ``content``, never the file read again:
    the file may have changed since it was checked, or be far over the limit.
    """

    workbook: RawWorkbook  # its ``sha256`` is of the whole file ("" if it could not be opened)
    content: bytes | None  # None: not read whole (over ``max_file_bytes``, or cannot be opened)


def read_upload(
    path: Path, *, display_name: str | None = None, limits: ReadLimits = DEFAULT_LIMITS
) -> Upload:
    """Read ``path`` once; any problem with the file is an issue, never an error."""
    workbook = RawWorkbook(file=display_name or path.name, sha256="")
    data: bytes | None = None
    try:
        data = _read_bytes(path, limits, workbook)
        package = _inspect(_open_zip(data), limits)
        _read_sheets(data, package, limits, workbook)
    except _Rejected as rejected:
        workbook.sheets.clear()
        workbook.issues = [rejected.issue]
        workbook.readable = False
    return Upload(workbook, data)


def read_workbook(
    path: Path, *, display_name: str | None = None, limits: ReadLimits = DEFAULT_LIMITS
) -> RawWorkbook:
    """Read the cell values of ``path``; any problem with the file is an issue, never an error."""
    return read_upload(path, display_name=display_name, limits=limits).workbook


# --- the file as bytes --------------------------------------------------------


def _read_bytes(path: Path, limits: ReadLimits, workbook: RawWorkbook) -> bytes:
    """The file's bytes (at most ``max_file_bytes``); sets the workbook's SHA-256."""
    try:
        # A FIFO or device named like a workbook would block or stream forever.
        if not stat.S_ISREG(path.stat().st_mode):
            raise _unreadable("it is not a regular file")
        with path.open("rb") as fh:
            data = fh.read(limits.max_file_bytes + 1)
            digest = hashlib.sha256(data)
            size = len(data)
            if size > limits.max_file_bytes:
                # Hash the rest in chunks (the digest identifies the upload) without keeping it.
                while chunk := fh.read(_MB):
                    digest.update(chunk)
                    size += len(chunk)
    except OSError as exc:
        raise _unreadable("the file cannot be opened") from exc
    workbook.sha256 = digest.hexdigest()
    if size > limits.max_file_bytes:
        raise _too_large(human_size(size), human_size(limits.max_file_bytes))
    return data


def _looks_like_text(head: bytes) -> bool:
    """CSV, TSV, HTML or any text: no NULs and no control characters but tab/CR/LF."""
    if head.startswith(_TEXT_BOMS):
        return True
    return not any(b < 32 and b not in (9, 10, 13) for b in head)


def _open_zip(data: bytes) -> zipfile.ZipFile:
    if not data:
        raise _unreadable("the file is empty")
    if data.startswith(_OLE2_MAGIC):
        if _ENCRYPTED_PACKAGE in data:
            raise _unreadable(
                "the workbook is password-protected; remove the password and save it again"
            )
        raise _unsupported("XLS")
    if not data.startswith(b"PK"):
        if _looks_like_text(data[:8192]):
            raise _unsupported("CSV/text")
        raise _unreadable("it is not a zip archive, as every .xlsx file is")
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _unreadable("the zip archive is damaged or truncated") from exc


# --- the archive, before openpyxl sees it --------------------------------------


@dataclass(frozen=True)
class _Package:
    # Per sheet name: (row, A1 ref) of every cell holding a formula without a cached value.
    formulas: Mapping[str, list[tuple[int, str]]]


def _inspect(archive: zipfile.ZipFile, limits: ReadLimits) -> _Package:
    with archive:
        try:
            return _inspect_members(archive, limits)
        except _Rejected:
            raise
        except DefusedXmlException as exc:
            raise _unreadable("it contains XML entity declarations, which are not allowed") from exc
        # Reading a member of a damaged archive fails in many ways (bad CRC,
        # truncated data, unsupported compression, a missing part, broken XML).
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            OSError,
            EOFError,
            KeyError,
            ValueError,
            NotImplementedError,
            SyntaxError,
        ) as exc:
            raise _unreadable("the workbook's parts are damaged") from exc


def _inspect_members(archive: zipfile.ZipFile, limits: ReadLimits) -> _Package:
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise _unreadable("the archive has far more parts than any workbook")
    names = {info.filename for info in infos}
    _check_sizes(infos, limits)
    if "mimetype" in names and archive.read("mimetype").startswith(_ODS_MIMETYPE):
        raise _unsupported("ODS")
    if "xl/workbook.bin" in names:
        raise _unsupported("XLSB")
    _check_macros(archive, names)
    sheet_paths = _sheet_paths(archive, names)
    formulas: dict[str, list[tuple[int, str]]] = {}
    for info in infos:
        if not info.filename.lower().endswith(_XML_SUFFIXES):
            continue
        content = archive.read(info)
        # A DTD has no place in OOXML; its entities are what XML bombs are made of.
        if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
            raise _unreadable("it contains XML entity declarations, which are not allowed")
        sheet = sheet_paths.get(info.filename)
        if sheet is not None:
            refs = _formulas_without_value(content)
            if refs:
                formulas[sheet] = refs
    return _Package(formulas=formulas)


def _check_sizes(infos: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    """Declared sizes decide: zipfile never inflates a member beyond its declared size."""
    total = sum(info.file_size for info in infos)
    if total > limits.max_unpacked_bytes:
        raise _too_large(
            f"{human_size(total)} unpacked", f"{human_size(limits.max_unpacked_bytes)} unpacked"
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise _unreadable("parts of the archive are encrypted")
        if info.file_size > limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise _unreadable("a part expands hundreds of times when unpacked (a zip bomb)")


def _check_macros(archive: zipfile.ZipFile, names: set[str]) -> None:
    lowered = {name.lower() for name in names}
    if any(n.endswith("vbaproject.bin") or n.startswith("xl/macrosheets/") for n in lowered):
        raise _Rejected(Issue("macro-enabled-workbook"))
    if "[Content_Types].xml" in names:
        content_types = archive.read("[Content_Types].xml").lower()
        if b"macroenabled" in content_types or b"macrosheet" in content_types:
            raise _Rejected(Issue("macro-enabled-workbook"))


def _sheet_paths(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Zip path of each worksheet's XML -> sheet name, from the workbook and its relationships."""
    workbook_part = "xl/workbook.xml"
    if "_rels/.rels" in names:
        for rel in fromstring(archive.read("_rels/.rels")).iter(f"{_NS_PKG_REL}Relationship"):
            if rel.get("Type") == _OFFICE_DOCUMENT:
                workbook_part = rel.get("Target", workbook_part).lstrip("/")
    if workbook_part not in names:
        raise _unreadable("the zip archive is not an Excel workbook (it has no workbook part)")
    folder, base = posixpath.split(workbook_part)
    rels_part = posixpath.join(folder, "_rels", base + ".rels")
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in fromstring(archive.read(rels_part)).iter(f"{_NS_PKG_REL}Relationship")
    }
    paths: dict[str, str] = {}
    for sheet in fromstring(archive.read(workbook_part)).iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_DOC_REL}id"))
        if target:
            path = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            paths[path] = sheet.get("name", "")
    return paths


def _formulas_without_value(content: bytes) -> list[tuple[int, str]]:
    # Cheap pre-check: a formula element always ends with "f>" or is "<f .../>".
    if b"f>" not in content and b"<f " not in content:
        return []
    found: list[tuple[int, str]] = []
    for match in _CELL.finditer(content):
        attributes, body = match.group(1), match.group(2)
        if not body or not _FORMULA.search(body) or _CACHED_VALUE.search(body):
            continue
        if not (_STRING_RESULT.search(attributes) and _ANY_VALUE.search(body)):
            ref = _CELL_REF.search(attributes)
            if ref is not None:
                found.append((int(ref.group(2)), (ref.group(1) + ref.group(2)).decode("ascii")))
    return found


# --- the cells, through openpyxl -------------------------------------------------


def _read_sheets(data: bytes, package: _Package, limits: ReadLimits, workbook: RawWorkbook) -> None:
    # openpyxl warns about parts it drops (styles, extensions, print settings):
    # irrelevant when only values are read, and noise in a CLI report. The filter
    # is process-wide while it lasts: in a threaded caller it hides other
    # threads' warnings for that time too, never more than that.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            book = openpyxl.load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_links=False
            )
        # openpyxl has no exception tree of its own: a hostile or damaged file
        # surfaces as any of KeyError, ValueError, TypeError, IndexError, a zip or
        # XML parser error... Everything the file can cause becomes an issue.
        except Exception as exc:
            raise _unreadable("the workbook's structure is damaged") from exc
        try:
            for sheet in book.worksheets:
                raw, issues = _read_sheet(sheet, package.formulas.get(sheet.title, []), limits)
                workbook.sheets[raw.name] = raw
                workbook.issues.extend(issues)
        except Exception as exc:  # cells are parsed lazily: same reasoning as above
            raise _unreadable("a sheet is damaged") from exc
        finally:
            book.close()


def _read_sheet(
    sheet: Any, formulas: list[tuple[int, str]], limits: ReadLimits
) -> tuple[RawSheet, list[Issue]]:
    title: str = sheet.title
    declared_rows = sheet.max_row
    # The <dimension> element may lie (too small loses cells, too large pads
    # every row): ignore it, read rows as they come and stop at the limit.
    sheet.reset_dimensions()
    issues: list[Issue] = []
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    letters = _column_letters(limits.max_columns)
    values_by_row: Iterator[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
    try:
        # openpyxl fills the gaps between rows with empty ones, so counting gives the row number.
        for number, values in enumerate(values_by_row, start=1):
            if number > limits.max_rows:
                # The declared size, when it admits the excess; else "at least limit + 1".
                counted = (
                    str(declared_rows)
                    if declared_rows and declared_rows > limits.max_rows
                    else f"{limits.max_rows + 1}+"
                )
                issues.append(
                    Issue(
                        "sheet-too-large",
                        sheet=title,
                        params={"rows": counted, "limit": str(limits.max_rows)},
                    )
                )
                break
            end = min(len(values), limits.max_columns)
            while end and (values[end - 1] is None or values[end - 1] == ""):
                end -= 1
            if end:
                suffix = str(number)
                rows.append(
                    (
                        number,
                        tuple(
                            [
                                Cell(letters[column] + suffix, cell_value(values[column]))
                                for column in range(end)
                            ]
                        ),
                    )
                )
    finally:
        values_by_row.close()  # type: ignore[attr-defined]  # a generator: closes the sheet's stream
    issues.extend(
        Issue("formula-without-value", sheet=title, cell=ref)
        for row, ref in formulas
        if row <= limits.max_rows
    )
    return RawSheet(name=title, rows=tuple(rows)), issues


@cache
def _column_letters(count: int) -> tuple[str, ...]:
    return tuple(get_column_letter(column) for column in range(1, count + 1))


def cell_value(value: Any) -> CellValue:
    """openpyxl's value as a ``CellValue``: floats become Decimal (money is never float)."""
    # Exact type checks first: this runs for every cell, and these are the common ones.
    kind = type(value)
    if kind is str:
        return value or None
    if kind is int or value is None:
        return value  # type: ignore[no-any-return]
    if kind is float:
        # repr() gives the shortest text that round-trips: 0.1 -> Decimal("0.1").
        return Decimal(repr(value))
    if isinstance(value, int | Decimal | date):  # bool is an int; datetime a date
        return value
    if isinstance(value, time):
        return value.isoformat()
    return str(value)  # timedelta (duration formats): validation reports it as a wrong type
