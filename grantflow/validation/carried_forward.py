"""What a city's outline carries into its Stage 2 proposal, and what the city changed since.

One mapping, both ways: :func:`outline_values` turns a stored ``Outline``
into the values of the outline form's sheets (the pre-filled proposal form
is written from them), and :func:`changes` compares a proposal's checked
values with the same outline, field by field and row by row (budget lines by
their number, indicators by their name). A change is a warning, at the cell
that changed: the city may change its plans, and the report says what the
assessors will see changed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from grantflow.domain.outline import LUMP_SUM_CATEGORY, Outline
from grantflow.validation import form as forms
from grantflow.validation.report import Issue
from grantflow.validation.rules import BUDGET, INDICATORS, PARTNERSHIP, Values

# Table sheets of the outline: the Outline's attribute holding their rows, and
# the field that names a row across the two versions.
_TABLES = {BUDGET: ("budget", "line_no"), INDICATORS: ("indicators", "indicator")}
_EMPTY: tuple[Any, ...] = (None, "", ())


def _plain(value: Any) -> Any:
    """An Outline attribute as the form's cell holds it: yes/no for a bool, codes
    comma-separated, anything else as it is."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(value)
    return value


def _text(value: Any) -> str:
    """A value as issue parameters carry it: language-neutral text."""
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return "" if value is None else str(value)


def outline_values(outline: Outline) -> dict[str, Any]:
    """The outline form's values of ``outline``, by sheet: what the proposal form carries."""
    values: dict[str, Any] = {}
    for sheet in forms.load("outline").sheets:
        if sheet.layout == "keyvalue":
            record = {f.key: _plain(getattr(outline, f.key)) for f in sheet.fields}
            values[sheet.name] = {k: v for k, v in record.items() if v not in _EMPTY}
        else:
            attribute, _ = _TABLES[sheet.name]
            values[sheet.name] = [
                {f.key: getattr(item, f.key) for f in sheet.fields}
                for item in getattr(outline, attribute)
            ]
    return values


def changes(values: Values, outline: Outline, failed: Collection[tuple[str, str]]) -> list[Issue]:
    """Every carried-forward value the proposal changed, as warnings.

    ``failed``: (sheet, field) pairs with an error of their own; a value that
    is missing because it is wrong is reported once, as that error.
    """
    issues: list[Issue] = []
    for sheet in forms.load("outline").sheets:
        if sheet.layout == "keyvalue":
            issues.extend(
                _field_changes(values, outline, sheet.name, [f.key for f in sheet.fields], failed)
            )
        else:
            issues.extend(_row_changes(values, outline, sheet.name, [f.key for f in sheet.fields]))
    return issues


def _same(was: Any, now: Any) -> bool:
    """Equal as values: money by amount (Decimal("1.0") == Decimal("1.00")), empty as empty."""
    return (was in _EMPTY and now in _EMPTY) or was == now


def _field_changes(
    values: Values,
    outline: Outline,
    sheet: str,
    keys: list[str],
    failed: Collection[tuple[str, str]],
) -> Iterator[Issue]:
    for key in keys:
        was, now = _plain(getattr(outline, key)), values.fields.get(key)
        if now is None:
            if was not in _EMPTY and (sheet, key) not in failed:
                yield Issue(
                    "carried-forward-changed",
                    "warning",
                    sheet,
                    None,
                    key,
                    None,
                    {"label": key, "was": _text(was), "value": ""},
                )
        elif not _same(was, _plain(now.value)):
            yield now.issue(
                "carried-forward-changed",
                "warning",
                label=key,
                was=_text(was),
                value=_text(_plain(now.value)),
            )


def _row_changes(values: Values, outline: Outline, sheet: str, keys: list[str]) -> Iterator[Issue]:
    attribute, row_key = _TABLES[sheet]
    before = {getattr(item, row_key): item for item in getattr(outline, attribute)}
    now = {row.fields[row_key].value: row for row in values.rows(sheet) if row_key in row.fields}
    for name, row in now.items():
        item = before.get(name)
        if item is None:
            yield row.fields[row_key].issue("carried-forward-added", "warning", key=_text(name))
            continue
        for key in keys:
            checked = row.fields.get(key)
            if checked is not None and not _same(getattr(item, key), checked.value):
                yield checked.issue(
                    "carried-forward-changed",
                    "warning",
                    label=key,
                    was=_text(getattr(item, key)),
                    value=_text(checked.value),
                )
    if any(row_key not in row.fields for row in values.rows(sheet)):
        return  # a row whose name is itself wrong may be the one that seems gone
    for name in sorted(before.keys() - now.keys(), key=_text):
        yield Issue(
            "carried-forward-removed", "warning", sheet, None, row_key, None, {"key": _text(name)}
        )


def proposal_values(outline: Outline) -> dict[str, Any]:
    """The values the proposal form starts from: the outline's, and the partnership's
    lump-sum line (the budget's one ``partnership_lump_sum`` line, when there is one)."""
    values = outline_values(outline)
    lump_lines = [line.line_no for line in outline.budget if line.category == LUMP_SUM_CATEGORY]
    if outline.wants_partner and len(lump_lines) == 1:
        values[PARTNERSHIP]["lump_sum_line"] = lump_lines[0]
    return values
