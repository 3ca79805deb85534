"""The lifecycle use cases end to end on in-memory fakes: Stage 2 to the partner-search deadline."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from grantflow.adapters.assignment import ScipyAssignmentSolver
from grantflow.domain.assessment import Reviewer
from grantflow.domain.errors import IllegalTransition
from grantflow.domain.outline import Outline
from grantflow.domain.partners import DonorMunicipality
from grantflow.services import lifecycle, partnership, review, selection
from grantflow.services.ledger import current_ledger
from grantflow.services.lifecycle_ports import PartnershipStatus
from grantflow.services.ports import NewSubmission
from grantflow.validation.outline import validate_outline
from grantflow.validation.report import FileReport
from tests.unit.factories import STAGE1, STAGE2, chelm_workbook, reference_programme
from tests.unit.lifecycle_fakes import FakeLifecycleUnitOfWork

PROGRAMME = reference_programme(funded_count=2, reserve_count=1)
AT = datetime(2020, 12, 1, 9, 0, tzinfo=UTC)
OPERATOR = "operator:anna.nowak"
LUMP_SUM = Decimal("150000.00")
CITIES = (("Chełm", "0662011"), ("Hrubieszów", "0605011"), ("Konin", "3062011"))
POINTS = {  # reviewer order of assignment -> (relevance, quality, partnership, sustainability)
    "Chełm": [(25, 25, 16, 16), (24, 24, 16, 16)],  # 82, 80
    "Hrubieszów": [(28, 27, 18, 17), (12, 12, 8, 8), (25, 24, 15, 16)],  # 90, 40, then 80
    "Konin": [(20, 20, 15, 15), (21, 21, 15, 15)],  # 70, 72
}
DONORS = (
    DonorMunicipality(
        "NO-4204",
        "Kristiansand kommune",
        "NO",
        "Agder",
        ("resilience_preparedness", "environment_energy"),
        ("knowledge_exchange",),
        1,
    ),
)


def outline_of(city: str, teryt: str) -> Outline:
    chelm = validate_outline(chelm_workbook(), reference_programme(), STAGE1).outline
    assert chelm is not None
    return dataclasses.replace(chelm, city_name=city, teryt=teryt)


def criteria_points(values: tuple[int, int, int, int]) -> dict[str, Decimal]:
    codes = [c.code for c in PROGRAMME.criteria]
    return {code: Decimal(v) for code, v in zip(codes, values, strict=True)}


@pytest.fixture
def uow() -> FakeLifecycleUnitOfWork:
    uow = FakeLifecycleUnitOfWork()
    with uow:
        for city, teryt in CITIES:
            app = uow.applications.add(
                call_code=STAGE2, stage=2, teryt=teryt, city_name=city, created_at=AT
            )
            uow.submissions.add(
                NewSubmission(
                    application_id=app.id,
                    version_no=1,
                    file_name=f"{city}.xlsx",
                    sha256=teryt * 9,
                    stored_path=f"uploads/{teryt}.xlsx",
                    size=1,
                    report=FileReport(file=f"{city}.xlsx"),
                    outline=outline_of(city, teryt),
                    submitted_by=city,
                    submitted_at=AT - timedelta(days=app.id),
                )
            )
        for donor in DONORS:
            uow.donors.add(donor)
        uow.commit()
    for code, conflicts in (("R01", {"0605011"}), ("R02", set()), ("R03", set()), ("R04", set())):
        review.register_reviewer(
            uow,
            Reviewer(code, code, frozenset({"pl"}), frozenset(conflicts)),
            at=AT,
            actor=OPERATOR,
        )
    return uow


def state(uow: FakeLifecycleUnitOfWork, application_id: int) -> str:
    return uow.committed.applications[application_id].state


def assess_everything(uow: FakeLifecycleUnitOfWork) -> None:
    for application_id in (1, 2, 3):
        lifecycle.formal_check(uow, application_id, correct=True, at=AT, actor=OPERATOR)
    first = review.reconcile_assessment(uow, STAGE2, PROGRAMME, at=AT, actor="flow:review")
    assert first.started == (1, 2, 3)
    assert len(first.assigned) == 6
    # R02 turns out to know Chełm's mayor: R02 is replaced on Chełm.
    chelm_reviewers = [a.reviewer_code for a in first.assigned if a.application_id == 1]
    review.declare(uow, 1, chelm_reviewers[0], conflict=True, at=AT, reason="znajomy burmistrza")
    for round_no in range(2):
        for key, assignment in sorted(uow.committed.assignments.items()):
            if assignment.declaration == "pending":
                review.declare(uow, key[0], key[1], conflict=False, at=AT)
        for application_id, (city, _) in enumerate(CITIES, start=1):
            active = [
                a
                for a in uow.committed.assignments.values()
                if a.application_id == application_id and a.declaration == "no_conflict"
            ]
            for number, assignment in enumerate(active):
                card = uow.committed.scorecards.get((application_id, assignment.reviewer_code))
                if card is None or not card.submitted:
                    review.score(
                        uow,
                        application_id,
                        assignment.reviewer_code,
                        criteria_points(POINTS[city][number]),
                        PROGRAMME,
                        submit=True,
                        at=AT + timedelta(minutes=10 * round_no + number),
                    )
        review.reconcile_assessment(uow, STAGE2, PROGRAMME, at=AT, actor="flow:review")


class TestTheProgrammeStory:
    def test_from_formal_check_to_the_partner_search_deadline(
        self, uow: FakeLifecycleUnitOfWork
    ) -> None:
        assess_everything(uow)
        assert [state(uow, i) for i in (1, 2, 3)] == ["assessed"] * 3
        assert all(
            a.reviewer_code != "R01"
            for a in uow.committed.assignments.values()
            if a.application_id == 2
        )

        ranking = selection.propose_ranking(uow, STAGE2, PROGRAMME, at=AT, actor=OPERATOR)
        assert [(e.proposal.city_name, e.proposal.final_score) for e in ranking.entries] == [
            ("Hrubieszów", Decimal(85)),
            ("Chełm", Decimal(81)),
            ("Konin", Decimal(71)),
        ]
        selection.approve_ranking(uow, STAGE2, [], at=AT, actor="committee")
        selection.approve_ranking(uow, STAGE2, [], at=AT, actor="committee")  # a re-run
        assert [state(uow, i) for i in (1, 2, 3)] == ["selected", "selected", "reserve"]
        assert current_ledger(uow).totals().reserved == 2 * LUMP_SUM

        withdrawal = selection.withdraw_application(
            uow, STAGE2, 1, at=AT, actor="city:Chełm", reason="rada miasta wycofała wniosek"
        )
        assert withdrawal.promoted == 3
        assert [state(uow, i) for i in (1, 3)] == ["withdrawn", "selected"]

        solver = ScipyAssignmentSolver()
        proposals = partnership.reconcile_partner_search(uow, STAGE2, solver, at=AT, actor=OPERATOR)
        assert len(proposals) == 1  # Kristiansand has one place for two cities
        matched = proposals[0].city.application_id
        partnership.confirm_partner(uow, matched, "NO-4204", at=AT, actor=OPERATOR)
        signed = partnership.sign_agreement(uow, STAGE2, matched, at=AT, actor=OPERATOR)
        assert signed.status is PartnershipStatus.SIGNED
        assert partnership.close_partner_search(uow, STAGE2, at=AT, actor=OPERATOR) == [5 - matched]

        ledger = current_ledger(uow)
        totals = ledger.totals()
        assert ledger.problems() == []
        assert (totals.reserved, totals.released, totals.committed, totals.returned) == (
            3 * LUMP_SUM,
            LUMP_SUM,
            LUMP_SUM,
            LUMP_SUM,
        )
        assert totals.open == 0
        checked, broken = lifecycle.verify_audit(uow)
        assert broken is None
        assert checked == len(uow.committed.audit) > 40

    def test_an_edited_audit_entry_is_found(self, uow: FakeLifecycleUnitOfWork) -> None:
        assess_everything(uow)
        target = uow.committed.audit[5]
        uow.committed.audit[5] = dataclasses.replace(target, actor="operator:someone-else")
        assert lifecycle.verify_audit(uow)[1] == uow.committed.audit[5]

    def test_a_refused_transition_leaves_no_trace(self, uow: FakeLifecycleUnitOfWork) -> None:
        before = list(uow.committed.audit)
        with pytest.raises(IllegalTransition, match="'submitted' cannot 'select'"):
            lifecycle.apply(uow, 1, lifecycle.Action.SELECT, at=AT, actor=OPERATOR)
        assert uow.committed.audit == before
        assert state(uow, 1) == "submitted"
