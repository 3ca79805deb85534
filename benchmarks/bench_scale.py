"""Scale: the programme's flows on many outlines, each against the same work without Prefect.

    python benchmarks/bench_scale.py [--outlines 10000] [--documents 1000]
        [--stores sqlite postgresql] [--runners pool dask] [--only intake review documents demo]

What is measured (each in a fresh process, so its peak memory is its own and
its children's: the process pool, the Dask workers, Prefect's temporary server):

- **intake** of ``--outlines`` generated outlines on each store (SQLite in the
  benchmark's home; PostgreSQL in a database of its own, created and dropped),
  through the flow as ``grantflow submit`` of a folder runs it: one flow run,
  a big batch's paths in a manifest;
- **review and selection** of ``--documents`` applications (SQLite): the review
  flow assigning two experts each, then, once every expert has scored, the
  review flow completing the assessment and the selection flow ranking and
  approving. The store before each part is prepared once (intake, the formal
  check, the experts' declarations and scores: people's steps, not timed) and
  copied for each run;
- **documents**: the application PDF of ``--documents`` applications, on the
  process pool and on a Dask LocalCluster;
- **demo**: ``grantflow demo`` as a user runs it.

Prefect's share, for intake, review, selection and documents: (time through the
flow - time of the same task functions called directly, with the same
parallelism: a process pool, or the same LocalCluster) / time through the flow.
The temporary server is started by an empty flow first and timed apart (a
deployment's server is already running). For the demo, which has no Prefect-free
twin: Prefect's own record of the run (its database under the demo's home),
the time no task run was running (the union of every task run's start-end
interval, subtracted from the command's wall time) over the wall time. That
counts the demo's own work between flows (the simulated experts, the portal
accounts) and the interpreter's start as Prefect's, so it is an upper bound.

The outlines come from ``grantflow samples outlines`` with a programme whose
eligible list is the reference programme's towns plus numbered ones, so
every outline is a city of its own (kept in ``benchmarks/out/scale-N``).
Results are printed and appended to ``benchmarks/out/scale.json`` (the folder is
``GRANTFLOW_BENCH_OUT`` where that is set).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Where outlines, prepared stores and figures are kept; a test points it at its own folder.
OUT = Path(os.environ.get("GRANTFLOW_BENCH_OUT") or Path(__file__).resolve().parent / "out")
POSTGRES = os.environ.get("GRANTFLOW_TEST_POSTGRES_URL") or (
    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
CALL = "stage1-outline"
# The outlines arrive on a day of the Stage 1 call; experts act in its assessment.
UPLOADED = datetime(2019, 9, 16, 10, 0, tzinfo=UTC)
ASSIGNED, SCORED, SELECTED = (datetime(2019, 10, d, 10, 0, tzinfo=UTC) for d in (7, 10, 28))
# Voivodeship prefixes of TERYT codes (even, 02-32): numbered towns get valid codes.
VOIVODESHIPS = tuple(range(2, 33, 2))


# --- data ---------------------------------------------------------------------------


def programme_file(cities: int) -> Path:
    """The reference programme with at least ``cities`` eligible towns."""
    path = OUT / f"programme-{cities}.yaml"
    if path.exists():
        return path
    data = yaml.safe_load((ROOT / "samples" / "programme.yaml").read_text(encoding="utf-8"))
    towns = list(data["eligible_cities"])
    names = [t["name"] for t in towns]
    n = 0
    while len(towns) < cities:
        # County 21-59, commune 50-99: clear of the reference towns' codes.
        voivodeship = VOIVODESHIPS[n % 16]
        county, commune = 21 + (n // 16) % 39, 50 + (n // (16 * 39)) % 50
        teryt = f"{voivodeship:02d}{county:02d}{commune:02d}1"
        towns.append({"teryt": teryt, "name": f"{names[n % len(names)]} {n // len(names) + 2}"})
        n += 1
    assert len({t["teryt"] for t in towns}) == len(towns), "numbered towns collide"
    data["eligible_cities"] = towns
    OUT.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def outlines(count: int) -> list[str]:
    """``count`` outlines, each of its own city (generated once, kept)."""
    folder = OUT / f"scale-{count}"
    if len(list(folder.glob("*.xlsx"))) != count:
        shutil.rmtree(folder, ignore_errors=True)
        cli("samples", "outlines", "--count", str(count), "--output", str(folder),
            "--programme", str(programme_file(count)))  # fmt: skip
    return sorted(str(p) for p in folder.glob("*.xlsx"))


def cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "grantflow.cli", *args], check=True)


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def use_home(store: str, database: str | None = None) -> Path:
    """A fresh GRANTFLOW_HOME, its store SQLite or the PostgreSQL database ``database``."""
    home = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    os.environ["GRANTFLOW_HOME"] = str(home)
    if store == "sqlite":
        os.environ["GRANTFLOW_DATABASE_URL"] = f"sqlite:///{home / 'grantflow.db'}"
    else:
        os.environ["GRANTFLOW_DATABASE_URL"] = POSTGRES.rsplit("/", 1)[0] + f"/{database}"
    return home


def postgres(sql: str) -> None:
    import sqlalchemy

    admin = sqlalchemy.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sqlalchemy.text(sql))
    admin.dispose()


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


def no_artifacts(*modules: Any) -> None:
    """Artifacts are Prefect's bookkeeping: the work without Prefect publishes none."""
    for module in modules:
        for name in ("create_table_artifact", "create_markdown_artifact"):
            if hasattr(module, name):
                setattr(module, name, lambda **_: None)


# --- intake -------------------------------------------------------------------------


def _validate_chunk(paths: list[str], programme: str) -> list[Any]:
    from workflows import intake

    return intake.validate.fn(paths, CALL, programme, None)


def intake_directly(files: list[str], programme: str) -> dict[str, float]:
    """The intake flow's work, its task functions called in this process (validation on a
    process pool from the same size as the flow), without Prefect; seconds by phase."""
    from grantflow import config
    from workflows import intake as flow_module
    from workflows.store import prepare_store

    no_artifacts(flow_module)
    settings = config.load()
    phases: dict[str, float] = {}
    started = time.perf_counter()
    prepare_store.fn(settings.database_url)
    batches = flow_module.chunks(files)
    if len(files) >= flow_module.PROCESSES_FROM:
        with ProcessPoolExecutor() as pool:
            validated = list(pool.map(_validate_chunk, batches, [programme] * len(batches)))
    else:
        validated = [_validate_chunk(batch, programme) for batch in batches]
    checked = [c for chunk in validated for c in chunk]
    phases["validate_s"] = time.perf_counter() - started
    receipts = flow_module.store.fn(
        checked, settings=settings, call_code=CALL, stage=1, submitted_by="bench", as_of=UPLOADED
    )
    phases["store_s"] = time.perf_counter() - started - phases["validate_s"]
    summaries = [
        s
        for chunk in flow_module.chunks(list(zip(checked, receipts, strict=True)))
        for s in flow_module.publish.fn(chunk, settings, "en", CALL)
    ]
    flow_module.publish_index(CALL, summaries, settings.reports_dir)
    phases["publish_s"] = time.perf_counter() - started - phases["validate_s"] - phases["store_s"]
    assert len(summaries) == len(files) and all(s.valid for s in summaries)
    return phases


def one_intake(count: int, store: str, prefect: bool) -> dict[str, Any]:
    files = outlines(count)
    programme = str(programme_file(count))
    database = f"bench_scale_{os.getpid()}"
    if store == "postgresql":
        postgres(f"CREATE DATABASE {database}")
    try:
        home = use_home(store, database)
        server_s = start_prefect(home) if prefect else 0.0
        from grantflow import config
        from workflows.intake import batch, intake  # imported before the clock starts

        phases: dict[str, Any] = {}
        started = time.perf_counter()
        if prefect:
            # As `grantflow submit` of a folder does: 10,000 paths go by a manifest.
            given = batch(files, config.load())
            summaries = intake(
                files=given.files,
                manifest=given.manifest,
                submitted_by="bench",
                programme_file=programme,
                as_of=UPLOADED,
            )
            assert len(summaries) == count and all(s.valid for s in summaries)
            phases["by_manifest"] = given.manifest is not None
        else:
            phases = intake_directly(files, programme)
        seconds = time.perf_counter() - started
    finally:
        if store == "postgresql":
            postgres(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    return {"seconds": seconds, "server_s": server_s, "peak_mb": peak_mb(), **phases}


# --- review and selection -----------------------------------------------------------


def prepared_store(count: int, part: str) -> Path:
    """A SQLite store of ``count`` applications ready for ``part`` (made once, kept):
    ``assign``: formally checked, experts registered; ``complete``: then assigned, and
    every expert has declared and scored."""
    base = OUT / f"review-{count}"
    path = base / f"{part}.db"
    if path.exists():
        return path
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, __file__, "prepare", "--documents", str(count), "--one"],
        check=True,
        env=environment,
    )
    return path


def prepare(count: int) -> None:
    """The people's steps, through the services the CLI calls (not timed)."""
    from grantflow import bootstrap, config
    from grantflow.domain.lifecycle import State
    from grantflow.services import lifecycle
    from grantflow.services import review as review_service
    from grantflow.services.lifecycle import in_states
    from grantflow.validation.demo_file import load_demo_cast
    from workflows.demo.cast import comments, points

    base = OUT / f"review-{count}"
    base.mkdir(parents=True, exist_ok=True)
    home = use_home("sqlite")
    programme = str(programme_file(count))
    intake_directly(outlines(count), programme)
    cast = load_demo_cast()
    settings = config.load()
    with bootstrap.build(settings=settings, programme_file=programme) as wired:
        uow, rules = wired.unit_of_work(), wired.programme
        for expert in cast.experts:
            review_service.register_reviewer(uow, expert.reviewer, at=UPLOADED, actor="bench")
        with uow:
            waiting = [a.id for a in in_states(uow.applications.list(CALL), State.SUBMITTED)]
        for application_id in waiting:
            lifecycle.formal_check(uow, application_id, correct=True, at=UPLOADED, actor="bench")
        snapshot(home / "grantflow.db", base / "assign.db")
        review_service.reconcile_assessment(uow, CALL, rules, at=ASSIGNED, actor="bench")
        with uow:
            assignments = uow.assignments.list()
        for n, assignment in enumerate(assignments):
            review_service.declare(
                uow, assignment.application_id, assignment.reviewer_code, conflict=False, at=SCORED
            )
            # Totals 60-90 of 100, an application's two within a point of each other:
            # no third expert is needed.
            total = 60 + (assignment.application_id * 7) % 30 + n % 2
            scored = points(rules, total)
            review_service.score(
                uow,
                assignment.application_id,
                assignment.reviewer_code,
                scored,
                rules,
                submit=True,
                at=SCORED,
                comments=comments(rules, scored, "Cele ogólne; brak wskaźników rezultatu."),
            )
    snapshot(home / "grantflow.db", base / "complete.db")


def snapshot(database: Path, copy: Path) -> None:
    """A consistent copy of a SQLite store, its write-ahead log included."""
    with sqlite3.connect(database) as source, sqlite3.connect(copy) as target:
        source.backup(target)


def one_review(count: int, part: str, prefect: bool) -> dict[str, Any]:
    """``assign``: the review flow's first run; ``complete``: the review flow's next run and
    the selection flow, on a copy of the prepared store."""
    from grantflow import config

    prepared = prepared_store(count, part)
    home = use_home("sqlite")
    shutil.copyfile(prepared, home / "grantflow.db")
    programme = str(programme_file(count))
    server_s = start_prefect(home) if prefect else 0.0
    from workflows import review as review_flow
    from workflows import selection as selection_flow

    settings = config.load()
    started = time.perf_counter()
    if prefect:
        outcome = review_flow.review(CALL, programme, ASSIGNED if part == "assign" else SELECTED)
        if part == "complete":
            ranking = selection_flow.selection(CALL, programme, approve=True, as_of=SELECTED)
    else:
        no_artifacts(review_flow, selection_flow)
        review_flow.prepare_store.fn(settings.database_url)
        at = ASSIGNED if part == "assign" else SELECTED
        outcome = review_flow.reconcile.fn(settings, CALL, programme, at)
        review_flow.publish_load.fn(CALL, review_flow.reviewer_load.fn(settings))
        if part == "complete":
            ranking = selection_flow.reconcile.fn(
                settings, CALL, programme, None, True, "committee", SELECTED
            )
            selection_flow.publish_ranking.fn(CALL, ranking)
    seconds = time.perf_counter() - started
    if part == "assign":
        assert len(outcome.started) == count, (len(outcome.started), count)
    else:
        assert len(outcome.completed) == count and ranking is not None
        assert len(ranking.entries) == count
    return {"seconds": seconds, "server_s": server_s, "peak_mb": peak_mb()}


# --- documents ----------------------------------------------------------------------


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


def _render_chunk(batch: list[Any]) -> Any:
    from workflows import documents

    return documents.render_chunk.fn(batch)


def one_documents(count: int, runner: str, prefect: bool) -> dict[str, Any]:
    home = use_home("sqlite")
    folder = home / "documents"
    requests = document_requests(folder, count)
    server_s = start_prefect(home) if prefect else 0.0
    from workflows import documents

    batches = documents.chunks(requests, documents.CHUNK_SIZE)
    started = time.perf_counter()
    if prefect:
        # This batch on the runner asked for, whatever its size.
        documents.DASK_FROM = 0 if runner == "dask" else count + 1
        result = documents.generate_documents(requests, str(folder))
        assert not result.failures, result.failures[:3]
    elif runner == "pool":
        with ProcessPoolExecutor() as pool:
            for chunk in pool.map(_render_chunk, batches):
                assert not chunk.failures
    else:
        from distributed import Client, LocalCluster

        workers = os.cpu_count() or 1
        with (
            LocalCluster(n_workers=workers, threads_per_worker=1) as cluster,
            Client(cluster) as client,
        ):
            for chunk in client.gather(client.map(_render_chunk, batches, pure=False)):
                assert not chunk.failures
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "server_s": server_s, "peak_mb": peak_mb()}


# --- the demo -----------------------------------------------------------------------


def one_demo() -> dict[str, Any]:
    """``grantflow demo`` on a fresh home; Prefect's share from Prefect's own database."""
    home = Path(tempfile.mkdtemp(prefix="bench-scale-demo-"))
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "GRANTFLOW_"))
    }
    environment.update(GRANTFLOW_HOME=str(home), PYTHONPATH=str(ROOT))
    began, started = datetime.now(UTC), time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "grantflow.cli", "demo"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if run.returncode:
        raise SystemExit(run.stdout + run.stderr)
    in_tasks, task_runs, first_flow = task_time(home / "prefect" / "prefect.db")
    return {
        "seconds": seconds,
        # From the command's start to its first flow run: imports and the temporary server.
        "server_s": (first_flow - began).total_seconds(),
        "peak_mb": peak_mb(),
        "in_task_runs_s": in_tasks,
        "task_runs": task_runs,
        "screen_lines": len(run.stdout.splitlines()) + len(run.stderr.splitlines()),
    }


def task_time(database: Path) -> tuple[float, int, datetime]:
    """Seconds during which at least one task run was running, how many ran, and when the
    first flow run started."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT start_time, end_time FROM task_run WHERE start_time IS NOT NULL "
            "AND end_time IS NOT NULL ORDER BY start_time"
        ).fetchall()
        (first_flow,) = connection.execute("SELECT min(start_time) FROM flow_run").fetchone()
    spans = [(_utc(a), _utc(b)) for a, b in rows]
    total, reach = 0.0, None
    for start, end in spans:
        if reach is None or start > reach:
            total += (end - start).total_seconds()
            reach = end
        elif end > reach:
            total += (end - reach).total_seconds()
            reach = end
    return total, len(spans), _utc(first_flow)


def _utc(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- running ------------------------------------------------------------------------


def measure(*args: str) -> dict[str, Any]:
    """One measurement in a fresh process."""
    figures = OUT / "one.json"
    figures.unlink(missing_ok=True)
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, __file__, *args, "--one"],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    if run.returncode or not figures.exists():
        raise SystemExit(run.stdout + run.stderr)
    return json.loads(figures.read_text())


def compare(what: str, where: str, count: int, *args: str) -> dict[str, Any]:
    """The work through the flow and without Prefect, each in a fresh process."""
    load = os.getloadavg()[0]
    direct = measure(what, *args, "--without-prefect")
    flow = measure(what, *args)
    share = (flow["seconds"] - direct["seconds"]) / flow["seconds"]
    result = {
        "what": what,
        "where": where,
        "count": count,
        "flow": flow,
        "direct": direct,
        "prefect_share": share,
        "per_item_ms": flow["seconds"] / count * 1000,
        "load": [load, os.getloadavg()[0]],
    }
    phases = ", ".join(
        f"{k[:-2]} {v:.1f} s" for k, v in direct.items() if k.endswith("_s") and k != "server_s"
    )
    by_manifest = " (one run, its paths by a manifest)" if flow.get("by_manifest") else ""
    print(
        f"{what} of {count} ({where}): through the flow{by_manifest} {flow['seconds']:.1f} s "
        f"({result['per_item_ms']:.1f} ms each, peak {flow['peak_mb']:.0f} MB; Prefect's "
        f"server started in {flow['server_s']:.1f} s before); without Prefect "
        f"{direct['seconds']:.1f} s ({phases or 'peak ' + format(direct['peak_mb'], '.0f') + ' MB'}"
        f"): Prefect's share {share:.0%}; load {load:.1f}-{result['load'][1]:.1f}",
        flush=True,
    )
    return result


def demo_result() -> dict[str, Any]:
    load = os.getloadavg()[0]
    figures = measure("demo")
    share = 1 - figures["in_task_runs_s"] / figures["seconds"]
    print(
        f"demo: {figures['seconds']:.1f} s ({figures['server_s']:.1f} s to its first flow run), "
        f"{figures['task_runs']} task runs running {figures['in_task_runs_s']:.1f} s of it: "
        f"Prefect's share at most {share:.0%} "
        f"({figures['screen_lines']} lines on the screen); load {load:.1f}-"
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return {"what": "demo", "demo": figures, "prefect_share_at_most": share,
            "load": [load, os.getloadavg()[0]]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "what", nargs="?", choices=["intake", "review", "documents", "demo", "prepare"]
    )
    parser.add_argument("--outlines", type=int, default=10_000)
    parser.add_argument(
        "--documents",
        type=int,
        default=1_000,
        help="applications reviewed, selected and documented",
    )
    parser.add_argument(
        "--stores", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument("--runners", nargs="+", choices=["pool", "dask"], default=["pool", "dask"])
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["intake", "review", "documents", "demo"],
        default=["intake", "review", "documents", "demo"],
    )
    # One measurement, in the fresh process ``measure`` starts:
    parser.add_argument(
        "--store", choices=["sqlite", "postgresql"], default="sqlite", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--runner", choices=["pool", "dask"], default="pool", help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--part", choices=["assign", "complete"], default="assign", help=argparse.SUPPRESS
    )
    parser.add_argument("--without-prefect", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()  # fmt: skip
    OUT.mkdir(exist_ok=True)
    prefect = not args.without_prefect
    if args.one:
        if args.what == "prepare":
            prepare(args.documents)
            return
        if args.what == "intake":
            figures = one_intake(args.outlines, args.store, prefect)
        elif args.what == "review":
            figures = one_review(args.documents, args.part, prefect)
        elif args.what == "documents":
            figures = one_documents(args.documents, args.runner, prefect)
        else:
            figures = one_demo()
        (OUT / "one.json").write_text(json.dumps(figures))
        return
    results = []
    if "intake" in args.only:
        outlines(args.outlines)  # generated once, before anything is timed
        for store in args.stores:
            results.append(compare("intake", store, args.outlines, "--outlines",
                                   str(args.outlines), "--store", store))  # fmt: skip
    if "review" in args.only:
        for part in ("assign", "complete"):
            prepared_store(args.documents, part)
            where = "review" if part == "assign" else "review and selection"
            results.append(compare("review", where, args.documents, "--documents",
                                   str(args.documents), "--part", part))  # fmt: skip
    if "documents" in args.only:
        for runner in args.runners:
            results.append(compare("documents", runner, args.documents, "--documents",
                                   str(args.documents), "--runner", runner))  # fmt: skip
    if "demo" in args.only:
        results.append(demo_result())
    path = OUT / "scale.json"
    previous = json.loads(path.read_text()) if path.exists() else []
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    path.write_text(json.dumps([*previous, {"at": stamp, "results": results}], indent=2))


if __name__ == "__main__":
    main()
