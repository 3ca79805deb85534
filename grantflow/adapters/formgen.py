"""Blank and filled outline workbooks, generated from the form definition (SPEC section 3).

The same ``FormDefinition`` that drives validation lays out the workbook, so
a field added to ``schemas/outline.yaml`` appears in the form with its label,
hint, drop-down list and type check without touching this module.

Layout: key/value sheets have a header row, then one field a row (key in A,
label in B, value in C); table sheets have the keys in row 1, the labels in
row 2 and data from row 3. Vocabularies live on a ``Lists`` sheet (codes with
their labels next to them), which the drop-down lists reference by range, so
no list is limited by Excel's 255 characters for inline lists. Keys and
labels are protected with sheet protection *without a password*: it prevents
accidental edits that would make a form unreadable, it is not a security
boundary (the validator checks everything anyway).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.worksheet import Worksheet

from grantflow.adapters.cells import safe_text
from grantflow.validation.form import LANGUAGES, FieldDef, FormDefinition, SheetDef

LISTS_SHEET = "Lists"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
TEXT_FORMAT = "@"  # keeps leading zeros of TERYT codes and phone numbers as typed
KEYVALUE_FIRST_ROW = 2
TABLE_FIRST_ROW = 3

# Words of the form itself (everything else comes from the YAML definition).
_WORDS: dict[str, dict[str, str]] = {
    "pl": {
        "key": "Klucz",
        "label": "Pole",
        "value": "Wartość",
        "name": "Nazwa",
        "see_lists": "arkusz Lists",
        "invalid": "Nieprawidłowa wartość",
    },
    "nb": {
        "key": "Nøkkel",
        "label": "Felt",
        "value": "Verdi",
        "name": "Navn",
        "see_lists": "arket Lists",
        "invalid": "Ugyldig verdi",
    },
    "en": {
        "key": "Key",
        "label": "Field",
        "value": "Value",
        "name": "Name",
        "see_lists": "sheet Lists",
        "invalid": "Invalid value",
    },
}

# Excel refuses longer data-validation texts (LibreOffice truncates them).
_MAX_PROMPT_TITLE, _MAX_PROMPT, _MAX_ERROR = 32, 255, 225
# Date validation: any real date; the eligibility window is the validator's rule.
_FIRST_DATE, _LAST_DATE = date(2000, 1, 1), date(2099, 12, 31)

_BOLD = Font(bold=True)
_KEY_FONT = Font(color="666666")
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_UNLOCKED = Protection(locked=False)
_LOCKED = Protection(locked=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def build_blank(form: FormDefinition, lang: str) -> Workbook:
    """The empty form in ``lang`` (pl, nb, en): one sheet per form sheet, plus ``Lists``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    book = Workbook()
    book.remove(book.active)
    book.properties.title = form.title[lang]
    lists = _ListsSheet(book, form, lang)
    for sheet in form.sheets:
        ws = book.create_sheet(sheet.name)
        if sheet.layout == "keyvalue":
            _lay_out_keyvalue(ws, sheet, lang, lists)
        else:
            _lay_out_table(ws, sheet, lang, lists)
        _protect(ws)
    book.move_sheet(LISTS_SHEET, offset=len(form.sheets))
    book.active = 0
    return book


def write_blank(form: FormDefinition, lang: str, path: Path) -> None:
    build_blank(form, lang).save(path)


def build_filled(form: FormDefinition, lang: str, values: Mapping[str, Any]) -> Workbook:
    """The form in ``lang`` with ``values`` filled in, as a city would upload it.

    ``values`` maps sheet names to a mapping (key/value sheets: key -> value)
    or to a sequence of row mappings (table sheets). Values are Python values:
    str, int, Decimal, date, bool (written "yes"/"no"), a sequence of codes
    for a ``codes`` field (written comma-separated). Keys the form does not
    know are written too (key/value sheets: extra rows; tables: extra columns),
    so samples can exercise the validator's unknown-field warning.
    """
    book = build_blank(form, lang)
    for name, content in values.items():
        sheet = form.sheet(name)
        ws = book[name]
        if sheet.layout == "keyvalue":
            _fill_keyvalue(ws, sheet, content)
        else:
            _fill_table(ws, sheet, content)
    return book


def write_filled(form: FormDefinition, lang: str, values: Mapping[str, Any], path: Path) -> None:
    build_filled(form, lang, values).save(path)


# --- the Lists sheet -------------------------------------------------------------


class _ListsSheet:
    """Each vocabulary in two columns (code, label in the form's language)."""

    def __init__(self, book: Workbook, form: FormDefinition, lang: str) -> None:
        self.ws: Worksheet = book.create_sheet(LISTS_SHEET)
        self._form = form
        self._ranges: dict[str, str] = {}
        words = _WORDS[lang]
        for index, (name, terms) in enumerate(form.vocabularies.items()):
            code_column = 2 * index + 1
            code_letter = get_column_letter(code_column)
            label_letter = get_column_letter(code_column + 1)
            _header(self.ws.cell(1, code_column), name)
            _header(self.ws.cell(1, code_column + 1), words["name"])
            for row, term in enumerate(terms, start=2):
                safe_text(self.ws.cell(row, code_column), term.code)
                safe_text(self.ws.cell(row, code_column + 1), term.label[lang])
            self.ws.column_dimensions[code_letter].width = _width([name, *(t.code for t in terms)])
            self.ws.column_dimensions[label_letter].width = _width(
                [words["name"], *(t.label[lang] for t in terms)]
            )
            self._ranges[name] = (
                f"{quote_sheetname(LISTS_SHEET)}!${code_letter}$2:${code_letter}${len(terms) + 1}"
            )
        self.ws.freeze_panes = "A2"
        _protect(self.ws)

    def range_of(self, vocabulary: str) -> str:
        return self._ranges[vocabulary]

    def codes(self, vocabulary: str) -> tuple[str, ...]:
        return self._form.codes(vocabulary)


# --- sheet layouts ----------------------------------------------------------------


def _lay_out_keyvalue(ws: Worksheet, sheet: SheetDef, lang: str, lists: _ListsSheet) -> None:
    words = _WORDS[lang]
    for column, word in enumerate((words["key"], words["label"], words["value"]), start=1):
        _header(ws.cell(1, column), word)
    for row, field in enumerate(sheet.fields, start=KEYVALUE_FIRST_ROW):
        key = ws.cell(row, 1)
        safe_text(key, field.key)
        key.font, key.alignment = _KEY_FONT, _TOP
        label = ws.cell(row, 2)
        safe_text(label, field.label[lang])
        label.font, label.alignment = _BOLD, _WRAP
        value = ws.cell(row, 3)
        _style_value_cell(value, field)
        if field.type == "text":
            ws.row_dimensions[row].height = 60  # room to see a few lines of a summary
        _validate(ws, field, lang, lists, f"C{row}")
    ws.column_dimensions["A"].width = _width([words["key"], *(f.key for f in sheet.fields)])
    ws.column_dimensions["B"].width = min(_width([f.label[lang] for f in sheet.fields]), 45)
    ws.column_dimensions["C"].width = 60
    ws.freeze_panes = f"A{KEYVALUE_FIRST_ROW}"


def _lay_out_table(ws: Worksheet, sheet: SheetDef, lang: str, lists: _ListsSheet) -> None:
    last_row = TABLE_FIRST_ROW + sheet.max_rows - 1
    for column, field in enumerate(sheet.fields, start=1):
        letter = get_column_letter(column)
        key = ws.cell(1, column)
        safe_text(key, field.key)
        key.font = _KEY_FONT
        label = ws.cell(2, column)
        safe_text(label, field.label[lang])
        _header(label, field.label[lang])
        label.alignment = _WRAP
        # The whole column is unlocked and formatted through its column style
        # (Excel and LibreOffice apply it to every cell typed there); the key
        # and label cells above carry their own locked style. Styling each of
        # the max_rows cells instead made every form 20,000 styled cells heavy.
        _style_value_cell(ws.column_dimensions[letter], field)
        key.protection = label.protection = _LOCKED
        _validate(ws, field, lang, lists, f"{letter}{TABLE_FIRST_ROW}:{letter}{last_row}")
        ws.column_dimensions[letter].width = _column_width(field, lang)
    ws.row_dimensions[2].height = 30
    ws.freeze_panes = f"A{TABLE_FIRST_ROW}"


def _style_value_cell(cell: Cell | ColumnDimension, field: FieldDef) -> None:
    cell.protection = _UNLOCKED
    cell.alignment = _WRAP if field.type == "text" else _TOP
    if field.type == "money":
        cell.number_format = MONEY_FORMAT
    elif field.type == "date":
        cell.number_format = DATE_FORMAT
    elif field.type == "integer":
        cell.number_format = "0"
    else:
        cell.number_format = TEXT_FORMAT


def _column_width(field: FieldDef, lang: str) -> float:
    by_type = {"text": 60, "date": 12, "money": 16, "integer": 10, "codes": 40}
    wide = 40 if (field.maxlength or 0) > 100 else 0
    return max(by_type.get(field.type, 18), wide, min(_width([field.label[lang]]), 30))


def _width(texts: Sequence[str]) -> float:
    return max((len(t) for t in texts), default=8) + 3


def _header(cell: Cell, text: str) -> None:
    safe_text(cell, text)
    cell.font = _BOLD
    cell.fill = _HEADER_FILL


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True
    # Protection keeps keys and labels intact; people may still resize and format.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.formatCells = False


# --- data validations (drop-down lists, input hints, type checks) -------------------


def _validate(ws: Worksheet, field: FieldDef, lang: str, lists: _ListsSheet, cells: str) -> None:
    words = _WORDS[lang]
    hint = field.hint[lang]
    if field.type in ("code", "yesno") and field.vocabulary:
        rule = DataValidation(type="list", formula1=lists.range_of(field.vocabulary))
    elif field.type == "codes" and field.vocabulary:
        # Excel has no multi-select list: name the codes and point to the Lists sheet.
        if LISTS_SHEET not in hint:
            hint = f"{hint} ({words['see_lists']})"
        hint = f"{hint}:\n{', '.join(lists.codes(field.vocabulary))}"
        rule = DataValidation(type=None)
    elif field.type == "integer":
        rule = _bounded("whole", field)
    elif field.type == "money":
        rule = _bounded("decimal", field)
    elif field.type == "date":
        rule = DataValidation(
            type="date",
            operator="between",
            formula1=str(int(to_excel(_FIRST_DATE))),
            formula2=str(int(to_excel(_LAST_DATE))),
        )
    elif field.maxlength is not None:
        rule = DataValidation(
            type="textLength", operator="lessThanOrEqual", formula1=str(field.maxlength)
        )
    else:
        rule = DataValidation(type=None)
    rule.allow_blank = True
    rule.showInputMessage = True
    rule.promptTitle = _clip(field.label[lang], _MAX_PROMPT_TITLE)
    rule.prompt = _clip(hint, _MAX_PROMPT)
    if rule.type is not None:
        rule.showErrorMessage = True
        rule.errorTitle = _clip(words["invalid"], _MAX_PROMPT_TITLE)
        rule.error = _clip(hint, _MAX_ERROR)
    rule.add(cells)
    ws.add_data_validation(rule)


def _bounded(kind: str, field: FieldDef) -> DataValidation:
    if field.min is not None and field.max is not None:
        return DataValidation(
            type=kind, operator="between", formula1=str(field.min), formula2=str(field.max)
        )
    if field.min is not None:
        return DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(field.min))
    if field.max is not None:
        return DataValidation(type=kind, operator="lessThanOrEqual", formula1=str(field.max))
    # Any number: Excel needs bounds, so use the widest ones it knows.
    return DataValidation(type=kind, operator="between", formula1="-1E+307", formula2="1E+307")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- filling in values ---------------------------------------------------------------


def _fill_keyvalue(ws: Worksheet, sheet: SheetDef, content: Mapping[str, Any]) -> None:
    rows = {f.key: row for row, f in enumerate(sheet.fields, start=KEYVALUE_FIRST_ROW)}
    extra_row = KEYVALUE_FIRST_ROW + len(sheet.fields)
    for key, value in content.items():
        row = rows.get(key)
        if row is None:
            row = extra_row
            extra_row += 1
            safe_text(ws.cell(row, 1), key)
        _put_value(ws.cell(row, 3), value)


def _fill_table(ws: Worksheet, sheet: SheetDef, content: Sequence[Mapping[str, Any]]) -> None:
    columns = {f.key: column for column, f in enumerate(sheet.fields, start=1)}
    sheet_fields = {f.key: f for f in sheet.fields}
    for offset, line in enumerate(content):
        for key, value in line.items():
            column = columns.get(key)
            if column is None:
                column = columns[key] = len(columns) + 1
                safe_text(ws.cell(1, column), key)
            cell = ws.cell(TABLE_FIRST_ROW + offset, column)
            if key in sheet_fields:
                # A written cell no longer inherits its column's style: give it
                # the same unlocked, formatted style explicitly.
                _style_value_cell(cell, sheet_fields[key])
            _put_value(cell, value)


def _put_value(cell: Cell, value: Any) -> None:
    """Write a Python value the way a person would have typed it.

    Text is always stored as text (``safe_text``: no formula injection), money
    and numbers as numbers (Decimal stays exact), dates as real dates.
    """
    if value is None:
        return
    if isinstance(value, bool):
        safe_text(cell, "yes" if value else "no")
    elif isinstance(value, str):
        safe_text(cell, value)
    elif isinstance(value, int | Decimal):
        cell.value = value  # the number format of the cell's style applies
    elif isinstance(value, date):
        cell.value = value.date() if isinstance(value, datetime) else value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Sequence):
        safe_text(cell, ", ".join(str(v) for v in value))
    else:
        # float included: money is Decimal, and a float here is a caller's bug.
        raise TypeError(f"cannot write {type(value).__name__} {value!r} into a form cell")
