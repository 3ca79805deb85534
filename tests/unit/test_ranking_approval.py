"""The committee approves the ranking with justified moves, and the ledger follows.

Hrubieszów (85) and Chełm (81) are proposed for funding, Konin (71) for the reserve
list (two funded, one in reserve). The committee swaps Chełm and Konin.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from grantflow.domain.ranking import (
    CommitteeChange,
    Decision,
    JustificationRequired,
    SelectionError,
)
from grantflow.services import selection
from grantflow.services.ledger import current_ledger
from tests.unit.fakes.unit_of_work import FakeUnitOfWork
from tests.unit.test_lifecycle_services import (
    AT,
    CHELM_TERYT,
    HRUBIESZOW_TERYT,
    KONIN_TERYT,
    LUMP_SUM,
    OPERATOR,
    PROGRAMME,
    STAGE2,
    assess_everything,
    balance,
    populate_stage2,
    state,
)

CHELM, HRUBIESZOW, KONIN = 1, 2, 3
SWAP = (
    CommitteeChange(KONIN, Decision.SELECTED, "Konin łączy projekt z programem ciepłowniczym."),
    CommitteeChange(CHELM, Decision.RESERVE, "Chełm otrzymał już dotację na ten sam cel."),
)


@pytest.fixture
def proposed() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    populate_stage2(uow)
    assess_everything(uow)
    selection.propose_ranking(uow, STAGE2, PROGRAMME, at=AT, actor=OPERATOR)
    return uow


class TestJustifiedMoves:
    def test_a_reserve_moved_up_gets_its_lump_sum_and_the_one_moved_down_none(
        self, proposed: FakeUnitOfWork
    ) -> None:
        decided = selection.approve_ranking(proposed, STAGE2, SWAP, at=AT, actor=OPERATOR)
        assert [state(proposed, i) for i in (CHELM, HRUBIESZOW, KONIN)] == [
            "reserve",
            "selected",
            "selected",
        ]
        assert balance(proposed, KONIN_TERYT)[0] == LUMP_SUM
        assert balance(proposed, HRUBIESZOW_TERYT)[0] == LUMP_SUM
        assert balance(proposed, CHELM_TERYT) == (Decimal(0),) * 5
        assert current_ledger(proposed).problems() == []
        assert decided.entry(KONIN).justification == SWAP[0].justification
        approval = proposed.committed.audit[-1]
        assert (approval.action, approval.actor) == ("ranking:approve", OPERATOR)
        assert approval.payload["justifications"] == {
            str(KONIN): SWAP[0].justification,
            str(CHELM): SWAP[1].justification,
        }

    def test_a_move_without_a_justification_changes_nothing(self, proposed: FakeUnitOfWork) -> None:
        before = list(proposed.committed.audit)
        unjustified = (CommitteeChange(KONIN, Decision.SELECTED, "  "),)
        with pytest.raises(JustificationRequired, match="application 3"):
            selection.approve_ranking(proposed, STAGE2, unjustified, at=AT, actor=OPERATOR)
        assert proposed.committed.audit == before
        assert state(proposed, KONIN) == "assessed"
        assert current_ledger(proposed).totals().reserved == 0


class TestApprovingTwice:
    def test_a_retried_approval_books_nothing_twice(self, proposed: FakeUnitOfWork) -> None:
        """The operator's browser posts the form again (its answer was lost)."""
        first = selection.approve_ranking(proposed, STAGE2, SWAP, at=AT, actor=OPERATOR)
        again = selection.approve_ranking(proposed, STAGE2, SWAP, at=AT, actor=OPERATOR)
        assert again == first
        assert current_ledger(proposed).totals().reserved == 2 * LUMP_SUM
        assert [e.action for e in proposed.committed.audit].count("ranking:approve") == 1

    def test_a_concurrent_approval_with_other_moves_is_refused_and_changes_nothing(
        self, proposed: FakeUnitOfWork
    ) -> None:
        """Two operators open the dashboard on the proposal; one approves it as computed,
        the other then posts the swap: it finds the ranking decided."""
        selection.approve_ranking(proposed, STAGE2, [], at=AT, actor="operator:ewa")
        ledger, audit = list(proposed.committed.ledger), list(proposed.committed.audit)
        with pytest.raises(SelectionError, match="application 3 is 'reserve'"):
            selection.approve_ranking(proposed, STAGE2, SWAP, at=AT, actor=OPERATOR)
        assert list(proposed.committed.ledger) == ledger
        assert proposed.committed.audit == audit
        assert [state(proposed, i) for i in (CHELM, HRUBIESZOW, KONIN)] == [
            "selected",
            "selected",
            "reserve",
        ]
        assert current_ledger(proposed).problems() == []
