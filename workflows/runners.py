"""Worker processes for a flow's CPU-bound tasks: what they need from the flow's process.

The documents flow renders on a process pool or Dask; the intake flow
validates a big batch on a process pool. Both hand their workers the address
of the Prefect API server the flow reports to.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from prefect.client.orchestration import get_client
from prefect.settings import get_current_settings


@contextmanager
def workers_share_this_server() -> Iterator[None]:
    """Point the batch's worker processes at the API server this flow reports to.

    With no server configured (the embedded default), every worker process
    would start a temporary Prefect server of its own (some 6 s each, on the
    same database file as the flow's) before doing anything. Workers
    copy ``os.environ`` when they start: the pool's when the first task is
    submitted, a LocalCluster's then too, and again when Dask restarts a worker
    that died; so the flow's server address stays exported for the whole batch.
    """
    if get_current_settings().api.url:  # a real server or the test harness: workers find it
        yield
        return
    with get_client(sync_client=True) as client:
        os.environ["PREFECT_API_URL"] = str(client.api_url)
    try:
        yield
    finally:
        del os.environ["PREFECT_API_URL"]
