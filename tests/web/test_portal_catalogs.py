"""Every message of the portal's pages is in the Polish and Norwegian catalogs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from grantflow import resources
from grantflow.web import portal

ROUTES = Path(portal.__file__).parent / "routes"


def portal_msgids() -> set[str]:
    """The msgids of the templates (as pybabel extract finds them) and the messages the
    routes hand to a template to translate (``error = "..."``)."""
    found: set[str] = set()
    for template in portal.TEMPLATES.rglob("*.j2"):
        for _, message, _, _ in extract_from_file("jinja2", str(template)):
            found.add(message if isinstance(message, str) else message[0])
    for module in ROUTES.glob("*.py"):
        found.update(re.findall(r'error = "([^"]+)"', module.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("lang", ["pl", "nb"])
def test_every_portal_message_is_translated(lang: str) -> None:
    msgids = portal_msgids()
    assert {"Sign in", "Nothing was submitted", "Too many failed sign-ins."} & msgids
    path = resources.locale() / lang / "LC_MESSAGES" / "grantflow.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    untranslated = sorted(
        m for m in msgids if catalog.get(m) is None or catalog.get(m).string in ("", m)
    )
    assert untranslated == []


def test_every_portal_message_is_in_the_english_catalog() -> None:
    with (resources.locale() / "en" / "LC_MESSAGES" / "grantflow.po").open("rb") as fh:
        catalog = read_po(fh, locale="en")
    assert sorted(m for m in portal_msgids() if catalog.get(m) is None) == []
