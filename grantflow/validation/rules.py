"""The outline's rules beyond types and required fields (SPEC section 3).

Two kinds:

* format rules check one value on its own (NIP checksum, TERYT form, e-mail
  form) and give the canonical form of a good value;
* cross-field rules compare values that each passed every check of their own
  (``Checked``): a wrong amount is reported once, as ``type`` or ``min``, and
  does not also produce a ``budget-total-mismatch`` (no cascades of noise).

Amounts go into issue parameters as plain ``150000.00`` and dates as ISO
text: the report renderer formats them for the reader's locale.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from grantflow.domain.identifiers import (
    nip_is_valid,
    normalise_nip,
    teryt_is_well_formed,
    voivodeship_of,
)
from grantflow.domain.money import cents, to_eur
from grantflow.domain.outline import LUMP_SUM_CATEGORY
from grantflow.domain.programme import Programme
from grantflow.validation.coerce import Typed
from grantflow.validation.report import Issue, Severity

APPLICANT, PROJECT, BUDGET, PARTNERSHIP = "Applicant", "Project", "Budget", "Partnership"
INDICATORS = "Indicators"


@dataclass(frozen=True)
class Checked:
    """A value that passed every check of its own, with where it came from."""

    sheet: str
    field: str
    value: Typed
    cell: str | None
    text: str | None  # the cell as typed, for ``Issue.value``

    def issue(self, code: str, severity: Severity = "error", **params: str) -> Issue:
        return Issue(
            code=code,
            severity=severity,
            sheet=self.sheet,
            cell=self.cell,
            field=self.field,
            value=self.text,
            params=params,
        )


@dataclass(frozen=True)
class Row:
    """One data row of a table sheet and the values of it that passed their checks."""

    number: int
    fields: Mapping[str, Checked]

    def typed(self, key: str) -> Any:
        """The value of ``key``; only for a row without errors, where every value is there."""
        return self.fields[key].value

    def typed_values(self, *keys: str) -> dict[str, Any]:
        """The values of ``keys`` by key: the keyword arguments of a domain record."""
        return {key: self.typed(key) for key in keys}


@dataclass(frozen=True)
class Values:
    fields: Mapping[str, Checked]  # key/value sheets (their keys are unique across sheets)
    tables: Mapping[str, Sequence[Row]]  # table sheet name -> rows

    def get(self, key: str) -> Typed | None:
        checked = self.fields.get(key)
        return None if checked is None else checked.value

    def rows(self, sheet: str) -> Sequence[Row]:
        """The rows of a table sheet (none when the sheet is missing)."""
        return self.tables.get(sheet, ())


def plain_amount(amount: Decimal) -> str:
    return format(cents(amount), "f")


# --- format rules: one value, canonical form or None -------------------------

# An e-mail address as a city hall's contact can be: RFC 5322's dot-atom local
# part without its quote marks (no quoted strings, no comments, no spaces,
# angle brackets or control characters) and a host name of two or more
# labels under a top-level domain of letters. Letters may be any script's
# (RFC 6531 and IDN: ``urząd@chełm.pl``, ``kontakt@łomża.pl``). In these
# patterns ``[^\W_]`` is one letter or digit.
_ATOM = r"(?:[^\W_]|[!#$%&*+/=?^_{|}~-])+"
_LOCAL_PART = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
_LABEL = re.compile(r"[^\W_](?:(?:[^\W_]|-)*[^\W_])?")
_TOP_LEVEL = re.compile(r"[^\W\d_]{2,}|xn--(?:[^\W_]|-)+", re.ASCII | re.IGNORECASE)
# RFC 5321 4.5.3.1: at most 64 octets before the @, 63 per label and 255 for
# the domain, and a path of 256 with its angle brackets: 254 for the address.
_MAX_LOCAL_PART, _MAX_LABEL, _MAX_DOMAIN, _MAX_ADDRESS = 64, 63, 253, 254


def _nip(text: str) -> str | None:
    return normalise_nip(text) if nip_is_valid(text) else None


def _teryt(text: str) -> str | None:
    code = "".join(text.split())
    return code if teryt_is_well_formed(code) else None


def email_is_valid(text: str) -> bool:
    """The form's e-mail rule, for addresses given elsewhere (an expert's at registration)."""
    return _email(text) is not None


def _email(text: str) -> str | None:
    """The address in NFC (letters typed as a base and an accent become one), or None."""
    address = unicodedata.normalize("NFC", text)
    local_part, at, domain = address.partition("@")
    if not at or not _LOCAL_PART.fullmatch(local_part):
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        return None  # also a second @, which no label may hold
    try:  # the host name as DNS holds it: IDN labels in their xn-- form
        ascii_labels = [label.encode("idna") for label in labels]
    except UnicodeError:
        return None
    ascii_domain = b".".join(ascii_labels)
    local_octets = len(local_part.encode("utf-8"))
    if (
        not _TOP_LEVEL.fullmatch(ascii_labels[-1].decode("ascii"))
        or local_octets > _MAX_LOCAL_PART
        or any(len(label) > _MAX_LABEL for label in ascii_labels)
        or len(ascii_domain) > _MAX_DOMAIN
        or local_octets + 1 + len(ascii_domain) > _MAX_ADDRESS
    ):
        return None
    return address


@dataclass(frozen=True)
class FormatRule:
    code: str
    canonical: Callable[[str], str | None]


# Keyed by the form's ``format`` attribute, or by field type for e-mail.
FORMAT_RULES: Mapping[str, FormatRule] = {
    "nip": FormatRule("nip-checksum", _nip),
    "teryt": FormatRule("teryt-format", _teryt),
    "email": FormatRule("email-format", _email),
}


# --- cross-field rules ---------------------------------------------------------


def _teryt_voivodeship(values: Values) -> Iterator[Issue]:
    teryt, voivodeship = values.fields.get("teryt"), values.fields.get("voivodeship")
    if teryt is None or voivodeship is None:
        return
    expected = voivodeship_of(str(teryt.value))
    if expected is not None and expected != voivodeship.value:
        yield voivodeship.issue(
            "teryt-voivodeship-mismatch", teryt=str(teryt.value), expected=expected
        )


def _city_eligible(values: Values, programme: Programme) -> Iterator[Issue]:
    teryt = values.fields.get("teryt")
    eligible = programme.eligible_teryt()
    # A programme without a list (an open call) accepts every city.
    if teryt is None or not eligible or teryt.value in eligible:
        return
    city = values.get("city_name")
    yield teryt.issue("city-not-eligible", teryt=str(teryt.value), value=str(city or teryt.value))


def _dates(values: Values, programme: Programme) -> Iterator[Issue]:
    first, final = programme.first_eligibility_date, programme.final_eligibility_date
    for key in ("start_date", "end_date"):
        checked = values.fields.get(key)
        if (
            isinstance(checked, Checked)
            and isinstance(checked.value, date)
            and not (first <= checked.value <= final)
        ):
            yield checked.issue(
                "date-outside-window",
                label=key,
                value=checked.value.isoformat(),
                first=first.isoformat(),
                final=final.isoformat(),
            )
    yield from end_before_start(values)


def end_before_start(values: Values) -> Iterator[Issue]:
    """A project (outline or final report) ends on or after the day it starts."""
    start, end = values.get("start_date"), values.get("end_date")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        yield values.fields["end_date"].issue(
            "end-before-start", value=end.isoformat(), start=start.isoformat()
        )


def line_eur(row: Row, rate: Decimal) -> Decimal | None:
    """A budget line in EUR (PLN converted at ``rate``), or None if it cannot be known."""
    amount, currency = row.fields.get("amount"), row.fields.get("currency")
    if amount is None or currency is None:
        return None
    assert isinstance(amount.value, Decimal) and isinstance(currency.value, str)
    return to_eur(amount.value, currency.value, rate)


def _budget_total(values: Values, rate: Decimal) -> Iterator[Issue]:
    total = values.fields.get("total_budget_eur")
    rows = values.tables.get(BUDGET, ())
    amounts = [line_eur(row, rate) for row in rows]
    if total is None or not amounts or any(a is None for a in amounts):
        return
    assert isinstance(total.value, Decimal)
    lines = sum((a for a in amounts if a is not None), Decimal(0))
    if cents(lines) != cents(total.value):
        yield total.issue(
            "budget-total-mismatch",
            lines=plain_amount(lines),
            rate=format(rate, "f"),
            total=plain_amount(total.value),
        )


def _grant(values: Values, programme: Programme) -> Iterator[Issue]:
    grant = values.fields.get("requested_grant_eur")
    if grant is None:
        return
    assert isinstance(grant.value, Decimal)
    if not programme.grant_minimum <= grant.value <= programme.grant_maximum:
        yield grant.issue(
            "grant-out-of-range",
            value=plain_amount(grant.value),
            minimum=plain_amount(programme.grant_minimum),
            maximum=plain_amount(programme.grant_maximum),
        )
    cofinancing, total = values.get("co_financing_eur"), values.get("total_budget_eur")
    if not (isinstance(cofinancing, Decimal) and isinstance(total, Decimal)):
        return
    if cents(grant.value) + cents(cofinancing) != cents(total):
        yield grant.issue(
            "grant-sum-mismatch",
            grant=plain_amount(grant.value),
            cofinancing=plain_amount(cofinancing),
            sum=plain_amount(grant.value + cofinancing),
            total=plain_amount(total),
        )


def _lump_sum(values: Values, programme: Programme, rate: Decimal) -> Iterator[Issue]:
    wants = values.get("wants_partner")
    if wants is None:
        return
    rows = values.tables.get(BUDGET, ())
    lump_rows = [
        row
        for row in rows
        if "category" in row.fields and row.fields["category"].value == LUMP_SUM_CATEGORY
    ]
    if wants == "no":
        if lump_rows:
            yield lump_rows[0].fields["category"].issue("lump-sum-unwanted", severity="warning")
        return
    # An empty budget is reported as such, and a line whose category is itself
    # wrong may be the lump sum: in both cases say nothing more.
    categories_known = bool(rows) and all("category" in row.fields for row in rows)
    if not lump_rows and categories_known:
        yield Issue(code="lump-sum-missing", sheet=BUDGET, field="category")
    if len(lump_rows) > 1:
        yield lump_rows[1].fields["category"].issue("lump-sum-duplicate", count=str(len(lump_rows)))
    for row in lump_rows:
        amount_eur = line_eur(row, rate)
        if amount_eur is None:
            continue
        if not programme.lump_sum_minimum <= amount_eur <= programme.lump_sum_maximum:
            yield row.fields["amount"].issue(
                "lump-sum-out-of-range",
                value=plain_amount(amount_eur),
                minimum=plain_amount(programme.lump_sum_minimum),
                maximum=plain_amount(programme.lump_sum_maximum),
            )


def cross_field_issues(values: Values, programme: Programme, rate: Decimal) -> list[Issue]:
    """Every cross-field rule of the outline form, on individually valid values."""
    return [
        *_teryt_voivodeship(values),
        *_city_eligible(values, programme),
        *_dates(values, programme),
        *_budget_total(values, rate),
        *_grant(values, programme),
        *_lump_sum(values, programme, rate),
    ]
