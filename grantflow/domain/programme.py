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
# Reminders of a deadline: a week and a day before it.
DEFAULT_REMINDER_DAYS = (7, 1)


# Where a call's case reference takes the application's number.
CASE_NUMBER = "{number}"


@dataclass(frozen=True)
class LetterTerms:
    """What a call's decision letters state besides the decision, as the programme file says.

    A Polish administrative letter names its case, the provisions it is made
    under, how and by when its addressee may ask for a review, and who signs
    it; the operator writes these per call and the templates word the rest.
    """

    case_reference: str  # the operator's file mark, CASE_NUMBER standing for the application's
    place: str  # where the letters are issued: the operator's seat
    legal_basis: str  # the provisions, as the letter cites them
    review_days: int  # days from delivery to ask for a review
    review_body: str  # who decides a request for review
    review_how: str  # where and how the request is filed
    signatory_name: str
    signatory_position: str

    def case_number(self, application_id: int) -> str:
        """The case reference of one application: "DPP-II.7221.1.12.2019"."""
        return self.case_reference.replace(CASE_NUMBER, str(application_id))


# The form of a Stage 2 call that takes complete proposals from shortlisted cities
# (``Call.form``; schemas/proposal.yaml).
PROPOSAL_FORM = "proposal"


@dataclass(frozen=True)
class Call:
    code: str  # e.g. "stage1-outline"
    stage: int  # 1 outline, 2 complete proposal
    opens: date
    deadline: date
    rate_month: str  # "YYYY-MM": the EUR/PLN rate used to convert PLN amounts
    letters: LetterTerms  # what the call's decision letters carry
    review_deadline: date | None = None  # experts' scores due (None: no review reminders)
    # The form its uploads fill in (a schema of schemas/): "outline", or "proposal"
    # for a Stage 2 call with a complete-proposal form of its own.
    form: str = "outline"

    def is_open(self, day: date) -> bool:
        """Whether the call takes uploads on ``day`` (at the operator's seat), ends included."""
        return self.opens <= day <= self.deadline


@dataclass(frozen=True)
class Criterion:
    code: str
    label: dict[str, str]  # lang -> label
    max_points: int

    def label_in(self, lang: str) -> str:
        """The label in ``lang``, else in English, else the code."""
        return self.label.get(lang) or self.label.get("en") or self.code


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
    # Final reports of funded projects due (None: no final-report reminders).
    final_report_deadline: date | None = None
    # Days before each deadline its reminders are sent, largest first.
    reminder_days: tuple[int, ...] = DEFAULT_REMINDER_DAYS

    def call(self, code: str) -> Call:
        for call in self.calls:
            if call.code == code:
                return call
        known = ", ".join(c.code for c in self.calls)
        raise ConfigurationError(f"no call '{code}' in the programme (calls: {known})")

    def outline_call_for(self, code: str) -> Call:
        """The Stage 1 call whose shortlist the Stage 2 call ``code`` follows: the last one
        closed by the day it opens. ConfigurationError when there is none."""
        proposal_call = self.call(code)
        before = [c for c in self.calls if c.stage == 1 and c.deadline <= proposal_call.opens]
        if proposal_call.stage != 2 or not before:
            raise ConfigurationError(f"call '{code}' follows no Stage 1 call of the programme")
        return max(before, key=lambda c: c.deadline)

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
