"""The sample proposals' file: each proposal completes its town's outline, broken files name
the key."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from grantflow.validation.sample_outlines_file import load_sample_outlines
from grantflow.validation.sample_proposals_file import (
    load_sample_proposals,
    parse_sample_proposals,
)
from tests.unit.yaml_files import Document, refusal, shipped

OUTLINES = load_sample_outlines().valid
SHIPPED = shipped("proposals.yaml")


def _broken(change: Callable[[Document], None]) -> str:
    return refusal(lambda data: parse_sample_proposals(data, OUTLINES), SHIPPED, change)


class TestTheShippedProposals:
    def test_every_valid_sample_town_has_a_proposal(self) -> None:
        towns = [p.outline.town.name for p in load_sample_proposals()]
        assert sorted(towns) == sorted(o.town.name for o in OUTLINES)

    def test_chelm_changes_its_budget_since_the_outline(self) -> None:
        (chelm,) = (p for p in load_sample_proposals() if p.outline.town.name == "Chełm")
        assert chelm.budget_changes == {1: Decimal("2150000.00"), 6: Decimal("45000.00")}
        assert [o.lines for o in chelm.objectives] == [(1, 2, 4, 5), (3, 6)]


class TestABrokenSampleProposalsFileNamesTheKey:
    def test_a_budget_line_paid_by_no_objective_is_refused(self) -> None:
        def drop_line(data: Document) -> None:
            data["proposals"][0]["objectives"][1]["lines"] = [3]

        assert _broken(drop_line) == (
            "proposals.yaml: proposals[0].objectives: budget line 6 of Chełm is in no objective"
        )

    def test_an_indicator_measuring_two_objectives_is_refused(self) -> None:
        def twice(data: Document) -> None:
            data["proposals"][1]["objectives"][0]["indicators"] = [1, 2]

        assert _broken(twice) == (
            "proposals.yaml: proposals[1].objectives: indicator 2 of Hrubieszów is in 2 objectives"
        )

    def test_a_town_without_a_sample_outline_is_refused(self) -> None:
        def elsewhere(data: Document) -> None:
            data["proposals"][2]["town"] = "Tromsø"

        assert _broken(elsewhere) == (
            "proposals.yaml: proposals[2].town: 'Tromsø' is not the town of a sample outline"
        )

    def test_a_change_to_a_line_the_outline_lacks_is_refused(self) -> None:
        def extra(data: Document) -> None:
            data["proposals"][0]["budget_changes"][0]["line"] = 9

        assert _broken(extra) == (
            "proposals.yaml: proposals[0].budget_changes[0].line: Chełm has no budget line 9"
        )
