"""Numbers, amounts, dates and vocabulary codes as a page in ``lang`` writes them.

``formats(lang)`` is merged into a page's context: ``{{ amount(x) }}`` gives
``3 420 233,21`` in Polish, ``{{ money(x) }}`` ``150 000,00 EUR`` (``EUR 150,000.00``
in English), ``{{ number(n) }}`` a count or a score (``1 024``, ``21,5``),
``{{ size(n) }}`` a byte count (``10,0 MB``), ``{{ day(d) }}`` ``1 kwietnia 2021``,
``{{ theme(code) }}`` the outline form's label of a theme (the code itself when the
form has none). A page prints no number without one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from grantflow.adapters.i18n import (
    format_amount,
    format_date,
    format_money,
    format_number,
    format_size,
)
from grantflow.validation import form


def formats(lang: str) -> dict[str, Callable[[Any], str]]:
    themes = {t.code: t.label[lang] for t in form.load("outline").vocabularies["themes"]}

    def amount(value: Decimal | str) -> str:
        """A Decimal, or the text of one as the JSON-ready views carry amounts."""
        return format_amount(Decimal(value), lang)

    def money(value: Decimal | str, currency: str = "EUR") -> str:
        return format_money(Decimal(value), currency, lang)

    def number(value: Decimal | int | str) -> str:
        return format_number(Decimal(value), lang)

    def size(value: int) -> str:
        return format_size(value, lang)

    def day(value: date) -> str:
        return format_date(value, lang)

    def theme(code: str) -> str:
        return themes.get(code, code)

    return {
        "amount": amount,
        "money": money,
        "number": number,
        "size": size,
        "day": day,
        "theme": theme,
    }
