"""Validation performance, measured side by side in one run on the same files.

    python benchmarks/bench_validate.py [--count 1000] [--repeat 30] [--process-only]

1. Per typical outline: grantflow's read + validate against the floor, which
   is openpyxl opening the same file read-only and reading every cell.
   Target: at most 1.5x the floor.
2. ``grantflow validate FILE`` as a whole process (interpreter start, imports,
   report) against the floor process, a bare ``python3 -c`` that opens the same
   file with openpyxl read-only and reads every cell; the two alternate, so load
   from other work hits both alike. Targets: at most 1.0 s and at most 2.0x the
   floor process.
3. ``grantflow validate DIR`` on ``--count`` generated outlines, both cores.
   Target: at most 60 s for 1,000.

Times are medians of ``--repeat`` runs (wall clock); the machine should be
otherwise idle. Results are printed and written to benchmarks/out/validate.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from grantflow import checking, resources

OUT = Path(__file__).resolve().parent / "out"


def floor_read(path: Path) -> int:
    """What any reader must pay: open read-only, touch every cell value."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            cells += len(row)
    wb.close()
    return cells


FLOOR_PROCESS = """
import sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
cells = 0
for ws in wb.worksheets:
    for row in ws.iter_rows(values_only=True):
        cells += len(row)
wb.close()
print(cells)
"""


def grantflow_command() -> list[str]:
    """The installed console script, run by this interpreter (no pyenv shim)."""
    script = Path(sys.executable).with_name("grantflow")
    if script.exists():
        return [sys.executable, str(script)]
    exe = shutil.which("grantflow")
    assert exe, "install grantflow first: pip install -e ."
    return [exe]


def process_medians(sample: Path, repeat: int) -> tuple[float, float]:
    """Whole ``grantflow validate FILE`` and the floor process, alternating."""
    ours_cmd = [*grantflow_command(), "validate", str(sample)]
    floor_cmd = [sys.executable, "-c", FLOOR_PROCESS, str(sample)]
    ours: list[float] = []
    floor: list[float] = []
    for i in range(repeat + 1):
        for cmd, times in ((ours_cmd, ours), (floor_cmd, floor)):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            if i:  # the first round only warms the page cache
                times.append(time.perf_counter() - start)
    return statistics.median(ours), statistics.median(floor)


def median_seconds(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--process-only", action="store_true", help="only the whole-process comparison"
    )
    args = parser.parse_args()
    exe = shutil.which("grantflow")
    assert exe, "install grantflow first: pip install -e ."

    sample = resources.samples() / "outlines" / "chelm.xlsx"
    process_repeat = max(11, args.repeat // 3)
    if args.process_only:
        one_file, floor_process = process_medians(sample, process_repeat)
        print(f"one_file_command_s       {one_file:.3f}")
        print(f"floor_process_s          {floor_process:.3f}")
        print(f"process_ratio_to_floor   {one_file / floor_process:.2f}  (target <= 2.0)")
        return
    programme = checking.programme_for(None, "stage1-outline")
    # Warm caches (form definition, cerberus validators, catalogs) once, as a
    # long-running worker would have them.
    checking.check_file(sample, programme, "stage1-outline")
    floor_read(sample)

    floor = median_seconds(lambda: floor_read(sample), args.repeat)
    ours = median_seconds(
        lambda: checking.check_file(sample, programme, "stage1-outline"), args.repeat
    )

    one_file, floor_process = process_medians(sample, process_repeat)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "outlines"
        start = time.perf_counter()
        subprocess.run(
            [exe, "samples", "outlines", "--count", str(args.count), "-o", str(folder)],
            check=True,
            capture_output=True,
        )
        generate = time.perf_counter() - start
        start = time.perf_counter()
        done = subprocess.run(
            [exe, "validate", str(folder), "--format", "json"], capture_output=True, check=False
        )
        many = time.perf_counter() - start
        assert done.returncode == 0, f"generated outlines must be valid: {done.stdout[:2000]!r}"
        checked = len(json.loads(done.stdout)["files"])

    results = {
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "sample": sample.name,
        "floor_openpyxl_read_ms": round(floor * 1000, 2),
        "grantflow_read_validate_ms": round(ours * 1000, 2),
        "ratio_to_floor": round(ours / floor, 3),
        "one_file_command_s": round(one_file, 3),
        "floor_process_s": round(floor_process, 3),
        "process_ratio_to_floor": round(one_file / floor_process, 3),
        "generate_outlines_s": round(generate, 2),
        "validate_folder_files": checked,
        "validate_folder_s": round(many, 2),
        "validate_folder_ms_per_file": round(many / checked * 1000, 2),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "validate.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    print(
        f"targets: ratio <= 1.5 ({'ok' if ours / floor <= 1.5 else 'MISSED'}), "
        f"one file <= 1.0 s ({'ok' if one_file <= 1.0 else 'MISSED'}), "
        f"one file <= 2.0x the floor process "
        f"({'ok' if one_file / floor_process <= 2.0 else 'MISSED'}), "
        f"{checked} files <= 60 s ({'ok' if many <= 60 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
