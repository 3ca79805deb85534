"""Prefect's environment for grantflow's commands: call ``configure`` before importing prefect.

Prefect reads its settings when it is first imported, so the CLI calls this
first thing in ``submit`` and ``demo`` and imports the flows afterwards.
Settings a user has already exported win: a production setup with
``PREFECT_API_URL`` (a real server), its own ``PREFECT_HOME`` or its own
``PREFECT_LOGGING_SETTINGS_PATH`` is left alone. Prefect's log lines (one
or more per task run) go to a file under the home, not to the screen
(``workflows/logging.yml``): a command's output is its answer.
A server configured only in a profile under ``~/.prefect`` is not seen once
``PREFECT_HOME`` points elsewhere: export ``PREFECT_API_URL`` (or
``PREFECT_HOME=~/.prefect``) for that setup.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVER_DEFAULTS = {
    # The ephemeral server's telemetry heartbeat writes to Prefect's SQLite
    # database while the server migrates and serves the flow run, and logs
    # "database is locked" tracebacks when it loses. Nothing needs it here.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # The ephemeral server migrates its database before it answers; on a
    # busy two-core machine that took longer than Prefect's default 20 s,
    # and the command failed before doing anything.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


LOGGING_CONFIG = Path(__file__).with_name("logging.yml")


def configure(home: Path) -> Path:
    """``home``: GRANTFLOW_HOME of the command; Prefect's files go below it.

    Returns the file Prefect's log lines go to."""
    for name, value in SERVER_DEFAULTS.items():
        os.environ.setdefault(name, value)
    # Prefect's own database (flow runs, artifacts) next to grantflow's: a
    # fresh machine needs no ~/.prefect, and two homes (the demo's, a
    # real one) never share, and never lock, one Prefect database.
    prefect_home = Path(os.environ.setdefault("PREFECT_HOME", str(home / "prefect")))
    # Prefect creates its home without parents: on a fresh GRANTFLOW_HOME its
    # server would then fail to open its database.
    prefect_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_LOGGING_SETTINGS_PATH", str(LOGGING_CONFIG))
    log = Path(
        os.environ.setdefault(
            "PREFECT_LOGGING_HANDLERS_FILE_FILENAME", str(home / "logs" / "prefect.log")
        )
    )
    log.parent.mkdir(parents=True, exist_ok=True)
    return log


@contextmanager
def temporary_server_starting() -> Iterator[None]:
    """Start Prefect's temporary server in the background while the block runs.

    Without ``PREFECT_API_URL`` the first flow run starts a temporary server
    and waits for it: on two cores that took 6 to 20 s of the demo, most of
    it Prefect migrating a new database. Started here, it migrates while the
    command imports the flows and their document renderers; leaving the
    block waits for it, so the first flow run finds it up. With a server
    named, there is nothing to start.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    starting = threading.Thread(target=_start_temporary_server, name="prefect-server-start")
    starting.start()
    try:
        yield
    finally:
        starting.join()


def _start_temporary_server() -> None:
    from prefect.client.orchestration import get_client

    # The server outlives this client: Prefect stops it when the process ends.
    # A server that fails to start here fails again, with its reason, in the
    # first flow run, which is where the command reports errors.
    try:
        with get_client(sync_client=True) as client:
            client.api_healthcheck()
    except Exception:
        return


@contextmanager
def flow_runs_here() -> Iterator[None]:
    """Flow runs in this process on Prefect's temporary server: without heartbeats.

    A flow run's heartbeat lets a server notice a run whose process died. With
    no server named, the process running the flows is the one that started the
    temporary server and stops it when it ends: nobody is left to notice. And a
    heartbeat costs a short flow run most of a second at its end (the heartbeat
    thread sleeps in one-second steps and the run waits for it): ten empty
    subflows took 11.2 s with heartbeats and 1.6 s without, and the demo runs
    18 flow runs. With ``PREFECT_API_URL`` set, flow runs keep their heartbeats.
    """
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
