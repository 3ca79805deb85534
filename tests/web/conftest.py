"""One portal per test module on a real SQLite store under a temporary home."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from grantflow.web.app import create_app
from tests.web.portal_data import OPEN_DAY, add_cast, wiring_at


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
