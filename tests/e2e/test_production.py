"""Production as docs/production.md describes it, on a real Prefect server.

The test reads the guide's commands (its ``sh`` blocks, the ``export``
lines of settings aside) and runs each literally, with settings of its own:
two PostgreSQL databases it creates (Prefect's, grantflow's) and drops,
free ports on 127.0.0.1, a temporary GRANTFLOW_HOME. Every process it
starts (the server, a Prefect worker, a Dask scheduler and worker) runs in
a session of its own and is stopped, with everything it started, at the end,
passed or failed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from grantflow.adapters.store import SqlUnitOfWork, make_engine, normalise_url
from tests.integration.store_fixtures import postgres_url, require_postgres

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "production.md"
SAMPLES = ROOT / "samples" / "outlines"
STARTUP_S = 180  # the server migrates Prefect's database first; the machine is shared


class Guide:
    """The guide's commands, each looked up by how it starts; :meth:`unused` says which
    the test has not run."""

    def __init__(self, path: Path) -> None:
        blocks = re.findall(r"```sh\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
        lines = (line.strip() for block in blocks for line in block.splitlines())
        settings = ("#", "export ")
        self.commands = list(dict.fromkeys(c for c in lines if c and not c.startswith(settings)))
        self.used: set[str] = set()

    def __getitem__(self, start: str) -> str:
        found = [c for c in self.commands if c.startswith(start)]
        assert len(found) == 1, f"{GUIDE.name}: {len(found)} commands start with {start!r}"
        self.used.add(found[0])
        return found[0]

    def unused(self) -> list[str]:
        return [c for c in self.commands if c not in self.used]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def database(name: str) -> Iterator[str]:
    """A new PostgreSQL database on the test server; its psycopg URL. Dropped afterwards,
    connections and all."""
    admin = create_engine(normalise_url(postgres_url()), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            make_url(normalise_url(postgres_url()))
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class Machine:
    """The shell an operator types the guide's commands into: the settings exported."""

    def __init__(self, env: dict[str, str], logs: Path, stack: ExitStack) -> None:
        self.env, self.logs, self.stack = env, logs, stack

    def run(self, command: str, timeout: float = 300) -> str:
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start(self, command: str) -> Path:
        """A long-running command in a session of its own (stopped with all it starts);
        its output in a log file, whose path is returned."""
        log = self.logs / f"{command.split()[0]}-{len(list(self.logs.iterdir()))}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                ["bash", "-c", command],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.stack.callback(stop, process)
        return log


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process's session; after 30 s, or once its leader has ended,
    SIGKILL to whatever of the session is left (a worker's flow runs)."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(30)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def wait_for_server(api: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{api}/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"prefect server did not answer within {STARTUP_S} s:\n{log.read_text()[-3000:]}")


def flow_run_state(api: str, flow_run_id: str) -> str:
    with urllib.request.urlopen(f"{api}/flow_runs/{flow_run_id}", timeout=10) as answer:
        state: str = json.load(answer)["state"]["type"]
        return state


def wait_for_flow_run(api: str, flow_run_id: str, worker_log: Path) -> None:
    deadline = time.monotonic() + 300
    while (state := flow_run_state(api, flow_run_id)) not in {
        "COMPLETED",
        "FAILED",
        "CRASHED",
        "CANCELLED",
    }:
        assert time.monotonic() < deadline, f"flow run {flow_run_id} still {state}"
        time.sleep(2)
    assert state == "COMPLETED", worker_log.read_text()[-5000:]


@pytest.mark.slow
@pytest.mark.postgres
def test_an_operator_following_the_production_guide_runs_a_call_on_a_prefect_server(
    tmp_path: Path,
) -> None:
    require_postgres()
    guide = Guide(GUIDE)
    home, logs = tmp_path / "home", tmp_path / "logs"
    (home / "incoming").mkdir(parents=True)
    logs.mkdir()
    for name in ("chelm.xlsx", "lomza.xlsx", "invalid-budget-konin.xlsx"):
        shutil.copy(SAMPLES / name, home / "incoming" / name)
    port, dask_port, tag = free_port(), free_port(), uuid.uuid4().hex[:12]
    api = f"http://127.0.0.1:{port}/api"

    with ExitStack() as stack:
        prefect_db = stack.enter_context(database(f"gf_e2e_{tag}_prefect"))
        store_url = stack.enter_context(database(f"gf_e2e_{tag}_grantflow"))
        asyncpg_url = make_url(prefect_db).set(drivername="postgresql+asyncpg")
        # Only the settings below reach Prefect: none of this session's own (the
        # test harness's server) may leak into the operator's shell.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        env |= {
            "GRANTFLOW_DATABASE_URL": store_url,
            "GRANTFLOW_HOME": str(home),
            "GRANTFLOW_CHECKOUT": str(ROOT),
            "PREFECT_HOME": str(tmp_path / "prefect"),
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": asyncpg_url.render_as_string(
                hide_password=False
            ),
            "PREFECT_SERVER_API_HOST": "127.0.0.1",
            "PREFECT_SERVER_API_PORT": str(port),
            "PREFECT_API_URL": api,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            # The worker asks for runs every 2 s instead of 10: a shorter test.
            "PREFECT_WORKER_QUERY_SECONDS": "2",
            "DASK_SCHEDULER_PORT": str(dask_port),
            "GRANTFLOW_DASK_ADDRESS": f"tcp://127.0.0.1:{dask_port}",
            "PYTHONPATH": str(ROOT),  # this checkout's grantflow, in every process
        }
        shell = Machine(env, logs, stack)

        # grantflow's schema from nothing to the newest Alembic revision, by a command.
        assert shell.run(guide["grantflow audit verify"]) == "audit log intact: 0 entries\n"
        with make_engine(store_url).connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

        shell.run(guide["prefect server database upgrade -y"])
        server_log = shell.start(guide["prefect server start"])
        wait_for_server(api, server_log)
        shell.run(guide["prefect work-pool create grantflow --type process"])
        deployed = shell.run(guide["prefect --no-prompt deploy --all"])
        for name in ("intake", "review", "selection", "partnership", "programme-documents"):
            assert f"Deployment '{name}/" in deployed, deployed
        worker_log = shell.start(guide["prefect worker start --pool grantflow"])

        shell.start(guide["dask scheduler"])
        shell.start(guide["dask worker"])
        from distributed import Client

        with Client(env["GRANTFLOW_DASK_ADDRESS"], timeout=STARTUP_S) as dask:
            dask.wait_for_workers(1, timeout=STARTUP_S)
            assert len(dask.scheduler_info()["workers"]) == 1

        shell.run(guide["mkdir -p"])
        shell.run(guide["printf"])
        intake = shell.run(guide["prefect deployment run intake/intake"])
        assert "Flow run finished successfully in 'Completed'" in intake, intake
        engine = make_engine(store_url)
        stack.callback(engine.dispose)
        with SqlUnitOfWork(engine) as uow:
            received = {a.city_name: a for a in uow.applications.list("stage1-outline")}
        assert sorted(received) == ["Chełm", "Konin", "Łomża"]
        assert received["Chełm"].id == 1  # the guide's formal check names it
        assert (home / "reports").is_dir()

        for code, name in (("R01", "Ingrid Sæther-Nowak"), ("R02", "Tomasz Bødtker")):
            shell.run(f"grantflow reviewers register {code} --name '{name}' --languages pl,nb")
        checked = shell.run(guide["grantflow formal-check 1 --correct"]).splitlines()
        assert checked[0] == "application 1 (Chełm): formally_correct"
        assert re.fullmatch(
            r"next: started review/review, flow run [a-z-]+  \(assigns the experts\)", checked[1]
        ), checked
        run_url = checked[2].strip()
        assert run_url.startswith(f"http://127.0.0.1:{port}/runs/flow-run/"), checked
        wait_for_flow_run(api, run_url.rsplit("/", 1)[1], worker_log)
        with SqlUnitOfWork(engine) as uow:
            experts = {a.reviewer_code for a in uow.assignments.list() if a.application_id == 1}
            assert experts == {"R01", "R02"}
            assert uow.applications.get(1).state == "under_assessment"

        lifecycle = [
            guide["prefect deployment run selection/selection"],
            guide["prefect deployment run partnership/partnership"],
            guide["prefect deployment run programme-documents/documents"],
        ]
        watching = [
            subprocess.Popen(
                ["bash", "-c", c],
                cwd=ROOT,
                env=env,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for c in lifecycle
        ]
        for command, watch in zip(lifecycle, watching, strict=True):
            output, _ = watch.communicate(timeout=600)
            assert watch.returncode == 0, f"{command}\n{output}\n{worker_log.read_text()[-5000:]}"
        with SqlUnitOfWork(engine) as uow:
            documents = uow.documents.list()
        assert {d.kind for d in documents} >= {"application"}
        assert all((home / d.path).is_file() for d in documents)

        assert guide.unused() == [], f"{GUIDE.name} names commands this test does not run"
