"""What every repository shares: the writer lock, flushing a write that may race, and
fetching a row by its key.

Locking. The audit log is one hash chain, so every lifecycle write appends to
the same end: lifecycle writers must take turns anyway. Each writing method
therefore first claims the *writer lock* (:class:`WriterLock`), and only then
takes row locks. Claiming it first, always, gives every writer the same lock
order, so two writers never deadlock (a booking that locks a city's account
and then appends to the log, against a state change that appends first and
then books). On PostgreSQL the writer lock is a transaction-scoped advisory
lock; ``SELECT ... FOR UPDATE`` row locks still guard the rows against
writers outside the lifecycle (intake's new versions). On SQLite every
transaction already holds the database's write lock from ``BEGIN IMMEDIATE``
(``engine.py``), so the claim costs nothing there. Read-only units of work
(views, verification) claim nothing and never wait for it on PostgreSQL.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grantflow.domain.errors import Conflict, NotFound

RowT = TypeVar("RowT")

# Any constant will do: it names the lock every lifecycle writer shares
# (a different one from the migration lock of ``migrate.py``).
_PG_WRITER_LOCK = 5_177_204


class WriterLock:
    """Claimed at most once per transaction; :meth:`reset` when the transaction ends."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._held = False

    def claim(self) -> None:
        if self._held:
            return
        if self._session.get_bind().dialect.name == "postgresql":
            self._session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_WRITER_LOCK}
            )
        self._held = True

    def reset(self) -> None:
        self._held = False


def flush_or_conflict(session: Session, what: str) -> None:
    """Write now, so a lost race shows here as Conflict rather than at commit."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(f"{what} was stored concurrently") from exc


def row_or_not_found(session: Session, table: type[RowT], key: object, missing: str) -> RowT:
    """The row of ``table`` whose primary key is ``key``; NotFound(``missing``) when none is."""
    row = session.get(table, key)
    if row is None:
        raise NotFound(missing)
    return row
