"""The programme's parameters (SPEC section 2), as loaded from the programme file.

Pure data: the loader (``grantflow.validation.programme_file``) checks the
file against ``schemas/programme.schema.yaml`` and builds these values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from grantflow.domain.errors import ConfigurationError

DEFAULT_SHORTLIST_COUNT = 50


@dataclass(frozen=True)
class Call:
    code: str  # e.g. "stage1-outline"
    stage: int  # 1 outline, 2 complete proposal
    opens: date
    deadline: date
    rate_month: str  # "YYYY-MM": the EUR/PLN rate used to convert PLN amounts

    def is_open(self, day: date) -> bool:
        """Whether the call takes uploads on ``day`` (at the operator's seat), ends included."""
        return self.opens <= day <= self.deadline


@dataclass(frozen=True)
class Criterion:
    code: str
    label: dict[str, str]  # lang -> label
    max_points: int


@dataclass(frozen=True)
class EligibleCity:
    teryt: str
    name: str


@dataclass(frozen=True)
class Programme:
    code: str
    name: dict[str, str]  # lang -> name
    operator: str
    currency: str  # always EUR for this programme; amounts in PLN are converted
    calls: tuple[Call, ...]
    exchange_rates: dict[str, Decimal]  # "YYYY-MM" -> PLN per 1 EUR
    grant_minimum: Decimal
    grant_maximum: Decimal
    lump_sum_target: Decimal
    lump_sum_minimum: Decimal
    lump_sum_maximum: Decimal
    first_eligibility_date: date
    final_eligibility_date: date
    eligible_cities: tuple[EligibleCity, ...]
    criteria: tuple[Criterion, ...]
    pass_mark: int
    divergence_threshold: Decimal  # 0.30: a third expert above 30 % of the higher total
    funded_count: int
    reserve_count: int
    allocation_eur: Decimal
    partner_search_deadline: date
    # Stage 1: outlines shortlisted for Stage 2 ("about 50" in the reference programme).
    shortlist_count: int = DEFAULT_SHORTLIST_COUNT
    # The publication's date when the programme sets one (after the final eligibility date).
    publication_date: date | None = None

    def call(self, code: str) -> Call:
        for call in self.calls:
            if call.code == code:
                return call
        known = ", ".join(c.code for c in self.calls)
        raise ConfigurationError(f"no call '{code}' in the programme (calls: {known})")

    def publication_day(self, today: date) -> date:
        """The date the publication carries: the programme's, else the day it is made."""
        return self.publication_date or today

    def rate_for(self, month: str) -> Decimal:
        try:
            return self.exchange_rates[month]
        except KeyError:
            raise ConfigurationError(
                f"programme {self.code}: no EUR/PLN exchange rate for {month}"
            ) from None

    def eligible_teryt(self) -> frozenset[str]:
        return frozenset(c.teryt for c in self.eligible_cities)

    @property
    def max_score(self) -> int:
        return sum(c.max_points for c in self.criteria)
