"""Flow runs in a grantflow command: heartbeats only where a server can watch them."""

from __future__ import annotations

import pytest
from prefect import flow
from prefect.settings import get_current_settings

from workflows.prefect_env import flow_runs_here


@flow
def heartbeat_every() -> int | None:
    return get_current_settings().flows.heartbeat_frequency


def test_a_flow_run_on_the_temporary_server_sends_no_heartbeats(
    prefect_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with flow_runs_here():
        assert heartbeat_every() is None


def test_a_flow_run_reporting_to_a_named_server_keeps_its_heartbeats(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://prefect.gmina-bodo.example:4200/api")
    configured = get_current_settings().flows.heartbeat_frequency
    with flow_runs_here():
        assert get_current_settings().flows.heartbeat_frequency == configured is not None
