"""A step recorded ``--as-of`` a day hands that moment on to the flow it starts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from prefect.client.schemas.objects import FlowRun

from workflows.next_flow import NextFlow, start

CALL = "stage1-outline"


def test_without_a_server_the_named_command_carries_the_steps_as_of() -> None:
    step = NextFlow("review", CALL, "2019-10-21")
    assert step.command == f"grantflow run review --call {CALL} --as-of 2019-10-21"
    assert NextFlow("review", CALL).command == f"grantflow run review --call {CALL}"


def test_on_a_server_the_deployment_gets_the_steps_moment_as_its_as_of_parameter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: dict[str, Any] = {}

    def run_deployment(name: str, **given: Any) -> FlowRun:
        asked.update(given, name=name)
        return FlowRun(flow_id=uuid4(), name="cheerful-elk")

    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    monkeypatch.setattr("prefect.deployments.run_deployment", run_deployment)
    started = start(NextFlow("partnership", "stage2-proposal", "2021-12-31T09:30"))
    assert started is not None and started.flow_run_name == "cheerful-elk"
    assert asked["name"] == "partnership/partnership"
    # 09:30 in Warsaw in winter is 08:30 UTC; the flow takes it as its clock.
    assert asked["parameters"] == {
        "call_code": "stage2-proposal",
        "as_of": datetime(2021, 12, 31, 8, 30, tzinfo=UTC),
    }
    assert asked["timeout"] == 0
