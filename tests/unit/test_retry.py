"""Running a unit of work again when it loses a race: on the in-memory unit of work.

The races themselves (two uploads, two bookings) are in ``test_intake_service``,
``tests/integration/test_lifecycle_store.py`` and ``test_correction_store.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from grantflow.domain.assessment import Reviewer
from grantflow.domain.errors import Conflict, LedgerError
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.services.retry import ATTEMPTS, retry_on_conflict
from tests.unit.fakes.unit_of_work import FakeUnitOfWork

KEDZIERSKA = Reviewer("R07", "Zofia Kędzierska", frozenset({"pl", "nb"}))


def register_losing(races: int) -> tuple[Callable[[UnitOfWork], str], list[int]]:
    """Registers Zofia Kędzierska and then, ``races`` times, loses to a concurrent writer;
    (the work, one entry per attempt)."""
    attempts: list[int] = []

    def work(uow: UnitOfWork) -> str:
        attempts.append(len(attempts) + 1)
        uow.reviewers.add(KEDZIERSKA)
        if len(attempts) <= races:
            raise Conflict(f"audit entry taken by a concurrent writer (attempt {len(attempts)})")
        return KEDZIERSKA.code

    return work, attempts


def registered(uow: FakeUnitOfWork) -> list[str]:
    with uow:
        return [r.name for r in uow.reviewers.list()]


class TestRetryOnConflict:
    def test_work_that_wins_runs_once_and_is_committed(self) -> None:
        uow = FakeUnitOfWork()
        work, attempts = register_losing(races=0)
        assert retry_on_conflict(uow, work) == "R07"
        assert (attempts, uow.commits) == ([1], 1)
        assert registered(uow) == ["Zofia Kędzierska"]

    def test_a_lost_race_runs_again_in_a_fresh_transaction_and_succeeds_the_second_time(
        self,
    ) -> None:
        uow = FakeUnitOfWork()
        work, attempts = register_losing(races=1)
        assert retry_on_conflict(uow, work) == "R07"
        # The lost attempt's write was rolled back, or the second one would meet its own row.
        assert (attempts, uow.commits) == ([1, 2], 1)
        assert registered(uow) == ["Zofia Kędzierska"]

    def test_a_conflict_that_never_settles_is_raised_after_the_last_attempt(self) -> None:
        uow = FakeUnitOfWork()
        work, attempts = register_losing(races=ATTEMPTS)
        with pytest.raises(Conflict, match=f"attempt {ATTEMPTS}"):
            retry_on_conflict(uow, work)
        assert (attempts, uow.commits) == ([1, 2, 3], 0)
        assert registered(uow) == []

    def test_the_number_of_attempts_can_be_given(self) -> None:
        uow = FakeUnitOfWork()
        work, attempts = register_losing(races=4)
        assert retry_on_conflict(uow, work, attempts=5) == "R07"
        assert attempts == [1, 2, 3, 4, 5]
        work, attempts = register_losing(races=1)
        with pytest.raises(Conflict, match="attempt 1"):
            retry_on_conflict(FakeUnitOfWork(), work, attempts=1)
        assert attempts == [1]

    def test_a_refusal_is_not_a_race_and_is_not_run_again(self) -> None:
        uow = FakeUnitOfWork()
        attempts: list[int] = []

        def overspend(uow: UnitOfWork) -> None:
            attempts.append(1)
            uow.reviewers.add(KEDZIERSKA)
            raise LedgerError("cannot spend EUR 160000.00 for 0662011: only EUR 150000.00 open")

        with pytest.raises(LedgerError, match=r"EUR 160000\.00"):
            retry_on_conflict(uow, overspend)
        assert (attempts, uow.commits) == ([1], 0)
        assert registered(uow) == []

    def test_no_attempt_at_all_is_a_programming_error(self) -> None:
        work, attempts = register_losing(races=0)
        with pytest.raises(ValueError, match="at least 1, not 0"):
            retry_on_conflict(FakeUnitOfWork(), work, attempts=0)
        assert attempts == []
