"""A ledger with a problem does not reconcile anywhere it is shown: ``grantflow ledger``, the
partnership flow's ledger artifact and the demo's summary all go by the view's one verdict
(``Ledger.reconciles``), never by totals that merely add up.

No booking makes such a ledger (``tests/unit/test_ledger.py``), so the store's ledger is
replaced by a broken one where the view reads it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from grantflow import config
from grantflow.adapters.store import migrate
from grantflow.cli import app
from grantflow.domain.ranking import Ranking
from grantflow.services import lifecycle_views
from grantflow.services.lifecycle_views import view_of_ledger
from tests.unit.test_ledger import overspent_ledger
from workflows import partnership
from workflows.demo.programme import ProgrammeDemoResult
from workflows.demo.proposals import ProposalsSubmitted

OVERSPENT = "stage2-proposal/0662011: spent 145000.00 exceeds committed 140000.00"


@pytest.fixture
def overspent(grantflow_home: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The store's ledger, as every reader of the view sees it, is Chełm's overspent one."""
    migrate(config.load().database_url)
    monkeypatch.setattr(lifecycle_views, "current_ledger", lambda uow: overspent_ledger())
    return view_of_ledger(overspent_ledger())


class TestALedgerWithAProblem:
    def test_grantflow_ledger_says_it_does_not_reconcile_and_exits_1(
        self, overspent: dict[str, Any]
    ) -> None:
        shown = CliRunner().invoke(app, ["ledger"])
        assert shown.exit_code == 1
        lines = shown.stdout.splitlines()
        assert lines[-3:] == [
            "3 entries; totals DO NOT reconcile (EUR)",
            f"problem: {OVERSPENT}",
            "problem: stage2-proposal/0662011: spent 145000.00 != entries 131250.40",
        ]
        as_json = CliRunner().invoke(app, ["ledger", "--format", "json"])
        assert as_json.exit_code == 1
        assert json.loads(as_json.stdout)["reconciles"] is False

    def test_the_partnership_flows_ledger_artifact_says_it_does_not_reconcile(
        self, overspent: dict[str, Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        published: dict[str, Any] = {}
        monkeypatch.setattr(partnership, "create_table_artifact", lambda **a: published.update(a))
        view = partnership.publish_ledger.fn(config.load())
        assert view["reconciles"] is False
        assert published["description"] == (
            "Lump sums per call and city (EUR); 3 entries; totals DO NOT reconcile"
        )

    def test_the_demo_summary_says_it_does_not_reconcile(self, overspent: dict[str, Any]) -> None:
        nothing_ranked = Ranking(entries=(), allocation_eur=None)
        result = ProgrammeDemoResult(
            shortlist=nothing_ranked,
            ranking=nothing_ranked,
            ledger=overspent,
            conflicts=(),
            third_experts=(),
            returned=(),
            programme_file="demo-programme.yaml",
            proposals=ProposalsSubmitted(()),
        )
        assert result.summary_lines()[-1] == "Ledger: 3 entries; totals DO NOT reconcile."
