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
import html
import io
import posixpath
import re
import stat
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from functools import cache
from html import escape  # XML-safe attribute text; xml.sax.saxutils would load urllib
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
    # Excel 2007 writes a part per drawing, comment and printer setting: a real
    # workbook may hold over a thousand. Sizes and ratios below bound the bombs;
    # this bounds the central directory (a few hundred bytes of memory per entry).
    max_members: int = 20_000
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
# Numbers keeps its tables in Index/*.iwa, or (older, as a bundle) in Index.zip,
# at the top of the archive or of the bundle's one folder (``Budget.numbers/``);
# it has no content types, which every Open XML package has.
_NUMBERS_INDEX = re.compile(r"(?:[^/]+/)?Index(?:/Document\.iwa|\.zip)\Z")

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


class _DamagedPart(_Rejected):
    """A part fails its CRC-32 or its deflate stream is corrupt: rejected, unless the
    file is read again with that part emptied (``_damaged_parts_emptied``)."""


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
        # What the libraries print or warn about is noise in a report (and breaks
        # ``--format json``). The redirection is process-wide while it lasts, as
        # the warnings filter is: in a threaded caller it swallows other threads'
        # output for that time too, never more than that.
        with (
            redirect_stdout(_Discard()),
            redirect_stderr(_Discard()),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore")
            try:
                _read_package(data, limits, workbook)
            except _DamagedPart:
                # LibreOffice opens such a file and shows a damaged sheet empty,
                # the rest as it is: read it so, and say which part it was.
                mended, damaged = _damaged_parts_emptied(data, limits)
                _read_package(mended, limits, workbook)
                workbook.issues[:0] = damaged
    except _Rejected as rejected:
        _reject(workbook, rejected.issue)
    # The last line of defence: whatever a damaged file makes a library raise
    # (zip, zlib, XML, openpyxl, a recursion too deep) is that file's issue.
    except Exception:
        _reject(workbook, _unreadable("the workbook's structure is damaged").issue)
    return Upload(workbook, data)


def _read_package(data: bytes, limits: ReadLimits, workbook: RawWorkbook) -> None:
    source = _readable_names(data, limits)
    package = _inspect(_open_zip(source), limits)
    _read_sheets(source, package, limits, workbook)


def _reject(workbook: RawWorkbook, issue: Issue) -> None:
    workbook.sheets.clear()
    workbook.issues = [issue]
    workbook.readable = False


class _Discard(io.TextIOBase):
    """A text stream that forgets everything written to it."""

    def write(self, s: str) -> int:
        return len(s)


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
    except FileNotFoundError as exc:
        # Named in a batch (a manifest) and moved or deleted since: said plainly.
        raise _unreadable("the file is gone (moved or deleted)") from exc
    except OSError as exc:
        raise _unreadable("the file cannot be opened") from exc
    workbook.sha256 = digest.hexdigest()
    if size > limits.max_file_bytes:
        # Byte counts: the report writes them in its reader's language.
        raise _too_large(str(size), str(limits.max_file_bytes))
    return data


def _looks_like_text(head: bytes) -> bool:
    """CSV, TSV, HTML or any text: no NULs and no control characters but tab/CR/LF."""
    if head.startswith(_TEXT_BOMS):
        return True
    return not any(b < 32 and b not in (9, 10, 13) for b in head)


def _check_text_format(head: bytes) -> None:
    """Rejects a file whose first bytes give away another spreadsheet format.

    Excel and LibreOffice open all of these, and save them as a user names
    them: a file renamed to .xlsx is named by what it really is.
    """
    if head.startswith(b"ID;"):
        raise _unsupported("SYLK")
    if head.startswith((b"TABLE\r\n0,1", b"TABLE\n0,1")):
        raise _unsupported("DIF")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "ignore")
    else:
        text = head.decode("utf-8", "ignore")
    spelled = text.lstrip("\ufeff \t\r\n")
    text = spelled.lower()
    xml = text.startswith("<?xml")
    # SpreadsheetML's root is <Workbook> (an .xlsx's own workbook part is <workbook>).
    if (xml or spelled.startswith("<Workbook")) and (
        "urn:schemas-microsoft-com:office:spreadsheet" in text or "<Workbook" in spelled
    ):
        raise _unsupported("Excel 2003 XML")
    if (
        (xml or text.startswith("<office:document"))
        and "<office:document" in text
        and "urn:oasis:names:tc:opendocument" in text
    ):
        raise _unsupported("flat ODS (.fods)")
    if text.startswith(("<html", "<table", "<!doctype html")) or (xml and "<html" in text):
        raise _unsupported("HTML (web page)")


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
        _check_text_format(data[:8192])
        if _looks_like_text(data[:8192]):
            raise _unsupported("CSV/text")
        raise _unreadable("it is not a zip archive, as every .xlsx file is")
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _unreadable("the zip archive is damaged or truncated") from exc


# --- the package as openpyxl can read it ------------------------------------------
#
# openpyxl looks parts up by their exact zip names and refuses styles and
# attributes that Excel, LibreOffice, calamine and POI shrug off. The reader
# needs the cells' values, not their looks: what it can mend, it mends in a
# copy in memory (members stored, not compressed again: at most the unpacked
# size, which the limits bound). The upload itself is kept as it came.

_CONTENT_TYPES = "[Content_Types].xml"
_NS_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_STYLES = "xl/styles.xml"  # where openpyxl looks for the stylesheet, whatever the relationships say
_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b[^>]*?/>")
_PART_NAME = re.compile(rb"""\bPartName=["']([^"']*)["']""")
_NUM_FMT = re.compile(rb"<(?:\w+:)?numFmt\s[^>]*>")
_CELL_XFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)(?:</(?:\w+:)?cellXfs>|$)", re.DOTALL)
_XF = re.compile(rb"<(?:\w+:)?xf\b[^>]*>")
# A sheet state other than openpyxl's three (some writers say "show").
_ODD_SHEET_STATE = re.compile(rb"""\sstate=["'](?!(?:visible|hidden|veryHidden)["'])[^"']*["']""")


def _readable_names(data: bytes, limits: ReadLimits) -> bytes:
    """``data``, or a copy whose part names are spelled as they are referenced.

    Some Windows tools write zip entries with backslashes (``xl\\workbook.xml``),
    and part names are case-insensitive in the Open Packaging Conventions
    (``xl/SharedStrings.xml`` answers a reference to ``/xl/sharedStrings.xml``):
    Excel, calamine and POI accept both.

    Excel's "Strict Open XML" save type names its parts' vocabularies with
    other namespaces (``http://purl.oclc.org/ooxml/...``), which openpyxl does
    not know: the copy names them as the usual (transitional) ones do, which
    is all there is to tell the two apart for the cells' values.
    """
    with _open_zip(data) as archive, _damaged_parts():
        infos = archive.infolist()
        _check_sizes(infos, limits)  # before anything is inflated
        by_name: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            by_name.setdefault(_normalised(info.filename), info)
        by_lower = {name.lower(): name for name in by_name}
        _check_package_relationships(archive, by_name, by_lower)
        spelled = {
            by_lower[wanted.lower()]: wanted
            for wanted in _referenced_names(archive, by_name, by_lower)
            # A part spelled exactly as referenced stays; so does its namesake in another case.
            if wanted.lower() in by_lower and wanted not in by_name
        }
        renamed = {name: spelled.get(name, name) for name in by_name}
        strict = _is_strict(archive, by_name, by_lower)
        if (
            not strict
            and len(by_name) == len(infos)
            and all(renamed[_normalised(info.filename)] == info.filename for info in infos)
        ):
            return data

        def content(name: str) -> bytes:
            read = archive.read(by_name[name])
            return _transitional(read) if strict and name.lower().endswith(_XML_SUFFIXES) else read

        return _stored_copy((renamed[name], content(name)) for name in by_name)


# Strict Open XML's namespaces and relationship types: http://purl.oclc.org/ooxml/{area}/{rest}
# is http://schemas.openxmlformats.org/{area}/2006/{rest} in transitional files, but
# for the names that are spelled differently there.
_STRICT_NAME = re.compile(rb"http://purl\.oclc\.org/ooxml/(\w+)/([\w/]*)")
_SPELLED_DIFFERENTLY = {
    b"relationships/extendedProperties": b"relationships/extended-properties",
    b"relationships/customProperties": b"relationships/custom-properties",
    b"extendedProperties": b"extended-properties",
    b"customProperties": b"custom-properties",
}


def _check_package_relationships(
    archive: zipfile.ZipFile, by_name: Mapping[str, zipfile.ZipInfo], by_lower: Mapping[str, str]
) -> None:
    """``_rels/.rels`` points to the workbook; LibreOffice does not open a package whose
    copy is not XML (checked on the project's own form), and neither do we."""
    rels = by_lower.get("_rels/.rels")
    if rels is None:  # missing: the workbook is looked for where it usually is
        return
    try:
        fromstring(archive.read(by_name[rels]))
    except SyntaxError as exc:  # ParseError; an entity declaration is another reason
        raise _unreadable(
            "its package relationships (_rels/.rels) are damaged, so spreadsheet programs "
            "do not open it; export it again from the program that made it"
        ) from exc


def _is_strict(
    archive: zipfile.ZipFile, by_name: Mapping[str, zipfile.ZipInfo], by_lower: Mapping[str, str]
) -> bool:
    """Whether the package's relationships point to a Strict Open XML document."""
    rels = by_lower.get("_rels/.rels")
    return rels is not None and b"http://purl.oclc.org/ooxml/" in archive.read(by_name[rels])


def _transitional(content: bytes) -> bytes:
    """A part's XML with Strict Open XML's namespaces as transitional files spell them."""

    def rename(match: re.Match[bytes]) -> bytes:
        area, rest = match.group(1), match.group(2)
        return b"http://schemas.openxmlformats.org/%s/2006/%s" % (
            area,
            _SPELLED_DIFFERENTLY.get(rest, rest),
        )

    return _STRICT_NAME.sub(rename, content)


def _normalised(name: str) -> str:
    return name.replace("\\", "/").lstrip("/")


def _referenced_names(
    archive: zipfile.ZipFile, by_name: Mapping[str, zipfile.ZipInfo], by_lower: Mapping[str, str]
) -> set[str]:
    """Part names as the package's content types and relationships spell them."""

    def read(name: str) -> bytes | None:
        actual = by_lower.get(name.lower())
        return None if actual is None else archive.read(by_name[actual])

    wanted = {_CONTENT_TYPES, "_rels/.rels"}
    content_types = read(_CONTENT_TYPES)
    if content_types is not None:
        for override in fromstring(content_types).iter(f"{_NS_CONTENT_TYPES}Override"):
            wanted.add(override.get("PartName", "").lstrip("/"))
    for name in list(by_name):
        folder, base = posixpath.split(name)
        if posixpath.basename(folder) != "_rels" or not base.endswith(".rels"):
            continue
        source_folder = posixpath.dirname(folder)
        rels = read(name)
        for rel in fromstring(rels or b"<r/>").iter(f"{_NS_PKG_REL}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External" or not target:
                continue
            part = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(source_folder, target))
            )
            # The part itself, and its own relationships, which openpyxl finds by its name.
            wanted.add(part)
            wanted.add(_relationships_of(part))
    return wanted


def _stored_copy(members: Iterator[tuple[str, bytes]] | list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as copy:
        for name, content in members:
            copy.writestr(name, content)
    return buffer.getvalue()


def _values_only(data: bytes) -> bytes | None:
    """A copy of the package without what only concerns the looks, or None if nothing changes.

    The stylesheet is replaced by a minimal one that keeps each cell format's
    number format (a date stays a date); a sheet state openpyxl does not know
    is dropped (the sheet is then visible); a content type declared for a part
    that is not there (a missing shared-strings table) is forgotten.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        workbook_part = _workbook_part(archive, names)
        changed = False
        members: list[tuple[str, bytes]] = []
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename == _STYLES:
                mended = _minimal_stylesheet(content)
            elif info.filename == workbook_part:
                mended = _ODD_SHEET_STATE.sub(b"", content)
            elif info.filename == _CONTENT_TYPES:
                mended = _OVERRIDE.sub(
                    lambda m: m.group(0) if _declared_part_exists(m.group(0), names) else b"",
                    content,
                )
            else:
                mended = content
            changed = changed or mended != content
            members.append((info.filename, mended))
    return _stored_copy(members) if changed else None


def _declared_part_exists(override: bytes, names: set[str]) -> bool:
    part = _PART_NAME.search(override)
    return part is None or part.group(1).decode("utf-8", "replace").lstrip("/") in names


def _minimal_stylesheet(styles: bytes) -> bytes:
    """One font, fill and border, and per cell format only its number format.

    The number formats are picked out of the bytes, not parsed: they survive
    a stylesheet that is not even well-formed XML.
    """
    formats: list[tuple[int, str]] = []
    for element in _NUM_FMT.finditer(styles):
        number, code = (
            _attribute(element.group(0), b"numFmtId"),
            _attribute(element.group(0), b"formatCode"),
        )
        if code and number.isdigit() and int(number) >= 164:
            formats.append((int(number), code))
    cell_formats: list[int] = []
    table = _CELL_XFS.search(styles)
    for xf in _XF.finditer(table.group(1) if table else b""):
        number = _attribute(xf.group(0), b"numFmtId")
        cell_formats.append(int(number) if number.isdigit() else 0)
    cell_formats = cell_formats or [0]
    num_fmts = "".join(
        f'<numFmt numFmtId="{n}" formatCode="{escape(c, quote=True)}"/>' for n, c in formats
    )
    xfs = "".join(
        f'<xf numFmtId="{n}" fontId="0" fillId="0" borderId="0" xfId="0"/>' for n in cell_formats
    )
    return (
        f'<styleSheet xmlns="{_NS_MAIN.strip("{}")}">'
        f'<numFmts count="{len(formats)}">{num_fmts}</numFmts>'
        '<fonts count="1"><font><sz val="11"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        f'<cellXfs count="{len(cell_formats)}">{xfs}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ).encode()


def _attribute(element: bytes, name: bytes) -> str:
    """An attribute's value in an element's start tag, unescaped ("" when absent)."""
    found = re.search(rb"\s" + name + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", element)
    if found is None:
        return ""
    raw = (found.group(1) if found.group(1) is not None else found.group(2)).decode(
        "utf-8", "replace"
    )
    return html.unescape(raw)


# --- the archive, before openpyxl sees it --------------------------------------


@dataclass(frozen=True)
class _Package:
    # Per sheet name: (row, A1 ref) of every cell holding a formula without a cached value.
    formulas: Mapping[str, list[tuple[int, str]]]


@contextmanager
def _damaged_parts() -> Iterator[None]:
    """Reading the members of a damaged archive fails in many ways (bad CRC, a
    corrupt deflate stream, truncated data, unsupported compression, a missing
    part, broken XML): each becomes the file's issue."""
    try:
        yield
    except _Rejected:
        raise
    except DefusedXmlException as exc:
        raise _unreadable("it contains XML entity declarations, which are not allowed") from exc
    except zipfile.BadZipFile as exc:
        if _is_checksum_failure(exc):
            raise _DamagedPart(_unreadable("the workbook's parts are damaged").issue) from exc
        raise _unreadable("the workbook's parts are damaged") from exc
    except zlib.error as exc:  # a corrupt deflate stream
        raise _DamagedPart(_unreadable("the workbook's parts are damaged").issue) from exc
    except (
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        KeyError,
        ValueError,
        NotImplementedError,
        SyntaxError,
        IndexError,
        TypeError,
        AttributeError,
    ) as exc:
        raise _unreadable("the workbook's parts are damaged") from exc


def _is_checksum_failure(exc: zipfile.BadZipFile) -> bool:
    # zipfile tells a CRC mismatch from other damage by its message only.
    return str(exc).startswith("Bad CRC-32")


def _inflates_to_its_size(data: bytes, info: zipfile.ZipInfo) -> bool:
    """Whether the part's stream holds exactly its declared size, so that only its CRC-32
    is wrong. zipfile also reports a size forged smaller than the data as a bad CRC-32:
    that is other damage, and the stream is never inflated beyond the declaration."""
    name_length, extra_length = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_length + extra_length
    stream = data[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        return len(stream) == info.file_size
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        content = inflater.decompress(stream, info.file_size + 1)
    except zlib.error:
        return False
    return len(content) == info.file_size and inflater.eof


# What LibreOffice shows for a worksheet part that failed its checksum or cannot be
# inflated: an empty sheet.
_EMPTY_SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData/></worksheet>"
)


def _damaged_parts_emptied(data: bytes, limits: ReadLimits) -> tuple[bytes, list[Issue]]:
    """The package as LibreOffice reads it when parts are damaged, and a warning per part.

    LibreOffice 7.4 opens a file whose worksheet part fails its CRC-32 or has a
    corrupt deflate stream: that sheet is empty, the other sheets keep their
    values (checked on the project's own form). Another part failing only its
    CRC-32 is left out, as if missing: what follows from that (no shared
    strings, no workbook) is reported as for a file without it. Damaged
    workbook relationships leave no sheet to find (LibreOffice shows none with
    values): the file is refused saying so. Any other damage keeps the file
    unreadable.
    """
    with _open_zip(data) as archive, _damaged_parts():
        infos = archive.infolist()
        _check_sizes(infos, limits)  # before anything is inflated
        relationships = _workbook_relationships(archive, {info.filename for info in infos})
        members: list[tuple[str, bytes]] = []
        damaged: dict[str, str] = {}  # part -> the code of its warning
        for info in infos:
            try:
                members.append((info.filename, archive.read(info)))
            except (zipfile.BadZipFile, zlib.error) as exc:
                if info.filename == relationships:
                    # Named where it usually is: the reason is a fixed, translated text.
                    raise _unreadable(
                        "the list of where its sheets are kept (xl/_rels/workbook.xml.rels) "
                        "is damaged, so spreadsheet programs show none of its values; save it "
                        "again from the program it was filled in with, or fill in the blank "
                        "form again"
                    ) from exc
                if isinstance(exc, zlib.error):
                    damaged[info.filename] = "part-unreadable"
                elif _is_checksum_failure(exc) and _inflates_to_its_size(data, info):
                    damaged[info.filename] = "part-checksum-mismatch"
                else:
                    raise
    without = _stored_copy(members)
    with _open_zip(without) as archive:
        try:
            with _damaged_parts():
                sheets = _sheet_paths(archive, set(archive.namelist()))
        except _Rejected:  # the workbook itself was damaged: no sheet to empty
            sheets = {}
    if any(code == "part-unreadable" and name not in sheets for name, code in damaged.items()):
        # Only a sheet is read without its part: workbook, styles or shared strings are not.
        raise _unreadable("the workbook's parts are damaged")
    emptied = [(name, _EMPTY_SHEET) for name in damaged if name in sheets]
    issues = [
        Issue(code, "warning", sheet=sheets.get(name), params={"part": name})
        for name, code in damaged.items()
    ]
    return (_stored_copy(members + emptied) if emptied else without), issues


def _inspect(archive: zipfile.ZipFile, limits: ReadLimits) -> _Package:
    with archive, _damaged_parts():
        return _inspect_members(archive, limits)


def _inspect_members(archive: zipfile.ZipFile, limits: ReadLimits) -> _Package:
    infos = archive.infolist()
    names = {info.filename for info in infos}
    _check_sizes(infos, limits)
    if "mimetype" in names and archive.read("mimetype").startswith(_ODS_MIMETYPE):
        raise _unsupported("ODS")
    if "xl/workbook.bin" in names:
        raise _unsupported("XLSB")
    if _CONTENT_TYPES not in names and any(_NUMBERS_INDEX.match(name) for name in names):
        raise _unsupported("Apple Numbers")
    _check_macros(archive, names)
    sheet_paths = _sheet_paths(archive, names)
    if _CONTENT_TYPES not in names:
        # Every Open XML package lists its parts' types there; LibreOffice does not
        # open a workbook without it (checked on the project's own form).
        raise _unreadable(
            "it lacks the list of its parts ([Content_Types].xml), without which "
            "spreadsheet programs do not open it; export it again from the program that made it"
        )
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
    if len(infos) > limits.max_members:
        raise _unreadable("the archive has far more parts than any workbook")
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
    workbook_part = _workbook_part(archive, names)
    if workbook_part not in names:
        raise _unreadable("the zip archive is not an Excel workbook (it has no workbook part)")
    folder = posixpath.dirname(workbook_part)
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in fromstring(archive.read(_relationships_of(workbook_part))).iter(
            f"{_NS_PKG_REL}Relationship"
        )
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


def _workbook_part(archive: zipfile.ZipFile, names: set[str]) -> str:
    """The workbook part the package's relationships name (``xl/workbook.xml`` by default)."""
    workbook_part = "xl/workbook.xml"
    if "_rels/.rels" in names:
        for rel in fromstring(archive.read("_rels/.rels")).iter(f"{_NS_PKG_REL}Relationship"):
            if rel.get("Type") == _OFFICE_DOCUMENT:
                workbook_part = rel.get("Target", workbook_part).lstrip("/")
    return workbook_part


def _relationships_of(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _workbook_relationships(archive: zipfile.ZipFile, names: set[str]) -> str:
    """The workbook's relationships part, as far as a damaged package tells: where
    ``_rels/.rels`` cannot be read, the workbook is looked for where it usually is."""
    try:
        with _damaged_parts():
            return _relationships_of(_workbook_part(archive, names))
    except _Rejected:
        return _relationships_of("xl/workbook.xml")


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
    """The cells of every sheet; if openpyxl cannot read the package as it is, the values alone.

    openpyxl warns about parts it drops (styles, extensions, print settings):
    the caller has silenced warnings and printing around the whole read.
    """
    try:
        sheets = _sheets_through_openpyxl(data, package, limits)
    except _Rejected as first:
        try:
            mended = _values_only(data)
        except Exception:  # the copy cannot be made: the first failure stands
            mended = None
        if mended is None:
            raise
        try:
            sheets = _sheets_through_openpyxl(mended, package, limits)
        except _Rejected:
            raise first from None
    for raw, issues in sheets:
        workbook.sheets[raw.name] = raw
        workbook.issues.extend(issues)


def _sheets_through_openpyxl(
    data: bytes, package: _Package, limits: ReadLimits
) -> list[tuple[RawSheet, list[Issue]]]:
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
        return [
            _read_sheet(sheet, package.formulas.get(sheet.title, []), limits)
            for sheet in book.worksheets
        ]
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
