"""Numbers, amounts, dates and vocabulary codes as a page in ``lang`` writes them.

``formats(lang)`` is merged into a page's context: ``{{ amount(x) }}`` gives
``3 420 233,21`` in Polish, ``{{ day(d) }}`` ``1 kwietnia 2021``, ``{{ theme(code) }}``
the outline form's label of a theme (the code itself when the form has none).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from grantflow.adapters.i18n import format_amount, format_date, format_number
from grantflow.validation import form


def formats(lang: str) -> dict[str, Callable[[Any], str]]:
    themes = {t.code: t.label[lang] for t in form.load("outline").vocabularies["themes"]}

    def amount(value: Decimal | str) -> str:
        """A Decimal, or the text of one as the JSON-ready views carry amounts."""
        return format_amount(Decimal(value), lang)

    def number(value: Decimal) -> str:
        return format_number(value, lang)

    def day(value: date) -> str:
        return format_date(value, lang)

    def theme(code: str) -> str:
        return themes.get(code, code)

    return {"amount": amount, "number": number, "day": day, "theme": theme}
