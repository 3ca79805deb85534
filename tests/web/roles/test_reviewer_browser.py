"""A reviewer's story in a real Chromium, and axe-core on each of its pages in pl and nb."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.web.portal_data import PASSWORD
from tests.web.roles.roles_data import ANNA, BJORN, EWA

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
POINTS = {"relevance": "27", "plan_quality": "20,5", "feasibility": "16", "partnership": "11"}
# Every criterion scored below its maximum is explained (budget: 8 of 10).
LABELS = {
    "relevance": "Trafność wobec celów programu i potrzeb miasta",
    "plan_quality": "Jakość planu rozwoju",
    "feasibility": "Wykonalność i zdolność instytucjonalna",
    "partnership": "Partnerstwo i wartość współpracy dwustronnej",
    "budget": "Budżet i efektywność kosztowa",
}
COMMENTS = {
    "relevance": "Brak danych o liczbie seniorów w Krasnymstawie.",
    "plan_quality": "Harmonogram teleopieki bez kamieni milowych.",
    "feasibility": "Dzienny dom pobytu bez zapewnionej kadry.",
    "partnership": "Rola partnera z Bodø opisana ogólnie.",
    "budget": "Koszty promocji zawyżone.",
}


def accessible(page: Page) -> None:
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, f"{page.url}: {results.generate_report()}"


def sign_in(page: Page, portal_url: str, email: str) -> None:
    page.goto(f"{portal_url}/login")
    page.get_by_label("Adres e-mail").fill(email)
    page.get_by_label("Hasło").fill(PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()


def test_a_reviewer_declares_scores_submits_and_can_no_longer_change(
    page: Page, portal_url: str, tmp_path: Path
) -> None:
    sign_in(page, portal_url, ANNA[2])
    expect(page.get_by_role("heading", name="Twoje przydziały")).to_be_visible()
    page.get_by_role("link", name="Krasnystaw przyjazny seniorom").first.click()
    expect(page.get_by_role("heading", name="Deklaracja konfliktu interesów")).to_be_visible()
    expect(page.get_by_text("Podsumowanie")).to_have_count(0)
    expect(
        page.get_by_label("Trafność wobec celów programu i potrzeb miasta (od", exact=False)
    ).to_have_count(0)

    page.get_by_label("Nie, nie mam konfliktu interesów").check()
    page.get_by_role("button", name="Złóż deklarację").click()
    expect(page.get_by_text("Podsumowanie")).to_be_visible()

    expect(page.get_by_text("pozostało dni: 39")).to_be_visible()
    page.get_by_label("Trafność wobec celów programu i potrzeb miasta (od", exact=False).fill("27")
    page.get_by_role("button", name="Zapisz szkic").click()
    expect(page.get_by_text("Szkic zapisany. Suma do tej pory: 27")).to_be_visible()

    page.get_by_label("Budżet i efektywność kosztowa (od", exact=False).fill("12")
    page.get_by_role("button", name="Wyślij ocenę").click()
    expect(page.get_by_role("alert")).to_contain_text("podaj liczbę od 0 do 10")
    page.screenshot(path=tmp_path / "reviewer-problems.png", full_page=True)

    for code, points in POINTS.items():
        page.locator(f"#points-{code}").fill(points)
    page.get_by_label("Budżet i efektywność kosztowa (od", exact=False).fill("8")
    page.get_by_role("button", name="Wyślij ocenę").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "uzasadnij w komentarzu, dlaczego przyznajesz mniej niż 25 pkt"
    )
    expect(page.locator("#points-plan_quality")).to_have_value("20,5")

    for code, comment in COMMENTS.items():
        page.get_by_label(f"Komentarz: {LABELS[code]}").fill(comment)
    page.get_by_role("button", name="Wyślij ocenę").click()
    expect(page.get_by_role("status")).to_contain_text("nie mogą już zostać zmienione")
    expect(page.locator("input[name^=points-]")).to_have_count(0)
    expect(page.get_by_role("row", name="Razem")).to_contain_text("82,5")
    expect(page.get_by_role("row", name=LABELS["partnership"])).to_contain_text(
        COMMENTS["partnership"]
    )
    page.screenshot(path=tmp_path / "reviewer-submitted.png", full_page=True)

    page.get_by_role("link", name="Twoje przydziały").click()
    expect(page.get_by_role("table")).to_contain_text("wysłane (zablokowane)")
    expect(page.get_by_role("table")).to_contain_text("29 listopada 2019")


@pytest.mark.parametrize("lang", ["pl", "nb"])
def test_every_reviewer_page_meets_wcag_21_aa(
    page: Page, portal_url: str, tmp_path: Path, lang: str
) -> None:
    # One reviewer per language: each declares on its own assignment.
    sign_in(page, portal_url, {"pl": EWA, "nb": BJORN}[lang][2])
    if lang == "nb":
        page.get_by_role("button", name="Norsk bokmål").click()
        expect(page.locator("html")).to_have_attribute("lang", "nb")
    accessible(page)
    page.screenshot(path=tmp_path / f"assignments-{lang}.png", full_page=True)
    page.locator("td a").first.click()
    accessible(page)  # the declaration
    page.screenshot(path=tmp_path / f"declaration-{lang}.png", full_page=True)
    page.locator("#conflict-no").check()
    page.locator("form.stacked button").click()
    accessible(page)  # the outline and the score form
    page.locator("#points-relevance").fill("99")
    page.locator("button[value=draft]").click()
    accessible(page)  # the form with its problems
    page.screenshot(path=tmp_path / f"scores-{lang}.png", full_page=True)
