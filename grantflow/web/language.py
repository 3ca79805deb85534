"""The page's language: the user's choice, else the browser's Accept-Language, else Polish.

Messages come from the same gettext catalogs as the command line
(``grantflow.adapters.i18n``); the templates call ``_("msgid", name=value)``,
whose ``{name}`` placeholders are filled after translation, and autoescape
escapes the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grantflow.adapters.i18n import gettext_for

LANGUAGES = ("pl", "nb", "en")
DEFAULT = "pl"  # the programme's cities are Polish
# Each language named in itself, for the switcher.
NAMES = {"pl": "Polski", "nb": "Norsk bokmål", "en": "English"}
# Norwegian in any of its written forms reads Bokmål best.
_ALIASES = {"no": "nb", "nn": "nb"}


def negotiate(accept_language: str | None) -> str:
    """The first language of ``Accept-Language`` (by quality) the portal speaks."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        lang = _ALIASES.get(primary, primary)
        if lang in LANGUAGES and quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else DEFAULT


def translator(lang: str) -> Callable[..., str]:
    """``_("Version {number}", number=2)``: the msgid translated, then its placeholders filled."""
    gettext = gettext_for(lang)

    def translate(msgid: str, **values: Any) -> str:
        text = gettext(msgid)
        return text.format(**values) if values else text

    return translate
