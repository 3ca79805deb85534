"""Reading a spreadsheet form (outline, final report) by its definition: cells -> checked values.

Shared by every form's validator. Per field: read the cell the form says
(key/value sheets: key in column A, value in column C, rows in any order;
tables: keys in row 1, data from row 3), coerce it to its type
(``coerce``), check the declarative rules with cerberus (required, allowed,
min, max, maxlength), then the format rules (NIP, TERYT, e-mail). What
passed goes to the form's own cross-field rules as ``Values``.

Speed: everything derived from the form (coercers, cerberus schemas) is
compiled once per form and process. cerberus ``Validator`` instances keep
per-document state and are not thread-safe, so each thread gets its own,
built on first use and then reused for every file that thread validates.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from cerberus import TypeDefinition, Validator
from cerberus.errors import BaseErrorHandler, ValidationError

from grantflow.validation.coerce import (
    EXPECTED,
    Coercer,
    Typed,
    cell_text,
    coercer_for,
    is_blank,
    normalise_text,
)
from grantflow.validation.form import FieldDef, FormDefinition, SheetDef
from grantflow.validation.report import FileReport, Issue
from grantflow.validation.rules import FORMAT_RULES, Checked, FormatRule, Row, Values
from grantflow.validation.workbook import Cell, CellValue, RawSheet, RawWorkbook

_KEY_COLUMN, _VALUE_COLUMN = 0, 2  # A and C on key/value sheets
_HEADER_ROW, _FIRST_DATA_ROW = 1, 3  # tables: keys in row 1, labels in row 2
_CERBERUS_TYPES = {
    "string": "string",
    "text": "string",
    "email": "string",
    "code": "string",
    "yesno": "string",
    "integer": "integer",
    "money": "decimal",
    "date": "date",
    "codes": "list",
}


# --- the form, compiled once ---------------------------------------------------


@dataclass(frozen=True)
class _FieldPlan:
    field: FieldDef
    coerce: Coercer
    format_rule: FormatRule | None
    allowed: tuple[str, ...] | None


@dataclass(frozen=True)
class _SheetPlan:
    sheet: SheetDef
    fields: Mapping[str, _FieldPlan]  # by key, in form order
    schema: Mapping[str, Any]  # cerberus schema of one record (the sheet, or a table row)


@dataclass(frozen=True)
class _FormPlan:
    form: FormDefinition
    sheets: tuple[_SheetPlan, ...]


def _allowed(field: FieldDef, form: FormDefinition) -> tuple[str, ...] | None:
    if field.type == "yesno":
        return ("yes", "no")
    if field.type in ("code", "codes") and field.vocabulary is not None:
        return form.codes(field.vocabulary)
    return None


def _rule_schema(plan: _FieldPlan) -> dict[str, Any]:
    field = plan.field
    rules: dict[str, Any] = {"type": _CERBERUS_TYPES[field.type], "required": field.required}
    if plan.allowed is not None:
        rules["allowed"] = list(plan.allowed)
    if field.min is not None:
        rules["min"] = field.min
    if field.max is not None:
        rules["max"] = field.max
    if field.maxlength is not None:
        rules["maxlength"] = field.maxlength
    return rules


def _compile(form: FormDefinition) -> _FormPlan:
    sheets = []
    for sheet in form.sheets:
        fields = {
            f.key: _FieldPlan(
                field=f,
                coerce=coercer_for(f, form.vocabularies),
                format_rule=FORMAT_RULES.get(f.format or f.type),
                allowed=_allowed(f, form),
            )
            for f in sheet.fields
        }
        schema = {key: _rule_schema(plan) for key, plan in fields.items()}
        sheets.append(_SheetPlan(sheet=sheet, fields=fields, schema=schema))
    return _FormPlan(form=form, sheets=tuple(sheets))


class _Validator(Validator):  # type: ignore[misc]
    """cerberus knows int and float as numbers; money here is Decimal."""

    types_mapping: ClassVar[dict[str, TypeDefinition]] = {
        **Validator.types_mapping,
        "decimal": TypeDefinition("decimal", (Decimal,), ()),
    }


class _KeepErrors(BaseErrorHandler):  # type: ignore[misc]
    """Hand cerberus' errors over as objects (codes, constraints), not messages."""

    def __call__(self, errors: Iterable[ValidationError]) -> list[ValidationError]:
        return list(errors)


# Plans are immutable and shared by all threads; keyed by id(form) because a
# FormDefinition holds dicts (unhashable). The plan keeps its form alive, so
# the id is not reused while cached.
_PLANS: dict[int, _FormPlan] = {}
_THREAD = threading.local()


def _plan(form: FormDefinition) -> _FormPlan:
    plan = _PLANS.get(id(form))
    if plan is None or plan.form is not form:
        plan = _PLANS[id(form)] = _compile(form)
    return plan


def _validator(sheet: _SheetPlan) -> Any:
    """This thread's cerberus Validator for a sheet's records (built once per thread)."""
    validators: dict[int, tuple[_SheetPlan, Any]] = _THREAD.__dict__.setdefault("validators", {})
    entry = validators.get(id(sheet))
    if entry is None or entry[0] is not sheet:
        validator = _Validator(dict(sheet.schema), error_handler=_KeepErrors)
        entry = validators[id(sheet)] = (sheet, validator)
    return entry[1]


# --- reading the sheets --------------------------------------------------------

_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _cell(cells: Sequence[Cell], index: int, row: int) -> tuple[CellValue, str]:
    if index < len(cells):
        return cells[index].value, cells[index].ref
    return None, f"{column_letter(index)}{row}"


def _key(value: CellValue) -> str:
    return " ".join(normalise_text(cell_text(value) or "").casefold().split())


# One record as read: field key -> (cell value, A1 reference). A key/value
# sheet is one record; a table has one per data row.
_Record = dict[str, tuple[CellValue, str]]


def _read_keyvalue(plan: _SheetPlan, raw: RawSheet, issues: list[Issue]) -> _Record:
    record: _Record = {}
    name = plan.sheet.name
    for number, cells in raw.rows:
        key_value, key_ref = _cell(cells, _KEY_COLUMN, number)
        if number == _HEADER_ROW or is_blank(key_value):
            continue  # the header, or a note without a key
        key = _key(key_value)
        if key not in plan.fields:
            issues.append(
                Issue("unknown-field", "warning", name, key_ref, None, cell_text(key_value))
            )
        elif key in record:
            issues.append(
                Issue("duplicate-field", "warning", name, key_ref, key, None, {"label": key})
            )
        else:
            record[key] = _cell(cells, _VALUE_COLUMN, number)
    return record


def _read_table(
    plan: _SheetPlan, raw: RawSheet, issues: list[Issue]
) -> tuple[list[tuple[int, _Record]], set[str]]:
    """The data rows of a table sheet, and the keys of the form missing from its header."""
    name = plan.sheet.name
    columns: dict[int, str] = {}
    records: list[tuple[int, _Record]] = []
    for number, cells in raw.rows:
        if number == _HEADER_ROW:
            for index, cell in enumerate(cells):
                if is_blank(cell.value):
                    continue
                key = _key(cell.value)
                if key not in plan.fields:
                    issues.append(
                        Issue(
                            "unknown-field", "warning", name, cell.ref, None, cell_text(cell.value)
                        )
                    )
                elif key in columns.values():
                    issues.append(
                        Issue(
                            "duplicate-field", "warning", name, cell.ref, key, None, {"label": key}
                        )
                    )
                else:
                    columns[index] = key
        elif number >= _FIRST_DATA_ROW:
            record = {key: _cell(cells, index, number) for index, key in columns.items()}
            if any(not is_blank(value) for value, _ in record.values()):
                records.append((number, record))
    missing = set(plan.fields) - set(columns.values())
    for key in plan.fields:  # form order, for a stable report
        if key in missing and plan.fields[key].field.required:
            issues.append(Issue("required", "error", name, None, key, None, {"label": key}))
    if len(records) > plan.sheet.max_rows:
        issues.append(
            Issue(
                "sheet-too-large",
                sheet=name,
                params={"rows": str(len(records)), "limit": str(plan.sheet.max_rows)},
            )
        )
        records = records[: plan.sheet.max_rows]
    if not records and plan.sheet.min_rows > 0:
        issues.append(Issue("table-empty", sheet=name))
    return records, missing


# --- checking one record -------------------------------------------------------


def _limit(value: Any) -> str:
    return cell_text(value) or ""


def _cerberus_issue(
    plan: _SheetPlan, error: ValidationError, where: _Record, typed: Mapping[str, Typed]
) -> Issue:
    key: str = error.field
    field = plan.fields[key].field
    # A required field whose row was left out has no cell to point at.
    raw_value, cell = where.get(key, (None, None))
    params = {"label": key}
    code = error.rule
    if code == "allowed":
        params["allowed"] = ", ".join(plan.fields[key].allowed or ())
        value = typed[key]
        if isinstance(value, tuple):  # codes: name only the codes that are wrong
            allowed = plan.fields[key].allowed or ()
            params["value"] = ", ".join(v for v in value if v not in allowed)
    elif code in ("min", "max"):
        params.update(limit=_limit(error.constraint), value=_limit(typed[key]))
    elif code == "maxlength":
        params.update(limit=str(error.constraint), length=str(len(str(typed[key]))))
    elif code != "required":
        code = "type"  # cerberus' own type check: coercion makes it unreachable in practice
        params["expected"] = EXPECTED[field.type]
    return Issue(code, "error", plan.sheet.name, cell, key, cell_text(raw_value), params)


def _check_record(
    plan: _SheetPlan,
    record: _Record,
    skip_required: set[str],
    no_value: frozenset[str],
    issues: list[Issue],
) -> dict[str, Checked]:
    """The values of one record that passed every check of their own.

    ``no_value``: this sheet's cells holding a formula without a cached value.
    The reader has reported each of them (``formula-without-value``); a field
    in such a cell has no value to check, and saying it is also ``required``
    (or of the wrong type) would report one cause twice at the same cell.
    """
    name = plan.sheet.name
    typed: dict[str, Typed] = {}
    failed: set[str] = set(skip_required)
    for key, (raw_value, cell) in record.items():
        if cell in no_value:
            failed.add(key)
            continue
        if is_blank(raw_value):
            continue
        field_plan = plan.fields[key]
        coerced = field_plan.coerce(raw_value)
        if coerced is None:
            failed.add(key)
            expected = EXPECTED[field_plan.field.type]
            issues.append(
                Issue(
                    "type",
                    "error",
                    name,
                    cell,
                    key,
                    cell_text(raw_value),
                    {"label": key, "expected": expected},
                )
            )
        elif coerced not in ("", ()):
            typed[key] = coerced
    validator = _validator(plan)
    if not validator.validate(typed, normalize=False):
        for error in validator.errors:
            if error.field not in failed:
                failed.add(error.field)
                issues.append(_cerberus_issue(plan, error, record, typed))
    good: dict[str, Checked] = {}
    for key, checked_value in typed.items():
        if key in failed:
            continue
        cell = record[key][1]
        text = cell_text(record[key][0])
        rule = plan.fields[key].format_rule
        if rule is not None and isinstance(checked_value, str):
            canonical = rule.canonical(checked_value)
            if canonical is None:
                issues.append(Issue(rule.code, "error", name, cell, key, text))
                continue
            checked_value = canonical
        good[key] = Checked(name, key, checked_value, cell, text)
    return good


# --- the whole workbook --------------------------------------------------------


def _find_sheet(raw: RawWorkbook, name: str) -> RawSheet | None:
    if name in raw.sheets:
        return raw.sheets[name]
    wanted = name.casefold()
    for found, sheet in raw.sheets.items():
        if found.strip().casefold() == wanted:
            return sheet
    return None


def _position(sheet_order: Mapping[str, int], issue: Issue) -> tuple[int, int, int]:
    """Sort key: file-level issues first, then by sheet in form order, row, column."""
    if issue.sheet is None:
        return (-1, 0, 0)
    sheet = sheet_order.get(issue.sheet, len(sheet_order))
    match = _CELL_REF.fullmatch(issue.cell or "")
    if match is None:
        return (sheet, 0, 0)
    letters, row = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return (sheet, int(row), column)


def _cells_without_value(raw: RawWorkbook) -> dict[str, frozenset[str]]:
    """Per sheet name, the cells the reader reported as formulas without a value."""
    cells: dict[str, set[str]] = {}
    for issue in raw.issues:
        if issue.code == "formula-without-value" and issue.sheet and issue.cell:
            cells.setdefault(issue.sheet, set()).add(issue.cell)
    return {sheet: frozenset(refs) for sheet, refs in cells.items()}


def read_values(raw: RawWorkbook, form: FormDefinition) -> tuple[Values, list[Issue]]:
    """Every sheet of ``form`` read from ``raw``: the values that passed their own checks."""
    plan = _plan(form)
    without_value = _cells_without_value(raw)
    issues: list[Issue] = []
    fields: dict[str, Checked] = {}
    tables: dict[str, list[Row]] = {}
    for sheet_plan in plan.sheets:
        name = sheet_plan.sheet.name
        raw_sheet = _find_sheet(raw, name)
        if raw_sheet is None:
            issues.append(Issue("sheet-missing", sheet=name))
            continue
        no_value = without_value.get(raw_sheet.name, frozenset())
        if sheet_plan.sheet.layout == "keyvalue":
            record = _read_keyvalue(sheet_plan, raw_sheet, issues)
            fields.update(_check_record(sheet_plan, record, set(), no_value, issues))
        else:
            records, missing = _read_table(sheet_plan, raw_sheet, issues)
            tables[name] = [
                Row(number, _check_record(sheet_plan, row_record, missing, no_value, issues))
                for number, row_record in records
            ]
    return Values(fields=fields, tables=tables), issues


def sort_issues(form: FormDefinition, issues: list[Issue]) -> None:
    """File-level issues first, then by sheet in form order, row, column (in place)."""
    order = {sheet.name: i for i, sheet in enumerate(form.sheets)}
    issues.sort(key=lambda issue: _position(order, issue))


def check_workbook(
    raw: RawWorkbook, form: FormDefinition, cross_field: Callable[[Values], Iterable[Issue]]
) -> tuple[FileReport, Values | None]:
    """``raw`` checked against ``form`` and its cross-field rules: the report, and
    the values read (None for an unreadable file). Values hold only fields valid
    on their own; the caller builds its record from them when the report is valid."""
    report = FileReport(file=raw.file, issues=list(raw.issues), form=form.form)
    if not raw.readable:
        return report, None
    values, issues = read_values(raw, form)
    issues.extend(cross_field(values))
    sort_issues(form, issues)
    report.issues.extend(issues)
    return report, values
