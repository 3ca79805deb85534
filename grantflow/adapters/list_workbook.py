"""Any list the operator sees in the portal, as an .xlsx workbook (one sheet, one row each).

Text cells go through ``cells.safe_text`` (a city or a reason starting with
``=`` stays text); the first row names the columns and stays in view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from io import BytesIO

from openpyxl import Workbook

from grantflow.adapters.cells import safe_text


def list_xlsx(
    title: str, columns: Sequence[tuple[str, str]], rows: Sequence[Mapping[str, object]]
) -> bytes:
    """``columns``: (key in a row, heading); a missing or None value is an empty cell."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its first sheet
    sheet.title = title[:31]  # Excel's limit for a sheet's name
    for column, (_, heading) in enumerate(columns, start=1):
        safe_text(sheet.cell(row=1, column=column), heading)
    for row_no, row in enumerate(rows, start=2):
        for column, (key, _) in enumerate(columns, start=1):
            value = row.get(key)
            if value is not None:
                safe_text(sheet.cell(row=row_no, column=column), str(value))
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
