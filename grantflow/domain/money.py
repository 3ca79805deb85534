"""Money is Decimal, never float, always rounded half-up to the cent."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")

# "150,000" is 150 thousand in English and 150 in Polish ("150.000" the
# reverse): one separator followed by exactly three digits, after a whole
# part that could be a thousands group, has no safe reading. A thousandfold
# error in a budget is worse than asking the city to retype the amount.
_AMBIGUOUS = re.compile(r"-?[1-9]\d{0,2}[.,]\d{3}")


def cents(amount: Decimal) -> Decimal:
    """Round to the cent the way Polish and Norwegian accounting does (half up)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal | None:
    """Read an amount typed by a person: spaces, NBSP and thin spaces as
    thousands separators, a comma or a dot as the decimal mark.

    Returns None when the text is not a number, or could be read two ways
    (``150,000``); the caller reports it.
    """
    cleaned = (
        text.strip()
        .replace("\u00a0", "")
        .replace("\u202f", "")
        .replace("\u2009", "")
        .replace(" ", "")
        .replace("\u2212", "-")
    )
    for suffix in ("EUR", "€", "PLN", "zł", "zl"):
        if cleaned.upper().endswith(suffix.upper()):
            cleaned = cleaned[: -len(suffix)]
    if _AMBIGUOUS.fullmatch(cleaned):
        return None
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    elif "," in cleaned and "." in cleaned:
        # "1.234,56" (Polish) or "1,234.56" (English): the last mark is decimal.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def to_eur(amount: Decimal, currency: str, eur_pln_rate: Decimal) -> Decimal:
    """Convert an amount to EUR at the programme's EUR/PLN rate (PLN per 1 EUR)."""
    if currency == "EUR":
        return cents(amount)
    if currency == "PLN":
        return cents(amount / eur_pln_rate)
    raise ValueError(f"unsupported currency {currency!r}")
