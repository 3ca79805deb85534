"""Expert assessment: assignment with balanced load, conflicts of interest, scores, arbitration."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grantflow.domain.assessment import (
    AssessmentError,
    Assignment,
    Candidate,
    ConflictNotDeclared,
    Declaration,
    InvalidScores,
    Outcome,
    Reviewer,
    Scorecard,
    ScoresLocked,
    arbitrate,
    assess,
    diverges,
    plan_assignments,
    record_points,
    reviewer_load,
    submit_scorecard,
)
from tests.unit.factories import CHELM_TERYT, reference_programme

PROGRAMME = reference_programme()
CRITERIA = PROGRAMME.criteria
THRESHOLD = PROGRAMME.divergence_threshold
AT = datetime(2020, 12, 14, 10, 0, tzinfo=UTC)

CHELM = Candidate(1, CHELM_TERYT)
HRUBIESZOW = Candidate(2, "0605011")
KONIN = Candidate(3, "3062011")
OPOLE = Candidate(4, "1661011")

KOWALSKA = Reviewer("R01", "Ewa Kowalska", frozenset({"pl", "en"}))
NOWAK = Reviewer("R02", "Łukasz Nowak", frozenset({"pl"}), conflicts=frozenset({CHELM_TERYT}))
ZIELINSKI = Reviewer("R03", "Paweł Zieliński", frozenset({"pl", "en"}))
WOJCIK = Reviewer("R04", "Małgorzata Wójcik", frozenset({"pl"}))
HANSEN = Reviewer("R05", "Kjetil Hansen", frozenset({"nb", "en"}))
PANEL = (KOWALSKA, NOWAK, ZIELINSKI, WOJCIK, HANSEN)

# A comment on every criterion, so any scorecard of them may be submitted.
EXPLAINED = {
    "relevance": "Trafność: brak diagnozy potrzeb mieszkańców.",
    "quality": "Jakość: plan bez wskaźników rezultatu.",
    "partnership": "Partnerstwo: rola partnera z Bodø opisana ogólnie.",
    "sustainability": "Trwałość: brak planu utrzymania po 2024 r.",
}

halves = st.integers(min_value=0, max_value=200).map(lambda n: Decimal(n) / 2)


def card(reviewer: str, submitted_minutes: int | None = 0, **points: int) -> Scorecard:
    submitted = None if submitted_minutes is None else AT + timedelta(minutes=submitted_minutes)
    return Scorecard(1, reviewer, {k: Decimal(v) for k, v in points.items()}, submitted)


def full(total_of_four: tuple[int, int, int, int]) -> dict[str, int]:
    return dict(
        zip(("relevance", "quality", "partnership", "sustainability"), total_of_four, strict=True)
    )


class TestAssignment:
    def test_every_application_gets_two_different_experts(self) -> None:
        plan = plan_assignments([CHELM, HRUBIESZOW, KONIN, OPOLE], PANEL, [])
        per_application: dict[int, list[str]] = {}
        for a in plan.new:
            per_application.setdefault(a.application_id, []).append(a.reviewer_code)
        assert set(per_application) == {1, 2, 3, 4}
        assert all(len(set(codes)) == 2 for codes in per_application.values())
        assert plan.shortages == {}

    def test_the_load_is_balanced_and_ties_go_to_the_lower_code(self) -> None:
        plan = plan_assignments([CHELM, HRUBIESZOW, KONIN, OPOLE], PANEL, [])
        load = reviewer_load(plan.new)
        # Hansen reads no Polish; the four others share eight assignments.
        assert load == Counter({"R01": 2, "R02": 2, "R03": 2, "R04": 2})
        assert [(a.application_id, a.reviewer_code) for a in plan.new] == [
            (1, "R01"),
            (1, "R03"),
            (2, "R02"),
            (2, "R04"),
            (3, "R01"),
            (3, "R02"),
            (4, "R03"),
            (4, "R04"),
        ]

    def test_a_reviewer_tied_to_the_city_is_never_assigned_to_it(self) -> None:
        plan = plan_assignments([CHELM], [NOWAK, KOWALSKA, WOJCIK], [])
        assert {a.reviewer_code for a in plan.new} == {"R01", "R04"}

    def test_an_application_in_english_goes_to_readers_of_english(self) -> None:
        plan = plan_assignments([Candidate(5, "1661011", language="en")], PANEL, [])
        assert {a.reviewer_code for a in plan.new} == {"R01", "R03"}

    def test_planning_again_assigns_nothing_new(self) -> None:
        first = plan_assignments([CHELM, KONIN], PANEL, [])
        again = plan_assignments([CHELM, KONIN], PANEL, first.new)
        assert again.new == ()

    def test_a_reviewer_who_declares_a_conflict_is_replaced_and_not_asked_again(self) -> None:
        first = plan_assignments([CHELM], PANEL, [])
        conflicted = first.new[0].declare(conflict=True, at=AT)
        existing = [conflicted, first.new[1]]
        replacement = plan_assignments([CHELM], PANEL, existing)
        assert len(replacement.new) == 1
        assert replacement.new[0].reviewer_code not in {a.reviewer_code for a in first.new}
        assert reviewer_load(existing)[conflicted.reviewer_code] == 0

    def test_a_shortage_of_reviewers_is_reported_not_raised(self) -> None:
        plan = plan_assignments([CHELM], [KOWALSKA, NOWAK], [])
        assert [a.reviewer_code for a in plan.new] == ["R01"]
        assert plan.shortages == {1: 1}

    def test_a_divergent_pair_gets_exactly_one_third_expert(self) -> None:
        first = plan_assignments([KONIN], PANEL, [])
        third = plan_assignments([Candidate(3, "3062011", experts_needed=3)], PANEL, first.new)
        assert len(third.new) == 1
        assert third.new[0].reviewer_code not in {a.reviewer_code for a in first.new}

    @given(
        applications=st.integers(min_value=1, max_value=30),
        reviewers=st.integers(min_value=2, max_value=9),
    )
    def test_with_everyone_eligible_loads_differ_by_at_most_one(
        self, applications: int, reviewers: int
    ) -> None:
        candidates = [Candidate(i, "3062011") for i in range(1, applications + 1)]
        panel = [Reviewer(f"R{i:02}", f"Ekspert {i}", frozenset({"pl"})) for i in range(reviewers)]
        plan = plan_assignments(candidates, panel, [])
        load = reviewer_load(plan.new)
        counts = [load[r.code] for r in panel]
        assert max(counts) - min(counts) <= 1
        assert len(plan.new) == 2 * applications
        pairs = Counter((a.application_id, a.reviewer_code) for a in plan.new)
        assert max(pairs.values()) == 1


class TestDeclarationsAndScores:
    def test_a_reviewer_cannot_score_before_declaring(self) -> None:
        with pytest.raises(ConflictNotDeclared, match="R01 must declare"):
            record_points(Assignment(1, "R01"), None, CRITERIA, {"relevance": Decimal(20)})

    def test_a_reviewer_who_declared_a_conflict_cannot_score(self) -> None:
        assignment = Assignment(1, "R02").declare(conflict=True, at=AT)
        assert assignment.declaration is Declaration.CONFLICT
        assert not assignment.may_see_application
        with pytest.raises(ConflictNotDeclared):
            record_points(assignment, None, CRITERIA, {"relevance": Decimal(20)})

    def test_a_declaration_is_made_once(self) -> None:
        assignment = Assignment(1, "R01").declare(conflict=False, at=AT)
        with pytest.raises(AssessmentError, match="already declared 'no_conflict'"):
            assignment.declare(conflict=True, at=AT)

    def test_every_problem_with_the_points_is_reported_at_once(self) -> None:
        assignment = Assignment(1, "R01").declare(conflict=False, at=AT)
        with pytest.raises(InvalidScores) as refused:
            record_points(
                assignment,
                None,
                CRITERIA,
                {"relevance": Decimal(31), "quality": Decimal(-1), "innovation": Decimal(5)},
            )
        assert refused.value.problems == (
            "unknown criterion 'innovation' (criteria: relevance, quality, partnership, "
            "sustainability)",
            "'relevance': 31 is outside 0-30",
            "'quality': -1 is outside 0-30",
        )

    def test_points_may_be_given_in_several_sittings_then_submitted(self) -> None:
        assignment = Assignment(1, "R01").declare(conflict=False, at=AT)
        draft = record_points(assignment, None, CRITERIA, {"relevance": Decimal(27)})
        draft = record_points(
            assignment,
            draft,
            CRITERIA,
            {"quality": Decimal("24.5"), "partnership": Decimal(15), "sustainability": Decimal(18)},
            EXPLAINED,
        )
        submitted = submit_scorecard(draft, CRITERIA, AT)
        assert submitted.total == Decimal("84.5")
        assert submitted.submitted
        assert submitted.comments == EXPLAINED

    def test_a_criterion_below_its_maximum_cannot_be_submitted_without_a_comment(self) -> None:
        assignment = Assignment(1, "R01").declare(conflict=False, at=AT)
        draft = record_points(
            assignment,
            None,
            CRITERIA,
            {k: Decimal(v) for k, v in full((30, 24, 20, 18)).items()},
            {"quality": "Brak wskaźników rezultatu dla Chełma."},
        )
        with pytest.raises(InvalidScores) as refused:
            submit_scorecard(draft, CRITERIA, AT)
        assert refused.value.problems == (
            "'sustainability': 18 of 20 points needs a comment saying why",
        )

    def test_a_draft_keeps_its_comments_between_sittings_and_a_blank_one_removes_it(
        self,
    ) -> None:
        assignment = Assignment(1, "R01").declare(conflict=False, at=AT)
        draft = record_points(
            assignment,
            None,
            CRITERIA,
            {"relevance": Decimal(27)},
            {"relevance": " Za mało danych "},
        )
        draft = record_points(assignment, draft, CRITERIA, {}, {"quality": "Plan bez ryzyk"})
        assert draft.comments == {"relevance": "Za mało danych", "quality": "Plan bez ryzyk"}
        draft = record_points(assignment, draft, CRITERIA, {}, {"quality": "  "})
        assert draft.comments == {"relevance": "Za mało danych"}

    def test_full_marks_need_no_comment_and_a_comment_on_no_criterion_is_refused(self) -> None:
        assignment = Assignment(1, "R01").declare(conflict=False, at=AT)
        perfect = {k: Decimal(v) for k, v in full((30, 30, 20, 20)).items()}
        assert submit_scorecard(
            record_points(assignment, None, CRITERIA, perfect), CRITERIA, AT
        ).submitted
        with pytest.raises(InvalidScores, match="comment on unknown criterion 'innovation'"):
            record_points(assignment, None, CRITERIA, perfect, {"innovation": "Świetny pomysł"})

    def test_a_comment_longer_than_the_limit_is_refused(self) -> None:
        assignment = Assignment(1, "R01").declare(conflict=False, at=AT)
        with pytest.raises(InvalidScores, match="longer than 2000 characters"):
            record_points(assignment, None, CRITERIA, {}, {"relevance": "ż" * 2001})

    def test_an_incomplete_scorecard_cannot_be_submitted(self) -> None:
        with pytest.raises(InvalidScores, match="'sustainability': no points given"):
            submit_scorecard(
                card("R01", None, relevance=20, quality=20, partnership=10), CRITERIA, AT
            )

    def test_submitted_scores_are_locked(self) -> None:
        assignment = Assignment(1, "R01").declare(conflict=False, at=AT)
        submitted = card("R01", 0, **full((27, 24, 15, 18)))
        with pytest.raises(ScoresLocked, match="locked"):
            record_points(assignment, submitted, CRITERIA, {"relevance": Decimal(30)})
        with pytest.raises(ScoresLocked):
            submit_scorecard(submitted, CRITERIA, AT)


class TestArbitration:
    def test_two_close_totals_give_their_mean(self) -> None:
        result = assess(
            [card("R01", 0, **full((27, 24, 15, 18))), card("R03", 5, **full((25, 22, 14, 16)))],
            THRESHOLD,
        )
        assert result.outcome is Outcome.FINAL
        assert result.final_score == Decimal("80.5")
        assert result.criterion_mean("relevance") == Decimal(26)

    def test_drafts_do_not_count(self) -> None:
        result = assess(
            [card("R01", 0, **full((27, 24, 15, 18))), card("R03", None, relevance=5)], THRESHOLD
        )
        assert result.outcome is Outcome.AWAITING_SCORES
        assert result.experts_needed == 2

    def test_a_divergent_pair_needs_a_third_expert_whose_closest_pair_decides(self) -> None:
        first, second = (
            card("R01", 0, **full((28, 27, 18, 17))),
            card("R03", 1, **full((12, 14, 8, 6))),
        )
        waiting = assess([first, second], THRESHOLD)
        assert waiting.outcome is Outcome.NEEDS_THIRD_EXPERT
        assert waiting.experts_needed == 3
        third = card("R04", 2, **full((25, 24, 15, 16)))
        result = assess([third, second, first], THRESHOLD)
        assert result.final_score == Decimal("85")  # mean of 90 and 80; 40 is left out
        assert {
            c.reviewer_code for c in (result.scorecards[i] for i in result.arbitration.used)
        } == {"R01", "R04"}

    def test_thirty_percent_apart_exactly_is_not_divergent(self) -> None:
        assert not diverges(Decimal(100), Decimal(70), THRESHOLD)
        assert diverges(Decimal(100), Decimal("69.5"), THRESHOLD)
        assert arbitrate([Decimal(70), Decimal(100)], THRESHOLD).final_score == Decimal(85)

    def test_equally_spaced_totals_give_the_middle_one(self) -> None:
        result = arbitrate([Decimal(40), Decimal(90), Decimal(65)], THRESHOLD)
        assert result.final_score == Decimal(65)
        assert result.used == (0, 1, 2)

    def test_more_than_three_experts_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match="at most 3"):
            arbitrate([Decimal(1)] * 4, THRESHOLD)

    @given(st.lists(halves, min_size=2, max_size=2))
    def test_a_third_expert_is_called_exactly_above_the_threshold(
        self, totals: list[Decimal]
    ) -> None:
        a, b = totals
        outcome = arbitrate(totals, THRESHOLD).outcome
        above = abs(a - b) > Decimal("0.30") * max(a, b)
        assert (outcome is Outcome.NEEDS_THIRD_EXPERT) == above
        if not above:
            assert arbitrate(totals, THRESHOLD).final_score == (a + b) / 2

    @given(st.lists(halves, min_size=3, max_size=3))
    def test_three_totals_give_the_mean_of_the_closest_pair_within_the_range(
        self, totals: list[Decimal]
    ) -> None:
        final = arbitrate(totals, THRESHOLD).final_score
        assert final is not None
        assert min(totals) <= final <= max(totals)
        low, middle, high = sorted(totals)
        if middle - low < high - middle:
            assert final == (low + middle) / 2
        elif middle - low > high - middle:
            assert final == (middle + high) / 2
        else:
            assert final == middle

    @given(st.lists(halves, min_size=3, max_size=3), st.permutations(range(3)))
    def test_the_order_of_submission_does_not_change_the_final_score(
        self, totals: list[Decimal], order: list[int]
    ) -> None:
        shuffled = [totals[i] for i in order]
        assert (
            arbitrate(shuffled, THRESHOLD).final_score == arbitrate(totals, THRESHOLD).final_score
        )
