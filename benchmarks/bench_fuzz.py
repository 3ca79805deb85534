"""The reader's fuzz run, longer than CI's: mutated blank forms, each timed.

    python benchmarks/bench_fuzz.py [--count 20000] [--seed 0]

Half the files have bytes overwritten (and some are cut short), half have a
slice of one XML part deleted, doubled or replaced and are zipped again
(``tests/integration/mutations.py``, the same mutations as the CI test
``tests/integration/test_reader_fuzz.py``, drawn here by a seeded random
generator). Every file is checked as ``grantflow validate`` checks it; the
run prints how many raised (the target is none), the median, 99th
percentile and slowest time per file, and the peak memory, and writes them
to ``benchmarks/out/fuzz.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.integration.mutations: the test's own mutations

from grantflow import checking  # noqa: E402
from grantflow.validation.programme_file import load_programme  # noqa: E402
from tests.integration.mutations import (  # noqa: E402
    XML_EDITS,
    blank_form,
    with_bytes_changed,
    with_xml_changed,
    xml_parts,
)

OUT = ROOT / "benchmarks" / "out"


def mutated(rng: random.Random) -> tuple[str, bytes]:
    size = len(blank_form())
    if rng.random() < 0.5:
        edits = [(rng.randrange(size), rng.randrange(256)) for _ in range(rng.randint(1, 8))]
        cut = rng.randint(1, size) if rng.random() < 0.5 else None
        return f"bytes {edits} cut {cut}", with_bytes_changed(edits, cut)
    part = rng.choice(xml_parts(blank_form()))
    edits = [
        (
            rng.randrange(20_000),
            rng.randrange(65),
            rng.choice(XML_EDITS),
            rng.randbytes(rng.randrange(17)),
        )
        for _ in range(rng.randint(1, 4))
    ]
    return f"xml {part} {edits}", with_xml_changed(part, edits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    programme = load_programme()
    times: list[float] = []
    raised: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "zamosc.xlsx"
        for _ in range(args.count):
            what, data = mutated(rng)
            path.write_bytes(data)
            started = time.perf_counter()
            try:
                checking.check_file(path, programme, "stage1-outline")
            except Exception:
                raised.append(f"{what}\n{traceback.format_exc(limit=3)}")
            times.append(time.perf_counter() - started)
    times.sort()
    figures = {
        "files": args.count,
        "seed": args.seed,
        "raised": len(raised),
        "median_ms": round(statistics.median(times) * 1000, 2),
        "p99_ms": round(times[int(len(times) * 0.99) - 1] * 1000, 2),
        "slowest_ms": round(times[-1] * 1000, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(figures, indent=2))
    for report in raised[:5]:
        print(report, file=sys.stderr)
    OUT.mkdir(exist_ok=True)
    (OUT / "fuzz.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    sys.exit(1 if raised else 0)


if __name__ == "__main__":
    main()
