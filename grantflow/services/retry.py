"""Running a unit of work again when it loses a race to a concurrent writer.

Two writers that insert the same row meet at the store's unique keys: one
commits, the other gets ``Conflict`` and its transaction is rolled back.
Written idempotently (look for the row first, add it only when it is not
there), the loser's work run again in a fresh transaction finds the
winner's row and returns it, so one retry settles a race.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from grantflow.domain.errors import Conflict
from grantflow.services.ports.unit_of_work import UnitOfWork

# Writers that would change the same rows take turns (locks), so one retry
# reads the winner's row; the third attempt is a margin, not a need. A
# conflict that outlasts it is not a race but a fault, and is raised.
ATTEMPTS = 3

_Result = TypeVar("_Result")


def retry_on_conflict(
    uow: UnitOfWork, work: Callable[[UnitOfWork], _Result], *, attempts: int = ATTEMPTS
) -> _Result:
    """``work(uow)`` in a transaction of ``uow``, committed; run again in a fresh transaction
    while it loses a race (``Conflict``), ``attempts`` times in all, then the last
    ``Conflict`` is raised. Any other error ends it at once (the transaction rolled back)."""
    if attempts < 1:
        raise ValueError(f"attempts must be at least 1, not {attempts}")
    for _ in range(attempts - 1):
        try:
            return _commit(uow, work)
        except Conflict:
            continue  # the winner has committed: a fresh transaction sees its rows
    return _commit(uow, work)


def _commit(uow: UnitOfWork, work: Callable[[UnitOfWork], _Result]) -> _Result:
    with uow:
        result = work(uow)
        uow.commit()
    return result
