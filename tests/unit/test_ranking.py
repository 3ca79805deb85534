"""Ranking and selection: the tie rule, the allocation, the reserve list, the committee."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from grantflow.domain.errors import NotFound
from grantflow.domain.ranking import (
    CommitteeChange,
    Decision,
    JustificationRequired,
    Proposal,
    Ranking,
    ReasonCode,
    SelectionError,
    apply_committee_changes,
    rank,
    withdraw,
)

NOV_30 = datetime(2020, 11, 30, 12, 0, tzinfo=UTC)
MILLION = Decimal("1000000.00")


def proposal(
    application_id: int,
    city: str,
    teryt: str,
    score: str,
    *,
    first: str = "20",
    hours_early: int = 0,
    grant: Decimal = 2 * MILLION,
) -> Proposal:
    return Proposal(
        application_id=application_id,
        teryt=teryt,
        city_name=city,
        final_score=Decimal(score),
        first_criterion=Decimal(first),
        submitted_at=NOV_30 - timedelta(hours=hours_early),
        grant_eur=grant,
    )


CHELM = proposal(1, "Chełm", "0662011", "84.5")
HRUBIESZOW = proposal(2, "Hrubieszów", "0605011", "79")
KONIN = proposal(3, "Konin", "3062011", "72")
OPOLE = proposal(4, "Opole", "1661011", "65.5")
ELK = proposal(5, "Ełk", "2811011", "58")  # under the pass mark of 60


def ranked(
    *proposals: Proposal, allocation: Decimal | None = 6 * MILLION, funded: int = 2
) -> Ranking:
    return rank(
        proposals, selected_count=funded, reserve_count=1, pass_mark=60, allocation_eur=allocation
    )


class TestTheProposedRanking:
    def test_the_best_are_funded_the_next_wait_and_the_rest_are_rejected(self) -> None:
        ranking = ranked(OPOLE, ELK, KONIN, CHELM, HRUBIESZOW)
        assert [(e.proposal.city_name, e.rank, e.decision) for e in ranking.entries] == [
            ("Chełm", 1, Decision.SELECTED),
            ("Hrubieszów", 2, Decision.SELECTED),
            ("Konin", 3, Decision.RESERVE),
            ("Opole", 4, Decision.REJECTED),
            ("Ełk", 5, Decision.REJECTED),
        ]
        assert [e.reason_code for e in ranking.entries] == [
            ReasonCode.WITHIN_SELECTED_COUNT,
            ReasonCode.WITHIN_SELECTED_COUNT,
            ReasonCode.RESERVE_LIST,
            ReasonCode.BELOW_RESERVE_LIST,
            ReasonCode.BELOW_PASS_MARK,
        ]
        assert ranking.entry(5).reason == "below the pass mark of 60"
        assert ranking.allocated_eur == 4 * MILLION
        assert ranking.remaining_eur == 2 * MILLION

    def test_equal_scores_go_to_the_higher_first_criterion(self) -> None:
        konin = proposal(3, "Konin", "3062011", "79", first="28")
        ranking = ranked(HRUBIESZOW, konin)
        assert [e.proposal.city_name for e in ranking.entries] == ["Konin", "Hrubieszów"]

    def test_then_to_the_earlier_submission(self) -> None:
        konin = proposal(3, "Konin", "3062011", "79", hours_early=5)
        ranking = ranked(HRUBIESZOW, konin)
        assert [e.proposal.city_name for e in ranking.entries] == ["Konin", "Hrubieszów"]

    def test_then_to_the_lower_teryt_so_the_ranking_is_always_the_same(self) -> None:
        konin = proposal(3, "Konin", "3062011", "79")
        assert [e.proposal.city_name for e in ranked(konin, HRUBIESZOW).entries] == [
            "Hrubieszów",
            "Konin",
        ]
        assert ranked(konin, HRUBIESZOW) == ranked(HRUBIESZOW, konin)

    def test_a_grant_that_does_not_fit_is_skipped_to_the_reserve_list(self) -> None:
        big_hrubieszow = proposal(2, "Hrubieszów", "0605011", "79", grant=5 * MILLION)
        ranking = ranked(CHELM, big_hrubieszow, KONIN)
        assert [e.decision for e in ranking.entries] == [
            Decision.SELECTED,
            Decision.RESERVE,
            Decision.SELECTED,
        ]
        assert ranking.entry(2).reason_code is ReasonCode.OUTSIDE_ALLOCATION
        assert ranking.entry(2).reason == (
            "grant does not fit the remaining allocation of EUR 4000000.00"
        )

    def test_stage_1_shortlists_without_an_allocation(self) -> None:
        ranking = ranked(CHELM, HRUBIESZOW, KONIN, allocation=None, funded=3)
        assert len(ranking.selected) == 3
        assert ranking.remaining_eur is None


class TestTheCommittee:
    def test_a_change_needs_a_justification(self) -> None:
        ranking = ranked(CHELM, HRUBIESZOW, KONIN)
        with pytest.raises(JustificationRequired, match="application 3 to 'selected'"):
            apply_committee_changes(ranking, [CommitteeChange(3, Decision.SELECTED, "  ")])

    def test_a_justified_change_is_recorded_with_its_reason(self) -> None:
        ranking = ranked(CHELM, HRUBIESZOW, KONIN)
        why = "Konin: partnerstwo z Ringerike już uzgodnione, wysoka gotowość"
        changed = apply_committee_changes(
            ranking,
            [
                CommitteeChange(3, Decision.SELECTED, why),
                CommitteeChange(2, Decision.RESERVE, why),
            ],
        )
        assert changed.entry(3).decision is Decision.SELECTED
        assert changed.entry(3).justification == why
        assert changed.entry(3).reason_code is ReasonCode.COMMITTEE_CHANGE
        assert changed.entry(3).reason == "committee: reserve -> selected"
        assert changed.entry(2).decision is Decision.RESERVE
        assert ranking.entry(3).decision is Decision.RESERVE  # the proposal is kept

    def test_the_committee_cannot_overspend_the_allocation(self) -> None:
        ranking = ranked(CHELM, HRUBIESZOW, KONIN, allocation=5 * MILLION)
        with pytest.raises(SelectionError, match="exceed the allocation"):
            apply_committee_changes(ranking, [CommitteeChange(3, Decision.SELECTED, "pilne")])

    def test_the_committee_cannot_withdraw_a_city(self) -> None:
        with pytest.raises(SelectionError, match="only the city"):
            apply_committee_changes(
                ranked(CHELM), [CommitteeChange(1, Decision.WITHDRAWN, "bez zgody")]
            )

    def test_an_unknown_application_is_not_found(self) -> None:
        with pytest.raises(NotFound):
            apply_committee_changes(ranked(CHELM), [CommitteeChange(9, Decision.SELECTED, "x")])


class TestWithdrawal:
    def test_the_first_reserve_moves_up_when_a_funded_city_withdraws(self) -> None:
        outcome = withdraw(ranked(CHELM, HRUBIESZOW, KONIN, OPOLE), 2)
        assert outcome.promoted == 3
        assert outcome.ranking.entry(2).decision is Decision.WITHDRAWN
        assert outcome.ranking.entry(3).decision is Decision.SELECTED
        assert outcome.ranking.entry(3).reason_code is ReasonCode.MOVED_UP
        assert outcome.ranking.entry(2).reason_code is ReasonCode.WITHDRAWN
        assert "application 2 withdrew" in outcome.ranking.entry(3).reason

    def test_a_reserve_too_big_for_the_freed_money_stays_on_the_list(self) -> None:
        big_konin = proposal(3, "Konin", "3062011", "72", grant=5 * MILLION)
        outcome = withdraw(ranked(CHELM, HRUBIESZOW, big_konin), 2)
        assert outcome.promoted is None
        assert outcome.ranking.entry(3).decision is Decision.RESERVE

    def test_a_reserve_city_withdrawing_promotes_nobody(self) -> None:
        outcome = withdraw(ranked(CHELM, HRUBIESZOW, KONIN), 3)
        assert outcome.promoted is None
        assert outcome.ranking.reserve == ()

    def test_a_rejected_city_cannot_withdraw_from_the_ranking(self) -> None:
        with pytest.raises(SelectionError, match="'rejected'"):
            withdraw(ranked(CHELM, HRUBIESZOW, KONIN, OPOLE), 4)
