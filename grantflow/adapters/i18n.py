"""Messages and numbers in the reader's language (pl, nb, en).

The gettext catalogs are the ``.po`` files under ``grantflow/locale`` (or
another folder of the same layout, for the document renderer); they
are compiled in memory when first used (Babel's ``write_mo`` into a
``BytesIO``), so no ``.mo`` binary is committed and a translator's edit to
a ``.po`` file is live on the next run. Numbers and dates follow the CLDR
conventions of ``pl_PL``, ``nb_NO`` and ``en_GB``.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.core import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_currency, format_decimal

from grantflow import resources
from grantflow.domain.errors import ConfigurationError
from grantflow.validation.form import LANGUAGES

DOMAIN = "grantflow"

# The CLDR locale each language of the programme formats numbers and dates in.
LOCALES: dict[str, str] = {"pl": "pl_PL", "nb": "nb_NO", "en": "en_GB"}


def _check(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return lang


@cache
def translations(lang: str, folder: Path | None = None) -> gettext.GNUTranslations:
    """The compiled catalog of ``lang`` (cached per language and folder) from
    ``folder/<lang>/LC_MESSAGES/grantflow.po``, by default the shipped catalogs.

    Raises ``ValueError`` for a language the programme does not speak (a usage
    error) and ``ConfigurationError`` when the catalog is broken.
    """
    root = resources.locale() if folder is None else folder
    path = root / _check(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=DOMAIN, abort_invalid=True)
    except (OSError, PoFileError, UnknownLocaleError) as exc:
        raise ConfigurationError(f"cannot read the {lang} message catalog {path}: {exc}") from exc
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def gettext_for(lang: str) -> Callable[[str], str]:
    """``gettext`` of ``lang``: a msgid in, its translation out (the msgid if untranslated)."""
    return translations(lang).gettext


def format_amount(amount: Decimal, lang: str) -> str:
    """A money amount with two decimals and the locale's grouping: ``150 000,00`` in pl."""
    return format_decimal(amount, format="#,##0.00", locale=LOCALES[_check(lang)])


def format_number(number: Decimal, lang: str) -> str:
    """A number with every decimal it has (an exchange rate 4.3117 stays 4,3117 in pl)."""
    return format_decimal(number, locale=LOCALES[_check(lang)], decimal_quantization=False)


def word(msgid: str, lang: str, values: Mapping[str, object]) -> str:
    """``msgid`` from the catalog of ``lang`` with its ``{placeholders}`` filled, dates
    as the language writes them (a note a service gives as data)."""
    shown = {k: format_date(v, lang) if isinstance(v, date) else v for k, v in values.items()}
    return translations(lang).gettext(msgid).format(**shown)


def format_money(amount: Decimal, currency: str, lang: str) -> str:
    """An amount with its currency where the locale writes it: ``150 000,00 EUR`` in pl
    and nb, ``EUR 150,000.00`` in en. The ISO code stands for the symbol (the forms and
    the letters of the programme name EUR and PLN, never € or zł)."""
    locale = Locale.parse(LOCALES[_check(lang)])
    pattern = locale.currency_formats["standard"].pattern.replace("\u00a4", "\u00a4\u00a4")
    text = format_currency(amount, currency, format=pattern, locale=locale)
    # CLDR keeps a code before the digits apart from them (currencySpacing); Babel does not.
    return re.sub(rf"{currency}(?=\d)", f"{currency}\u00a0", text)


_KB, _MB = 1024, 1024 * 1024


def format_size(size: int, lang: str) -> str:
    """A byte count as people read it: ``10,0 MB`` in pl, ``830 kB``, ``120 B``."""
    locale = LOCALES[_check(lang)]
    if size >= _MB:
        return f"{format_decimal(Decimal(size) / _MB, format='#,##0.0', locale=locale)}\u00a0MB"
    if size >= _KB:
        return f"{format_decimal(round(size / _KB), format='#,##0', locale=locale)}\u00a0kB"
    return f"{format_decimal(size, locale=locale)}\u00a0B"


def format_date(day: date, lang: str) -> str:
    """A date in words, unambiguous in every language: ``15 marca 2022``, ``15. mars 2022``."""
    return babel_format_date(day, format="long", locale=LOCALES[_check(lang)])
