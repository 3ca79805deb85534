"""The lifecycle use cases end to end on in-memory fakes: Stage 2 to the partner-search deadline."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from grantflow.adapters.assignment import ScipyAssignmentSolver
from grantflow.domain.assessment import AssessmentError, Reviewer
from grantflow.domain.errors import IllegalTransition, LedgerError
from grantflow.domain.ledger import EntryKind, LedgerEntry
from grantflow.domain.lifecycle import Action
from grantflow.domain.outline import Outline
from grantflow.domain.partners import (
    AgreementOutsideEligibility,
    DonorMunicipality,
    SignatureInTheFuture,
)
from grantflow.domain.ranking import Decision
from grantflow.services import decisions, lifecycle, partnership, review, selection
from grantflow.services.final_report import committed_lump_sum
from grantflow.services.ledger import book, current_ledger, settle_open
from grantflow.services.partnership import PartnershipError
from grantflow.services.ports.partners import PartnershipStatus
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.validation.outline import validate_outline
from tests.unit.factories import (
    STAGE1,
    STAGE2,
    add_submitted,
    chelm_workbook,
    deduction_comments,
    reference_programme,
)
from tests.unit.fakes.unit_of_work import FakeUnitOfWork

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


def add_stage2_proposals(uow: UnitOfWork) -> None:
    """Chełm's, Hrubieszów's and Konin's Stage 2 proposals (ids 1 to 3) with a valid
    version each, inside an open unit of work (on the fakes, or on a real store)."""
    for number, (city, teryt) in enumerate(CITIES, start=1):
        at = AT - timedelta(days=number)
        add_submitted(uow, STAGE2, city, teryt, outline_of(city, teryt), by=city, at=at)


def populate_stage2(uow: FakeUnitOfWork) -> None:
    """Three Stage 2 proposals with a valid version each, the donors, four experts."""
    with uow:
        add_stage2_proposals(uow)
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


@pytest.fixture
def uow() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    populate_stage2(uow)
    return uow


def state(uow: FakeUnitOfWork, application_id: int) -> str:
    return uow.committed.applications[application_id].state


def assess_everything(uow: FakeUnitOfWork) -> None:
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
                        comments=deduction_comments(PROGRAMME),
                    )
        review.reconcile_assessment(uow, STAGE2, PROGRAMME, at=AT, actor="flow:review")


class TestTheProgrammeStory:
    def test_from_formal_check_to_the_partner_search_deadline(self, uow: FakeUnitOfWork) -> None:
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

        withdrawal = selection.withdraw(
            uow, 1, at=AT, actor="city:Chełm", reason="rada miasta wycofała wniosek"
        )
        assert withdrawal.promoted is not None and withdrawal.promoted.id == 3
        assert [state(uow, i) for i in (1, 3)] == ["withdrawn", "selected"]

        solver = ScipyAssignmentSolver()
        proposals = partnership.reconcile_partner_search(uow, STAGE2, solver, at=AT, actor=OPERATOR)
        assert len(proposals) == 1  # Kristiansand has one place for two cities
        matched = proposals[0].city.application_id
        partnership.confirm_partner(uow, matched, "NO-4204", PROGRAMME, at=AT, actor=OPERATOR)
        signed = partnership.sign_agreement(
            uow, STAGE2, matched, PROGRAMME, at=AT, actor=OPERATOR, today=AT.date()
        )
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

    def test_an_edited_audit_entry_is_found(self, uow: FakeUnitOfWork) -> None:
        assess_everything(uow)
        target = uow.committed.audit[5]
        uow.committed.audit[5] = dataclasses.replace(target, actor="operator:someone-else")
        assert lifecycle.verify_audit(uow)[1] == uow.committed.audit[5]

    def test_a_refused_transition_leaves_no_trace(self, uow: FakeUnitOfWork) -> None:
        before = list(uow.committed.audit)
        with pytest.raises(IllegalTransition, match="'submitted' cannot 'select'"):
            lifecycle.apply(uow, 1, lifecycle.Action.SELECT, at=AT, actor=OPERATOR)
        assert uow.committed.audit == before
        assert state(uow, 1) == "submitted"


def decided(uow: FakeUnitOfWork) -> None:
    """The committee approved: Hrubieszów (2) and Chełm (1) funded, Konin (3) in reserve."""
    assess_everything(uow)
    selection.propose_ranking(uow, STAGE2, PROGRAMME, at=AT, actor=OPERATOR)
    selection.approve_ranking(uow, STAGE2, [], at=AT, actor="committee")


def balance(uow: FakeUnitOfWork, teryt: str, call: str = STAGE2) -> tuple[Decimal, ...]:
    b = current_ledger(uow).balance(teryt, call)
    return (b.reserved, b.released, b.committed, b.returned, b.open)


CHELM_TERYT, HRUBIESZOW_TERYT, KONIN_TERYT = (teryt for _, teryt in CITIES)
NOTHING = (Decimal(0),) * 5


class TestTheExpertPool:
    def test_an_expert_who_reads_no_language_is_not_registered(self, uow: FakeUnitOfWork) -> None:
        with uow:
            before = len(uow.audit.all())
        nobody_reads = Reviewer("R07", "Zofia Kędzierska", frozenset())
        with pytest.raises(AssessmentError, match=r"R07 \(Zofia Kędzierska\) reads no language"):
            review.register_reviewer(uow, nobody_reads, at=AT, actor=OPERATOR)
        with uow:
            assert [r.code for r in uow.reviewers.list()] == ["R01", "R02", "R03", "R04"]
            assert len(uow.audit.all()) == before


class TestOperatorDecisions:
    def test_moving_a_reserve_up_by_hand_is_refused_so_no_city_skips_its_reservation(
        self, uow: FakeUnitOfWork
    ) -> None:
        decided(uow)
        before = list(uow.committed.audit)
        with pytest.raises(decisions.NotADirectDecision, match="promote_from_reserve"):
            decisions.decide(uow, 3, Action.PROMOTE_FROM_RESERVE, at=AT, actor=OPERATOR)
        assert state(uow, 3) == "reserve"
        assert uow.committed.audit == before

    @pytest.mark.parametrize("action", sorted(set(Action) - decisions.DIRECT_ACTIONS))
    def test_an_action_that_books_or_ranks_is_never_a_direct_decision(
        self, uow: FakeUnitOfWork, action: Action
    ) -> None:
        with pytest.raises(decisions.NotADirectDecision):
            decisions.decide(uow, 1, action, at=AT, actor=OPERATOR)
        assert state(uow, 1) == "submitted"

    def test_a_city_leaving_after_its_partner_was_confirmed_releases_its_lump_sum(
        self, uow: FakeUnitOfWork
    ) -> None:
        decided(uow)
        solver = ScipyAssignmentSolver()
        (proposal,) = partnership.reconcile_partner_search(uow, STAGE2, solver, at=AT, actor="f")
        leaving = proposal.city.application_id
        partnership.confirm_partner(uow, leaving, "NO-4204", PROGRAMME, at=AT, actor=OPERATOR)
        assert state(uow, leaving) == "partnership_confirmed"

        outcome = decisions.decide(
            uow, leaving, Action.WITHDRAW, at=AT, actor=OPERATOR, reason="rada miasta: rezygnacja"
        )

        assert state(uow, leaving) == "withdrawn"
        assert leaving not in uow.committed.partnerships  # Kristiansand's place is free again
        assert balance(uow, proposal.city.teryt)[:2] == (LUMP_SUM, LUMP_SUM)  # released
        assert balance(uow, proposal.city.teryt)[-1] == 0
        assert outcome.promoted is not None and outcome.promoted.id == 3
        assert state(uow, 3) == "selected"
        assert balance(uow, KONIN_TERYT)[0] == LUMP_SUM  # Konin's lump sum is reserved
        assert current_ledger(uow).problems() == []

    def test_a_city_leaving_the_partner_search_releases_its_lump_sum_once(
        self, uow: FakeUnitOfWork
    ) -> None:
        decided(uow)
        partnership.reconcile_partner_search(
            uow, STAGE2, ScipyAssignmentSolver(), at=AT, actor="flow:partnership"
        )
        assert state(uow, 1) == "partner_search"
        decisions.decide(uow, 1, Action.WITHDRAW, at=AT, actor=OPERATOR, reason="brak wkładu")
        with pytest.raises(IllegalTransition):
            decisions.decide(uow, 1, Action.WITHDRAW, at=AT, actor=OPERATOR, reason="again")
        released = [e for e in uow.committed.ledger if e.kind is EntryKind.RELEASE]
        assert [(e.city, e.call, e.amount) for e in released] == [(CHELM_TERYT, STAGE2, LUMP_SUM)]

    def test_a_city_leaving_the_reserve_list_books_nothing_and_moves_nobody_up(
        self, uow: FakeUnitOfWork
    ) -> None:
        decided(uow)
        entries = list(uow.committed.ledger)
        outcome = decisions.decide(uow, 3, Action.WITHDRAW, at=AT, actor=OPERATOR, reason="x")
        assert (outcome.promoted, outcome.application.state) == (None, "withdrawn")
        assert uow.committed.ledger == entries
        assert uow.committed.rankings[STAGE2].entry(3).decision is Decision.WITHDRAWN

    def test_a_withdrawal_before_the_committee_decides_changes_only_the_proposal(
        self, uow: FakeUnitOfWork
    ) -> None:
        assess_everything(uow)
        selection.propose_ranking(uow, STAGE2, PROGRAMME, at=AT, actor=OPERATOR)
        outcome = decisions.decide(uow, 2, Action.WITHDRAW, at=AT, actor="city:Hrubieszów")
        assert outcome.promoted is None and state(uow, 3) == "assessed"
        assert uow.committed.rankings[STAGE2].entry(3).decision is Decision.SELECTED
        assert uow.committed.ledger == []
        selection.approve_ranking(uow, STAGE2, [], at=AT, actor="committee")
        assert [state(uow, i) for i in (1, 2, 3)] == ["selected", "withdrawn", "selected"]
        assert current_ledger(uow).totals().reserved == 2 * LUMP_SUM

    def test_a_project_does_not_start_while_its_lump_sum_is_still_reserved(
        self, uow: FakeUnitOfWork
    ) -> None:
        decided(uow)
        with pytest.raises(PartnershipError, match=r"still has EUR 150000\.00 of its lump sum"):
            decisions.decide(uow, 1, Action.START_IMPLEMENTATION, at=AT, actor=OPERATOR)
        assert state(uow, 1) == "selected"

    def test_a_project_starts_once_its_agreement_committed_the_lump_sum(
        self, uow: FakeUnitOfWork
    ) -> None:
        decided(uow)
        solver = ScipyAssignmentSolver()
        (proposal,) = partnership.reconcile_partner_search(uow, STAGE2, solver, at=AT, actor="f")
        signed = proposal.city.application_id
        partnership.confirm_partner(uow, signed, "NO-4204", PROGRAMME, at=AT, actor=OPERATOR)
        partnership.sign_agreement(
            uow, STAGE2, signed, PROGRAMME, at=AT, actor=OPERATOR, today=AT.date()
        )
        outcome = decisions.decide(uow, signed, Action.START_IMPLEMENTATION, at=AT, actor=OPERATOR)
        assert outcome.application.state == "implementation"
        assert balance(uow, proposal.city.teryt)[2] == LUMP_SUM  # committed, nothing open

    @pytest.mark.parametrize(
        ("signed_at", "today", "refusal", "message"),
        [
            pytest.param(
                datetime(2024, 5, 2, 10, 0, tzinfo=UTC),  # the programme ended 2024-04-30
                date(2024, 5, 6),
                AgreementOutsideEligibility,
                r"dated 2024-05-02 would end before it begins: .* 2024-04-30",
                id="after the final eligibility date",
            ),
            pytest.param(
                datetime(2021, 6, 24, 10, 0, tzinfo=UTC),  # Sankthansaften in Kristiansand
                date(2021, 6, 14),
                SignatureInTheFuture,
                r"cannot be dated 2021-06-24: that day has not come yet \(today is 2021-06-14\)",
                id="on a day still to come",
            ),
        ],
    )
    def test_an_agreement_dated_when_it_cannot_be_signed_is_refused_and_commits_nothing(
        self,
        uow: FakeUnitOfWork,
        signed_at: datetime,
        today: date,
        refusal: type[Exception],
        message: str,
    ) -> None:
        decided(uow)
        solver = ScipyAssignmentSolver()
        (proposal,) = partnership.reconcile_partner_search(uow, STAGE2, solver, at=AT, actor="f")
        partnered = proposal.city.application_id
        partnership.confirm_partner(uow, partnered, "NO-4204", PROGRAMME, at=AT, actor=OPERATOR)
        with uow:
            audit = len(uow.audit.all())

        with pytest.raises(refusal, match=message):
            partnership.sign_agreement(
                uow, STAGE2, partnered, PROGRAMME, at=signed_at, actor=OPERATOR, today=today
            )
        assert state(uow, partnered) == "partnership_confirmed"
        assert balance(uow, proposal.city.teryt)[2] == 0  # nothing committed
        with uow:
            assert len(uow.audit.all()) == audit

    def test_a_partner_confirmed_after_the_final_eligibility_date_is_refused(
        self, uow: FakeUnitOfWork
    ) -> None:
        decided(uow)
        solver = ScipyAssignmentSolver()
        (proposal,) = partnership.reconcile_partner_search(uow, STAGE2, solver, at=AT, actor="f")
        with pytest.raises(AgreementOutsideEligibility):
            partnership.confirm_partner(
                uow,
                proposal.city.application_id,
                "NO-4204",
                PROGRAMME,
                at=datetime(2024, 5, 6, 9, 0, tzinfo=UTC),  # after 2024-04-30
                actor=OPERATOR,
            )
        assert state(uow, proposal.city.application_id) == "partner_search"


class TestAPartnershipFlowRound:
    def test_a_selected_city_wanting_no_partner_starts_its_project_and_books_nothing(
        self, uow: FakeUnitOfWork
    ) -> None:
        assess_everything(uow)
        hrubieszow = uow.committed.submissions[2]
        assert hrubieszow.outline is not None
        uow.committed.submissions[2] = dataclasses.replace(
            hrubieszow, outline=dataclasses.replace(hrubieszow.outline, wants_partner=False)
        )
        selection.propose_ranking(uow, STAGE2, PROGRAMME, at=AT, actor=OPERATOR)
        selection.approve_ranking(uow, STAGE2, [], at=AT, actor="committee")
        solver = ScipyAssignmentSolver()

        partnership.reconcile_partner_search(uow, STAGE2, solver, at=AT, actor="flow")
        audit = list(uow.committed.audit)
        partnership.reconcile_partner_search(uow, STAGE2, solver, at=AT, actor="flow")

        assert [state(uow, i) for i in (1, 2, 3)] == ["partner_search", "implementation", "reserve"]
        assert balance(uow, HRUBIESZOW_TERYT) == NOTHING
        assert uow.committed.audit == audit  # the second run changed nothing

    def test_before_the_deadline_donors_are_proposed_and_from_it_the_search_closes(
        self, uow: FakeUnitOfWork
    ) -> None:
        decided(uow)
        deadline = PROGRAMME.partner_search_deadline
        solver = ScipyAssignmentSolver()
        before = partnership.reconcile(
            uow, STAGE2, PROGRAMME, solver, today=deadline - timedelta(days=1), at=AT, actor="f"
        )
        assert not before.closed_search and len(before.proposals) == 1
        assert before.no_partner == ()
        at_deadline = partnership.reconcile(
            uow, STAGE2, PROGRAMME, solver, today=deadline, at=AT, actor="f"
        )
        assert at_deadline.closed_search and at_deadline.proposals == ()
        assert at_deadline.no_partner == (1, 2)
        assert [state(uow, i) for i in (1, 2)] == ["no_partner", "no_partner"]
        assert current_ledger(uow).totals(STAGE2).returned == 2 * LUMP_SUM


class TestTheSelectionRound:
    def test_the_ranking_is_proposed_again_only_when_new_applications_were_assessed(
        self, uow: FakeUnitOfWork
    ) -> None:
        assert selection.reconcile_selection(uow, STAGE2, PROGRAMME, at=AT, actor="f") is None
        assess_everything(uow)
        first = selection.reconcile_selection(uow, STAGE2, PROGRAMME, at=AT, actor="f")
        audit = list(uow.committed.audit)
        again = selection.reconcile_selection(uow, STAGE2, PROGRAMME, at=AT, actor="f")
        assert first == again and uow.committed.audit == audit
        approved = selection.reconcile_selection(
            uow, STAGE2, PROGRAMME, at=AT, actor="f", approve=True, approved_by="committee:k"
        )
        assert approved is not None
        assert [state(uow, i) for i in (1, 2, 3)] == ["selected", "selected", "reserve"]
        assert uow.committed.audit[-1].actor == "committee:k"


class TestFormalCheckReasons:
    @pytest.mark.parametrize("reason", ["", "   "])
    def test_a_formal_rejection_without_a_reason_is_refused(
        self, uow: FakeUnitOfWork, reason: str
    ) -> None:
        with pytest.raises(lifecycle.ReasonRequired, match="application 1"):
            lifecycle.formal_check(uow, 1, correct=False, at=AT, actor=OPERATOR, reason=reason)
        assert state(uow, 1) == "submitted"

    def test_a_return_for_correction_without_a_reason_is_refused(self, uow: FakeUnitOfWork) -> None:
        with pytest.raises(lifecycle.ReasonRequired):
            lifecycle.return_for_correction(
                uow, 1, deadline=date(2019, 12, 16), at=AT, actor=OPERATOR, reason=""
            )
        assert state(uow, 1) == "submitted"

    def test_reopening_a_partner_search_without_a_reason_is_refused_and_records_nothing(
        self, uow: FakeUnitOfWork
    ) -> None:
        with uow:
            before = len(uow.audit.all())
        with pytest.raises(lifecycle.ReasonRequired, match="reopening the partner search"):
            partnership.reopen_search(uow, 1, at=AT, actor=OPERATOR, reason="  ")
        with uow:
            assert len(uow.audit.all()) == before

    def test_an_accepted_application_needs_no_reason(self, uow: FakeUnitOfWork) -> None:
        assert lifecycle.formal_check(uow, 1, correct=True, at=AT, actor=OPERATOR).state == (
            "formally_correct"
        )


BILATERAL = "bilateral-2024"  # the next call, in which Chełm is funded again


def reserve(uow: FakeUnitOfWork, call: str, application_id: int, amount: Decimal) -> None:
    with uow:
        book(
            uow,
            key=f"reserve:{call}:{application_id}",
            call=call,
            city=CHELM_TERYT,
            kind=EntryKind.RESERVE,
            amount=amount,
            at=AT,
            actor=OPERATOR,
        )
        uow.commit()


class TestOneCityFundedInTwoCalls:
    @pytest.fixture
    def chelm_twice(self, uow: FakeUnitOfWork) -> FakeUnitOfWork:
        """Chełm: EUR 150 000 reserved in the 2014-2021 call, EUR 140 000 in the next one."""
        with uow:
            uow.applications.add(
                call_code=BILATERAL, stage=2, teryt=CHELM_TERYT, city_name="Chełm", created_at=AT
            )
            uow.commit()
        reserve(uow, STAGE2, 1, LUMP_SUM)
        reserve(uow, BILATERAL, 4, Decimal("140000.00"))
        return uow

    def test_signing_in_the_next_call_commits_only_that_calls_reservation(
        self, chelm_twice: FakeUnitOfWork
    ) -> None:
        uow = chelm_twice
        with uow:
            settle_open(
                uow,
                EntryKind.COMMIT,
                f"commit:{BILATERAL}:4",
                uow.applications.get(4),
                "umowa z Kristiansand",
                at=AT,
                actor=OPERATOR,
            )
            uow.commit()
        assert balance(uow, CHELM_TERYT, BILATERAL)[2:] == (Decimal("140000.00"), 0, 0)
        assert balance(uow, CHELM_TERYT, STAGE2)[-1] == LUMP_SUM  # untouched, still open
        with uow:
            assert committed_lump_sum(uow, uow.applications.get(1)) == 0

    def test_a_booking_of_one_call_never_draws_on_the_other_calls_money(
        self, chelm_twice: FakeUnitOfWork
    ) -> None:
        uow = chelm_twice
        with uow, pytest.raises(LedgerError, match=r"only EUR 140000\.00"):
            book(
                uow,
                key=f"commit:{BILATERAL}:4",
                call=BILATERAL,
                city=CHELM_TERYT,
                kind=EntryKind.COMMIT,
                amount=LUMP_SUM,
                at=AT,
                actor=OPERATOR,
            )

    def test_the_totals_reconcile_per_call_and_for_the_programme(
        self, chelm_twice: FakeUnitOfWork
    ) -> None:
        ledger = current_ledger(chelm_twice)
        assert ledger.problems() == []
        assert ledger.totals(STAGE2).reserved == LUMP_SUM
        assert ledger.totals(BILATERAL).reserved == Decimal("140000.00")
        assert ledger.totals().reserved == Decimal("290000.00")
        assert ledger.balance(CHELM_TERYT).open == Decimal("290000.00")  # the city over calls
        assert all(ledger.totals(call).reconciles for call in ledger.calls())


class TestBookings:
    def test_a_key_booked_concurrently_after_the_first_look_is_an_idempotent_success(
        self, uow: FakeUnitOfWork
    ) -> None:
        """Another transaction booked the key between ``find`` and the account's lock."""
        winner = LedgerEntry(
            f"reserve:{STAGE2}:1", CHELM_TERYT, EntryKind.RESERVE, LUMP_SUM, AT, "flow", "", STAGE2
        )
        uow.committed.ledger.append(winner)
        audit = list(uow.committed.audit)
        with uow:
            uow.ledger.find = lambda key: None  # type: ignore[method-assign]  # the first look
            entry, created = book(
                uow,
                key=winner.key,
                call=STAGE2,
                city=CHELM_TERYT,
                kind=EntryKind.RESERVE,
                amount=LUMP_SUM,
                at=AT + timedelta(seconds=1),
                actor="retry",
            )
            uow.commit()
        assert (entry, created) == (winner, False)
        assert uow.committed.ledger == [winner] and uow.committed.audit == audit
