"""The lifecycle store for real, on SQLite and PostgreSQL: the Stage 2 story, exact money,
the tamper-evident audit log, and bookings that race in threads and processes."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select, text, update

from grantflow.adapters.assignment import ScipyAssignmentSolver
from grantflow.adapters.store import head_revision
from grantflow.adapters.store.models.base import Base
from grantflow.adapters.store.models.selection import RankingRow
from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
from grantflow.domain.assessment import Reviewer, Scorecard, ScoresLocked
from grantflow.domain.audit import verify_chain
from grantflow.domain.errors import Conflict, IllegalTransition, LedgerError
from grantflow.domain.ledger import EntryKind, LedgerEntry
from grantflow.domain.ranking import (
    CommitteeChange,
    Decision,
    Proposal,
    RankedProposal,
    Ranking,
    ReasonCode,
)
from grantflow.services import lifecycle, partnership, review, selection
from grantflow.services.ledger import book, current_ledger
from grantflow.services.ports.partners import PartnershipStatus
from tests.integration.ledger_race import BATCH_AMOUNT, approve_once, book_once, confirm_once
from tests.unit.factories import STAGE2, deduction_comments
from tests.unit.test_lifecycle_services import (
    AT,
    CITIES,
    DONORS,
    LUMP_SUM,
    OPERATOR,
    POINTS,
    PROGRAMME,
    add_stage2_proposals,
    criteria_points,
)

CHELM = "0662011"


@pytest.fixture
def lifecycle_uow(engine: Engine) -> SqlUnitOfWork:
    """Three Stage 2 proposals (Chełm, Hrubieszów, Konin), Kristiansand, four reviewers."""
    uow = SqlUnitOfWork(engine)
    with uow:
        add_stage2_proposals(uow)
        for donor in DONORS:
            uow.donors.save(donor)
        uow.commit()
    for code, conflicts in (("R01", {"0605011"}), ("R02", set()), ("R03", set()), ("R04", set())):
        review.register_reviewer(
            uow,
            Reviewer(code, f"Ekspert {code} – Łódź", frozenset({"pl"}), frozenset(conflicts)),
            at=AT,
            actor=OPERATOR,
        )
    return uow


def states(uow: SqlUnitOfWork) -> list[str]:
    with uow:
        return [a.state for a in uow.applications.list(STAGE2)]


def assess_everything(uow: SqlUnitOfWork) -> None:
    """The experts' work of the unit story, through the real store."""
    ids = [1, 2, 3]
    for application_id in ids:
        lifecycle.formal_check(uow, application_id, correct=True, at=AT, actor=OPERATOR)
    first = review.reconcile_assessment(uow, STAGE2, PROGRAMME, at=AT, actor="flow:review")
    assert (first.started, len(first.assigned)) == ((1, 2, 3), 6)
    chelm_reviewer = next(a.reviewer_code for a in first.assigned if a.application_id == 1)
    review.declare(uow, 1, chelm_reviewer, conflict=True, at=AT, reason="znajomy burmistrza")
    for round_no in range(2):
        with uow:
            pending = [a for a in uow.assignments.list() if a.declaration == "pending"]
        for assignment in pending:
            review.declare(
                uow, assignment.application_id, assignment.reviewer_code, conflict=False, at=AT
            )
        for application_id, (city, _) in zip(ids, CITIES, strict=True):
            with uow:
                active = [
                    a
                    for a in uow.assignments.list()
                    if a.application_id == application_id and a.declaration == "no_conflict"
                ]
                cards = {c.reviewer_code: c for c in uow.scorecards.for_application(application_id)}
            for number, assignment in enumerate(active):
                card = cards.get(assignment.reviewer_code)
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


class TestSchema:
    def test_the_lifecycle_tables_match_their_migration(self, engine: Engine) -> None:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            current = MigrationContext.configure(connection).get_current_revision()
        assert differences == []
        assert current == head_revision()


class TestLedgerAccountsMigration:
    def test_entries_booked_before_accounts_per_call_get_their_call(
        self, empty_database_url: str
    ) -> None:
        """0004 on a store whose entries had only a city: the key names the call, else the
        city's first Stage 2 application does, else (booked by hand) no call."""
        from alembic import command

        from grantflow.adapters.store import make_engine, migrate
        from grantflow.adapters.store.migrate import alembic_config

        engine = make_engine(empty_database_url)
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0003")
            connection.execute(
                text(
                    "INSERT INTO applications (id, call_code, stage, teryt, city_name, state, "
                    "created_at) VALUES (1, 'stage1-outline', 1, :chelm, 'Chełm', 'shortlisted', "
                    ":at), (2, :stage2, 2, :chelm, 'Chełm', 'selected', :at), "
                    "(3, 'bilateral-2024', 2, :chelm, 'Chełm', 'selected', :at)"
                ),
                {"chelm": CHELM, "stage2": STAGE2, "at": AT},
            )
            for number, (key, city) in enumerate(
                [
                    (f"reserve:{STAGE2}:2", CHELM),
                    ("reserve:bilateral-2024:3", CHELM),
                    ("zwrot-ręczny-1", CHELM),
                    ("reserve:test", KONIN),
                ],
                start=1,
            ):
                connection.execute(
                    text(
                        "INSERT INTO ledger_entries (id, key, city, kind, amount, at, actor, "
                        "reason) VALUES (:id, :key, :city, 'reserve', 150000, :at, 'o', '')"
                    ),
                    {"id": number, "key": key, "city": city, "at": AT},
                )
        engine.dispose()
        migrate(empty_database_url)
        engine = make_engine(empty_database_url)
        try:
            with SqlUnitOfWork(engine) as uow:
                calls = {e.key: e.call for e in uow.ledger.all()}
        finally:
            engine.dispose()
        assert calls == {
            f"reserve:{STAGE2}:2": STAGE2,
            "reserve:bilateral-2024:3": "bilateral-2024",
            "zwrot-ręczny-1": STAGE2,  # Chełm's first Stage 2 application
            "reserve:test": "",  # Konin has no application
        }


class TestTheStage2Story:
    def test_from_formal_check_to_the_partner_search_deadline(
        self, lifecycle_uow: SqlUnitOfWork
    ) -> None:
        uow = lifecycle_uow
        assess_everything(uow)
        assert states(uow) == ["assessed"] * 3
        with uow:
            hrubieszow = [a.reviewer_code for a in uow.assignments.list() if a.application_id == 2]
        assert "R01" not in hrubieszow  # declared a tie with Hrubieszów at registration

        ranking = selection.propose_ranking(uow, STAGE2, PROGRAMME, at=AT, actor=OPERATOR)
        assert [(e.proposal.city_name, e.proposal.final_score) for e in ranking.entries] == [
            ("Hrubieszów", Decimal(85)),
            ("Chełm", Decimal(81)),
            ("Konin", Decimal(71)),
        ]
        with uow:
            assert uow.rankings.get(STAGE2) == ranking  # the ranking survives the round trip
        selection.approve_ranking(uow, STAGE2, [], at=AT, actor="committee")
        selection.approve_ranking(uow, STAGE2, [], at=AT, actor="committee")  # a re-run
        assert states(uow) == ["selected", "selected", "reserve"]
        assert current_ledger(uow).totals().reserved == 2 * LUMP_SUM

        withdrawal = selection.withdraw(
            uow, 1, at=AT, actor="city:Chełm", reason="rada miasta wycofała wniosek"
        )
        assert withdrawal.promoted is not None and withdrawal.promoted.id == 3
        solver = ScipyAssignmentSolver()
        proposals = partnership.reconcile_partner_search(uow, STAGE2, solver, at=AT, actor=OPERATOR)
        again = partnership.reconcile_partner_search(uow, STAGE2, solver, at=AT, actor=OPERATOR)
        assert proposals == again and len(proposals) == 1
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
        assert totals.open == Decimal("0.00")
        checked, broken = lifecycle.verify_audit(uow)
        assert broken is None and checked > 40

    def test_a_refused_transition_leaves_no_trace(self, lifecycle_uow: SqlUnitOfWork) -> None:
        uow = lifecycle_uow
        with uow:
            before = uow.audit.all()
        with pytest.raises(IllegalTransition, match="'submitted' cannot 'select'"):
            lifecycle.apply(uow, 1, lifecycle.Action.SELECT, at=AT, actor=OPERATOR)
        with uow:
            assert uow.audit.all() == before
        assert states(uow)[0] == "submitted"


def _entry(number: int, decision: Decision, code: ReasonCode, reason: str) -> RankedProposal:
    city, teryt = CITIES[(number - 1) % len(CITIES)]
    proposal = Proposal(number, teryt, city, Decimal("81.5"), Decimal(25), AT, Decimal("1105000"))
    justification = (
        "Komitet: gotowość Zamościa i Hønefoss" if code is ReasonCode.COMMITTEE_CHANGE else ""
    )
    return RankedProposal(proposal, number, decision, code, reason, justification)


# Each reason code with the decision it goes with and the English reason the domain writes.
REASONS = [
    (Decision.SELECTED, ReasonCode.WITHIN_SELECTED_COUNT, "within the first 2"),
    (
        Decision.RESERVE,
        ReasonCode.OUTSIDE_ALLOCATION,
        "grant does not fit the remaining allocation of EUR 895000.00",
    ),
    (Decision.RESERVE, ReasonCode.RESERVE_LIST, "reserve list"),
    (Decision.REJECTED, ReasonCode.BELOW_PASS_MARK, "below the pass mark of 60"),
    (Decision.REJECTED, ReasonCode.BELOW_RESERVE_LIST, "below the selected and reserve places"),
    (Decision.SELECTED, ReasonCode.COMMITTEE_CHANGE, "committee: reserve -> selected"),
    (
        Decision.SELECTED,
        ReasonCode.MOVED_UP,
        "moved up from the reserve list: application 1 withdrew",
    ),
    (Decision.WITHDRAWN, ReasonCode.WITHDRAWN, "withdrawn"),
]


class TestStoredRankings:
    def test_every_reason_code_survives_the_round_trip(self, uow: SqlUnitOfWork) -> None:
        ranking = Ranking(
            tuple(_entry(n, *reason) for n, reason in enumerate(REASONS, start=1)),
            Decimal("6000000.00"),
        )
        with uow:
            uow.rankings.save(STAGE2, ranking)
            uow.commit()
        with uow:
            assert uow.rankings.get(STAGE2) == ranking

    def test_a_ranking_stored_before_reason_codes_gets_them_from_its_reasons(
        self, uow: SqlUnitOfWork, engine: Engine
    ) -> None:
        stored = Ranking(
            tuple(_entry(n, *reason) for n, reason in enumerate(REASONS, start=1)), None
        )
        with uow:
            uow.rankings.save(STAGE2, stored)
            uow.commit()
        with engine.begin() as connection:  # as the store held it before the codes
            (entries,) = connection.execute(select(RankingRow.entries)).one()
            old = [{k: v for k, v in e.items() if k != "reason_code"} for e in entries]
            connection.execute(update(RankingRow).values(entries=old))
        with uow:
            loaded = uow.rankings.get(STAGE2)
        assert loaded == stored

    def test_an_old_reason_written_by_hand_falls_back_on_its_decision(
        self, uow: SqlUnitOfWork, engine: Engine
    ) -> None:
        with uow:
            uow.rankings.save(STAGE2, Ranking((_entry(1, *REASONS[0]),), None))
            uow.commit()
        with engine.begin() as connection:
            (entries,) = connection.execute(select(RankingRow.entries)).one()
            entries[0].pop("reason_code")
            entries[0].update(decision="reserve", reason="decyzja operatora z 2021 r.")
            connection.execute(update(RankingRow).values(entries=entries))
        with uow:
            loaded = uow.rankings.get(STAGE2)
        assert loaded is not None
        assert loaded.entry(1).reason_code is ReasonCode.RESERVE_LIST


class TestTheAuditLog:
    def test_the_chain_survives_the_round_trip(self, lifecycle_uow: SqlUnitOfWork) -> None:
        assess_everything(lifecycle_uow)
        with lifecycle_uow as uow:
            entries = uow.audit.all()
        assert verify_chain(entries) is None
        submitted = next(e for e in entries if e.action == "assessment:submit")
        assert submitted.payload["total"] == "82"
        assert submitted.at.tzinfo is not None

    def test_an_entry_edited_in_the_database_is_named(
        self, lifecycle_uow: SqlUnitOfWork, engine: Engine
    ) -> None:
        assess_everything(lifecycle_uow)
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE audit_log SET payload = :p WHERE seq = 9"),
                {"p": '{"points": {"relevance": "30"}, "total": "99"}'},
            )
        checked, broken = lifecycle.verify_audit(lifecycle_uow)
        assert broken is not None and broken.seq == 9
        assert checked > 9

    def test_a_deleted_entry_breaks_the_chain_at_its_successor(
        self, lifecycle_uow: SqlUnitOfWork, engine: Engine
    ) -> None:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_log WHERE seq = 2"))
        broken = lifecycle.verify_audit(lifecycle_uow)[1]
        assert broken is not None and broken.seq == 3

    def test_a_second_entry_with_a_taken_sequence_number_is_a_conflict(
        self, lifecycle_uow: SqlUnitOfWork
    ) -> None:
        with lifecycle_uow as uow:
            last = uow.audit.last_for_update()
            assert last is not None
            with pytest.raises(Conflict):
                uow.audit.add(dataclasses.replace(last, reason="a forged duplicate", hash="f" * 64))


class TestMoney:
    @pytest.mark.parametrize(
        "amount",
        ["150000.00", "149999.99", "0.01", "140000.10", "999999999999.99"],
    )
    def test_amounts_come_back_to_the_cent(self, lifecycle_uow: SqlUnitOfWork, amount: str) -> None:
        with lifecycle_uow as uow:
            book(
                uow,
                key=f"reserve:{amount}",
                call=STAGE2,
                city=CHELM,
                kind=EntryKind.RESERVE,
                amount=Decimal(amount),
                at=AT,
                actor=OPERATOR,
            )
            uow.commit()
        with lifecycle_uow as uow:
            stored = uow.ledger.find(f"reserve:{amount}")
        assert stored is not None
        assert (type(stored.amount), str(stored.amount)) == (Decimal, amount)

    def test_a_key_booked_twice_is_stored_once(self, lifecycle_uow: SqlUnitOfWork) -> None:
        for _ in range(2):
            with lifecycle_uow as uow:
                book(
                    uow,
                    key="reserve:stage2:chelm",
                    call=STAGE2,
                    city=CHELM,
                    kind=EntryKind.RESERVE,
                    amount=LUMP_SUM,
                    at=AT,
                    actor=OPERATOR,
                )
                uow.commit()
        with lifecycle_uow as uow:
            assert [e.key for e in uow.ledger.all()] == ["reserve:stage2:chelm"]
            with pytest.raises(Conflict):
                uow.ledger.add(
                    LedgerEntry(
                        "reserve:stage2:chelm", CHELM, EntryKind.RESERVE, LUMP_SUM, AT, call=STAGE2
                    )
                )

    def test_over_committing_is_refused_and_nothing_is_written(
        self, lifecycle_uow: SqlUnitOfWork
    ) -> None:
        with lifecycle_uow as uow:
            book(
                uow,
                key="r",
                call=STAGE2,
                city=CHELM,
                kind=EntryKind.RESERVE,
                amount=LUMP_SUM,
                at=AT,
                actor="o",
            )
            uow.commit()
        with lifecycle_uow as uow, pytest.raises(LedgerError, match=r"only EUR 150000\.00"):
            book(
                uow,
                key="c",
                call=STAGE2,
                city=CHELM,
                kind=EntryKind.COMMIT,
                amount=LUMP_SUM + Decimal("0.01"),
                at=AT,
                actor="o",
            )
        assert [e.key for e in current_ledger(lifecycle_uow).entries] == ["r"]


class TestScorecards:
    def test_a_submitted_scorecard_cannot_be_replaced(self, lifecycle_uow: SqlUnitOfWork) -> None:
        points = criteria_points((25, 25, 16, 16))
        with lifecycle_uow as uow:
            uow.assignments.add(review.Assignment(1, "R02"))
            uow.scorecards.save(Scorecard(1, "R02", points, submitted_at=AT))
            uow.commit()
        with lifecycle_uow as uow:
            assert uow.scorecards.find(1, "R02") == Scorecard(1, "R02", points, AT)
            with pytest.raises(ScoresLocked):
                uow.scorecards.save(Scorecard(1, "R02", criteria_points((30, 30, 20, 20))))


KONIN = "3062011"
RACERS = 8
COMMIT = Decimal("50000.00")


def _reserve(uow: SqlUnitOfWork, city: str, amount: Decimal) -> None:
    with uow:
        book(
            uow,
            key=f"reserve:{city}",
            call=STAGE2,
            city=city,
            kind=EntryKind.RESERVE,
            amount=amount,
            at=AT,
            actor="o",
        )
        uow.commit()


def _race_jobs(url: str) -> list[tuple[str, str, str, str, str]]:
    """Eight commits of EUR 50 000 against a reservation of EUR 150 000; two racers share
    each idempotency key, as a retried operation would."""
    return [(url, f"commit:{KONIN}:{n // 2}", KONIN, "commit", str(COMMIT)) for n in range(RACERS)]


def _assert_nothing_over_committed(uow: SqlUnitOfWork, outcomes: list[str]) -> None:
    ledger = current_ledger(uow)
    commits = [e for e in ledger.entries if e.kind is EntryKind.COMMIT]
    assert ledger.problems() == []
    assert sum((e.amount for e in commits), Decimal(0)) <= LUMP_SUM
    assert len(commits) == 3 == outcomes.count("created")
    assert len({e.key for e in commits}) == len(commits)
    # The racers sharing a booked key saw it replayed, the rest were refused.
    assert outcomes.count("replayed") + outcomes.count("refused") == RACERS - 3
    assert lifecycle.verify_audit(uow)[1] is None


class TestConcurrentBookings:
    def test_threads_never_over_commit_a_city(
        self, lifecycle_uow: SqlUnitOfWork, database_url: str
    ) -> None:
        from concurrent.futures import ThreadPoolExecutor

        _reserve(lifecycle_uow, KONIN, LUMP_SUM)
        with ThreadPoolExecutor(RACERS) as pool:
            outcomes = list(pool.map(lambda job: book_once(*job), _race_jobs(database_url)))
        _assert_nothing_over_committed(lifecycle_uow, outcomes)

    def test_processes_never_over_commit_a_city(
        self, lifecycle_uow: SqlUnitOfWork, database_url: str
    ) -> None:
        import multiprocessing

        _reserve(lifecycle_uow, KONIN, LUMP_SUM)
        with multiprocessing.get_context("spawn").Pool(RACERS) as pool:
            outcomes = pool.starmap(book_once, _race_jobs(database_url))
        _assert_nothing_over_committed(lifecycle_uow, outcomes)


def _searching(uow: SqlUnitOfWork) -> None:
    """Chełm and Hrubieszów both look for a partner; Kristiansand has one place."""
    with uow:
        for application_id in (1, 2):
            uow.applications.set_state(application_id, "partner_search")
        uow.commit()


def _assert_one_confirmed(uow: SqlUnitOfWork, outcomes: list[str]) -> None:
    assert sorted(outcomes) == ["confirmed", "refused"]
    with uow:
        confirmed = [p for p in uow.partnerships.list() if p.donor_code == "NO-4204"]
        states = sorted(a.state for a in uow.applications.list(STAGE2))
    assert [p.status for p in confirmed] == [PartnershipStatus.CONFIRMED]
    assert states == ["partner_search", "partnership_confirmed", "submitted"]
    assert lifecycle.verify_audit(uow)[1] is None


class TestConcurrentConfirmations:
    """Two operators confirm different cities with the same donor's last place at once."""

    def test_threads_never_give_a_donor_more_partners_than_its_capacity(
        self, lifecycle_uow: SqlUnitOfWork, database_url: str
    ) -> None:
        import threading
        from concurrent.futures import ThreadPoolExecutor

        _searching(lifecycle_uow)
        barrier = threading.Barrier(2)
        with ThreadPoolExecutor(2) as pool:
            outcomes = list(
                pool.map(lambda app: confirm_once(database_url, app, "NO-4204", barrier), (1, 2))
            )
        _assert_one_confirmed(lifecycle_uow, outcomes)

    def test_processes_never_give_a_donor_more_partners_than_its_capacity(
        self, lifecycle_uow: SqlUnitOfWork, database_url: str
    ) -> None:
        import multiprocessing

        _searching(lifecycle_uow)
        context = multiprocessing.get_context("spawn")
        with context.Manager() as manager, context.Pool(2) as pool:
            barrier = manager.Barrier(2)
            jobs = [(database_url, app, "NO-4204", barrier) for app in (1, 2)]
            outcomes = pool.starmap(confirm_once, jobs)
        _assert_one_confirmed(lifecycle_uow, outcomes)


class TestConcurrentApprovals:
    """Two operators approve the proposal at once: one as computed, one swapping Chełm
    (proposed for funding) and Konin (proposed for the reserve list)."""

    def test_threads_decide_the_ranking_once_and_the_ledger_reconciles(
        self, lifecycle_uow: SqlUnitOfWork, database_url: str
    ) -> None:
        from concurrent.futures import ThreadPoolExecutor

        assess_everything(lifecycle_uow)
        selection.propose_ranking(lifecycle_uow, STAGE2, PROGRAMME, at=AT, actor=OPERATOR)
        swap = [
            CommitteeChange(3, Decision.SELECTED, "Konin łączy projekt z ciepłownictwem."),
            CommitteeChange(1, Decision.RESERVE, "Chełm ma już dotację na ten cel."),
        ]
        jobs = [([], "operator:ewa"), (swap, "operator:jan")]
        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(lambda job: approve_once(database_url, *job), jobs))
        assert outcomes.count("approved") >= 1
        with lifecycle_uow:
            decided = lifecycle_uow.rankings.get(STAGE2)
            approvals = [e for e in lifecycle_uow.audit.all() if e.action == "ranking:approve"]
        assert decided is not None and len(approvals) == 1
        by_state = dict(zip((1, 2, 3), states(lifecycle_uow), strict=True))
        # The states and the stored ranking tell the same decision, whoever won.
        assert {i: decided.entry(i).decision.value for i in (1, 2, 3)} == {
            i: ("selected" if s == "selected" else "reserve") for i, s in by_state.items()
        }
        ledger = current_ledger(lifecycle_uow)
        assert ledger.problems() == []
        assert ledger.totals().reserved == 2 * LUMP_SUM


class TestKillAndRerun:
    def test_a_batch_killed_midway_and_run_again_books_everything_once(
        self, lifecycle_uow: SqlUnitOfWork, database_url: str
    ) -> None:
        import os
        import signal
        import subprocess
        import sys

        count = 40
        command = [sys.executable, "-m", "tests.integration.ledger_race", database_url, str(count)]
        root = str(Path(__file__).resolve().parents[2])
        victim = subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, text=True)
        assert victim.stdout is not None
        for _ in range(count // 3):
            assert victim.stdout.readline()
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=30)
        victim.stdout.close()
        booked_before = len(current_ledger(lifecycle_uow).entries)
        assert count // 3 <= booked_before < count  # killed midway

        rerun = subprocess.run(
            command, cwd=root, capture_output=True, text=True, timeout=120, check=True
        )
        lines = rerun.stdout.splitlines()
        assert sum(line.endswith("already booked") for line in lines) == booked_before

        ledger = current_ledger(lifecycle_uow)
        assert sorted(e.key for e in ledger.entries) == sorted(
            f"reserve:batch:{n}" for n in range(count)
        )
        assert ledger.totals().reserved == count * BATCH_AMOUNT
        assert ledger.problems() == []
        assert lifecycle.verify_audit(lifecycle_uow)[1] is None
