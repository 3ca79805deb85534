"""What the spreadsheet adapter hands to validation: cells as plain values.

The adapter (``grantflow.adapters.spreadsheet``) reads an uploaded file
safely and produces a ``RawWorkbook``, or the file-level issues that stop it
from being read. Validation interprets the sheets by the form definition.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from grantflow.validation.report import Issue

# What a cell may hold once read: openpyxl's int/float become int/Decimal
# (never float: money), dates become date/datetime, empty cells are None.
CellValue = str | int | Decimal | bool | date | datetime | None


@dataclass(frozen=True)
class Cell:
    ref: str  # A1 reference, e.g. "C6"
    value: CellValue


@dataclass(frozen=True)
class RawSheet:
    name: str
    # Non-empty rows only, in sheet order: (1-based row number, cells of that row
    # from column A, trailing empty cells dropped).
    rows: tuple[tuple[int, tuple[Cell, ...]], ...]


@dataclass
class RawWorkbook:
    file: str
    sha256: str
    sheets: dict[str, RawSheet] = dataclasses.field(default_factory=dict)
    # File-level problems found while reading (formulas without values, a
    # sheet cut at the row limit). Fatal ones leave ``sheets`` empty.
    issues: list[Issue] = dataclasses.field(default_factory=list)
    readable: bool = True
