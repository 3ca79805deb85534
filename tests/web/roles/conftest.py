"""One call under assessment per test module, on a real SQLite store under a temporary home;
the portal served on loopback and Debian's Chromium for the browser stories."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page

from grantflow.web.app import create_app
from tests.web.portal_data import wiring_at
from tests.web.roles.roles_data import REVIEW_DAY, call_under_assessment


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roles-home")


@pytest.fixture(scope="module")
def applications(home: Path) -> dict[str, int]:
    """Krasnystaw's and Wałbrzych's application ids."""
    return call_under_assessment(home)


@pytest.fixture(scope="module")
def portal_day() -> datetime:
    """The portal's clock: the review day, unless a module's story happens later."""
    return REVIEW_DAY


@pytest.fixture
def client(home: Path, applications: dict[str, int], portal_day: datetime) -> Iterator[TestClient]:
    """A browser of its own (its own cookies) on the portal on its day."""
    with TestClient(create_app(wiring_at(home, portal_day))) as browser:
        yield browser


@pytest.fixture(scope="module")
def portal_url(home: Path, applications: dict[str, int], portal_day: datetime) -> Iterator[str]:
    """The portal served by uvicorn on loopback (a free port) for the module's browser."""
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(wiring_at(home, portal_day)), host="127.0.0.1", port=0, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the portal did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser window (its own cookies)."""
    context = browser.new_context(locale="pl-PL")
    yield context.new_page()
    context.close()
