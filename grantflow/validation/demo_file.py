"""Load the demo's cast (``samples/demo.yaml``) into a ``DemoCast``.

The cast is who acts in ``grantflow demo`` and what they choose: the
operator and the committee, the programme scaled to the samples, the expert
pool with each expert's temperament, each city's merit, which city's expert
declares a conflict of interest and which city's experts diverge in each
call, which city does not agree with its partner in time, and the day of
each step (the calendar: the programme's dates, so documents carry them). Checked
against ``schemas/demo.schema.yaml`` and against the programme (cities and
calls must be its own); a broken file raises ``ConfigurationError`` naming
the key, e.g. ``demo.yaml: partners.no_agreement: 'Zamosc' is not an
eligible city of the programme``.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from grantflow import resources
from grantflow.domain.assessment import Reviewer
from grantflow.domain.deadlines import MIDDAY, OPERATOR_TIMEZONE
from grantflow.domain.identifiers import teryt_is_well_formed
from grantflow.domain.programme import Programme
from grantflow.validation import yaml_file
from grantflow.validation.programme_file import load_programme
from grantflow.validation.yaml_file import Problem

SCHEMA_FILE = "demo.schema.yaml"
STAGE1, STAGE2 = "stage1-outline", "stage2-proposal"
# A further run of the review flow (a third expert, a replacement) a week later.
REVIEW_ROUND = timedelta(days=7)


@dataclass(frozen=True)
class Expert:
    reviewer: Reviewer
    temperament: int  # points the expert adds to (or takes from) a city's merit


@dataclass(frozen=True)
class CallScript:
    """What happens in one call's assessment."""

    conflict_city: str  # its first expert declares a conflict of interest
    conflict_reason: str
    divergent_city: str  # its two experts diverge; a third arbitrates
    deduction_comment: str  # each expert's comment on a criterion scored below its maximum


@dataclass(frozen=True)
class Divergence:
    second_expert_percent: int  # the second expert's total: this share of the merit
    third_expert_offset: int  # the arbitrating expert's total: the merit plus this


@dataclass(frozen=True)
class DemoCalendar:
    """The day of each step of the story, in the order the demo takes them."""

    review_rounds: int  # at most, a week apart
    outlines_submitted: date
    experts_registered: date
    stage1_formal_check: date
    stage1_assessment: date
    stage1_selection: date
    proposals_submitted: date
    stage2_formal_check: date
    stage2_assessment: date
    stage2_selection: date
    partner_search: date
    partners_confirmed: date
    agreements_signed: date
    implementation_starts: date
    final_reports_submitted: date
    documents_generated: date

    @staticmethod
    def at(day: date) -> datetime:
        """The moment a step of ``day`` is recorded at: midday in Warsaw."""
        return datetime.combine(day, MIDDAY, tzinfo=OPERATOR_TIMEZONE)

    def assessment(self, call_code: str, round_no: int) -> datetime:
        """The moment of the ``round_no``-th run (from 0) of a call's review flow."""
        first = self.stage1_assessment if call_code == STAGE1 else self.stage2_assessment
        return self.at(first + REVIEW_ROUND * round_no)

    def steps(self) -> list[tuple[str, date]]:
        return [
            (f.name, getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name != "review_rounds"
        ]


@dataclass(frozen=True)
class DemoCast:
    operator: str  # the actor of the operator's steps
    committee: str  # the actor of the committee's approvals
    programme: Mapping[str, int]  # programme-file keys set over the reference programme's
    experts: tuple[Expert, ...]
    merit: Mapping[str, int]  # by city name, out of 100
    calls: Mapping[str, CallScript]  # by call code
    divergence: Divergence
    no_agreement: str  # the city whose partner search falls through
    calendar: DemoCalendar


def _calendar_problems(calendar: DemoCalendar, programme: Programme) -> list[Problem]:
    """Where the calendar contradicts the programme's dates or its own order."""
    problems: list[Problem] = []
    for step, call_code in (("outlines_submitted", STAGE1), ("proposals_submitted", STAGE2)):
        call, day = programme.call(call_code), getattr(calendar, step)
        if not call.opens <= day <= call.deadline:
            problems.append(
                (
                    f"calendar.{step}",
                    f"{day} is outside the call {call_code} ({call.opens} to {call.deadline})",
                )
            )
    if calendar.agreements_signed >= programme.partner_search_deadline:
        problems.append(
            (
                "calendar.agreements_signed",
                f"{calendar.agreements_signed} is not before the partner-search deadline "
                f"({programme.partner_search_deadline})",
            )
        )
    last_round = REVIEW_ROUND * (calendar.review_rounds - 1)
    # The programme's own dates (and the last review round) a step must come after.
    milestones = {
        "stage1_formal_check": ("the Stage 1 deadline", programme.call(STAGE1).deadline),
        "stage1_selection": (
            "the last Stage 1 review round",
            calendar.stage1_assessment + last_round,
        ),
        "stage2_formal_check": ("the Stage 2 deadline", programme.call(STAGE2).deadline),
        "stage2_selection": (
            "the last Stage 2 review round",
            calendar.stage2_assessment + last_round,
        ),
        "implementation_starts": (
            "the partner-search deadline",
            programme.partner_search_deadline,
        ),
        "final_reports_submitted": (
            "the final eligibility date",
            programme.final_eligibility_date,
        ),
    }
    for (before, earlier), (step, day) in itertools.pairwise(calendar.steps()):
        if day <= earlier:
            problems.append((f"calendar.{step}", f"{day} is not after {before} ({earlier})"))
        if step in milestones:
            what, limit = milestones[step]
            if day <= limit:
                problems.append((f"calendar.{step}", f"{day} is not after {what} ({limit})"))
    return problems


def _cross_check(data: dict[str, Any], programme: Programme) -> list[Problem]:
    cities = {city.name for city in programme.eligible_cities}
    calls = {call.code for call in programme.calls}
    problems: list[Problem] = []

    def city(where: str, name: str) -> None:
        if name not in cities:
            problems.append((where, f"{name!r} is not an eligible city of the programme"))

    seen: set[str] = set()
    for i, expert in enumerate(data["experts"]):
        if expert["code"] in seen:
            problems.append((f"experts[{i}].code", f"{expert['code']} is listed twice"))
        seen.add(expert["code"])
        problems += [
            (f"experts[{i}].ties[{j}]", f"{teryt} is not a well-formed TERYT code")
            for j, teryt in enumerate(expert["ties"])
            if not teryt_is_well_formed(teryt)
        ]
    offsets = [(f"{e['code']}'s temperament", e["temperament"]) for e in data["experts"]]
    offsets.append(("divergence.third_expert_offset", data["divergence"]["third_expert_offset"]))
    for name, merit in data["merit"].items():
        city(f"merit.{name}", name)
        problems += [
            (f"merit.{name}", f"{merit} plus {what} {offset} is outside 0 to 100")
            for what, offset in offsets
            if not 0 <= merit + offset <= 100
        ]
    for code, script in data["assessment"].items():
        if code not in calls:
            problems.append((f"assessment.{code}", f"{code!r} is not a call of the programme"))
        for key in ("conflict_of_interest", "divergent_pair"):
            city(f"assessment.{code}.{key}.city", script[key]["city"])
    city("partners.no_agreement", data["partners"]["no_agreement"])
    if not problems:  # the calls the calendar names are the programme's
        problems += _calendar_problems(DemoCalendar(**data["calendar"]), programme)
    return problems


def parse_demo_cast(data: object, programme: Programme, source: str = "demo.yaml") -> DemoCast:
    """Check an already parsed cast against ``programme`` and build it."""
    checked = yaml_file.checked(SCHEMA_FILE, data, source, lambda d: _cross_check(d, programme))
    return DemoCast(
        operator=checked["operator"],
        committee=checked["committee"],
        programme=dict(checked["programme"]),
        experts=tuple(
            Expert(
                Reviewer(
                    e["code"],
                    e["name"],
                    frozenset(e["languages"]),
                    frozenset(e["ties"]),
                    email=e.get("email", ""),
                    language=e.get("mail_language", ""),
                ),
                e["temperament"],
            )
            for e in checked["experts"]
        ),
        merit=dict(checked["merit"]),
        calls={
            code: CallScript(
                conflict_city=s["conflict_of_interest"]["city"],
                conflict_reason=s["conflict_of_interest"]["reason"],
                divergent_city=s["divergent_pair"]["city"],
                deduction_comment=s["deduction_comment"],
            )
            for code, s in checked["assessment"].items()
        },
        divergence=Divergence(**checked["divergence"]),
        no_agreement=checked["partners"]["no_agreement"],
        calendar=DemoCalendar(**checked["calendar"]),
    )


@cache
def _reference() -> DemoCast:
    return load_demo_cast(resources.samples() / "demo.yaml")


def load_demo_cast(path: Path | None = None) -> DemoCast:
    """The cast of ``path`` checked against the reference programme; without a path,
    the shipped cast (cached)."""
    if path is None:
        return _reference()
    return parse_demo_cast(yaml_file.read(path), load_programme(), path.name)
