"""The lump-sum ledger as an .xlsx workbook for the operator.

Every text cell goes through ``cells.safe_text`` (a reason or an actor name
starting with ``=`` stays text); amounts are numbers in the euro format, so
the operator can sum and filter them.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from grantflow.adapters.cells import safe_text

_EURO = '#,##0.00 "EUR"'
_AMOUNT_COLUMNS = {"amount", "reserved", "released", "committed", "spent", "returned", "open"}


def _sheet(sheet: Worksheet, rows: list[dict[str, Any]], columns: list[str]) -> None:
    for column, name in enumerate(columns, start=1):
        safe_text(sheet.cell(row=1, column=column), name)
    for row_no, row in enumerate(rows, start=2):
        for column, name in enumerate(columns, start=1):
            cell = sheet.cell(row=row_no, column=column)
            value = row[name]
            if name in _AMOUNT_COLUMNS:
                cell.value = Decimal(value)
                cell.number_format = _EURO
            else:
                safe_text(cell, str(value))
    sheet.freeze_panes = "A2"


def ledger_xlsx(view: dict[str, Any]) -> bytes:
    """``view``: ``grantflow.services.lifecycle_views.ledger_view``."""
    book = Workbook()
    entries = book.active
    assert entries is not None  # a new workbook has its first sheet
    entries.title = "Entries"
    columns = ["key", "call", "city", "kind", "amount", "at", "actor", "reason"]
    _sheet(entries, view["entries"], columns)
    money = ["reserved", "released", "committed", "spent", "returned", "open"]
    _sheet(book.create_sheet("Cities"), view["cities"], ["call", "city", *money])
    totals = [*view["calls"], {"call": "programme", **view["totals"]}]
    _sheet(book.create_sheet("Totals"), totals, ["call", *money])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
