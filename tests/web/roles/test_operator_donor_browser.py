"""The operator's and the donor's pages in a real Chromium, and axe-core on each in pl and nb.

The portal's clock stands on 14 June 2021, when the Stage 2 cities sign their partnership
agreements; the Stage 1 outlines are checked on it too (nothing there depends on the day).
"""

from __future__ import annotations

import re
import subprocess
import time
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.integration.clients import read_maildir
from tests.web.portal_data import PASSWORD, wiring_at
from tests.web.roles.roles_data import (
    BODO,
    OPERATOR,
    SIGNING_DAY,
    STAGE2,
    TROMSO,
    add_donor_accounts,
    select_proposals,
    submit_proposals,
    submit_sample,
)
from tests.web.roles.test_reviewer_browser import accessible, sign_in

LANGUAGE_BUTTON = {"pl": "Polski", "nb": "Norsk bokmål"}
PARTNERSHIPS_LINK = "Partnerstwa: propozycje, potwierdzenia i podpisane umowy"


@pytest.fixture(scope="module")
def portal_day() -> datetime:
    return SIGNING_DAY


@pytest.fixture(scope="module", autouse=True)
def cast(home: Path, applications: dict[str, int]) -> None:
    add_donor_accounts(home)
    for sample in ("brzeg.xlsx", "konin.xlsx"):
        submit_sample(home, sample)


@pytest.fixture(scope="module")
def proposals(home: Path, cast: None) -> dict[str, int]:
    """Chełm's and Konin's Stage 2 proposals, waiting for the formal check."""
    return submit_proposals(home)


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


def test_an_operator_takes_a_call_from_formal_check_to_an_agreement_its_donor_then_sees(
    page: Page,
    browser: Browser,
    portal_url: str,
    home: Path,
    proposals: dict[str, int],
    tmp_path: Path,
) -> None:
    sign_in(page, portal_url, OPERATOR)
    page.goto(f"{portal_url}/operator/calls/{STAGE2}")
    for application_id in proposals.values():
        page.get_by_label(f"Wniosek {application_id}", exact=True).check()
    page.get_by_label("Poprawny formalnie").check()
    page.get_by_role("button", name="Zapisz ocenę formalną").click()
    expect(page.get_by_role("status")).to_contain_text("Zapisano ocenę formalną wniosków: 2.")
    select_proposals(home, proposals)  # the experts' scores and the committee's decision

    # Bodø registers its interest in Norwegian; the real matcher proposes it a city.
    donor = browser.new_context(locale="nb-NO").new_page()
    sign_in_nb(donor, portal_url, BODO[2])
    donor.get_by_label("Kommune", exact=True).fill(BODO[1])
    donor.get_by_label("Fylke eller region").fill("Nordland")
    donor.get_by_label("Miljø og energi").check()
    donor.get_by_label("Kunnskapsutveksling").check()
    donor.get_by_label("E-postadresse til kontaktpunktet").fill(BODO[2])
    donor.get_by_role("button", name="Lagre interessen").click()
    expect(donor.get_by_role("status")).to_contain_text("Interessen er registrert")
    with wiring_at(home, SIGNING_DAY) as wiring, wiring.unit_of_work() as uow:
        [match] = [p for p in uow.partnerships.list() if p.donor_code == BODO[0]]
        city = uow.applications.get(match.application_id).city_name
    expect(donor.get_by_role("table")).to_contain_text(city)
    expect(donor.get_by_role("table")).to_contain_text("foreslått av koblingen")

    page.get_by_role("link", name=PARTNERSHIPS_LINK).click()
    proposal = page.get_by_role("table", name="Propozycje dopasowania wraz z uzasadnieniem")
    expect(proposal).to_contain_text("Bodø kommune")
    expect(proposal).to_contain_text("Wspólne tematy: Środowisko i energia")
    accessible_in_pl_and_nb(page)
    speak(page, "nb")
    page.get_by_role("button", name="Bekreft de avkryssede forslagene").click()
    expect(page.get_by_role("alert")).to_contain_text("Velg minst ett forslag.")
    accessible(page)
    page.goto(f"{portal_url}/operator/calls/{STAGE2}/partnerships")
    speak(page, "pl")
    page.get_by_role("button", name="Potwierdź zaznaczone propozycje").click()
    expect(page.get_by_role("alert")).to_contain_text("Zaznacz co najmniej jedną propozycję.")
    accessible(page)
    page.get_by_label(city, exact=True).check()
    page.get_by_role("button", name="Potwierdź zaznaczone propozycje").click()
    expect(page.get_by_role("status")).to_contain_text("Potwierdzone partnerstwa: 1.")
    accessible_in_pl_and_nb(page)

    page.get_by_label("Dzień podpisania umowy").fill("2021-06-11")
    page.get_by_role("button", name="Zapisz podpisanie umowy").click()
    expect(page.get_by_role("status")).to_contain_text("Podpisanie zapisano")
    accessible_in_pl_and_nb(page)
    page.screenshot(path=tmp_path / "operator-partnerships.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Umowa partnerska, {city} (PDF)").click()
    agreement = tmp_path / "umowa.pdf"
    download.value.save_as(agreement)
    text = pdftotext(agreement)
    assert city in text and "Bodø kommune" in text and "11 czerwca 2021" in text

    donor.reload()
    expect(donor.get_by_role("table")).to_contain_text("avtale signert")
    with donor.expect_download() as download:
        donor.get_by_role("link", name="Partnerskapsavtale (PDF)").click()
    received = tmp_path / "avtale.pdf"
    download.value.save_as(received)
    assert "Bodø kommune" in pdftotext(received)
    donor.screenshot(path=tmp_path / "donor-agreement.png", full_page=True)
    donor.context.close()


def test_an_invitation_followed_from_the_mail_in_the_outbox_ends_on_a_signed_in_page(
    page: Page, browser: Browser, portal_url: str, home: Path, tmp_path: Path
) -> None:
    sign_in(page, portal_url, OPERATOR)
    page.get_by_role("link", name="Zaproś kogoś do portalu").click()
    accessible_in_pl_and_nb(page)
    page.get_by_role("button", name="Wyślij zaproszenie").click()
    expect(page.get_by_role("alert")).to_contain_text("Nikogo nie zaproszono")
    accessible(page)
    page.get_by_label("Adres e-mail").fill(HAMAR)
    page.get_by_label("Gmina z państwa-darczyńcy (powiązana z jej kodem)").check()
    page.get_by_label("Powiązanie: kod TERYT, kod eksperta albo kod gminy partnerskiej").fill(
        "NO-3403"
    )
    page.get_by_label("Język zaproszenia i konta").select_option("nb")
    page.get_by_role("button", name="Wyślij zaproszenie").click()
    expect(page.get_by_role("status")).to_contain_text(f"Zaproszenie do {HAMAR} zostało wysłane")

    link = invitation_link(home, HAMAR).replace("http://127.0.0.1:8000", portal_url)
    invitee = browser.new_context(locale="nb-NO").new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", name="Velg passordet ditt")).to_be_visible()
    accessible_in_pl_and_nb(invitee)
    speak(invitee, "nb")
    invitee.get_by_label("Passord (minst 12 tegn)").fill("Hamar-Rådhus-2021")
    invitee.get_by_label("Det samme passordet en gang til").fill("Hamar-Rådhus-2021")
    invitee.get_by_role("button", name="Opprett kontoen og logg inn").click()
    expect(invitee.get_by_role("heading", name="Meld interesse")).to_be_visible()
    expect(invitee.get_by_text(f"Logget inn som {HAMAR}")).to_be_visible()
    invitee.screenshot(path=tmp_path / "invitee-signed-in.png", full_page=True)

    invitee.goto(link)
    expect(invitee.get_by_role("heading")).to_contain_text("allerede brukt")
    accessible(invitee)
    invitee.context.close()


HAMAR = "postmottak@hamar.kommune.no"


def invitation_link(home: Path, email: str) -> str:
    """The link of the invitation mailed to ``email``: the portal delivers its outbox just
    after answering the form, so the test waits for the Maildir a few seconds at most."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        box = home / "outbox"
        mails = [m for m in read_maildir(box) if m["To"] == email] if box.is_dir() else []
        if mails:
            body = mails[0].get_body(preferencelist=("plain",))
            assert body is not None
            [link] = re.findall(r"https?://\S+/invitations/[\w-]+", body.get_content())
            return link
        time.sleep(0.1)
    raise AssertionError(f"no invitation to {email} in the outbox")


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def accessible_in_pl_and_nb(page: Page) -> None:
    """axe on the page, in Norwegian and back in Polish (the switch shows it again)."""
    speak(page, "nb")
    accessible(page)
    speak(page, "pl")
    accessible(page)


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
