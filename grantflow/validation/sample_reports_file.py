"""Load the sample final reports (``samples/final_reports.yaml``) into ``ReportPlan`` values.

Each report closes the project of a sample outline (``samples/outlines.yaml``)
and is checked against it: one value per indicator, one amount per budget
line. Checked against ``schemas/sample_final_reports.schema.yaml``; a broken
file raises ``ConfigurationError`` naming the key, e.g.
``final_reports.yaml: final_reports[0].spent: 4 amounts for the 5 budget lines of Nysa``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from grantflow import resources
from grantflow.domain.final_report import Activity
from grantflow.domain.outline import LUMP_SUM_CATEGORY
from grantflow.validation import form, yaml_file
from grantflow.validation.sample_outlines_file import (
    OutlinePlan,
    each_sample_town,
    load_sample_outlines,
)
from grantflow.validation.yaml_file import Problem

SCHEMA_FILE = "sample_final_reports.schema.yaml"


@dataclass(frozen=True)
class ReportPlan:
    outline: OutlinePlan  # the project the report closes
    partner: str  # the donor municipality the demo partners the town with
    summary_pl: str
    summary_nb: str
    achieved: tuple[Decimal, ...]  # per indicator of the outline, in its order
    # Spent per budget line of the outline, in the line's currency; the lump-sum
    # line is reported in EUR (what the agreement committed).
    spent: tuple[Decimal, ...]
    activities: tuple[Activity, ...]
    lump_sum_notes: str = ""


@dataclass(frozen=True)
class SampleReports:
    written_at: datetime  # stamped into every file
    reports: tuple[ReportPlan, ...]


def _cross_check(
    reports: list[dict[str, Any]], outlines: Mapping[str, OutlinePlan]
) -> list[Problem]:
    forms = form.load("outline").codes("involvement_forms")
    problems: list[Problem] = []
    towns = each_sample_town(reports, "final_reports", "outline", "reports", outlines, problems)
    for where, town, report, outline in towns:
        if all(line.category != LUMP_SUM_CATEGORY for line in outline.lines):
            problems.append(
                (f"{where}.outline", f"{town}'s outline has no lump-sum line to report on")
            )
        for key, count, what in (
            ("achieved", len(outline.targets), "indicators"),
            ("spent", len(outline.lines), "budget lines"),
        ):
            if len(report[key]) != count:
                problems.append(
                    (
                        f"{where}.{key}",
                        f"{len(report[key])} values for the {count} {what} of {town}",
                    )
                )
        problems += [
            (f"{where}.activities[{j}].form", f"unknown code {a['form']!r} ({town})")
            for j, a in enumerate(report["activities"])
            if a["form"] not in forms
        ]
    return problems


def _report(data: dict[str, Any], outline: OutlinePlan) -> ReportPlan:
    return ReportPlan(
        outline=outline,
        partner=data["partner"],
        summary_pl=data["summary_pl"],
        summary_nb=data["summary_nb"],
        achieved=tuple(Decimal(str(v)) for v in data["achieved"]),
        spent=tuple(Decimal(str(v)) for v in data["spent"]),
        activities=tuple(
            Activity(a["date"], a["activity"], a["form"], a["place"], a["participants"])
            for a in data["activities"]
        ),
        lump_sum_notes=data.get("lump_sum_notes", ""),
    )


def parse_sample_reports(
    data: object, outlines: tuple[OutlinePlan, ...], source: str = "final_reports.yaml"
) -> SampleReports:
    """Check an already parsed sample-reports document against the sample ``outlines``."""
    by_town = {plan.town.name: plan for plan in outlines}
    checked = yaml_file.checked(
        SCHEMA_FILE, data, source, lambda d: _cross_check(d["final_reports"], by_town)
    )
    return SampleReports(
        written_at=checked["written_at"],
        reports=tuple(_report(r, by_town[r["outline"]]) for r in checked["final_reports"]),
    )


@cache
def _reference() -> SampleReports:
    return load_sample_reports(resources.samples() / "final_reports.yaml")


def load_sample_reports(path: Path | None = None) -> SampleReports:
    """The sample final reports of ``path`` on the shipped sample outlines; without a
    path, the shipped reports (cached)."""
    if path is None:
        return _reference()
    return parse_sample_reports(yaml_file.read(path), load_sample_outlines().valid, path.name)
