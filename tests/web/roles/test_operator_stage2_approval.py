"""A Stage 2 approval in the portal moves money: the selected cities' lump sums are
reserved, the one the committee moved to the reserve list gets none, the partner search
opens at once (the step ``next: grantflow run partnership`` names), and the ledger
reconciles on the dashboard."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from grantflow.domain.accounts import Binding
from grantflow.domain.assessment import Reviewer
from grantflow.services import lifecycle, review, selection
from grantflow.services.ledger import current_ledger
from grantflow.web.app import create_app
from tests.unit.test_lifecycle_services import CITIES, add_stage2_proposals, outline_of
from tests.web.portal_data import sign_in, wiring_at
from tests.web.roles.roles_data import DEDUCTIONS, OPERATOR, add_account

CALL = "stage2-proposal"
SUBMITTED_AT = datetime(2020, 10, 20, 10, 0, tzinfo=UTC)
DECIDED_AT = datetime(2021, 2, 15, 10, 0, tzinfo=UTC)  # before the partner search closes
# The experts' points (relevance, plan_quality, feasibility, partnership, budget) by city.
POINTS = {
    "Hrubieszów": (28, 23, 18, 13, 9),
    "Chełm": (27, 22, 17, 13, 9),
    "Konin": (24, 20, 15, 12, 8),
}
MOVE = "Konin realizuje już ten sam projekt ze środków RPO; komisja przenosi go na listę rezerwową."


@pytest.fixture(scope="module")
def applications(home: Path) -> dict[str, int]:
    """The unit story's three Stage 2 proposals scored by two experts each, assessed and
    ranked."""
    with wiring_at(home, DECIDED_AT) as wiring:
        wiring.migrate()
        programme, uow = wiring.programme, wiring.unit_of_work()
        with uow:
            add_stage2_proposals(uow)
            uow.commit()
        ids = {city: number for number, (city, _) in enumerate(CITIES, start=1)}
        for code in ("R11", "R12"):
            reviewer = Reviewer(code, f"Ekspert {code}", frozenset({"pl"}))
            review.register_reviewer(uow, reviewer, at=DECIDED_AT, actor="operator:test")
        for application_id in ids.values():
            lifecycle.formal_check(
                uow, application_id, correct=True, at=DECIDED_AT, actor="operator:test"
            )
        assigned = review.reconcile_assessment(
            uow, CALL, programme, at=DECIDED_AT, actor="system:review"
        ).assigned
        codes = [c.code for c in programme.criteria]
        points_of = {ids[city]: points for city, points in POINTS.items()}
        for assignment in assigned:
            values = points_of[assignment.application_id]
            review.declare(
                uow,
                assignment.application_id,
                assignment.reviewer_code,
                conflict=False,
                at=DECIDED_AT,
            )
            review.score(
                uow,
                assignment.application_id,
                assignment.reviewer_code,
                dict(zip(codes, map(Decimal, values), strict=True)),
                programme,
                submit=True,
                at=DECIDED_AT,
                comments=DEDUCTIONS,
            )
        review.reconcile_assessment(uow, CALL, programme, at=DECIDED_AT, actor="system:review")
        selection.propose_ranking(uow, CALL, programme, at=DECIDED_AT, actor="operator:test")
        add_account(wiring, OPERATOR, Binding("operator"), "pl")
    return ids


def test_moving_a_selected_city_to_the_reserve_list_reserves_only_the_funded_lump_sums(
    home: Path, applications: dict[str, int]
) -> None:
    konin = applications["Konin"]
    with TestClient(create_app(wiring_at(home, DECIDED_AT))) as client:
        token = sign_in(client, OPERATOR)
        answer = client.post(
            f"/operator/calls/{CALL}/ranking",
            data={"csrf": token, f"decision-{konin}": "reserve", f"justification-{konin}": MOVE},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        dashboard = client.get(answer.headers["location"]).text
    assert MOVE in dashboard and "Rejestr uzgadnia się co do centa." in dashboard
    with wiring_at(home, DECIDED_AT) as wiring:
        uow = wiring.unit_of_work()
        with uow:
            states = {city: uow.applications.get(i).state for city, i in applications.items()}
        ledger = current_ledger(uow)
    assert states == {"Hrubieszów": "partner_search", "Chełm": "partner_search", "Konin": "reserve"}
    lump_sum = outline_of("Chełm", "0662011").lump_sum_eur
    assert lump_sum is not None
    assert ledger.totals().reserved == 2 * lump_sum
    assert ledger.balance("3062011", CALL).reserved == 0
    assert ledger.problems() == []
