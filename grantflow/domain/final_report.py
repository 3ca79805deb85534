"""A funded project's final report once validated (SPEC sections 3 and 6): typed values.

Validation (``grantflow.validation.final_report``) builds it only from a
report without errors; the intake books its lump sum in the ledger, the
documents (final report, publication) show it. It mirrors the final-report
form (``schemas/final_report.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from grantflow.domain.errors import LedgerError
from grantflow.domain.money import cents, to_eur


@dataclass(frozen=True)
class IndicatorResult:
    indicator: str
    unit: str
    baseline: Decimal
    target: Decimal
    achieved: Decimal
    year: int

    @property
    def attainment(self) -> Decimal | None:
        """Achieved as a percentage of the target (one decimal); None for a zero target."""
        if self.target == 0:
            return None
        return (self.achieved * 100 / self.target).quantize(Decimal("0.1"))

    @property
    def reached(self) -> bool:
        return self.achieved >= self.target


@dataclass(frozen=True)
class Expenditure:
    line_no: int
    category: str  # budget category code of the outline form
    description: str
    amount: Decimal
    currency: str  # EUR or PLN, as reported


@dataclass(frozen=True)
class Activity:
    """One partnership activity (a study visit, a workshop) with the donor municipality."""

    day: date
    activity: str
    form: str  # involvement-form code
    place: str
    participants: int


@dataclass(frozen=True)
class FinalReport:
    city_name: str
    teryt: str
    title: str
    start_date: date
    end_date: date
    summary_pl: str
    summary_nb: str
    indicators: tuple[IndicatorResult, ...]
    expenditure: tuple[Expenditure, ...]
    activities: tuple[Activity, ...]
    lump_sum_spent_eur: Decimal
    lump_sum_notes: str = ""

    def expenditure_totals(self) -> dict[str, Decimal]:
        """Reported expenditure per currency, as reported (``expenditure_eur`` adds them up)."""
        totals: dict[str, Decimal] = {}
        for line in self.expenditure:
            totals[line.currency] = cents(totals.get(line.currency, Decimal(0)) + line.amount)
        return dict(sorted(totals.items()))

    def expenditure_eur(self, eur_pln_rate: Decimal) -> Decimal:
        """The reported expenditure in EUR, each PLN line converted at ``eur_pln_rate`` (PLN
        per 1 EUR) and rounded to cents as the outline's budget lines are."""
        converted = (to_eur(line.amount, line.currency, eur_pln_rate) for line in self.expenditure)
        return cents(sum(converted, Decimal(0)))

    @property
    def indicators_reached(self) -> int:
        return sum(1 for i in self.indicators if i.reached)


def lump_sum_split(spent: Decimal, committed: Decimal) -> tuple[Decimal, Decimal]:
    """(spent, returned) of a committed lump sum at closing: the unspent part goes back.

    ``spent`` must not exceed ``committed`` (validation reports that first).
    """
    spent, committed = cents(spent), cents(committed)
    if spent > committed:
        raise LedgerError(f"spent EUR {spent} exceeds committed EUR {committed}")
    return spent, committed - spent
