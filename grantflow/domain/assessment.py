"""Expert assessment (SPEC section 5): assignment, conflicts of interest, scores, arbitration.

- Two independent experts per application, chosen with balanced load: each
  application (in id order) takes the eligible reviewers with the fewest
  active assignments, ties broken by reviewer code, so the same inputs always
  give the same plan.
- Eligible: reads the application's language, declared no tie with the city
  at registration, and was never assigned to this application before (one
  who declared a conflict is replaced, never re-asked).
- A reviewer sees an application only after declaring no conflict of interest.
- Scores per criterion, each within the criterion's maximum; locked once
  submitted. A comment per criterion says why: SPEC section 5 names no
  rule for comments, so the one applied is the least a committee needs to
  read a score: a criterion given less than its maximum has a comment when
  the scorecard is submitted (a draft may lack it), because a deducted point
  is what a city contests and what the committee weighs when it changes the
  ranking. A full score may carry one; no comment is longer than
  ``COMMENT_MAX_LENGTH`` characters.
- Arbitration: when the two totals differ by more than the divergence
  threshold times the higher total, a third expert is assigned; the final
  score is the mean of the two closest totals. When the three totals are
  equally spaced there are two closest pairs; the final score is then the
  middle total (the mean of the two pairs' means), which favours neither the
  higher nor the lower opinion and does not depend on who scored last.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from grantflow.domain.errors import GrantflowError
from grantflow.domain.programme import Criterion

EXPERTS_PER_APPLICATION = 2
EXPERTS_WITH_ARBITRATION = 3
COMMENT_MAX_LENGTH = 2000


class AssessmentError(GrantflowError):
    """A reviewer's action the assessment rules do not allow."""


class ConflictNotDeclared(AssessmentError):
    """The reviewer has not declared the absence of a conflict of interest."""


class InvalidScores(AssessmentError):
    """Points outside a criterion's range, unknown or missing criteria, missing comments."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


class ScoresLocked(AssessmentError):
    """The scorecard was submitted: its points can no longer change."""


@dataclass(frozen=True)
class Reviewer:
    code: str  # "R07"
    name: str
    languages: frozenset[str]  # "pl", "en", "nb"
    conflicts: frozenset[str] = frozenset()  # TERYT codes of cities the reviewer has ties with
    email: str = ""  # where notifications go ("" : the expert is not told by e-mail)
    language: str = ""  # the language of their mail; "" : the first they read of pl, nb, en

    @property
    def mail_language(self) -> str:
        if self.language:
            return self.language
        return next((lang for lang in ("pl", "nb", "en") if lang in self.languages), "en")


@dataclass(frozen=True)
class Candidate:
    """An application that needs experts."""

    application_id: int
    teryt: str
    language: str = "pl"
    experts_needed: int = EXPERTS_PER_APPLICATION


class Declaration(StrEnum):
    PENDING = "pending"
    NO_CONFLICT = "no_conflict"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Assignment:
    application_id: int
    reviewer_code: str
    declaration: Declaration = Declaration.PENDING
    declared_at: datetime | None = None

    @property
    def active(self) -> bool:
        """Counts towards the application's experts and the reviewer's load."""
        return self.declaration is not Declaration.CONFLICT

    @property
    def may_see_application(self) -> bool:
        return self.declaration is Declaration.NO_CONFLICT

    def declare(self, *, conflict: bool, at: datetime) -> Assignment:
        if self.declaration is not Declaration.PENDING:
            raise AssessmentError(
                f"reviewer {self.reviewer_code} already declared '{self.declaration}' "
                f"for application {self.application_id}"
            )
        declaration = Declaration.CONFLICT if conflict else Declaration.NO_CONFLICT
        return replace(self, declaration=declaration, declared_at=at)


@dataclass(frozen=True)
class AssignmentPlan:
    new: tuple[Assignment, ...]
    # application id -> experts still missing (no eligible reviewer left)
    shortages: Mapping[int, int]


def reviewer_load(assignments: Iterable[Assignment]) -> Counter[str]:
    return Counter(a.reviewer_code for a in assignments if a.active)


def plan_assignments(
    candidates: Sequence[Candidate],
    reviewers: Sequence[Reviewer],
    existing: Sequence[Assignment],
) -> AssignmentPlan:
    """The assignments still needed so every candidate has its experts.

    Idempotent: with the plan's assignments added to ``existing``, planning
    again gives nothing new. A reviewer who declared a conflict is replaced
    because a conflicted assignment no longer counts as active.
    """
    load = reviewer_load(existing)
    ever_assigned: dict[int, set[str]] = {}
    active_count: Counter[int] = Counter()
    for assignment in existing:
        ever_assigned.setdefault(assignment.application_id, set()).add(assignment.reviewer_code)
        if assignment.active:
            active_count[assignment.application_id] += 1

    new: list[Assignment] = []
    shortages: dict[int, int] = {}
    for candidate in sorted(candidates, key=lambda c: c.application_id):
        needed = candidate.experts_needed - active_count[candidate.application_id]
        if needed <= 0:
            continue
        taken = ever_assigned.get(candidate.application_id, set())
        eligible = sorted(
            (
                r
                for r in reviewers
                if candidate.language in r.languages
                and candidate.teryt not in r.conflicts
                and r.code not in taken
            ),
            key=lambda r: (load[r.code], r.code),
        )
        chosen = eligible[:needed]
        for reviewer in chosen:
            new.append(Assignment(candidate.application_id, reviewer.code))
            load[reviewer.code] += 1
        if len(chosen) < needed:
            shortages[candidate.application_id] = needed - len(chosen)
    return AssignmentPlan(new=tuple(new), shortages=shortages)


@dataclass(frozen=True)
class Scorecard:
    application_id: int
    reviewer_code: str
    points: Mapping[str, Decimal]  # criterion code -> points
    submitted_at: datetime | None = None
    comments: Mapping[str, str] = field(default_factory=dict)  # criterion code -> why

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def total(self) -> Decimal:
        return sum(self.points.values(), Decimal(0))


def score_problems(
    criteria: Sequence[Criterion], points: Mapping[str, Decimal], *, complete: bool
) -> tuple[str, ...]:
    """Every problem with ``points`` (all of them, not the first); ``complete``: all criteria."""
    maxima = {c.code: c.max_points for c in criteria}
    problems = [
        f"unknown criterion '{code}' (criteria: {', '.join(maxima)})"
        for code in points
        if code not in maxima
    ]
    for code, value in points.items():
        if code in maxima and not (value.is_finite() and 0 <= value <= maxima[code]):
            problems.append(f"'{code}': {value} is outside 0-{maxima[code]}")
    if complete:
        problems.extend(f"'{code}': no points given" for code in maxima if code not in points)
    return tuple(problems)


def needs_comment(criterion: Criterion, points: Decimal) -> bool:
    """Whether a submitted scorecard must say why ``points`` were given on ``criterion``."""
    return points < criterion.max_points


def comment_problems(
    criteria: Sequence[Criterion],
    points: Mapping[str, Decimal],
    comments: Mapping[str, str],
    *,
    complete: bool,
) -> tuple[str, ...]:
    """Every problem with ``comments`` (see the module docstring); ``complete``: a comment
    for each criterion given less than its maximum."""
    maxima = {c.code: c.max_points for c in criteria}
    problems = [
        f"comment on unknown criterion '{code}' (criteria: {', '.join(maxima)})"
        for code in comments
        if code not in maxima
    ]
    problems.extend(
        f"'{code}': the comment is longer than {COMMENT_MAX_LENGTH} characters"
        for code, text in comments.items()
        if len(text) > COMMENT_MAX_LENGTH
    )
    if complete:
        problems.extend(
            f"'{c.code}': {points[c.code]} of {c.max_points} points needs a comment saying why"
            for c in criteria
            if c.code in points
            and needs_comment(c, points[c.code])
            and not comments.get(c.code, "").strip()
        )
    return tuple(problems)


def record_points(
    assignment: Assignment,
    card: Scorecard | None,
    criteria: Sequence[Criterion],
    points: Mapping[str, Decimal],
    comments: Mapping[str, str] | None = None,
) -> Scorecard:
    """The scorecard with ``points`` and ``comments`` merged in (a draft may be filled in
    several sittings; a blank comment removes the one saved)."""
    if not assignment.may_see_application:
        raise ConflictNotDeclared(
            f"reviewer {assignment.reviewer_code} must declare no conflict of interest "
            f"before scoring application {assignment.application_id}"
        )
    if card is not None and card.submitted:
        raise ScoresLocked(
            f"reviewer {card.reviewer_code} submitted the scores for application "
            f"{card.application_id}; they are locked"
        )
    given = {code: text.strip() for code, text in (comments or {}).items()}
    problems = score_problems(criteria, points, complete=False) + comment_problems(
        criteria, points, given, complete=False
    )
    if problems:
        raise InvalidScores(problems)
    merged = {**(card.points if card else {}), **points}
    joined = {**(card.comments if card else {}), **given}
    said = {code: text for code, text in joined.items() if text}
    return Scorecard(assignment.application_id, assignment.reviewer_code, merged, comments=said)


def submit_scorecard(card: Scorecard, criteria: Sequence[Criterion], at: datetime) -> Scorecard:
    if card.submitted:
        raise ScoresLocked(
            f"reviewer {card.reviewer_code} already submitted application {card.application_id}"
        )
    problems = score_problems(criteria, card.points, complete=True) + comment_problems(
        criteria, card.points, card.comments, complete=True
    )
    if problems:
        raise InvalidScores(problems)
    return replace(card, submitted_at=at)


class Outcome(StrEnum):
    AWAITING_SCORES = "awaiting_scores"
    NEEDS_THIRD_EXPERT = "needs_third_expert"
    FINAL = "final"


@dataclass(frozen=True)
class Arbitration:
    outcome: Outcome
    final_score: Decimal | None
    used: tuple[int, ...]  # indexes of the totals the final score comes from


def diverges(first: Decimal, second: Decimal, threshold: Decimal) -> bool:
    """More than ``threshold`` (0.30) of the higher total apart: a third expert is needed."""
    return abs(first - second) > threshold * max(first, second)


def arbitrate(totals: Sequence[Decimal], threshold: Decimal) -> Arbitration:
    """The final score from the experts' totals, in the order they were submitted."""
    if len(totals) < EXPERTS_PER_APPLICATION:
        return Arbitration(Outcome.AWAITING_SCORES, None, ())
    if len(totals) == EXPERTS_PER_APPLICATION:
        first, second = totals
        if diverges(first, second, threshold):
            return Arbitration(Outcome.NEEDS_THIRD_EXPERT, None, ())
        return Arbitration(Outcome.FINAL, (first + second) / 2, (0, 1))
    if len(totals) > EXPERTS_WITH_ARBITRATION:
        raise ValueError(f"at most {EXPERTS_WITH_ARBITRATION} experts score an application")
    low, middle, high = sorted(range(3), key=lambda i: (totals[i], i))
    lower_gap = totals[middle] - totals[low]
    upper_gap = totals[high] - totals[middle]
    if lower_gap == upper_gap:
        return Arbitration(Outcome.FINAL, totals[middle], (0, 1, 2))
    pair = (low, middle) if lower_gap < upper_gap else (middle, high)
    return Arbitration(Outcome.FINAL, (totals[pair[0]] + totals[pair[1]]) / 2, tuple(sorted(pair)))


@dataclass(frozen=True)
class Assessment:
    """An application's submitted scorecards and what they add up to."""

    arbitration: Arbitration
    scorecards: tuple[Scorecard, ...]  # submitted ones, in submission order

    @property
    def outcome(self) -> Outcome:
        return self.arbitration.outcome

    @property
    def final_score(self) -> Decimal | None:
        return self.arbitration.final_score

    @property
    def experts_needed(self) -> int:
        if self.outcome is Outcome.NEEDS_THIRD_EXPERT:
            return EXPERTS_WITH_ARBITRATION
        return max(EXPERTS_PER_APPLICATION, len(self.scorecards))

    def criterion_mean(self, code: str) -> Decimal:
        """Mean points on one criterion over the scorecards the final score comes from."""
        used = [self.scorecards[i] for i in self.arbitration.used]
        if not used:
            return Decimal(0)
        return sum((card.points.get(code, Decimal(0)) for card in used), Decimal(0)) / len(used)


def assess(scorecards: Iterable[Scorecard], threshold: Decimal) -> Assessment:
    """Arbitrate an application's submitted scorecards (drafts are ignored)."""
    submitted = sorted(
        (c for c in scorecards if c.submitted_at is not None),
        key=lambda c: (c.submitted_at, c.reviewer_code),
    )
    return Assessment(arbitrate([c.total for c in submitted], threshold), tuple(submitted))
