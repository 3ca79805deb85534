"""One portal server and one Chromium for the whole browser session.

The portal runs under uvicorn in a thread, on a free loopback port, over a
real SQLite store in a temporary home, its clock on 3 June 2019 (Stage 1
open). Chromium is Debian's (``tools/install_test_clients.sh`` installs it):
Playwright's own browser downloads are not reachable here. Each test gets a
fresh browser context, so its own cookies.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page

from grantflow.web.app import create_app
from tests.web.portal_data import OPEN_DAY, PASSWORD, add_cast, wiring_at


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def portal_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("browser-portal")
    wiring = wiring_at(home, OPEN_DAY)
    add_cast(wiring)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(wiring), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the portal did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def context(browser: Browser, portal_url: str) -> Iterator[BrowserContext]:
    opened = browser.new_context(
        base_url=portal_url,
        locale="pl-PL",
        accept_downloads=True,
        viewport={"width": 1200, "height": 900},
    )
    yield opened
    opened.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the pages are photographed (GRANTFLOW_SCREENSHOTS keeps them for a person)."""
    kept = os.environ.get("GRANTFLOW_SCREENSHOTS")
    folder = Path(kept) if kept else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sign_in(page: Page, email: str) -> None:
    """Sign in from the sign-in page, in whatever language it is shown."""
    if not page.url.endswith("/login"):
        page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/login'] button").click()
    page.wait_for_url("**/city")
