"""The demo's calendar: the reference programme's story on the programme's own dates.

Each step of the demo records its human decisions and runs its flows at the
day ``samples/demo_calendar.yaml`` gives it (midday in Warsaw), so the
application of Chełm is dated in September 2019, its agreement in June 2021
and the publication in June 2024, whatever day the demo runs on. The file
is checked against the programme when loaded: a calendar that would sign an
agreement after the partner-search deadline, or upload an outline outside
its call, is refused with the line to fix.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from cerberus import Validator

from grantflow import resources
from grantflow.adapters.clock import FixedClock
from grantflow.domain.deadlines import MIDDAY, OPERATOR_TIMEZONE
from grantflow.domain.programme import Programme
from grantflow.validation import yaml_file
from grantflow.validation.yaml_file import Problem

SCHEMA_FILE = "demo_calendar.schema.yaml"
STAGE1, STAGE2 = "stage1-outline", "stage2-proposal"
# A further round of the review flow (a third expert, a replacement) a week later.
REVIEW_ROUND = timedelta(days=7)


@dataclass(frozen=True)
class DemoCalendar:
    """The day of each step, in the order the demo takes them."""

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

    def clock(self, day: date) -> FixedClock:
        return FixedClock(self.at(day))

    def assessment(self, call_code: str, round_no: int) -> datetime:
        first = self.stage1_assessment if call_code == STAGE1 else self.stage2_assessment
        return self.at(first + REVIEW_ROUND * round_no)


def _problems(calendar: DemoCalendar, programme: Programme, rounds: int) -> list[Problem]:
    """Where the calendar contradicts the programme or its own order."""
    problems: list[Problem] = []
    for step, call_code in (("outlines_submitted", STAGE1), ("proposals_submitted", STAGE2)):
        call, day = programme.call(call_code), getattr(calendar, step)
        if not call.opens <= day <= call.deadline:
            problems.append(
                (step, f"{day} is outside the call {call_code} ({call.opens} to {call.deadline})")
            )
    # The steps in order, the review rounds and the programme's own deadlines among them.
    ordered = [(f.name, getattr(calendar, f.name)) for f in dataclasses.fields(calendar)]
    last_round = REVIEW_ROUND * (rounds - 1)
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
    if calendar.agreements_signed >= programme.partner_search_deadline:
        problems.append(
            (
                "agreements_signed",
                f"{calendar.agreements_signed} is not before the partner-search deadline "
                f"({programme.partner_search_deadline})",
            )
        )
    for (before, earlier), (step, day) in itertools.pairwise(ordered):
        if day <= earlier:
            problems.append((step, f"{day} is not after {before} ({earlier})"))
        if step in milestones:
            what, limit = milestones[step]
            if day <= limit:
                problems.append((step, f"{day} is not after {what} ({limit})"))
    return problems


def load_calendar(programme: Programme, rounds: int, path: Path | None = None) -> DemoCalendar:
    """The demo's calendar (``samples/demo_calendar.yaml`` by default), checked against the
    programme with ``rounds`` review rounds per stage; ConfigurationError naming each line."""
    path = path or resources.samples() / "demo_calendar.yaml"
    checked = yaml_file.check(
        Validator(yaml_file.schema(SCHEMA_FILE)), yaml_file.read(path), path.name
    )
    calendar = DemoCalendar(**checked)
    problems = _problems(calendar, programme, rounds)
    if problems:
        raise yaml_file.failure(path.name, problems)
    return calendar
