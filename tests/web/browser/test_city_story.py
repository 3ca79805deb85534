"""A city's story in a real Chromium: blank form, upload, the Polish report, the correction.

One story with the mouse (Playwright's clicks), one with the keyboard alone.
The forms are filled as a city fills them: the downloaded blank form opened
in openpyxl and its value cells typed in.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.web.browser.conftest import sign_in
from tests.web.portal_data import BAD_NIP, CHELM, PASSWORD, ZAMOSC, fill_blank


def download_blank(page: Page, trigger: object) -> bytes:
    with page.expect_download() as download:
        trigger()  # type: ignore[operator]
    return Path(download.value.path()).read_bytes()


def test_a_city_fills_the_blank_form_reads_its_polish_report_and_corrects_it(
    page: Page, tmp_path: Path, screenshots: Path
) -> None:
    sign_in(page, CHELM[0])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chełm")
    page.screenshot(path=screenshots / "city-dashboard-pl.png", full_page=True)

    blank = download_blank(
        page, lambda: page.get_by_role("link", name="Formularz zarysu projektu (.xlsx)").click()
    )
    wrong = tmp_path / "zarys-chelm.xlsx"
    wrong.write_bytes(fill_blank(blank, CHELM[1], {"nip": BAD_NIP}))
    page.get_by_label("Wypełniony formularz").set_input_files(wrong)
    page.get_by_role("button", name="Prześlij i sprawdź").click()

    expect(page.get_by_role("status")).to_contain_text("Przyjęto jako wersję 1.")
    row = page.get_by_role("row").filter(has_text="C6")
    expect(row).to_contain_text("Applicant")
    expect(row).to_contain_text(
        f"NIP „{BAD_NIP}” jest nieprawidłowy: cyfra kontrolna się nie zgadza."
    )
    page.screenshot(path=screenshots / "city-report-v1-pl.png", full_page=True)

    page.get_by_role("link", name="Wróć do wniosku").click()
    page.get_by_role("link", name="Wróć do swoich wniosków").click()
    fixed = tmp_path / "zarys-chelm-poprawiony.xlsx"
    fixed.write_bytes(fill_blank(blank, CHELM[1]))
    page.get_by_label("Wypełniony formularz").set_input_files(fixed)
    page.get_by_role("button", name="Prześlij i sprawdź").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Chełm: Wersja 2")
    expect(page.locator(".report strong")).to_have_text("poprawny")
    page.get_by_role("link", name="Wróć do wniosku").click()
    versions = page.get_by_role("table").first
    expect(versions).to_contain_text("zarys-chelm-poprawiony.xlsx")
    expect(versions).to_contain_text("1 błąd, 0 ostrzeżeń")
    page.screenshot(path=screenshots / "city-application-pl.png", full_page=True)


def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until ``selector`` has the focus, as a keyboard user moves through a page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_a_city_does_its_whole_story_with_the_keyboard_alone(
    page: Page, tmp_path: Path, screenshots: Path
) -> None:
    # Playwright turns Chromium's file-chooser interception on while a listener exists,
    # without waiting for Chromium's answer: with only `expect_file_chooser`'s listener,
    # the second Space could reach the input first under load, and no chooser came.
    # A listener for the whole story keeps interception on from the start.
    page.on("filechooser", lambda _: None)
    page.goto("/login")
    tab_to(page, "#email")
    page.keyboard.type(ZAMOSC[0])
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/city")

    tab_to(page, "a[href='/city/forms/outline.xlsx']")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    blank = Path(download.value.path()).read_bytes()
    filled = tmp_path / "zarys-zamosc.xlsx"
    filled.write_bytes(fill_blank(blank, ZAMOSC[1], {"nip": BAD_NIP}))

    tab_to(page, "#file")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(filled)
    tab_to(page, "form[action='/city/uploads'] button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/versions/1?received=1")
    expect(page.get_by_role("row").filter(has_text="C6")).to_contain_text(BAD_NIP)
    page.screenshot(path=screenshots / "city-keyboard-report.png", full_page=True)

    # Back to the dashboard, the corrected file, and the application page: all by keys.
    tab_to(page, "a[href^='/city/applications/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/city/applications/\d+$"))
    tab_to(page, "a[href='/city']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/city$"))
    filled.write_bytes(fill_blank(blank, ZAMOSC[1]))
    tab_to(page, "#file")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(filled)
    tab_to(page, "form[action='/city/uploads'] button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/versions/2?received=1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zamość: Wersja 2")
    tab_to(page, "a[href$='/report.xlsx']")
    with page.expect_download() as report:
        page.keyboard.press("Enter")
    assert report.value.suggested_filename == "report-v2-pl.xlsx"

    # Signing out is a form too.
    tab_to(page, "form[action='/logout'] button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/login")
