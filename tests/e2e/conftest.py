"""End-to-end fixtures: one Prefect test server for the whole session.

Starting Prefect's server takes 5-12 s, so every flow test of a test
process shares the one ``prefect_test_harness`` started here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from workflows.prefect_env import SERVER_DEFAULTS


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    # The server subprocess inherits the environment: without these it logs
    # telemetry "database is locked" tracebacks into the test output.
    for name, value in SERVER_DEFAULTS.items():
        os.environ.setdefault(name, value)
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture
def grantflow_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh GRANTFLOW_HOME with its embedded store, as the flows read it."""
    home = tmp_path / "home"
    monkeypatch.setenv("GRANTFLOW_HOME", str(home))
    monkeypatch.setenv("GRANTFLOW_DATABASE_URL", f"sqlite:///{home / 'grantflow.db'}")
    return home
