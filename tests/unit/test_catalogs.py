"""The gettext catalogs (pl, nb, en): complete, placeholder-exact, never fuzzy."""

from __future__ import annotations

import string
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from grantflow import resources
from grantflow.adapters import i18n, report_render, spreadsheet
from grantflow.validation.codes import CODES
from grantflow.validation.coerce import EXPECTED

LANGS = ("pl", "nb", "en")
ISSUE_MESSAGES = sorted({t.message for t in CODES.values()})
TYPE_WORDS = sorted(set(EXPECTED.values()))


def catalog(lang: str) -> Catalog:
    path = resources.locale() / lang / "LC_MESSAGES" / "grantflow.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def placeholders(text: str) -> Counter[str]:
    return Counter(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def unreadable_reasons() -> set[str]:
    """The fixed reasons the spreadsheet adapter gives for a file it cannot read."""
    source = Path(spreadsheet.__file__)
    keywords = {"_unreadable": None}
    return {str(m) for _, m, _, _ in extract_from_file("python", str(source), keywords=keywords)}


def unsupported_formats() -> set[str]:
    """The names the spreadsheet adapter gives a file that is in another format."""
    source = Path(spreadsheet.__file__)
    keywords = {"_unsupported": None}
    return {str(m) for _, m, _, _ in extract_from_file("python", str(source), keywords=keywords)}


def renderer_msgids() -> set[str]:
    """What report_render.py passes to gettext/ngettext, found as pybabel extract would."""
    source = Path(report_render.__file__)
    found: set[str] = set()
    for _, message, _, _ in extract_from_file("python", str(source)):
        found.update([message] if isinstance(message, str) else message[:1])
    return found


class TestCompleteness:
    @pytest.mark.parametrize("lang", ["pl", "nb"])
    @pytest.mark.parametrize("msgid", ISSUE_MESSAGES)
    def test_every_issue_message_is_translated_into_polish_and_norwegian(
        self, lang: str, msgid: str
    ) -> None:
        entry = catalog(lang).get(msgid)
        assert entry is not None, f"{lang}: no entry for {msgid!r}"
        assert entry.string, f"{lang}: empty translation of {msgid!r}"
        assert entry.string != msgid, f"{lang}: {msgid!r} is left in English"

    @pytest.mark.parametrize("lang", LANGS)
    def test_the_type_words_of_the_validator_are_in_every_catalog(self, lang: str) -> None:
        cat = catalog(lang)
        missing = [w for w in TYPE_WORDS if cat.get(w) is None or not cat.get(w).string]
        assert missing == []

    @pytest.mark.parametrize("lang", LANGS)
    def test_every_string_the_report_renderer_translates_is_in_every_catalog(
        self, lang: str
    ) -> None:
        msgids = renderer_msgids()
        assert {"Validation report", "{count} error", "All files are valid."} <= msgids
        cat = catalog(lang)
        assert sorted(m for m in msgids if cat.get(m) is None or not cat.get(m).string) == []

    @pytest.mark.parametrize("lang", ["pl", "nb"])
    def test_every_fixed_reason_for_an_unreadable_file_is_translated(self, lang: str) -> None:
        reasons = unreadable_reasons()
        assert "the file is empty" in reasons
        cat = catalog(lang)
        assert sorted(r for r in reasons if cat.get(r) is None or cat.get(r).string == r) == []

    @pytest.mark.parametrize("lang", LANGS)
    def test_every_format_the_reader_names_is_in_every_catalog(self, lang: str) -> None:
        formats = unsupported_formats()
        assert {"CSV/text", "XLS", "Excel 2003 XML", "HTML (web page)", "Apple Numbers"} <= formats
        cat = catalog(lang)
        assert sorted(f for f in formats if cat.get(f) is None or not cat.get(f).string) == []

    def test_the_english_catalog_is_the_identity(self) -> None:
        for message in catalog("en"):
            if message.id:
                assert message.string == message.id


class TestCatalogHygiene:
    @pytest.mark.parametrize("lang", LANGS)
    def test_placeholders_are_the_same_in_msgid_and_every_msgstr(self, lang: str) -> None:
        wrong = []
        for message in catalog(lang):
            if not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            wrong += [(msgid, s) for s in forms if placeholders(s) != placeholders(msgid)]
        assert wrong == []

    @pytest.mark.parametrize("lang", LANGS)
    def test_no_entry_is_fuzzy_or_obsolete(self, lang: str) -> None:
        cat = catalog(lang)
        assert [m.id for m in cat if m.id and m.fuzzy] == []
        assert not cat.obsolete

    @pytest.mark.parametrize(("lang", "plurals"), [("pl", 3), ("nb", 2), ("en", 2)])
    def test_the_header_declares_the_languages_plural_forms(self, lang: str, plurals: int) -> None:
        cat = catalog(lang)
        assert cat.num_plurals == plurals
        plural_entries = [m for m in cat if isinstance(m.id, tuple)]
        assert plural_entries
        assert all(len(m.string) == plurals for m in plural_entries)


class TestTranslations:
    @pytest.mark.parametrize(
        ("count", "polish"),
        [
            (1, "1 błąd"),
            (2, "2 błędy"),
            (5, "5 błędów"),
            (12, "12 błędów"),
            (22, "22 błędy"),
            (0, "0 błędów"),
        ],
    )
    def test_polish_counts_errors_with_its_three_plural_forms(
        self, count: int, polish: str
    ) -> None:
        text = i18n.translations("pl").ngettext("{count} error", "{count} errors", count)
        assert text.format(count=count) == polish

    def test_norwegian_counts_warnings_in_singular_and_plural(self) -> None:
        t = i18n.translations("nb")
        assert t.ngettext("{count} warning", "{count} warnings", 1).format(count=1) == "1 advarsel"
        assert t.ngettext("{count} warning", "{count} warnings", 3).format(count=3) == "3 advarsler"

    def test_gettext_for_gives_the_translation_of_a_message(self) -> None:
        assert i18n.gettext_for("nb")("Sheet") == "Ark"
        assert i18n.gettext_for("pl")("Sheet") == "Arkusz"
        assert i18n.gettext_for("en")("Sheet") == "Sheet"

    def test_a_language_is_compiled_once_and_then_served_from_the_cache(self) -> None:
        assert i18n.translations("pl") is i18n.translations("pl")

    @pytest.mark.parametrize("lang", ["de", "", "../pl", "PL"])
    def test_an_unknown_language_is_a_usage_error(self, lang: str) -> None:
        with pytest.raises(ValueError, match="unknown language"):
            i18n.translations(lang)
