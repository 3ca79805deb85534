"""The demo's summary says why a funded city has no partnership agreement."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from grantflow.domain.ranking import Decision, Proposal, RankedProposal, Ranking, ReasonCode
from workflows.demo.programme import ProgrammeDemoResult
from workflows.demo.proposals import ProposalsSubmitted

SUBMITTED = datetime(2020, 3, 2, 10, 0, tzinfo=UTC)
RECONCILED = {
    "entries": [],
    "reconciles": True,
    "totals": dict.fromkeys(("reserved", "committed", "returned", "open"), "0.00"),
}


def selected(rank: int, application_id: int, city: str, score: str) -> RankedProposal:
    return RankedProposal(
        Proposal(
            application_id,
            "0606011",
            city,
            Decimal(score),
            Decimal(25),
            SUBMITTED,
            Decimal(900_000),
        ),
        rank,
        Decision.SELECTED,
        ReasonCode.WITHIN_SELECTED_COUNT,
        "among the first 7",
    )


def test_a_funded_city_that_asked_for_no_partner_is_told_apart_from_one_left_without() -> None:
    ranking = Ranking(
        entries=(
            selected(1, 4, "Zamość", "82"),
            selected(2, 5, "Krasnystaw", "80"),
            selected(3, 6, "Łomża", "78"),
        ),
        allocation_eur=None,
    )
    result = ProgrammeDemoResult(
        shortlist=ranking,
        ranking=ranking,
        ledger=RECONCILED,
        conflicts=(),
        third_experts=(),
        returned=(4,),
        programme_file="demo-programme.yaml",
        proposals=ProposalsSubmitted(()),
        partners={6: "Ringerike kommune"},
        no_partner_wanted=frozenset({5}),
    )
    rows = [line.split(maxsplit=4)[-1] for line in result.summary_lines() if "selected" in line]
    assert rows == [
        "no partner: lump sum returned",
        "no partner wanted: no lump sum set aside",
        "Ringerike kommune",
    ]


def test_the_summary_says_how_many_shortlist_places_were_filled_and_who_fell_short() -> None:
    below = RankedProposal(
        Proposal(
            12,
            "2607011",
            "Ostrowiec Świętokrzyski",
            Decimal(59),
            Decimal(18),
            SUBMITTED,
            Decimal(800_000),
        ),
        2,
        Decision.REJECTED,
        ReasonCode.BELOW_PASS_MARK,
        "below the pass mark of 60",
    )
    shortlist = Ranking(entries=(selected(1, 5, "Krasnystaw", "80"), below), allocation_eur=None)
    result = ProgrammeDemoResult(
        shortlist=shortlist,
        ranking=Ranking(entries=(), allocation_eur=None),
        ledger=RECONCILED,
        conflicts=(),
        third_experts=(),
        returned=(),
        programme_file="demo-programme.yaml",
        proposals=ProposalsSubmitted(()),
        shortlist_places=2,
    )
    assert result.summary_lines()[1] == (
        "Stage 1 shortlist: 1 of 2 places filled; below the pass mark: Ostrowiec Świętokrzyski"
    )
