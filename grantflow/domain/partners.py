"""Donor-country municipalities that offer partnerships (SPEC section 7).

Pure data, loaded from the donor pool file (``samples/donors.yaml``) by
``grantflow.validation.donors_file``; partner matching reads these values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from grantflow.domain.errors import GrantflowError

DONOR_COUNTRIES = ("NO", "IS")


class AgreementOutsideEligibility(GrantflowError):
    """A partnership agreement that would end before it begins."""


class SignatureInTheFuture(GrantflowError):
    """An agreement dated on a day that has not come yet."""


def signature_day(signed_on: date, today: date) -> date:
    """The day an agreement was signed: refused while it is still to come, whoever records
    it (the portal's form, ``grantflow partners sign --as-of``, the demo). ``today`` is the
    day at the Programme Operator's seat."""
    if signed_on > today:
        raise SignatureInTheFuture(
            f"an agreement cannot be dated {signed_on}: that day has not come yet "
            f"(today is {today})"
        )
    return signed_on


@dataclass(frozen=True)
class AgreementPeriod:
    starts_on: date
    ends_on: date


def agreement_period(signed_on: date, final_eligibility: date) -> AgreementPeriod:
    """A partnership runs from the day its agreement is signed (or confirmed, for the
    one to sign) until the programme's final eligibility date (SPEC section 2).

    An agreement dated after that date would end before it begins: refused.
    """
    if signed_on > final_eligibility:
        raise AgreementOutsideEligibility(
            f"an agreement dated {signed_on} would end before it begins: partnerships "
            f"last until the final eligibility date, {final_eligibility}"
        )
    return AgreementPeriod(signed_on, final_eligibility)


@dataclass(frozen=True)
class DonorMunicipality:
    code: str  # "NO-4204": country and the national municipality number
    name: str  # as the municipality writes it, e.g. "Kristiansand kommune"
    country: str  # "NO" or "IS"
    region: str  # Norwegian county (fylke) or Icelandic region
    themes: tuple[str, ...]  # theme codes of the outline form
    involvement_forms: tuple[str, ...]  # involvement-form codes of the outline form
    capacity: int  # how many partnerships it can take on (1-3)
    contact: str = ""  # e-mail address of the contact point
    languages: tuple[str, ...] = ()  # working languages, e.g. ("nb", "en")
    # Who brokers the partnership: KS for Norway, the Icelandic Association of
    # Local Authorities (Samband íslenskra sveitarfélaga) for Iceland.
    intermediary: str = ""
