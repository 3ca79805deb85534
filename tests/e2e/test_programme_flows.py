"""The lifecycle flows under Prefect's test server, the programme demo, and the CLI views.

One programme run (intake of the sample outlines, then ``run_programme_demo``)
is shared by the class: it takes about half a minute.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from grantflow import config, resources
from grantflow.domain.deadlines import parse_moment
from grantflow.validation.demo_file import load_demo_cast
from grantflow.validation.programme_file import load_programme
from workflows.demo.programme import STAGE1, STAGE2, ProgrammeDemoResult, run_programme_demo


@dataclass(frozen=True)
class Programme:
    home: Path
    result: ProgrammeDemoResult

    def count(self, table: str) -> int:
        with sqlite3.connect(self.home / "grantflow.db") as db:
            (n,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()  # fixed table names
        return int(n)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "GRANTFLOW_HOME": str(self.home)}
        env["GRANTFLOW_DATABASE_URL"] = f"sqlite:///{self.home / 'grantflow.db'}"
        command = [sys.executable, "-m", "grantflow.cli", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="class")
def programme(
    prefect_server: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Programme]:
    from workflows.intake import intake

    home = tmp_path_factory.mktemp("programme") / "home"
    saved = {k: os.environ.get(k) for k in ("GRANTFLOW_HOME", "GRANTFLOW_DATABASE_URL")}
    os.environ["GRANTFLOW_HOME"] = str(home)
    os.environ["GRANTFLOW_DATABASE_URL"] = f"sqlite:///{home / 'grantflow.db'}"
    try:
        outlines = sorted((resources.samples() / "outlines").glob("*.xlsx"))
        cast = load_demo_cast()
        intake(
            files=[str(p) for p in outlines],
            submitted_by="demo",
            as_of=cast.calendar.at(cast.calendar.outlines_submitted),
        )
        yield Programme(home, run_programme_demo(config.load(), cast))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.mark.slow
# One worker for the class: xdist's default hands its tests to both, and each
# worker ran the class's programme (a minute on a busy machine) for itself.
@pytest.mark.xdist_group("programme")
class TestTheProgrammeDemo:
    def test_the_three_stages_end_with_totals_that_reconcile(self, programme: Programme) -> None:
        result = programme.result
        totals = result.ledger["totals"]
        assert result.ledger["reconciles"] and result.ledger["problems"] == []
        selected = result.ranking.selected
        assert len(selected) == 7 and len(result.ranking.reserve) == 3  # 14 valid outlines
        assert Decimal(totals["reserved"]) == Decimal(totals["committed"]) + Decimal(
            totals["returned"]
        )
        assert len(result.returned) == 1 and Decimal(totals["returned"]) > 0
        assert Decimal(totals["open"]) == 0
        assert len(result.conflicts) >= 2  # one per stage, each replaced
        assert result.third_experts  # a divergent pair was arbitrated
        assert "reconcile to the cent" in "\n".join(result.summary_lines())

    def test_running_each_flow_again_changes_nothing(self, programme: Programme) -> None:
        from workflows.partnership import partnership
        from workflows.review import review
        from workflows.selection import selection

        programme_file = str(programme.home / "demo-programme.yaml")
        deadline = load_programme(Path(programme_file)).partner_search_deadline
        before = [programme.count(t) for t in ("audit_log", "ledger_entries", "assignments")]
        for call in (STAGE1, STAGE2):
            assert review(call_code=call, programme_file=programme_file).assigned == ()
            selection(call_code=call, programme_file=programme_file, approve=True)
        at_deadline = parse_moment(str(deadline))
        partnership(call_code=STAGE2, programme_file=programme_file, as_of=at_deadline)
        early = at_deadline - timedelta(days=30)
        partnership(call_code=STAGE2, programme_file=programme_file, as_of=early)
        after = [programme.count(t) for t in ("audit_log", "ledger_entries", "assignments")]
        assert after == before

    def test_the_cli_views_read_the_same_story(self, programme: Programme) -> None:
        verify = programme.cli("audit", "verify")
        assert verify.returncode == 0, verify.stderr
        assert f"{programme.count('audit_log')} entries" in verify.stdout

        shown = programme.cli("applications", "--format", "json", "--call", STAGE2)
        assert shown.returncode == 0, shown.stderr
        rows = json.loads(shown.stdout)["applications"]
        ranked = {r["city"]: r["rank"] for r in rows}
        assert ranked == {e.proposal.city_name: e.rank for e in programme.result.ranking.entries}
        arbitrated = [r for r in rows if sum(s["submitted"] for s in r["scores"]) == 3]
        assert arbitrated and all(r["final_score"] is not None for r in arbitrated)

        ledger = programme.cli("ledger", "--format", "json")
        assert ledger.returncode == 0, ledger.stderr
        assert json.loads(ledger.stdout)["totals"] == programme.result.ledger["totals"]

        workbook = programme.home / "ledger.xlsx"
        written = programme.cli("ledger", "--format", "xlsx", "-o", str(workbook))
        assert written.returncode == 0 and workbook.read_bytes().startswith(b"PK")

    def test_a_refused_step_is_one_line_without_a_traceback(self, programme: Programme) -> None:
        first = programme.result.ranking.entries[0].application_id
        refused = programme.cli("formal-check", str(first), "--correct")
        assert refused.returncode == 1
        assert (
            refused.stderr.startswith("grantflow: refused:") and "Traceback" not in refused.stderr
        )
        unknown = programme.cli("review", "declare", "9999", "--reviewer", "R01", "--no-conflict")
        assert unknown.returncode == 2 and "Traceback" not in unknown.stderr

    def test_audit_verify_names_an_edited_entry(self, programme: Programme) -> None:
        # Last in the class: it breaks the chain.
        with sqlite3.connect(programme.home / "grantflow.db") as db:
            db.execute("""UPDATE audit_log SET actor = 'operator:mallory' WHERE seq = 42""")
        broken = programme.cli("audit", "verify")
        assert broken.returncode == 1
        assert "BROKEN at entry 42" in broken.stderr
