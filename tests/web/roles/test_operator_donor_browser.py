"""The operator's and the donor's pages in a real Chromium, and axe-core on each in pl and nb."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from grantflow.services.ports.partners import Partnership, PartnershipStatus
from tests.web.portal_data import PASSWORD, wiring_at
from tests.web.roles.roles_data import (
    BODO,
    OPERATOR,
    REVIEW_DAY,
    TROMSO,
    add_donor_accounts,
    submit_sample,
)
from tests.web.roles.test_reviewer_browser import accessible, sign_in

LANGUAGE_BUTTON = {"pl": "Polski", "nb": "Norsk bokmål"}


@pytest.fixture(scope="module", autouse=True)
def cast(home: Path, applications: dict[str, int]) -> None:
    add_donor_accounts(home)
    for sample in ("brzeg.xlsx", "konin.xlsx"):
        submit_sample(home, sample)


def speak(page: Page, lang: str) -> None:
    page.get_by_role("button", name=LANGUAGE_BUTTON[lang]).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def test_an_operator_checks_a_batch_and_downloads_an_application_pdf(
    page: Page, portal_url: str, tmp_path: Path
) -> None:
    sign_in(page, portal_url, OPERATOR)
    page.get_by_role("link", name="stage1-outline").click()
    page.get_by_label("Wniosek", exact=False).first.check()
    page.get_by_label("Odrzucony (podaj uzasadnienie)").check()
    page.get_by_role("button", name="Zapisz ocenę formalną").click()
    expect(page.get_by_role("alert")).to_contain_text("Podaj uzasadnienie")
    page.screenshot(path=tmp_path / "operator-problem.png", full_page=True)

    page.get_by_label("Poprawny formalnie").check()
    page.get_by_role("button", name="Zapisz ocenę formalną").click()
    expect(page.get_by_role("status")).to_contain_text("Zapisano ocenę formalną wniosków: 1.")

    page.get_by_label("Dokument", exact=True).select_option("application")
    page.get_by_role("button", name="Wygeneruj").click()
    expect(page.get_by_role("status")).to_contain_text("Wygenerowano dokumenty")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").first.click()
    saved = tmp_path / "wniosek.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    page.screenshot(path=tmp_path / "operator-dashboard.png", full_page=True)


def test_a_donor_registers_in_norwegian_and_sees_its_match(
    page: Page, portal_url: str, home: Path, applications: dict[str, int], tmp_path: Path
) -> None:
    sign_in_nb(page, portal_url, BODO[2])
    expect(page.get_by_role("heading", name="Meld interesse")).to_be_visible()
    page.get_by_label("Kommune", exact=True).fill(BODO[1])
    page.get_by_label("Fylke eller region").fill("Nordland")
    page.get_by_label("Miljø og energi").check()
    page.get_by_label("Kunnskapsutveksling").check()
    page.get_by_label("E-postadresse til kontaktpunktet").fill(BODO[2])
    page.get_by_role("button", name="Lagre interessen").click()
    expect(page.get_by_role("status")).to_contain_text("Interessen er registrert")
    # The matching's proposal, as partners propose stores it.
    with wiring_at(home, REVIEW_DAY) as wiring, wiring.unit_of_work() as uow:
        uow.partnerships.save(
            Partnership(applications["Wałbrzych"], BODO[0], PartnershipStatus.PROPOSED, 3, "themes")
        )
        uow.commit()
    page.reload()
    expect(page.get_by_role("table")).to_contain_text("Wałbrzych")
    page.screenshot(path=tmp_path / "donor-matched.png", full_page=True)


def sign_in_nb(page: Page, portal_url: str, email: str) -> None:
    """A donor account speaks Norwegian: its sign-in page is the browser's language."""
    page.goto(f"{portal_url}/login")
    speak(page, "nb")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


@pytest.mark.parametrize("lang", ["pl", "nb"])
def test_every_operator_and_donor_page_meets_wcag_21_aa(
    page: Page, portal_url: str, lang: str, tmp_path: Path
) -> None:
    sign_in(page, portal_url, OPERATOR)
    speak(page, lang)
    accessible(page)  # the calls
    page.locator("a[href='/operator/calls/stage1-outline']").click()
    accessible(page)  # the dashboard
    page.locator("form[action$='/formal-checks'] button").click()
    accessible(page)  # the dashboard with its problems
    page.screenshot(path=tmp_path / f"operator-{lang}.png", full_page=True)
    page.goto(f"{portal_url}/operator/audit")
    accessible(page)
    speak(page, "pl")
    page.locator("form[action='/logout'] button").click()

    sign_in(page, portal_url, TROMSO[2])
    speak(page, lang)
    accessible(page)  # the interest form
    page.locator("form[action='/donor'] button[type=submit]").click()
    accessible(page)  # the form with its problems
    page.screenshot(path=tmp_path / f"donor-{lang}.png", full_page=True)
