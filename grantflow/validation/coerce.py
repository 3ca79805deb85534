"""From what a person typed into a cell to a typed value, per field type.

People type numbers into text cells, text into number cells, dates as text
or as Excel serial numbers, amounts as ``150 000,00 zł``. Coercion accepts
everything that has one obvious meaning and returns ``None`` for the rest
(the validator reports those as ``type`` issues). Declarative rules (required,
allowed, min, max, maxlength) run afterwards, on the typed values.

Text is normalised silently: NBSP and thin spaces become spaces, and leading
or trailing spaces are dropped. Reporting that as a warning would be noise on
nearly every hand-filled form, and it never changes the meaning of a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal

from grantflow.domain.money import parse_amount
from grantflow.validation.form import FieldDef, FieldType, Term
from grantflow.validation.workbook import CellValue

Typed = str | int | Decimal | date | tuple[str, ...]
Coercer = Callable[[CellValue], Typed | None]

# Spaces that spreadsheets and copy-paste from PDFs and web pages bring in.
_SPACES = str.maketrans(
    {"\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\ufeff": None, "\u200b": None}
)
_INTEGER = re.compile(r"[+-]?\d+(?:[.,]0+)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_DOTTED_DATE = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
_CODES_SEPARATOR = re.compile(r"[,;\n]")
# Excel's 1900 date system: serial 1 is 1900-01-01 and the (fictitious)
# 1900-02-29 is serial 60, so from serial 61 on, day 0 is 1899-12-30.
_EXCEL_EPOCH = date(1899, 12, 30)
# Serials 20000-80000 are the years 1954-2119: a number in that range in a
# date cell is a date typed in a cell formatted as a number.
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000
_MONEY_LIMIT = Decimal(10) ** 15
_YES = frozenset({"yes", "y", "tak", "t", "ja", "j", "true", "1"})
_NO = frozenset({"no", "n", "nie", "nei", "false", "0"})

# Words for the ``expected`` parameter of ``type`` issues. They are English
# gettext msgids: the report renderer translates them.
EXPECTED: Mapping[FieldType, str] = {
    "string": "text",
    "text": "text",
    "email": "text",
    "integer": "a whole number",
    "money": "an amount, e.g. 150 000,00",
    "date": "a date (YYYY-MM-DD)",
    "code": "one code from the list",
    "codes": "codes from the list, separated by commas",
    "yesno": "yes or no",
}


def normalise_text(text: str) -> str:
    return text.translate(_SPACES).strip()


def _plain_decimal(number: Decimal) -> str:
    """``Decimal`` as people write it: no exponent, no ``.0`` on whole numbers."""
    if not number.is_finite():
        return str(number)
    if number == number.to_integral_value():
        return str(int(number))
    return format(number, "f")


def cell_text(value: CellValue) -> str | None:
    """The value of a cell as text, for reports (``Issue.value``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return _plain_decimal(value)
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def is_blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not normalise_text(value))


def to_string(value: CellValue) -> str | None:
    """Any cell but TRUE/FALSE reads as text: a phone typed as 825621000 is "825621000"."""
    if isinstance(value, bool):
        return None
    text = cell_text(value)
    return None if text is None else normalise_text(text)


def to_integer(value: CellValue) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return int(value) if value.is_finite() and value == value.to_integral_value() else None
    if isinstance(value, str):
        # "39 000" and "39 000" (NBSP) are thousands; "39,5" is not whole.
        compact = normalise_text(value).replace(" ", "")
        if _INTEGER.fullmatch(compact):
            return int(re.split(r"[.,]", compact)[0])
    return None


def to_money(value: CellValue) -> Decimal | None:
    if isinstance(value, bool):
        return None
    amount: Decimal | None = None
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        amount = parse_amount(normalise_text(value))
    # Beyond 10^15 an amount cannot be rounded to the cent in Decimal's 28
    # digits; no budget is near that, so such a number is not an amount.
    if amount is None or not amount.is_finite() or abs(amount) >= _MONEY_LIMIT:
        return None
    return amount


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def to_date(value: CellValue) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        if not (isinstance(value, int) or value.is_finite()):
            return None
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        return None
    if isinstance(value, str):
        text = normalise_text(value)
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = match.groups()
            return _date_or_none(int(year), int(month), int(day))
        if match := _DOTTED_DATE.fullmatch(text):
            day, month, year = match.groups()
            return _date_or_none(int(year), int(month), int(day))
    return None


def _lookup_key(text: str) -> str:
    return " ".join(normalise_text(text).casefold().split())


def vocabulary_lookup(terms: tuple[Term, ...]) -> dict[str, str]:
    """Casefolded code or label (any language) -> code. Codes win over labels."""
    lookup: dict[str, str] = {}
    for term in terms:
        for label in term.label.values():
            lookup.setdefault(_lookup_key(label), term.code)
    lookup.update({_lookup_key(term.code): term.code for term in terms})
    return lookup


def _to_code(lookup: Mapping[str, str], value: CellValue) -> str | None:
    text = to_string(value)
    if text is None:
        return None
    # An unknown code stays as typed: the ``allowed`` rule reports it.
    return lookup.get(_lookup_key(text), text)


def _to_codes(lookup: Mapping[str, str], value: CellValue) -> tuple[str, ...] | None:
    text = to_string(value)
    if text is None:
        return None
    codes: list[str] = []
    for part in _CODES_SEPARATOR.split(text):
        if part.strip():
            code = lookup.get(_lookup_key(part), normalise_text(part))
            if code not in codes:
                codes.append(code)
    return tuple(codes)


def to_yesno(value: CellValue) -> str | None:
    """ "yes" or "no" in any of the form's languages, or a TRUE/FALSE cell."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = to_string(value)
    if text is None:
        return None
    word = text.casefold()
    if word in _YES:
        return "yes"
    if word in _NO:
        return "no"
    return text  # the ``allowed`` rule reports it with the accepted words


def _padded(width: int, coerce: Coercer) -> Coercer:
    """A TERYT or NIP typed as a number loses its leading zero: 662011 is 0662011."""

    def pad(value: CellValue) -> Typed | None:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return str(value).zfill(width)
        return coerce(value)

    return pad


# Identifier formats whose values are digits with significant leading zeros.
_DIGIT_WIDTHS = {"teryt": 7, "nip": 10}


def coercer_for(field: FieldDef, vocabularies: Mapping[str, tuple[Term, ...]]) -> Coercer:
    """The coercion function of a field, built once per form (not per file)."""
    if field.format in _DIGIT_WIDTHS:
        return _padded(_DIGIT_WIDTHS[field.format], to_string)
    if field.type in ("code", "codes"):
        lookup = vocabulary_lookup(vocabularies[field.vocabulary]) if field.vocabulary else {}
        if field.type == "code":
            return lambda value: _to_code(lookup, value)
        return lambda value: _to_codes(lookup, value)
    simple: dict[FieldType, Coercer] = {
        "string": to_string,
        "text": to_string,
        "email": to_string,
        "integer": to_integer,
        "money": to_money,
        "date": to_date,
        "yesno": to_yesno,
    }
    return simple[field.type]
