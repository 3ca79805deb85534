"""Kill a lifecycle flow while it books lump sums, run it again, compare with an uninterrupted run.

Two flows book many ledger entries: the selection flow approving a ranking
(a ``reserve`` per funded city) and the partnership flow at the deadline (a
``return`` per city left without a partner). Each books all its entries in
ONE transaction, together with the state changes and audit entries they
belong to (``selection.approve_ranking``, ``partnership.close_partner_search``):
a committee decision or a deadline is applied whole or not at all. So a
flow killed midway loses everything it had written, nothing half-booked is
ever visible, and the re-run books it all once.

"Midway" is observed from outside, without a hook in the code: on
PostgreSQL a sequence is not transactional, so ``ledger_entries_id_seq``
counts the rows the open transaction has inserted before anyone can see
them. SQLite offers no such window onto another connection's open
transaction, so these tests run on PostgreSQL only.

The flows run as subprocesses (the selection flow itself; ``grantflow run
partnership`` for the deadline) against the session's Prefect test server.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text

from grantflow import resources
from grantflow.adapters.store import make_engine, migrate, normalise_url
from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
from grantflow.domain.assessment import Reviewer
from grantflow.domain.lifecycle import State
from grantflow.domain.programme import Programme
from grantflow.services import lifecycle, review
from grantflow.services.ledger import current_ledger
from grantflow.services.ports.applications import NewSubmission
from grantflow.validation.programme_file import load_programme
from grantflow.validation.report import FileReport
from tests.integration.store_fixtures import postgres_url, require_postgres
from tests.unit.factories import deduction_comments
from tests.unit.test_lifecycle_services import outline_of

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CALL = "stage2-proposal"
COUNT = 150  # funded cities: enough for a booking transaction of about a second
TOWNS = ("Chełm", "Hrubieszów", "Konin", "Zamość", "Łomża", "Świnoujście", "Żagań", "Ełk")
REVIEWERS = (("R01", "pl,en"), ("R02", "pl"), ("R03", "pl,nb"), ("R04", "pl,nb,en"))
AT = datetime(2020, 12, 1, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
SELECTION = (
    "import sys\n"
    "from workflows.selection import selection\n"
    "selection(call_code=sys.argv[1], programme_file=sys.argv[2], approve=True,"
    " approved_by='committee:komisja')\n"
)


@dataclasses.dataclass(frozen=True)
class Store:
    url: str
    home: Path

    @contextmanager
    def uow(self) -> Iterator[SqlUnitOfWork]:
        engine = make_engine(self.url)
        try:
            yield SqlUnitOfWork(engine)
        finally:
            engine.dispose()

    def env(self) -> dict[str, str]:
        from prefect.settings import PREFECT_API_URL

        return {
            **os.environ,
            "GRANTFLOW_HOME": str(self.home),
            "GRANTFLOW_DATABASE_URL": self.url,
            "PREFECT_API_URL": str(PREFECT_API_URL.value()),  # the session's test server
        }

    @contextmanager
    def inserted(self) -> Iterator[Callable[[], int]]:
        """A counter of the ledger rows ever inserted, committed or not: a sequence
        ignores transactions. One connection, so that polling it is quick."""
        engine = create_engine(normalise_url(self.url), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:

                def count() -> int:
                    last, called = connection.execute(
                        text("SELECT last_value, is_called FROM ledger_entries_id_seq")
                    ).one()
                    return int(last) if called else 0

                yield count
        finally:
            engine.dispose()

    def snapshot(self) -> tuple[list[tuple[str, str, str, Decimal]], list[str], list[str]]:
        """(ledger entries without their time, application states, audit actions)."""
        with self.uow() as uow, uow:
            entries = [(e.key, e.city, str(e.kind), e.amount) for e in uow.ledger.all()]
            states = [a.state for a in uow.applications.list(CALL)]
            actions = [f"{e.action} {e.subject}" for e in uow.audit.all()]
        return entries, states, actions


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """Two fresh PostgreSQL schemas (the reference run's, the killed run's), dropped afterwards."""
    require_postgres()
    admin = create_engine(normalise_url(postgres_url()))
    schemas = [f"gf_kill_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    with admin.begin() as connection:
        for schema in schemas:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        urls = [
            normalise_url(postgres_url())
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
            for schema in schemas
        ]
        yield Store(urls[0], tmp_path / "reference"), Store(urls[1], tmp_path / "killed")
    finally:
        with admin.begin() as connection:
            for schema in schemas:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def programme_file(folder: Path) -> Path:
    """The reference programme funding all COUNT cities (no reserve list)."""
    data = yaml.safe_load((resources.samples() / "programme.yaml").read_text(encoding="utf-8"))
    data.update(funded_count=COUNT, reserve_count=0, allocation_eur="1000000000.00")
    path = folder / "programme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def points(programme: Programme, total: int) -> dict[str, Decimal]:
    """``total`` spread over the criteria in proportion to their maxima (whole points)."""
    return {
        c.code: Decimal(c.max_points * total // programme.max_score) for c in programme.criteria
    }


def assessed_call(store: Store, programme: Programme) -> None:
    """COUNT Stage 2 proposals through the formal check and two experts each, by the services."""
    migrate(store.url)
    with store.uow() as uow:
        _populate(uow, programme)


def _populate(uow: SqlUnitOfWork, programme: Programme) -> None:
    with uow:
        for number in range(COUNT):
            city = f"{TOWNS[number % len(TOWNS)]} {number + 1}"
            teryt = f"{2 * (number % 16 + 1):02d}{number + 1:04d}1"
            application = uow.applications.add(
                call_code=CALL, stage=2, teryt=teryt, city_name=city, created_at=AT
            )
            uow.submissions.add(
                NewSubmission(
                    application_id=application.id,
                    version_no=1,
                    file_name=f"{teryt}.xlsx",
                    sha256=f"{teryt:0>64}",
                    stored_path=f"uploads/{teryt}.xlsx",
                    size=1,
                    report=FileReport(file=f"{teryt}.xlsx"),
                    outline=outline_of(city, teryt),
                    submitted_by=city,
                    submitted_at=AT - timedelta(minutes=number),
                )
            )
        uow.commit()
    for code, languages in REVIEWERS:
        reviewer = Reviewer(code, f"Ekspert {code}", frozenset(languages.split(",")), frozenset())
        review.register_reviewer(uow, reviewer, at=AT, actor="operator:anna.nowak")
    with uow:
        ids = [a.id for a in uow.applications.list(CALL)]
    for application_id in ids:
        lifecycle.formal_check(uow, application_id, correct=True, at=AT, actor="operator")
    round_ = review.reconcile_assessment(uow, CALL, programme, at=AT, actor="flow:review")
    for number, assignment in enumerate(round_.assigned):
        review.declare(
            uow, assignment.application_id, assignment.reviewer_code, conflict=False, at=AT
        )
        total = 62 + assignment.application_id * 7 % 30 + number % 2  # never divergent
        review.score(
            uow,
            assignment.application_id,
            assignment.reviewer_code,
            points(programme, total),
            programme,
            submit=True,
            at=AT,
            comments=deduction_comments(programme),
        )
    done = review.reconcile_assessment(uow, CALL, programme, at=AT, actor="flow:review")
    assert len(done.completed) == COUNT


def run(command: list[str], store: Store, log: Path) -> None:
    with log.open("w") as out:
        finished = subprocess.run(
            command, cwd=ROOT, env=store.env(), stdout=out, stderr=out, timeout=300
        )
    assert finished.returncode == 0, log.read_text()


def kill_midway(command: list[str], store: Store, log: Path) -> int:
    """Start the flow, SIGKILL it once its open transaction has written a third of its
    COUNT entries; how many it had written by then."""
    with store.inserted() as inserted, log.open("w") as out:
        base = inserted()
        victim = subprocess.Popen(command, cwd=ROOT, env=store.env(), stdout=out, stderr=out)
        try:
            while victim.poll() is None:
                written = inserted() - base
                if written >= COUNT // 3:
                    os.kill(victim.pid, signal.SIGKILL)
                    victim.wait(timeout=30)
                    return written
                time.sleep(0.002)
        finally:
            if victim.poll() is None:
                victim.kill()
                victim.wait(timeout=30)
    pytest.fail(f"the flow ended (status {victim.returncode}) before it could be killed midway")


class TestAFlowKilledWhileBooking:
    def test_loses_the_whole_transaction_and_its_rerun_books_what_an_uninterrupted_run_books(
        self, prefect_server: None, stores: tuple[Store, Store], tmp_path: Path
    ) -> None:
        reference, killed = stores
        path = programme_file(tmp_path)
        programme = load_programme(path)
        select = [sys.executable, "-c", SELECTION, CALL, str(path)]
        deadline = programme.partner_search_deadline

        def partnership(as_of: date) -> list[str]:
            cli = [sys.executable, "-m", "grantflow.cli", "run", "partnership", "--call", CALL]
            return [*cli, "--as-of", as_of.isoformat(), "--programme", str(path)]

        search, close = partnership(deadline - timedelta(days=1)), partnership(deadline)
        for store in stores:
            assessed_call(store, programme)

        # The reference: selection, partner search, deadline, each run once to the end.
        run(select, reference, tmp_path / "reference-selection.log")
        run(search, reference, tmp_path / "reference-search.log")
        run(close, reference, tmp_path / "reference-deadline.log")
        expected_entries, expected_states, expected_actions = reference.snapshot()
        assert len(expected_entries) == 2 * COUNT  # a reserve and a return per city
        assert set(expected_states) == {State.NO_PARTNER}  # nobody signed in time

        # Killed while approving the ranking: nothing of the approval is left.
        held = kill_midway(select, killed, tmp_path / "killed-selection.log")
        entries, states, _ = killed.snapshot()
        assert COUNT // 3 <= held < COUNT
        assert entries == [] and set(states) == {State.ASSESSED}
        with killed.uow() as uow:
            assert lifecycle.verify_audit(uow)[1] is None
        run(select, killed, tmp_path / "rerun-selection.log")
        assert len(killed.snapshot()[0]) == COUNT

        # Killed at the deadline while returning lump sums: the same again.
        run(search, killed, tmp_path / "killed-search.log")
        after_search = killed.snapshot()
        held_returns = kill_midway(close, killed, tmp_path / "killed-deadline.log")
        assert COUNT // 3 <= held_returns < COUNT
        assert killed.snapshot()[:2] == after_search[:2]
        assert set(after_search[1]) == {State.PARTNER_SEARCH}
        with killed.uow() as uow:
            assert lifecycle.verify_audit(uow)[1] is None
        run(close, killed, tmp_path / "rerun-deadline.log")

        entries, states, actions = killed.snapshot()
        keys = [key for key, *_ in entries]
        assert len(keys) == len(set(keys)) == 2 * COUNT
        assert sorted(entries) == sorted(expected_entries)
        assert states == expected_states
        assert actions == expected_actions  # the same story, step by step, in the audit log
        with killed.uow() as uow:
            ledger = current_ledger(uow)
        assert ledger.problems() == [] and ledger.totals().reconciles
        assert ledger.totals().open == 0
        with killed.uow() as uow:
            assert lifecycle.verify_audit(uow)[1] is None
