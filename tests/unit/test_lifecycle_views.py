"""The ledger as people and machines read it: one verdict, ``reconciles``, for every reader."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from grantflow.domain.ledger import EntryKind
from grantflow.services.ledger import book
from grantflow.services.lifecycle_views import ledger_summary, ledger_view, view_of_ledger
from tests.unit.factories import CHELM_TERYT, STAGE2
from tests.unit.fakes.unit_of_work import FakeUnitOfWork
from tests.unit.test_ledger import overspent_ledger

AT = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)


def chelm_signed() -> FakeUnitOfWork:
    """Chełm's lump sum reserved at selection and EUR 140 000.00 of it committed at signing."""
    uow = FakeUnitOfWork()
    with uow:
        for kind, amount in ((EntryKind.RESERVE, "150000.00"), (EntryKind.COMMIT, "140000.00")):
            book(
                uow,
                key=f"{kind}:{STAGE2}:1",
                call=STAGE2,
                city=CHELM_TERYT,
                kind=kind,
                amount=Decimal(amount),
                at=AT,
                actor="operator:anna.nowak",
                reason="Chełm: umowa z Kristiansand",
            )
        uow.commit()
    return uow


class TestTheLedgerView:
    def test_a_ledger_built_by_booking_reconciles_to_the_cent(self) -> None:
        view = ledger_view(chelm_signed())
        assert (view["reconciles"], view["problems"]) == (True, [])
        assert view["totals"] == {
            "reserved": "150000.00",
            "released": "0.00",
            "committed": "140000.00",
            "spent": "0.00",
            "returned": "0.00",
            "open": "10000.00",
        }
        assert ledger_summary(view) == "2 entries; totals reconcile to the cent"

    def test_a_ledger_with_a_problem_does_not_reconcile_though_its_totals_add_up(self) -> None:
        view = view_of_ledger(overspent_ledger())
        assert view["reconciles"] is False
        assert view["problems"][0] == (
            "stage2-proposal/0662011: spent 145000.00 exceeds committed 140000.00"
        )
        assert ledger_summary(view) == "3 entries; totals DO NOT reconcile"

    def test_the_totals_carry_amounts_only_so_no_reader_takes_their_sum_for_the_verdict(
        self,
    ) -> None:
        view = view_of_ledger(overspent_ledger())
        rows = [view["totals"], *view["calls"], *view["cities"]]
        assert all("reconciles" not in row for row in rows)
