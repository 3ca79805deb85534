"""The project's own blank outline form, mutated: for the reader's fuzz test and benchmark.

Each mutation is a small description (bytes to overwrite, a slice of one XML
part to delete, double or replace) applied to the Polish blank form, so a
failure names the mutation rather than a 40 kB workbook.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache

from grantflow.adapters import formgen
from grantflow.validation import form

ByteEdit = tuple[int, int]  # (position, new byte)
XmlEdit = tuple[int, int, str, bytes]  # (offset, length, "delete" | "double" | "junk", junk)
XML_EDITS = ("delete", "double", "junk")


@cache
def blank_form() -> bytes:
    """The Polish blank outline form, as a city downloads it."""
    buffer = io.BytesIO()
    formgen.build_blank(form.load("outline"), "pl").save(buffer)
    return buffer.getvalue()


def xml_parts(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sorted(n for n in archive.namelist() if n.endswith((".xml", ".rels")))


def rezip(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            new.writestr(info.filename, content if info.filename == name else old.read(info))
    return out.getvalue()


def with_bytes_changed(edits: list[ByteEdit], cut: int | None) -> bytes:
    data = bytearray(blank_form())
    for position, value in edits:
        data[position] = value
    return bytes(data[:cut])


def with_xml_changed(part: str, edits: list[XmlEdit]) -> bytes:
    data = blank_form()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = bytearray(archive.read(part))
    for offset, length, how, junk in edits:
        start = offset % (len(xml) + 1)
        end = min(len(xml), start + length)
        if how == "delete":
            del xml[start:end]
        elif how == "double":
            xml[start:start] = xml[start:end]
        else:
            xml[start:end] = junk
    return rezip(data, part, bytes(xml))
