"""axe-core (shipped inside axe-playwright-python, run offline) on every city page and the
sign-in page, in Polish and Norwegian: no violation of WCAG 2.1 A or AA."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.web.browser.conftest import sign_in
from tests.web.portal_data import BAD_NIP, HRUBIESZOW, LOMZA, ZAMOSC, fill_blank, sample_bytes

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
LANGUAGE_BUTTON = {"pl": "Polski", "nb": "Norsk bokmål"}
# Each language's pages are seen by a city of their own, so the runs do not meet.
CITIES = {"pl": HRUBIESZOW, "nb": LOMZA}


def check(page: Page, name: str, screenshots: Path) -> None:
    results = Axe().run(page, options=WCAG_21_AA)
    page.screenshot(path=screenshots / f"{name}.png", full_page=True)
    assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"


@pytest.mark.parametrize("lang", ["pl", "nb"])
def test_every_city_page_meets_wcag_21_aa(
    page: Page, lang: str, tmp_path: Path, screenshots: Path
) -> None:
    page.goto("/login")
    page.get_by_role("button", name=LANGUAGE_BUTTON[lang]).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    check(page, f"login-{lang}", screenshots)

    city = CITIES[lang]
    sign_in(page, city[0])
    page.get_by_role("button", name=LANGUAGE_BUTTON[lang]).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    check(page, f"city-dashboard-{lang}", screenshots)

    teryt = city[1]
    blank = page.request.get("/city/forms/outline.xlsx").body()
    wrong = tmp_path / "zarys.xlsx"
    wrong.write_bytes(fill_blank(blank, teryt, {"nip": BAD_NIP}))
    page.locator("#file").set_input_files(wrong)
    page.locator("form[action='/city/uploads'] button").click()
    page.wait_for_url("**/versions/*")
    check(page, f"city-version-report-{lang}", screenshots)

    page.locator("a[href^='/city/applications/']").first.click()
    check(page, f"city-application-{lang}", screenshots)

    page.goto("/city")
    other = tmp_path / "inne-miasto.xlsx"
    other.write_bytes(sample_bytes(ZAMOSC[1]))
    page.locator("#file").set_input_files(other)
    page.locator("form[action='/city/uploads'] button").click()
    expect(page.get_by_role("alert")).to_contain_text("TERYT")
    check(page, f"city-not-submitted-{lang}", screenshots)

    page.goto("/city/applications/999999")
    check(page, f"city-not-found-{lang}", screenshots)
