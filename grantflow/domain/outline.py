"""A city's project outline once validated: typed values, money as Decimal.

Validation builds it only from an outline without errors; the store, the
lifecycle and the documents read it. It mirrors the outline form v2
(``schemas/outline.yaml``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

LUMP_SUM_CATEGORY = "partnership_lump_sum"


@dataclass(frozen=True)
class BudgetLine:
    line_no: int
    category: str
    description: str
    year: int
    amount: Decimal  # as typed, in ``currency``
    currency: str  # EUR or PLN
    amount_eur: Decimal  # converted at ``rate`` (equal to amount for EUR)
    rate: Decimal | None  # PLN per EUR used for the conversion; None for EUR lines


@dataclass(frozen=True)
class Indicator:
    indicator: str
    unit: str
    baseline: Decimal
    target: Decimal
    year: int


@dataclass(frozen=True)
class Outline:
    # Applicant
    city_name: str
    teryt: str
    voivodeship: str
    population: int
    nip: str
    contact_name: str
    contact_email: str
    contact_phone: str
    # Project
    title_pl: str
    title_en: str
    summary_pl: str
    summary_en: str
    primary_theme: str
    secondary_themes: tuple[str, ...]
    start_date: date
    end_date: date
    total_budget_eur: Decimal
    requested_grant_eur: Decimal
    co_financing_eur: Decimal
    # Budget
    budget: tuple[BudgetLine, ...]
    # Partnership
    wants_partner: bool
    preferred_country: str | None  # "NO", "IS", "any" or None
    partner_themes: tuple[str, ...]
    involvement_forms: tuple[str, ...]
    expectations_pl: str
    expectations_en: str
    preferred_partner: str
    # Indicators
    indicators: tuple[Indicator, ...]
    # Applicant, form v2: who signs the partnership agreement ("" in v1 outlines).
    representative_name: str = ""
    representative_position: str = ""

    @property
    def lump_sum_eur(self) -> Decimal | None:
        """The partnership lump sum in EUR (the amount the ledger reserves)."""
        lines = [b for b in self.budget if b.category == LUMP_SUM_CATEGORY]
        return lines[0].amount_eur if lines else None

    @property
    def themes(self) -> tuple[str, ...]:
        return (self.primary_theme, *self.secondary_themes)
