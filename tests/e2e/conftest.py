"""End-to-end fixtures: one Prefect test server and one demo run for the whole session.

Starting Prefect's server takes 5-12 s, so every flow test of a test
process shares the one ``prefect_test_harness`` started here. The demo takes
2-4 minutes, so the tests that only read what it leaves share one run.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.test_cli import grantflow
from workflows.prefect_env import SERVER_DEFAULTS

# pytest-xdist runs a session fixture once per worker: the tests that read the
# demo's run go to one worker together (``--dist loadgroup`` in pyproject.toml).
DEMO_GROUP = pytest.mark.xdist_group("demo")


@dataclass(frozen=True)
class DemoRun:
    """``grantflow demo`` as a user runs it on a fresh home: what it printed, what it left."""

    home: Path
    run: subprocess.CompletedProcess[str]


@pytest.hookimpl(tryfirst=True)  # before xdist names each test's group from its marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "demo_run" in getattr(item, "fixturenames", ()):
            item.add_marker(DEMO_GROUP)


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """One demo on a fresh home for the session; its readers must not change the home."""
    root = tmp_path_factory.mktemp("demo")
    home = root / "demo"
    # The demo takes 2-4 minutes on two idle cores; shared with other work, more.
    run = grantflow("demo", "--home", str(home), home=root / "unused", timeout=900)
    return DemoRun(home, run)


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
