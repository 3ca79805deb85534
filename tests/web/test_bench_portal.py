"""The portal benchmark runs end to end with two cities and two reviewers, so it cannot rot.

Its figures are not checked here (benchmarks/README.md holds them): only that every
operation ran for every person, against a real ``grantflow serve``, with no error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks" / "bench_portal.py"


def test_two_cities_and_two_reviewers_sign_in_upload_and_score_without_an_error(
    tmp_path: Path,
) -> None:
    figures = tmp_path / "portal.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRANTFLOW_", "PREFECT_"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    run = subprocess.run(
        [sys.executable, str(BENCH), "--cities", "2", "--reviewers", "2", "--json", str(figures)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(figures.read_text())
    assert result["errors"] == {}
    operations = result["operations"]
    assert set(operations) == {
        "city: sign in",
        "city: upload to report",
        "reviewer: sign in",
        "reviewer: open an assignment",
        "reviewer: declare no conflict",
        "reviewer: read the application",
        "reviewer: save a draft",
        "reviewer: submit the scores",
    }
    assert {f["count"] for f in operations.values()} == {2}
    assert result["validation_in_process"]["count"] == 2
    assert "city: upload to report" in run.stdout and "targets" in run.stdout
