"""Jinja filters shared by the docx and the HTML templates, bound to one language.

Numbers, money and dates follow CLDR through ``grantflow.adapters.i18n``
(``pl_PL``, ``nb_NO``, ``en_GB``); amounts in words come from num2words, as
Polish and Norwegian contracts state them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from num2words import num2words

from grantflow.adapters import i18n
from grantflow.domain.money import cents

# num2words' language code for each language of the programme.
_NUM2WORDS_LANG = {"pl": "pl", "nb": "no", "en": "en"}
# num2words has no EUR for Norwegian: the words are assembled here.
_NB_CURRENCY_WORDS = {"EUR": ("euro", "cent"), "PLN": ("zloty", "grosz")}


def format_money(amount: Decimal | None, lang: str, currency: str = "EUR") -> str:
    """``150 000,00 EUR`` in pl; an empty string for a missing amount."""
    if amount is None:
        return ""
    return f"{i18n.format_amount(amount, lang)}\u00a0{currency}"


def format_number(number: Decimal | int | None, lang: str) -> str:
    return "" if number is None else i18n.format_number(Decimal(number), lang)


def format_date(day: date | None, lang: str) -> str:
    return "" if day is None else i18n.format_date(day, lang)


def amount_in_words(amount: Decimal, lang: str, currency: str = "EUR") -> str:
    """``sto pięćdziesiąt tysięcy euro, zero centów`` (pl); ``… euro og … cent`` (nb)."""
    amount = cents(amount)
    if lang == "nb" and currency in _NB_CURRENCY_WORDS:
        unit, subunit = _NB_CURRENCY_WORDS[currency]
        whole, fraction = int(amount), int((amount - int(amount)) * 100)
        words = f"{num2words(whole, lang='no')} {unit}"
        return f"{words} og {num2words(fraction, lang='no')} {subunit}" if fraction else words
    result: str = num2words(amount, lang=_NUM2WORDS_LANG[lang], to="currency", currency=currency)
    return result


def filters(lang: str) -> dict[str, Callable[..., Any]]:
    """The filters every template may use, formatting in ``lang``.

    A bilingual document (the partnership agreement: Polish and Norwegian
    side by side) formats its second column with ``lang="nb"``.
    """

    def money(amount: Decimal | None, currency: str = "EUR", lang: str = lang) -> str:
        return format_money(amount, lang, currency)

    def number(value: Decimal | int | None, lang: str = lang) -> str:
        return format_number(value, lang)

    def day(value: date | None, lang: str = lang) -> str:
        return format_date(value, lang)

    def words(amount: Decimal, currency: str = "EUR", lang: str = lang) -> str:
        return amount_in_words(amount, lang, currency)

    return {
        "format_money": money,
        "format_number": number,
        "format_date": day,
        "amount_in_words": words,
    }
