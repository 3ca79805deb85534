"""The documents flow on a Dask cluster: the same files as on the process pool, and a
worker that dies mid-batch loses no document.

The cluster is a two-worker ``LocalCluster`` the test starts and names in
``GRANTFLOW_DASK_ADDRESS``, as an operator names a scheduler on another machine.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster, Worker
from prefect.settings import get_current_settings

from grantflow.services.documents.kinds.agreement import AGREEMENT, AgreementDocument
from grantflow.services.documents.rendering import RenderRequest
from grantflow.validation import form as forms
from tests.unit.programme_document_factories import PROGRAMME_NAMES, chelm_agreement
from workflows.documents import generate_documents

FORM = forms.load("outline")


def _agreements(folder: Path, count: int) -> list[RenderRequest]:
    """``count`` partnership agreements of Chełm, in Polish, alternately docx and PDF."""
    return [
        AGREEMENT.request(
            AgreementDocument(
                chelm_agreement(number=f"LD/PART/2021/{n:03}"), FORM, PROGRAMME_NAMES
            ),
            lang="pl",
            fmt=fmt,
            target=folder / f"umowa-{n:03}.{fmt}",
        )
        for n in range(1, count // 2 + 1)
        for fmt in ("docx", "pdf")
    ]


def _files(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.name != "manifest.json"
    }


def _tasks_run(dask_worker: Worker) -> int:
    """How many tasks this Dask worker has run (``Client.run`` passes the worker)."""
    return dask_worker.state.executed_count


@pytest.fixture(scope="module")
def cluster(prefect_server: None) -> Iterator[LocalCluster]:
    # Dask's workers copy the environment when they start: they report their
    # task runs to the test's Prefect server, as workers of a real one would.
    os.environ["PREFECT_API_URL"] = str(get_current_settings().api.url)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True) as local:
        yield local
    del os.environ["PREFECT_API_URL"]


@pytest.fixture
def on_dask(cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch) -> LocalCluster:
    monkeypatch.setenv("GRANTFLOW_DASK_ADDRESS", cluster.scheduler_address)
    return cluster


@pytest.mark.slow
class TestDocumentsOnDask:
    def test_a_batch_on_two_dask_workers_gives_the_files_of_the_process_pool(
        self, tmp_path: Path, cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("GRANTFLOW_DASK_ADDRESS", raising=False)
        pool = generate_documents(_agreements(tmp_path / "pool", 6), str(tmp_path / "pool"))
        monkeypatch.setenv("GRANTFLOW_DASK_ADDRESS", cluster.scheduler_address)
        with Client(cluster) as client:
            before = sum(client.run(_tasks_run).values())
            dask = generate_documents(_agreements(tmp_path / "dask", 6), str(tmp_path / "dask"))
            ran_on_dask = sum(client.run(_tasks_run).values()) - before
        assert pool.failures == dask.failures == []
        assert ran_on_dask == 2  # six documents in chunks of four
        assert len(_files(tmp_path / "pool")) == 6
        assert _files(tmp_path / "dask") == _files(tmp_path / "pool")
        assert [d.sha256 for d in dask.documents] == [d.sha256 for d in pool.documents]

    def test_a_worker_killed_mid_batch_loses_no_document(
        self, tmp_path: Path, on_dask: LocalCluster
    ) -> None:
        requests = _agreements(tmp_path, 16)
        with Client(on_dask) as client:
            worker_pids = list(client.run(os.getpid).values())
        batch_over = threading.Event()
        killed: list[int] = []

        def kill_a_worker_once_rendering_started() -> None:
            while not any(tmp_path.glob("umowa-*")):
                if batch_over.wait(0.05):
                    return
            os.kill(worker_pids[0], signal.SIGKILL)
            killed.append(worker_pids[0])

        killer = threading.Thread(target=kill_a_worker_once_rendering_started)
        killer.start()
        try:
            result = generate_documents(requests, str(tmp_path), chunk_size=2)
        finally:
            batch_over.set()
            killer.join()
        assert killed, "the batch ended before a worker could be killed"
        # Dask's scheduler ran the dead worker's chunk again on the other worker.
        assert result.failures == []
        assert [d.path for d in result.documents] == [r.target for r in requests]
        assert _files(tmp_path) == {d.path.name: d.sha256 for d in result.documents}
