"""``benchmarks/prefect_share.py`` charges each sample of a profile to the right party."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "prefect_share.py"
MAIN = 'process 101:"python3 /usr/bin/grantflow demo --home /tmp/Łomża"'
WORKER = 'process 202:"python3 -B -c from multiprocessing.spawn import spawn_main"'
COMMAND = "<module> (grantflow:8);demo (grantflow/cli/flows.py:215)"
FLOW = f"{COMMAND};Flow.__call__ (prefect/flows.py:1887);demo (workflows/demo/flow.py:110)"


@pytest.fixture(scope="module")
def share() -> ModuleType:
    spec = importlib.util.spec_from_file_location("prefect_share", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_sample_of_the_demo_is_charged_to_grantflow_prefect_or_waiting_for_tasks(
    share: ModuleType, tmp_path: Path
) -> None:
    samples = {
        # The demo's own work: a ledger entry for Chełm, and the PDF library it calls.
        f"{MAIN};{FLOW};reserve (grantflow/services/lifecycle.py:88)": 10,
        f"{MAIN};{FLOW};render (workflows/documents.py:90);write_pdf (weasyprint/__init__.py:2)": 6,
        # Prefect reporting a state, and the command waiting for the temporary server.
        f"{MAIN};{FLOW};Flow.__call__ (prefect/flows.py:1887);"
        "PrefectHttpxSyncClient.send (prefect/client/base.py:3);"
        "read (httpcore/_sync/http11.py:9)": 5,
        f"{MAIN};{COMMAND};_GeneratorContextManager.__exit__ (contextlib.py:144);"
        "temporary_server_starting (workflows/prefect_env.py:80);"
        "Thread.join (threading.py:1119)": 4,
        # Imports inside the block that starts the server are grantflow's.
        f"{MAIN};{COMMAND};temporary_server_starting (workflows/prefect_env.py:78);"
        "<module> (workflows/demo/flow.py:1)": 3,
        # Waiting for the documents' task runs in the pool.
        f"{MAIN};{FLOW};as_completed (prefect/futures.py:500);wait (threading.py:331)": 8,
        # Another thread of the command (Prefect's event loop) is not the command's time.
        f"{MAIN};_bootstrap (threading.py:995);run_forever (asyncio/base_events.py:607)": 50,
        # A worker: inside the task, in Prefect's task engine around it, idle.
        f"{WORKER};run_task_sync (prefect/task_engine.py:1755);"
        "SyncTaskRunEngine.call_task_fn (prefect/task_engine.py:1075);"
        "render_chunk (workflows/documents.py:86)": 9,
        f"{WORKER};run_task_sync (prefect/task_engine.py:1755);"
        "SyncTaskRunEngine.set_state (prefect/task_engine.py:600)": 3,
        f"{WORKER};_process_worker (concurrent/futures/process.py:240);get (queues.py:103)": 40,
    }
    raw = tmp_path / "profile.raw"
    raw.write_text("".join(f"{stack} {n}\n" for stack, n in samples.items()), encoding="utf-8")

    seconds = share.attribute(raw, rate=2)

    assert seconds["grantflow"] == (10 + 6 + 3) / 2
    assert seconds["prefect"] == (5 + 4) / 2
    assert seconds["waiting"] == 8 / 2
    assert seconds["worker_prefect_fraction"] == 3 / (9 + 3)


def test_the_measured_demo_keeps_none_of_the_callers_settings_but_the_server_it_is_given(
    share: ModuleType,
) -> None:
    caller = {
        "PATH": "/usr/bin",
        "PREFECT_API_URL": "http://stare.example/api",
        "PREFECT_HOME": "/root/.prefect",
        "GRANTFLOW_HOME": "/srv/grantflow-zamość",
    }
    assert share.command_environment(caller, None) == {"PATH": "/usr/bin"}
    assert share.command_environment(caller, "http://127.0.0.1:4200/api") == {
        "PATH": "/usr/bin",
        "PREFECT_API_URL": "http://127.0.0.1:4200/api",
    }
