"""Same inputs, same bytes, for the office files we write.

docx and xlsx files are zip archives, and zips record when each entry was
written; openpyxl's ``save`` also stamps ``dcterms:modified`` with the current
time. Documents are recorded by SHA-256 and samples are checked in, so every
archive we write goes through here.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

# The earliest time a zip entry can carry: a date that is obviously not "when".
ZIP_EPOCH = datetime(1980, 1, 1)
_CONTENT_TYPES = "[Content_Types].xml"  # first, as Office writes it and some readers expect


def stable_zip(data: bytes, when: datetime = ZIP_EPOCH) -> bytes:
    """The same archive with every entry dated ``when``, in a fixed order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = sorted(source.namelist(), key=lambda name: (name != _CONTENT_TYPES, name))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()


def workbook_bytes(workbook: Workbook, when: datetime = ZIP_EPOCH) -> bytes:
    """An openpyxl workbook as reproducible .xlsx bytes, created and modified at ``when``."""
    workbook.properties.created = workbook.properties.modified = when
    buffer = io.BytesIO()
    # ExcelWriter instead of Workbook.save: save() stamps "modified" with now.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    return stable_zip(buffer.getvalue(), when)
