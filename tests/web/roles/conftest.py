"""One call under assessment per test module, on a real SQLite store under a temporary home."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from grantflow.web.app import create_app
from tests.web.roles.roles_data import REVIEW_DAY, call_under_assessment, wiring_at


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roles-home")


@pytest.fixture(scope="module")
def applications(home: Path) -> dict[str, int]:
    """Chełm's and Zamość's application ids."""
    return call_under_assessment(home)


@pytest.fixture
def client(home: Path, applications: dict[str, int]) -> Iterator[TestClient]:
    """A browser of its own (its own cookies) on the portal on the review day."""
    with TestClient(create_app(wiring_at(home, REVIEW_DAY))) as browser:
        yield browser
