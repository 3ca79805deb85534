"""The validator over a folder of real spreadsheets: per file its codes, time and memory.

    python benchmarks/corpus.py DIR [--jobs 2] [--timeout 60]

Each file is checked as ``grantflow validate`` checks it, in a fresh worker
process of its own (so one file's memory or crash is its own), and its
report is rendered as JSON and parsed back. A line per file gives the issue
codes, the seconds and the worker's peak memory; the summary gives how many
files got a report, how many raised or ran out of time (the target is none),
the time and memory figures and how often each code was given. Everything
is also written to ``benchmarks/out/corpus.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor, TimeoutError
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
CALL = "stage1-outline"


def check_one(path: str) -> dict[str, Any]:
    """In a worker: the file's codes, time and peak memory, or what it raised."""
    from grantflow import checking
    from grantflow.adapters import report_render
    from grantflow.validation.programme_file import load_programme
    from grantflow.validation.report import Report

    programme = load_programme()
    started = time.perf_counter()
    try:
        _, result = checking.check_file(Path(path), programme, CALL)
        rendered = json.loads(report_render.render(Report([result.report]), "json", "en"))
        codes = sorted({issue["code"] for issue in rendered["files"][0]["issues"]})
        error = None
    except Exception as exc:
        codes, error = [], f"{type(exc).__name__}: {exc}"[:300]
    return {
        "file": Path(path).name,
        "codes": codes,
        "seconds": round(time.perf_counter() - started, 3),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "error": error,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=60.0, help="Seconds a file may take.")
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.is_file() and p.suffix != ".md")
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    # One process per file: a file's peak memory is its own, a crash costs only it.
    with ProcessPoolExecutor(max_workers=args.jobs, max_tasks_per_child=1) as pool:
        futures: list[tuple[Path, Future[dict[str, Any]]]] = [
            (path, pool.submit(check_one, str(path))) for path in files
        ]
        for path, future in futures:
            try:
                result = future.result(timeout=args.timeout)
            except TimeoutError:
                result = {
                    "file": path.name,
                    "codes": [],
                    "seconds": args.timeout,
                    "peak_mb": None,
                    "error": "timed out",
                }
            except Exception as exc:  # the worker itself died
                result = {
                    "file": path.name,
                    "codes": [],
                    "seconds": None,
                    "peak_mb": None,
                    "error": f"worker died: {exc!r}"[:300],
                }
            results.append(result)
            codes = ",".join(result["codes"]) or "-"
            print(
                f"{result['file']}\t{result['seconds']}\t{result['peak_mb']}\t"
                f"{result['error'] or codes}"
            )
    timed = [r["seconds"] for r in results if r["seconds"] is not None]
    memory = [r["peak_mb"] for r in results if r["peak_mb"] is not None]
    failed = [r for r in results if r["error"]]
    summary = {
        "files": len(results),
        "reported": len(results) - len(failed),
        "raised_or_timed_out": len(failed),
        "median_s": round(statistics.median(timed), 3) if timed else None,
        "slowest_s": max(timed, default=None),
        "peak_mb_max": max(memory, default=None),
        "wall_s": round(time.perf_counter() - started, 1),
        "codes": dict(Counter(c for r in results for c in r["codes"]).most_common()),
    }
    print(json.dumps(summary, indent=2), file=sys.stderr)
    OUT.mkdir(exist_ok=True)
    (OUT / "corpus.json").write_text(
        json.dumps({"summary": summary, "files": results}, indent=2) + "\n", encoding="utf-8"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
