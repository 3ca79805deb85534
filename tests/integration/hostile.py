"""Builders of hostile and broken uploads: each writes one file into a folder and returns it.

They build the real thing (a deflated zip bomb, a billion-laughs sheet, an
OLE2 header, an ODS mimetype, a VBA part) quickly and in memory-bounded ways,
so the hostile corpus costs well under a second per file.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import openpyxl

_MB = 1024 * 1024

# Billion laughs: nine levels of ten references, 10^9 "lol"s when expanded.
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE worksheet [\n <!ENTITY lol0 "lol">\n'
    + b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1)) * 10) for i in range(1, 10))
    + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def plain_workbook(folder: Path, name: str = "chelm.xlsx") -> Path:
    """A small valid workbook: the base the hostile variants are made from."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Applicant"
    sheet.append(["key", "label", "value"])
    sheet.append(["city_name", "Nazwa miasta", "Chełm"])
    sheet.append(["population", "Liczba mieszkańców", 60231])
    path = folder / name
    book.save(path)
    return path


def rewrite_zip(
    source: Path,
    target: Path,
    *,
    replace: Mapping[str, bytes] | None = None,
    add: Mapping[str, bytes] | None = None,
) -> Path:
    """Copy the zip ``source`` to ``target`` with some members replaced and some added."""
    replace = dict(replace or {})
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.pop(info.filename, None) or old.read(info))
        for name, content in {**replace, **(add or {})}.items():
            new.writestr(name, content)
    return target


# --- not an xlsx at all ------------------------------------------------------------


def not_a_zip(folder: Path) -> Path:
    path = folder / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "empty.xlsx"
    path.write_bytes(b"")
    return path


def truncated_zip(folder: Path) -> Path:
    whole = plain_workbook(folder, "whole.xlsx").read_bytes()
    path = folder / "truncated.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def xls_renamed(folder: Path) -> Path:
    """The header of a real BIFF8 .xls: the OLE2 compound-file signature and sector layout."""
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + bytes(16)
        + struct.pack("<HHHH", 0x003E, 0x0003, 0xFFFE, 0x0009)
    )
    path = folder / "hrubieszow.xlsx"
    directory_entry = "Workbook".encode("utf-16-le").ljust(4096, b"\x00")
    path.write_bytes(header.ljust(512, b"\x00") + directory_entry)
    return path


def encrypted_xlsx(folder: Path) -> Path:
    """A password-protected .xlsx: Office wraps it in an OLE2 file with an EncryptedPackage."""
    path = folder / "konin-password.xlsx"
    path.write_bytes(
        bytes.fromhex("D0CF11E0A1B11AE1").ljust(512, b"\x00")
        + "EncryptionInfo".encode("utf-16-le").ljust(128, b"\x00")
        + "EncryptedPackage".encode("utf-16-le").ljust(4096, b"\x00")
    )
    return path


def ods_renamed(folder: Path) -> Path:
    path = folder / "konin.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        # ODF requires the mimetype first and stored (uncompressed).
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
        )
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return path


def csv_renamed(folder: Path, encoding: str = "utf-8") -> Path:
    path = folder / f"ringerike-{encoding}.xlsx"
    path.write_bytes(
        "key;label;value\ncity_name;Nazwa miasta;Chełm\n"
        "contact_name;Osoba;Żaneta Łuczyńska\n".encode(encoding)
    )
    return path


def docx_renamed(folder: Path) -> Path:
    """A zip, but a Word document: no workbook part."""
    path = folder / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return path


def xlsb_renamed(folder: Path) -> Path:
    path = folder / "binary.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return path


def macro_workbook_vba(folder: Path) -> Path:
    """An .xlsm renamed: a VBA project inside."""
    base = plain_workbook(folder, "base.xlsx")
    return rewrite_zip(base, folder / "macro-vba.xlsx", add={"xl/vbaProject.bin": b"\xcc" * 512})


def macro_workbook_content_type(folder: Path) -> Path:
    """Declared macro-enabled by its content type, even without a VBA part."""
    base = plain_workbook(folder, "base.xlsx")
    with zipfile.ZipFile(base) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert b"macroEnabled" in types
    return rewrite_zip(base, folder / "macro-type.xlsx", replace={"[Content_Types].xml": types})


# --- bombs -----------------------------------------------------------------------


def zip_bomb(folder: Path, unpacked_mb: int = 200) -> Path:
    """A workbook whose sheet XML is ``unpacked_mb`` MB of zeros, deflated to ~1/1000."""
    base = plain_workbook(folder, "base.xlsx")
    path = folder / f"bomb-{unpacked_mb}mb.xlsx"
    chunk = bytes(_MB)
    with (
        zipfile.ZipFile(base) as old,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new,
    ):
        for info in old.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with new.open(info.filename, "w", force_zip64=True) as member:
                    for _ in range(unpacked_mb):
                        member.write(chunk)
            else:
                new.writestr(info.filename, old.read(info))
    return path


def lying_zip(folder: Path, declared: int = 4_000_000_000) -> Path:
    """A workbook whose central directory declares a sheet of ``declared`` bytes.

    Only the declared size is forged (the data is the real small sheet), as a
    crafted bomb would do to look harmless to a reader that trusts it.
    """
    base = plain_workbook(folder, "base.xlsx")
    data = bytearray(base.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if data[entry + 46 : entry + 46 + name_length] == name:
            struct.pack_into("<I", data, entry + 24, declared)  # uncompressed size
            break
        entry = data.find(b"PK\x01\x02", entry + 4)
    assert entry != -1, "sheet entry not found in the central directory"
    path = folder / "lying.xlsx"
    path.write_bytes(bytes(data))
    return path


def xml_bomb(folder: Path, part: str = "xl/worksheets/sheet1.xml") -> Path:
    base = plain_workbook(folder, "base.xlsx")
    return rewrite_zip(base, folder / "laughs.xlsx", replace={part: BILLION_LAUGHS})


def too_big_file(folder: Path, size: int = 11 * _MB) -> Path:
    path = folder / "scan-of-everything.xlsx"
    with path.open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(size)  # a sparse file: size without writing the bytes
    return path


def many_parts(folder: Path, count: int) -> Path:
    base = plain_workbook(folder, "base.xlsx")
    extra = {f"xl/media/image{i}.png": b"" for i in range(count)}
    return rewrite_zip(base, folder / "many-parts.xlsx", add=extra)


# Every hostile builder that needs no argument, with the issue code it must produce.
CORPUS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "not a zip": (not_a_zip, "file-unreadable"),
    "empty file": (empty_file, "file-unreadable"),
    "truncated zip": (truncated_zip, "file-unreadable"),
    ".xls renamed": (xls_renamed, "unsupported-format"),
    "password-protected .xlsx": (encrypted_xlsx, "file-unreadable"),
    ".ods renamed": (ods_renamed, "unsupported-format"),
    ".csv renamed": (csv_renamed, "unsupported-format"),
    ".docx renamed": (docx_renamed, "file-unreadable"),
    ".xlsb renamed": (xlsb_renamed, "unsupported-format"),
    "VBA project inside": (macro_workbook_vba, "macro-enabled-workbook"),
    "macro-enabled content type": (macro_workbook_content_type, "macro-enabled-workbook"),
    "200 MB zip bomb": (zip_bomb, "file-too-large"),
    "forged 4 GB member size": (lying_zip, "file-too-large"),
    "billion laughs in a sheet": (xml_bomb, "file-unreadable"),
    "11 MB file": (too_big_file, "file-too-large"),
}
