"""Same inputs, same bytes, for the office files we write.

docx and xlsx files are zip archives, and zips record when each entry was
written; openpyxl's ``save`` also stamps ``dcterms:modified`` with the current
time. Documents are recorded by SHA-256 and samples are checked in, so every
archive we write goes through here.
"""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import datetime

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

# The earliest time a zip entry can carry: a date that is obviously not "when".
ZIP_EPOCH = datetime(1980, 1, 1)
_CONTENT_TYPES = "[Content_Types].xml"  # first, as Office writes it and some readers expect

# The zip format's records (APPNOTE 4.3.7, 4.3.12, 4.3.16), laid out as zipfile lays them
# out, so that an archive comes out the same as zipfile would write it.
_LOCAL, _LOCAL_SIG = struct.Struct("<4s2B4HL2L2H"), b"PK\x03\x04"
_CENTRAL, _CENTRAL_SIG = struct.Struct("<4s4B4HL2L5H2L"), b"PK\x01\x02"
_END, _END_SIG = struct.Struct("<4s4H2LH"), b"PK\x05\x06"
_VERSION = 20  # 2.0: deflate, what zipfile records for an entry without zip64
_UNIX = 3  # made on Unix, so external attributes hold the mode below
_FILE_MODE = 0o644 << 16
_ENCRYPTED = 0x1
_UTF8_NAME = 0x800
_ZIP32_LIMIT = (1 << 31) - 1  # zipfile's own limit before it turns to zip64


def stable_zip(data: bytes, when: datetime = ZIP_EPOCH) -> bytes:
    """The same archive with every entry dated ``when``, in a fixed order.

    One pass over the entries' compressed bytes, copied as they are: only the
    headers are written anew. Inflating and deflating again cost more than the
    rest of a docx rendering's own zip writing (the styles parts are large), and
    gave the same compressed bytes, since both sides deflate at zlib's default.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        infos = sorted(source.infolist(), key=lambda i: (i.filename != _CONTENT_TYPES, i.filename))
    stamp = _dos_stamp(when)
    out = io.BytesIO()
    directory = io.BytesIO()
    for info in infos:
        _check_ours(info)
        name, flags = _encoded_name(info.filename)
        content = (info.CRC, info.compress_size, info.file_size, len(name))
        # The fields both headers carry: flags, method, time, date, CRC, sizes, name length.
        shared = (flags, info.compress_type, *stamp, *content)
        offset = out.tell()
        out.write(_LOCAL.pack(_LOCAL_SIG, _VERSION, 0, *shared, 0) + name)
        out.write(_compressed(data, info))
        # Then: extra, comment, disk, internal attributes, external attributes, offset.
        central = _CENTRAL.pack(_CENTRAL_SIG, _VERSION, _UNIX, _VERSION, 0, *shared, 0, 0, 0, 0,
                                _FILE_MODE, offset)  # fmt: skip
        directory.write(central + name)
    start = out.tell()
    out.write(directory.getvalue())
    count = len(infos)
    out.write(_END.pack(_END_SIG, 0, 0, count, count, directory.tell(), start, 0))
    return out.getvalue()


def _check_ours(info: zipfile.ZipInfo) -> None:
    """Only what python-docx and openpyxl write: deflated or stored, clear, under zip64's size."""
    if (
        info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED)
        or info.flag_bits & _ENCRYPTED
        or max(info.compress_size, info.file_size) > _ZIP32_LIMIT
    ):
        raise ValueError(f"{info.filename}: not an entry python-docx or openpyxl writes")


def _compressed(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """An entry's stored bytes, found through its local header (whose extra field
    may differ in length from the central directory's)."""
    header = info.header_offset
    signature, *_, name_length, extra_length = _LOCAL.unpack_from(data, header)
    if signature != _LOCAL_SIG:
        raise ValueError(f"{info.filename}: no local header at {header}")
    start = header + _LOCAL.size + name_length + extra_length
    return data[start : start + info.compress_size]


def _encoded_name(name: str) -> tuple[bytes, int]:
    """The entry name's bytes and flags as zipfile writes them: UTF-8 flagged when not ASCII."""
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), _UTF8_NAME


def _dos_stamp(when: datetime) -> tuple[int, int]:
    """(time, date) in MS-DOS form, two-second resolution."""
    return (
        when.hour << 11 | when.minute << 5 | when.second // 2,
        (when.year - 1980) << 9 | when.month << 5 | when.day,
    )


def workbook_bytes(workbook: Workbook, when: datetime = ZIP_EPOCH) -> bytes:
    """An openpyxl workbook as reproducible .xlsx bytes, created and modified at ``when``."""
    workbook.properties.created = workbook.properties.modified = when
    buffer = io.BytesIO()
    # ExcelWriter instead of Workbook.save: save() stamps "modified" with now.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return stable_zip(buffer.getvalue(), when)
