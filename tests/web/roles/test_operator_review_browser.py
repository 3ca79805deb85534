"""The operator reads the experts' comments and approves the ranking with a justified move,
in a real Chromium; axe-core on the application's page and the approval form in pl and nb."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.web.roles.roles_data import DEDUCTIONS, OPERATOR, call_assessed
from tests.web.roles.test_operator_donor_browser import speak
from tests.web.roles.test_reviewer_browser import accessible, sign_in

DROP = "Wałbrzych otrzymał już wsparcie na ten sam cel z innego programu."


@pytest.fixture(scope="module")
def applications(home: Path) -> dict[str, int]:
    """Both outlines scored with comments, assessed and ranked, waiting for approval."""
    return call_assessed(home)


@pytest.mark.parametrize("lang", ["pl", "nb"])
def test_the_ranking_form_and_an_applications_scores_meet_wcag_21_aa(
    page: Page, portal_url: str, tmp_path: Path, lang: str
) -> None:
    sign_in(page, portal_url, OPERATOR)
    speak(page, lang)
    page.goto(f"{portal_url}/operator/calls/stage1-outline#ranking")
    expect(page.locator("select[name^=decision-]")).to_have_count(2)
    accessible(page)  # the dashboard with the approval form
    page.locator("form[action$='/ranking'] td a").first.click()
    expect(page.locator("td.comment").first).to_be_visible()
    accessible(page)  # the application's scores with the comments
    page.screenshot(path=tmp_path / f"operator-scores-{lang}.png", full_page=True)


def test_an_operator_reads_the_comments_and_drops_an_application_with_its_justification(
    page: Page, portal_url: str, tmp_path: Path
) -> None:
    sign_in(page, portal_url, OPERATOR)
    speak(page, "pl")  # the account keeps the language the accessibility run chose
    page.get_by_role("link", name="stage1-outline").click()
    page.get_by_role("link", name="Wałbrzych").click()
    expect(page.get_by_role("heading", name="Oceny ekspertów")).to_be_visible()
    expect(page.get_by_role("row", name="Budżet i efektywność kosztowa").first).to_contain_text(
        DEDUCTIONS["budget"]
    )
    page.get_by_role("link", name="Nabór stage1-outline").click()

    page.get_by_label("Decyzja komisji dla: Wałbrzych").select_option("rejected")
    page.get_by_role("button", name="Zatwierdź listę rankingową").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Podaj uzasadnienie przeniesienia: Wałbrzych."
    )
    page.screenshot(path=tmp_path / "ranking-problem.png", full_page=True)

    page.get_by_label("Uzasadnienie przeniesienia: Wałbrzych").fill(DROP)
    page.get_by_role("button", name="Zatwierdź listę rankingową").click()
    expect(page.get_by_role("status")).to_contain_text("Lista rankingowa została zatwierdzona.")
    expect(page.get_by_role("row", name="Wałbrzych")).to_contain_text(DROP)
    expect(page.locator("select[name^=decision-]")).to_have_count(0)
    accessible(page)
    page.screenshot(path=tmp_path / "ranking-approved.png", full_page=True)
