"""One portal per test module on a real SQLite store under a temporary home, and one
Chromium for every browser test of the session.

Playwright's sync API runs one driver per thread: the city's and the roles' browser
tests share this one (a second ``sync_playwright`` in the same worker is refused).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Playwright, sync_playwright

from grantflow.web.app import create_app
from tests.web.portal_data import OPEN_DAY, add_cast, wiring_at

INSTALL = "install it with tools/install_test_clients.sh (Debian package chromium)"


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(f"the browser tests need Chromium: {INSTALL}")
    return found


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("portal-home")
    wiring = wiring_at(path, OPEN_DAY)
    add_cast(wiring)
    wiring.close()
    return path


@pytest.fixture
def client(home: Path) -> Iterator[TestClient]:
    """A browser of its own (its own cookies) on the portal while Stage 1 is open."""
    with TestClient(create_app(wiring_at(home, OPEN_DAY))) as browser:
        yield browser


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # Chromium's sandbox needs user namespaces, which root in a container lacks.
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    launched = playwright.chromium.launch(executable_path=chromium_path(), args=args)
    yield launched
    launched.close()
