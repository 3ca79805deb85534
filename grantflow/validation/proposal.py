"""Validate an uploaded Stage 2 proposal: ``RawWorkbook`` -> ``FileReport`` (+ its ``Outline``).

The proposal form (``schemas/proposal.yaml``) extends the outline's, so its
outline sheets are checked by the outline's rules, unchanged. On top of them:

* the development plan and the implementation plan: every action within
  the eligibility window and inside the project's dates, ending after it
  starts, for an objective of the development plan and paid from lines of
  the budget; per budget line, the plan's costs equal the line (in EUR at
  the call's rate); every objective has at least one action and one
  indicator;
* the partnership's lump-sum line names the budget's lump-sum line;
* the city was shortlisted in the Stage 1 call the proposal call follows
  (``not-shortlisted`` at the TERYT cell), and what it changed since its
  outline is reported as warnings (``carried_forward``).

The shortlist comes from the store, read by the caller (validation does no
I/O); without one (``grantflow validate``, a local check) those two are not
checked. A valid proposal gives the ``Outline`` of its outline sheets: the
version the assessment, the ranking and the ledger read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from grantflow.domain.money import cents
from grantflow.domain.outline import LUMP_SUM_CATEGORY, Outline
from grantflow.domain.programme import Programme
from grantflow.validation import carried_forward
from grantflow.validation import form as forms
from grantflow.validation.form import FormDefinition
from grantflow.validation.outline import ValidationResult, call_rate, result_of
from grantflow.validation.report import Issue
from grantflow.validation.rules import (
    BUDGET,
    INDICATORS,
    PARTNERSHIP,
    Checked,
    Row,
    Values,
    cross_field_issues,
    line_eur,
    plain_amount,
)
from grantflow.validation.sheets import check_workbook, sort_issues
from grantflow.validation.workbook import RawWorkbook

DEVELOPMENT_PLAN, IMPLEMENTATION_PLAN = "DevelopmentPlan", "ImplementationPlan"


@dataclass(frozen=True)
class Shortlist:
    """The Stage 1 call a proposal call follows, and the valid outlines of the cities it
    shortlisted, by TERYT."""

    call: str
    outlines: Mapping[str, Outline]


def validate_proposal(
    raw: RawWorkbook,
    programme: Programme,
    call_code: str,
    shortlist: Shortlist | None,
    form: FormDefinition | None = None,
) -> ValidationResult:
    """Check an uploaded proposal; bad input never raises: every problem is an issue."""
    rate = call_rate(programme, call_code)
    form = form if form is not None else forms.load("proposal")

    def rules(values: Values) -> list[Issue]:
        return [
            *cross_field_issues(values, programme, rate),
            *_plan_issues(values, programme, rate),
            *_lump_sum_line(values),
            *_shortlisted(values, shortlist),
        ]

    report, values = check_workbook(raw, form, rules)
    teryt = values.get("teryt") if values is not None else None
    if values is not None and shortlist is not None and isinstance(teryt, str):
        outline = shortlist.outlines.get(teryt)
        if outline is not None:
            failed = {(i.sheet or "", i.field or "") for i in report.issues}
            report.issues.extend(carried_forward.changes(values, outline, failed))
            sort_issues(form, report.issues)
    return result_of(report, values, rate)


def _shortlisted(values: Values, shortlist: Shortlist | None) -> Iterator[Issue]:
    teryt = values.fields.get("teryt")
    if shortlist is None or teryt is None or teryt.value in shortlist.outlines:
        return
    city = values.get("city_name")
    yield teryt.issue(
        "not-shortlisted",
        teryt=str(teryt.value),
        value=str(city or teryt.value),
        call=shortlist.call,
    )


def _first_by_number(rows: Sequence[Row], key: str) -> dict[int, Checked]:
    found: dict[int, Checked] = {}
    for row in rows:
        checked = row.fields.get(key)
        if checked is not None and isinstance(checked.value, int):
            found.setdefault(checked.value, checked)
    return found


def _objective_links(
    values: Values, sheet: str, objectives: Mapping[int, Checked]
) -> Iterator[Issue | int]:
    """Each row's objective: its number when the plan has it, else ``unknown-objective``."""
    for row in values.rows(sheet):
        checked = row.fields.get("objective_no")
        if checked is None:
            continue
        if checked.value in objectives:
            assert isinstance(checked.value, int)
            yield checked.value
        else:
            yield checked.issue("unknown-objective")


def _plan_issues(values: Values, programme: Programme, rate: Decimal) -> Iterator[Issue]:
    objectives = _first_by_number(values.rows(DEVELOPMENT_PLAN), "objective_no")
    covered: dict[str, set[int]] = {}
    for sheet in (IMPLEMENTATION_PLAN, INDICATORS):
        covered[sheet] = set()
        for link in _objective_links(values, sheet, objectives):
            if isinstance(link, Issue):
                yield link
            else:
                covered[sheet].add(link)
    actions = values.rows(IMPLEMENTATION_PLAN)
    for sheet, code in (
        (IMPLEMENTATION_PLAN, "objective-without-action"),
        (INDICATORS, "objective-without-indicator"),
    ):
        # A row whose objective is itself wrong may be the one that covers it.
        if all("objective_no" in row.fields for row in values.rows(sheet)):
            for number, checked in objectives.items():
                if number not in covered[sheet]:
                    yield checked.issue(code)
    for row in actions:
        yield from _action_dates(row, values, programme)
    yield from _costs(values, actions, rate)


def _action_dates(row: Row, values: Values, programme: Programme) -> Iterator[Issue]:
    action = row.fields.get("action_no")
    name = str(action.value) if action is not None else str(row.number)
    start, end = row.fields.get("start_date"), row.fields.get("end_date")
    first, final = programme.first_eligibility_date, programme.final_eligibility_date
    project_start, project_end = values.get("start_date"), values.get("end_date")
    for checked in (start, end):
        if checked is None:
            continue
        day = checked.value
        assert isinstance(day, date)
        if not first <= day <= final:
            yield checked.issue(
                "date-outside-window",
                label=checked.field,
                value=day.isoformat(),
                first=first.isoformat(),
                final=final.isoformat(),
            )
        elif (
            isinstance(project_start, date)
            and isinstance(project_end, date)
            and not project_start <= day <= project_end
        ):
            yield checked.issue(
                "action-outside-project",
                action=name,
                label=checked.field,
                value=day.isoformat(),
                start=project_start.isoformat(),
                end=project_end.isoformat(),
            )
    if start is not None and end is not None:
        assert isinstance(start.value, date) and isinstance(end.value, date)
        if end.value < start.value:
            yield end.issue(
                "action-end-before-start",
                action=name,
                value=end.value.isoformat(),
                start=start.value.isoformat(),
            )


def _costs(values: Values, actions: Sequence[Row], rate: Decimal) -> Iterator[Issue]:
    """Per budget line, the plan's costs equal the line in EUR."""
    lines = {
        row.fields["line_no"].value: row for row in values.rows(BUDGET) if "line_no" in row.fields
    }
    planned: dict[int, Decimal] = defaultdict(Decimal)
    known = bool(actions)
    for row in actions:
        line, cost = row.fields.get("budget_line"), row.fields.get("cost_eur")
        if line is not None and line.value not in lines:
            yield line.issue("unknown-budget-line")
            known = False
        elif line is None or cost is None:
            known = False  # a wrong line or cost is reported as such: no sums from it
        else:
            assert isinstance(line.value, int) and isinstance(cost.value, Decimal)
            planned[line.value] += cost.value
    if not known:
        return
    for number, row in lines.items():
        budgeted = line_eur(row, rate)
        assert isinstance(number, int)
        if budgeted is not None and cents(planned[number]) != cents(budgeted):
            yield row.fields["amount"].issue(
                "plan-cost-mismatch",
                planned=plain_amount(planned[number]),
                line=str(number),
                budgeted=plain_amount(budgeted),
            )


def _lump_sum_line(values: Values) -> Iterator[Issue]:
    """The partnership's lump-sum line is the budget's one lump-sum line."""
    if values.get("wants_partner") != "yes":
        return
    lump_lines = [
        row.fields["line_no"].value
        for row in values.rows(BUDGET)
        if "category" in row.fields
        and row.fields["category"].value == LUMP_SUM_CATEGORY
        and "line_no" in row.fields
    ]
    if len(lump_lines) != 1:
        return  # missing or duplicate: the outline's lump-sum rules say so
    given = values.fields.get("lump_sum_line")
    if given is None:
        yield Issue(
            "required", sheet=PARTNERSHIP, field="lump_sum_line", params={"label": "lump_sum_line"}
        )
    elif given.value != lump_lines[0]:
        yield given.issue("lump-sum-line-mismatch", expected=str(lump_lines[0]))
