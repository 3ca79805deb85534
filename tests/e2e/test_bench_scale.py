"""The scale benchmark runs its review and selection part on three applications, so it
cannot rot: its store is prepared through the same use cases the people's steps call, and a
rule added there (a scorecard's comments, say) would otherwise break it unseen.

Its figures are not checked here (benchmarks/README.md holds them): only that both runs,
through the flows and without Prefect, reviewed and ranked every application.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks" / "bench_scale.py"


def test_three_applications_are_reviewed_and_ranked_through_the_flows_and_without_prefect(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRANTFLOW_", "PREFECT_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["GRANTFLOW_BENCH_OUT"] = str(tmp_path)
    run = subprocess.run(
        [sys.executable, str(BENCH), "--documents", "3", "--only", "review"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    (entry,) = json.loads((tmp_path / "scale.json").read_text())
    parts = {(r["what"], r["where"], r["count"]) for r in entry["results"]}
    assert parts == {("review", "review", 3), ("review", "review and selection", 3)}
    for result in entry["results"]:
        assert result["flow"]["seconds"] > 0 and result["direct"]["seconds"] > 0
