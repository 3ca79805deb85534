"""The SQLAlchemy unit of work: one session, one transaction per ``with`` block."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from grantflow.adapters.store.repositories import SqlApplicationRepository, SqlSubmissionRepository
from grantflow.domain.errors import Conflict, StorageError


class SqlUnitOfWork:
    """Implements ``grantflow.services.ports.UnitOfWork``.

    Every SQLAlchemy error leaving the block becomes a StorageError (Conflict
    for a unique key taken by a concurrent writer), raised from the original.
    """

    applications: SqlApplicationRepository
    submissions: SqlSubmissionRepository

    def __init__(self, engine: Engine) -> None:
        # expire_on_commit=False: records are built before commit; nothing
        # is lazily loaded after it.
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._session: Session | None = None

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("unit of work entered twice; leave it first")
        try:
            self._session = self._sessions()
            self._session.begin()
        except SQLAlchemyError as exc:
            self._session = None
            raise StorageError(f"cannot open a transaction: {exc}") from exc
        self.applications = SqlApplicationRepository(self._session)
        self.submissions = SqlSubmissionRepository(self._session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._active(), None
        try:
            session.rollback()  # nothing left after commit(); a failed block is undone
            session.close()
        except SQLAlchemyError as close_exc:
            if exc is None:
                raise StorageError(f"cannot end the transaction: {close_exc}") from close_exc
        if isinstance(exc, IntegrityError):
            raise Conflict(str(exc.orig)) from exc
        if isinstance(exc, SQLAlchemyError):
            raise StorageError(str(exc)) from exc

    def commit(self) -> None:
        try:
            self._active().commit()
        except IntegrityError as exc:
            raise Conflict(str(exc.orig)) from exc
        except SQLAlchemyError as exc:
            raise StorageError(f"commit failed: {exc}") from exc

    def rollback(self) -> None:
        self._active().rollback()

    def _active(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its with block")
        return self._session
