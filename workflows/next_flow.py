"""The flow a person's step hands on to, started on the Prefect server when there is one.

One decision for every entrypoint that records a human step (the CLI's
``next:`` lines; the portal calls :func:`start` too): with
``PREFECT_API_URL`` naming a server, the flow's deployment from
``prefect.yaml`` is started there and not waited for, and a worker runs it.
Without a server nothing starts here: the flow runs in-process when the
operator runs the command the ``next:`` line names (``grantflow run ...``).
Either way the flows are idempotent reconcilers (docs/architecture.md,
"Long-running human steps"), so a run started twice, or by its schedule as
well, changes nothing the second time.

Prefect is imported only when there is a server to talk to: a command that
records a decision stays fast without one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

from grantflow.domain.deadlines import parse_moment

LifecycleFlow = Literal["review", "selection", "partnership"]


@dataclass(frozen=True)
class NextFlow:
    flow: LifecycleFlow
    call_code: str
    # The step's --as-of, as the person gave it: the flow it hands on to runs at the same
    # moment (a step recorded on the programme's calendar must not be picked up "now").
    as_of: str | None = None

    @property
    def command(self) -> str:
        """What runs it in-process."""
        at = f" --as-of {self.as_of}" if self.as_of else ""
        return f"grantflow run {self.flow} --call {self.call_code}{at}"

    @property
    def parameters(self) -> dict[str, object]:
        """The deployment's parameters: the flow's own ``call_code`` and ``as_of``."""
        if self.as_of is None:
            return {"call_code": self.call_code}
        return {"call_code": self.call_code, "as_of": parse_moment(self.as_of)}

    @property
    def deployment(self) -> str:
        """Its deployment in ``prefect.yaml``: each is named after its flow."""
        return f"{self.flow}/{self.flow}"


@dataclass(frozen=True)
class Started:
    """A flow run created on the server; a worker picks it up."""

    deployment: str
    flow_run_name: str
    url: str  # the run's page in the Prefect UI


class NotStarted(Exception):
    """The server was named but did not take the run (unreachable, no such deployment)."""


def server() -> str | None:
    """The Prefect server's API this process talks to, if one is configured."""
    return os.environ.get("PREFECT_API_URL") or None


def start(step: NextFlow) -> Started | None:
    """Start ``step``'s deployment on the server without waiting for it; None without one."""
    api = server()
    if api is None:
        return None
    import httpx
    from prefect.client.schemas.objects import FlowRun
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound
    from prefect.utilities.urls import url_for

    try:
        # Not a subflow even when called inside a flow: the next step has a life of its own.
        run = run_deployment(
            step.deployment, parameters=step.parameters, timeout=0, as_subflow=False
        )
    except ObjectNotFound as exc:
        raise NotStarted(
            f"no deployment {step.deployment} on {api} (prefect deploy --all creates it)"
        ) from exc
    except httpx.HTTPError as exc:  # unreachable, or an error status after Prefect's retries
        raise NotStarted(
            f"the Prefect server at {api} did not start {step.deployment}: {exc}"
        ) from exc
    # run_deployment is typed for async callers too; called from sync code it returns the run.
    assert isinstance(run, FlowRun)
    return Started(step.deployment, run.name, url_for(run) or f"{api}/flow_runs/{run.id}")
