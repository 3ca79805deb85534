"""Load the sample Stage 2 proposals (``samples/proposals.yaml``) into ``ProposalPlan`` values.

Each proposal completes the outline of a sample town (``samples/outlines.yaml``)
and is checked against it: every budget line is paid by the actions of exactly
one objective, every indicator measures exactly one, a budget change names a
line. Checked against ``schemas/sample_proposals.schema.yaml``; a broken file
raises ``ConfigurationError`` naming the key, e.g.
``proposals.yaml: proposals[0].objectives: budget line 6 of Chełm is paid by no objective``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from grantflow import resources
from grantflow.validation import yaml_file
from grantflow.validation.sample_outlines_file import (
    OutlinePlan,
    each_sample_town,
    load_sample_outlines,
)
from grantflow.validation.yaml_file import Problem

SCHEMA_FILE = "sample_proposals.schema.yaml"


@dataclass(frozen=True)
class Objective:
    problem: str
    objective: str
    measures: str
    lines: tuple[int, ...]  # budget lines (1-based) whose actions serve it
    indicators: tuple[int, ...]  # indicators (1-based) that measure it


@dataclass(frozen=True)
class ProposalPlan:
    outline: OutlinePlan  # the outline the proposal completes
    unit: str
    priorities_pl: str
    priorities_en: str
    objectives: tuple[Objective, ...]
    budget_changes: Mapping[int, Decimal]  # line -> new amount, in the line's currency


def _each_once(where: str, town: str, what: str, count: int, given: list[int]) -> list[Problem]:
    seen = Counter(given)
    problems = [
        (where, f"{what} {n} of {town} is in {seen[n]} objectives")
        for n in sorted(seen)
        if seen[n] > 1
    ]
    problems += [(where, f"{town} has no {what} {n}") for n in sorted(seen) if n > count]
    problems += [
        (where, f"{what} {n} of {town} is in no objective")
        for n in range(1, count + 1)
        if n not in seen
    ]
    return problems


def _cross_check(
    proposals: list[dict[str, Any]], outlines: Mapping[str, OutlinePlan]
) -> list[Problem]:
    problems: list[Problem] = []
    towns = each_sample_town(proposals, "proposals", "town", "proposals", outlines, problems)
    for where, town, proposal, outline in towns:
        objectives = proposal["objectives"]
        problems += _each_once(
            f"{where}.objectives",
            town,
            "budget line",
            len(outline.lines),
            [n for o in objectives for n in o["lines"]],
        )
        problems += _each_once(
            f"{where}.objectives",
            town,
            "indicator",
            len(outline.targets),
            [n for o in objectives for n in o["indicators"]],
        )
        problems += [
            (f"{where}.budget_changes[{j}].line", f"{town} has no budget line {c['line']}")
            for j, c in enumerate(proposal.get("budget_changes", []))
            if c["line"] > len(outline.lines)
        ]
    return problems


def _objective(data: dict[str, Any]) -> Objective:
    return Objective(
        problem=data["problem"],
        objective=data["objective"],
        measures=data["measures"],
        lines=tuple(data["lines"]),
        indicators=tuple(data["indicators"]),
    )


def parse_sample_proposals(
    data: object, outlines: tuple[OutlinePlan, ...], source: str = "proposals.yaml"
) -> tuple[ProposalPlan, ...]:
    """Check an already parsed sample-proposals document against the sample ``outlines``."""
    by_town = {plan.town.name: plan for plan in outlines}
    checked = yaml_file.checked(
        SCHEMA_FILE, data, source, lambda d: _cross_check(d["proposals"], by_town)
    )
    return tuple(
        ProposalPlan(
            outline=by_town[p["town"]],
            unit=p["unit"],
            priorities_pl=p["priorities_pl"],
            priorities_en=p["priorities_en"],
            objectives=tuple(_objective(o) for o in p["objectives"]),
            budget_changes={
                c["line"]: Decimal(str(c["amount"])) for c in p.get("budget_changes", [])
            },
        )
        for p in checked["proposals"]
    )


@cache
def _reference() -> tuple[ProposalPlan, ...]:
    return load_sample_proposals(resources.samples() / "proposals.yaml")


def load_sample_proposals(path: Path | None = None) -> tuple[ProposalPlan, ...]:
    """The sample proposals of ``path`` on the shipped sample outlines; without a path,
    the shipped proposals (cached)."""
    if path is None:
        return _reference()
    return parse_sample_proposals(yaml_file.read(path), load_sample_outlines().valid, path.name)
