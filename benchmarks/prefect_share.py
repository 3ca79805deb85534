"""Prefect's own share of a command's time, read from a sampling profile of the command.

    python benchmarks/prefect_share.py [--rate 25] [-- grantflow demo --home DIR]

``bench_scale.py demo`` bounds Prefect's share from above: every moment no task run
was running counts as Prefect's, the interpreter's start, the imports and the demo's
own work between flows included. This measures it instead: ``py-spy`` samples the
command and every process it starts (the pool's workers, Prefect's temporary server),
and each sample of the command's main thread is charged to whoever's code it is in:

- **Prefect**: the innermost of grantflow's and Prefect's frames is Prefect's (creating
  runs, reporting states, the flow run's heartbeat stopping, serialising parameters,
  importing Prefect), or the command waits for Prefect's temporary server to start;
- **waiting for tasks**: Prefect's futures waiting for task runs in the workers. A worker's
  own samples say how much of that was Prefect's: those under the task engine but outside
  the task's function (``call_task_fn``) against those inside it;
- **grantflow**: the rest (grantflow's code, the libraries it calls, its imports).

Prefect's share = (Prefect + waiting x the workers' Prefect fraction) / wall time.
``--server URL`` runs the command against a Prefect server already running (as in
production) instead of the temporary server it would start.
Sampling misses short calls and adds its own load, so the figure is an estimate; the
command's wall time is also printed. Needs ``py-spy`` (``pip install py-spy``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from itertools import pairwise
from pathlib import Path

PREFECT = "prefect/"
FUTURES = ("prefect/futures.py", "concurrent/futures/")
OURS = ("grantflow/", "workflows/")
SERVER_START = "temporary_server_starting (workflows/prefect_env.py"


def location(frame: str) -> str:
    """``name (path/in/site-packages.py:line)`` -> ``path/in/site-packages.py``."""
    return frame.partition(" (")[2].rpartition(":")[0]


def charge_main(frames: list[str]) -> str:
    """Whose time a sample of the command's main thread is."""
    for above, below in pairwise(frames):
        if above.startswith(SERVER_START) and below.startswith("Thread.join "):
            return "prefect"  # the server started beside the imports, not yet up
    owner = "grantflow"
    for frame in frames:
        where = location(frame)
        if where.startswith(OURS):
            owner = "grantflow"
        elif where.startswith(PREFECT):
            owner = "waiting" if where.startswith("prefect/futures.py") else "prefect"
        elif where.startswith("concurrent/futures/process.py") and owner == "prefect":
            # The pool's workers shutting down: paid with or without Prefect.
            owner = "grantflow"
        elif owner == "waiting" and not where.startswith(FUTURES) and "threading.py" not in where:
            owner = "prefect"  # Prefect's future doing something other than waiting
    return owner


def charge_worker(frames: list[str]) -> str | None:
    """A worker's sample: inside the task's function, in Prefect's task engine, or idle."""
    names = [f.partition(" (")[0] for f in frames]
    if "call_task_fn" in " ".join(names):
        return "task"
    if any(location(f).startswith("prefect/task_engine.py") for f in frames):
        return "prefect"
    return None


def attribute(raw: Path, rate: int) -> dict[str, float]:
    main: Counter[str] = Counter()
    workers: Counter[str] = Counter()
    root = None
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        root = root or frames[0]
        processes = [f for f in frames if f.startswith("process ")]
        code = [f for f in frames if not f.startswith(("process ", "thread "))]
        if processes == [root]:
            # The command's main thread starts in the console script, not in threading.py.
            if code and "threading.py" not in location(code[0]):
                main[charge_main(code)] += int(count)
        elif (charge := charge_worker(code)) is not None:
            workers[charge] += int(count)
    seconds = {k: v / rate for k, v in main.items()}
    busy = workers["task"] + workers["prefect"]
    seconds["worker_prefect_fraction"] = workers["prefect"] / busy if busy else 0.0
    return seconds


def command_environment(current: dict[str, str], server: str | None) -> dict[str, str]:
    """The measured command's environment: none of the caller's Prefect or grantflow
    settings (the demo makes its own), and ``server`` as its API when one is named."""
    environment = {k: v for k, v in current.items() if not k.startswith(("PREFECT_", "GRANTFLOW_"))}
    if server:
        environment["PREFECT_API_URL"] = server
    return environment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=int, default=25, help="samples a second")
    parser.add_argument(
        "--server",
        metavar="URL",
        help="run the command against this Prefect server (its PREFECT_API_URL, as in "
        "production) instead of Prefect's temporary server",
    )
    parser.add_argument("command", nargs="*", help="default: grantflow demo in a new folder")
    args = parser.parse_args()
    if shutil.which("py-spy") is None:
        raise SystemExit("py-spy is needed: pip install py-spy")
    work = Path(tempfile.mkdtemp(prefix="prefect-share-"))
    command = args.command or ["grantflow", "demo", "--home", str(work / "demo")]
    raw = work / "profile.raw"
    environment = command_environment(dict(os.environ), args.server)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    sampler = ["py-spy", "record", "--idle", "--subprocesses", "--nonblocking"]
    run = subprocess.run(
        [*sampler, "-r", str(args.rate), "-f", "raw", "-o", str(raw), "--", *command],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if run.returncode:
        raise SystemExit(run.stdout + run.stderr)
    s = attribute(raw, args.rate)
    sampled = s.get("prefect", 0) + s.get("waiting", 0) + s.get("grantflow", 0)
    prefect = s.get("prefect", 0) + s.get("waiting", 0) * s["worker_prefect_fraction"]
    print(
        f"{' '.join(command)}: {wall:.1f} s ({sampled:.1f} s sampled on its main thread): "
        f"Prefect {s.get('prefect', 0):.1f} s, waiting for task runs {s.get('waiting', 0):.1f} s "
        f"(Prefect's part of the workers' busy time {s['worker_prefect_fraction']:.0%}), "
        f"grantflow {s.get('grantflow', 0):.1f} s: Prefect's share {prefect / sampled:.0%}; "
        f"load {load:.1f}-{os.getloadavg()[0]:.1f}"
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
