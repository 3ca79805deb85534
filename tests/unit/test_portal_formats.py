"""What the portal's pages print for numbers: CLDR's way of each page's language."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grantflow.web.formats import formats

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("lang", "lump_sum", "limit", "report", "score"),
    [
        ("pl", "150 000,00 EUR", "10,0 MB", "830 kB", "21,5"),
        ("nb", "150 000,00 EUR", "10,0 MB", "830 kB", "21,5"),
        ("en", "EUR 150,000.00", "10.0 MB", "830 kB", "21.5"),
    ],
)
def test_a_lump_sum_an_upload_limit_and_a_score_read_as_the_pages_language_writes_them(
    lang: str, lump_sum: str, limit: str, report: str, score: str
) -> None:
    shown = formats(lang)
    assert shown["money"](Decimal("150000")).replace(NBSP, " ") == lump_sum
    assert shown["size"](10 * 1024 * 1024).replace(NBSP, " ") == limit
    assert shown["size"](850_000).replace(NBSP, " ") == report
    assert shown["number"](Decimal("21.5")) == score


def test_the_ledgers_amounts_come_as_text_and_a_count_of_thousands_is_grouped() -> None:
    shown = formats("pl")
    assert shown["money"]("3420233.21").replace(NBSP, " ") == "3 420 233,21 EUR"
    assert shown["number"](1024).replace(NBSP, " ") == "1 024"
    assert shown["size"](120) == f"120{NBSP}B"
