"""Scale: intake of N generated outlines on SQLite and PostgreSQL, and a batch of documents
on the process pool and on Dask, each against the same work done without Prefect.

    python benchmarks/bench_scale.py intake --count 1000 [--store sqlite|postgresql]
    python benchmarks/bench_scale.py documents --count 200 [--runner pool|dask]

Each measurement runs in a fresh process (``--one``), so its peak memory
(its own and its children's: the process pool, the Dask workers, Prefect's
temporary server) is its own. The outlines come from ``grantflow samples
outlines --count N`` (seeded: the same files every run) and are kept in
``benchmarks/out/outlines-N``.

Prefect's share is (time through the flow - time of the same task functions
called directly, in one process) / time through the flow: what Prefect's
bookkeeping (task runs, states, artifacts, its server) adds to our own work.
Prefect's temporary server is started (and timed apart) before the flow.
Results are printed and written to ``benchmarks/out/scale.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
POSTGRES = os.environ.get("GRANTFLOW_TEST_POSTGRES_URL") or (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def outlines(count: int) -> list[str]:
    folder = OUT / f"outlines-{count}"
    if len(list(folder.glob("*.xlsx"))) != count:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "grantflow.cli",
                "samples",
                "outlines",
                "--count",
                str(count),
                "--output",
                str(folder),
            ],
            check=True,
        )
    return sorted(str(p) for p in folder.glob("*.xlsx"))


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def fresh_store(home: Path, store: str) -> str:
    if store == "sqlite":
        return f"sqlite:///{home / 'grantflow.db'}"
    import sqlalchemy

    name = f"bench_scale_{os.getpid()}"
    admin = sqlalchemy.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(sqlalchemy.text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return POSTGRES.rsplit("/", 1)[0] + f"/{name}"


def start_prefect(home: Path) -> float:
    """Prefect's temporary server, started by a flow that does nothing: its seconds."""
    from workflows import prefect_env

    # On a loaded machine the server's migrations alone can take minutes.
    os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "600"
    prefect_env.configure(home)
    from prefect import flow

    @flow(name="warm-up")
    def warm_up() -> None:
        return None

    started = time.perf_counter()
    warm_up()
    return time.perf_counter() - started


def intake_directly(files: list[str]) -> None:
    """The intake flow's work, its task functions called in this process, without Prefect
    (and without the report artifacts, which are Prefect's bookkeeping too)."""
    from grantflow import config
    from workflows import intake as flow_module
    from workflows.store import prepare_store

    flow_module.create_markdown_artifact = lambda **_: None  # type: ignore[assignment]

    settings = config.load()
    prepare_store.fn(settings.database_url)
    checked = [
        c
        for chunk in flow_module.chunks(files)
        for c in flow_module.validate.fn(chunk, "stage1-outline", None)
    ]
    receipts = flow_module.store.fn(
        checked,
        settings=settings,
        call_code="stage1-outline",
        stage=1,
        submitted_by="bench",
        as_of=None,
    )
    for chunk in flow_module.chunks(list(zip(checked, receipts, strict=True))):
        flow_module.publish.fn(chunk, settings, "en", "stage1-outline")


def one_intake(count: int, store: str, prefect: bool) -> dict[str, Any]:
    files = outlines(count)
    home = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    os.environ["GRANTFLOW_HOME"] = str(home)
    os.environ["GRANTFLOW_DATABASE_URL"] = fresh_store(home, store)
    server_s = start_prefect(home) if prefect else 0.0
    started = time.perf_counter()
    if prefect:
        from workflows.intake import intake

        summaries = intake(files=files, submitted_by="bench")
        assert len(summaries) == count
    else:
        intake_directly(files)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "server_s": server_s, "peak_mb": peak_mb()}


def document_requests(folder: Path, count: int) -> list[Any]:
    """``count`` application outlines of towns, as PDF (the format that costs)."""
    sys.path.insert(0, str(ROOT))
    from grantflow.services.documents.kinds.application import application_request
    from grantflow.validation import form as forms
    from tests.unit.document_factories import ISSUED, PROGRAMME_NAME, chelm_outline

    form = forms.load("outline")
    cities = ("Chełm", "Hrubieszów", "Zamość", "Łomża", "Kędzierzyn-Koźle", "Skarżysko-Kamienna")
    return [
        application_request(
            chelm_outline(city_name=cities[n % len(cities)]),
            form=form,
            programme_name=PROGRAMME_NAME,
            lang="pl",
            fmt="pdf",
            target=folder / f"application-{n:04}.pdf",
            issued=ISSUED,
        )
        for n in range(count)
    ]


def one_documents(count: int, runner: str, prefect: bool) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    folder = home / "documents"
    requests = document_requests(folder, count)
    server_s = start_prefect(home) if prefect else 0.0
    started = time.perf_counter()
    if prefect:
        from workflows import documents

        if runner == "dask":
            documents.DASK_FROM = 0  # this batch on a LocalCluster whatever its size
        else:
            documents.DASK_FROM = count + 1
        result = documents.generate_documents(requests, str(folder))
        assert not result.failures, result.failures[:3]
    else:
        from concurrent.futures import ProcessPoolExecutor

        from workflows import documents

        chunks = documents.chunks(requests, documents.CHUNK_SIZE)
        with ProcessPoolExecutor() as pool:
            for chunk in pool.map(documents.render_chunk.fn, chunks):
                assert not chunk.failures
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "server_s": server_s, "peak_mb": peak_mb()}


def measure(*args: str) -> dict[str, Any]:
    figures = OUT / "one.json"
    figures.unlink(missing_ok=True)
    run = subprocess.run(
        [sys.executable, __file__, *args, "--one"], capture_output=True, text=True, check=False
    )
    if run.returncode or not figures.exists():
        raise SystemExit(run.stdout + run.stderr)
    return json.loads(figures.read_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["intake", "documents"])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--store", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runner", choices=["pool", "dask"], default="pool")
    parser.add_argument("--without-prefect", action="store_true")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        if args.what == "intake":
            figures = one_intake(args.count, args.store, not args.without_prefect)
        else:
            figures = one_documents(args.count, args.runner, not args.without_prefect)
        (OUT / "one.json").write_text(json.dumps(figures))
        return
    where = args.store if args.what == "intake" else args.runner
    common = [args.what, "--count", str(args.count), "--store", args.store, "--runner", args.runner]
    if args.what == "intake":
        outlines(args.count)  # generated once, before anything is timed
    direct = measure(*common, "--without-prefect")
    flow = measure(*common)
    share = (flow["seconds"] - direct["seconds"]) / flow["seconds"]
    result = {
        "what": args.what,
        "count": args.count,
        "where": where,
        "flow": flow,
        "direct": direct,
        "prefect_share": share,
        "per_item_ms": flow["seconds"] / args.count * 1000,
        "load": os.getloadavg()[0],
    }
    print(
        f"{args.what} of {args.count} ({where}): through the flow {flow['seconds']:.1f} s "
        f"({result['per_item_ms']:.1f} ms each, peak {flow['peak_mb']:.0f} MB; Prefect's "
        f"server started in {flow['server_s']:.1f} s before), the same work without Prefect "
        f"{direct['seconds']:.1f} s (peak {direct['peak_mb']:.0f} MB): Prefect's share "
        f"{share:.0%}; load {result['load']:.1f}"
    )
    OUT.mkdir(exist_ok=True)
    path = OUT / "scale.json"
    previous = json.loads(path.read_text()) if path.exists() else []
    path.write_text(json.dumps([*previous, result], indent=2))


if __name__ == "__main__":
    main()
