"""In-memory implementations of grantflow.services.ports for unit tests.

They keep the store's promises that services rely on: the unique keys
(one application per call and TERYT; one version per file and per number)
raise Conflict, and leaving a unit of work without commit undoes its writes.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Self

from grantflow.domain.errors import Conflict, NotFound
from grantflow.services.ports import SUBMITTED, Application, NewSubmission, Submission


@dataclasses.dataclass
class Tables:
    applications: dict[int, Application] = dataclasses.field(default_factory=dict)
    submissions: dict[int, Submission] = dataclasses.field(default_factory=dict)


class FakeApplicationRepository:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables

    def get(self, application_id: int) -> Application:
        try:
            return self._tables.applications[application_id]
        except KeyError:
            raise NotFound(f"no application {application_id}") from None

    def find(self, call_code: str, teryt: str) -> Application | None:
        return next(
            (
                a
                for a in self._tables.applications.values()
                if a.call_code == call_code and a.teryt == teryt
            ),
            None,
        )

    def add(
        self, *, call_code: str, stage: int, teryt: str, city_name: str, created_at: datetime
    ) -> Application:
        if self.find(call_code, teryt) is not None:
            raise Conflict(f"application {call_code}/{teryt} exists")
        application = Application(
            id=len(self._tables.applications) + 1,
            call_code=call_code,
            stage=stage,
            teryt=teryt,
            city_name=city_name,
            state=SUBMITTED,
            created_at=created_at,
        )
        self._tables.applications[application.id] = application
        return application

    def lock(self, application_id: int) -> None:
        self.get(application_id)  # one thread: nothing to wait for, but the row must exist

    def list(self, call_code: str | None = None) -> list[Application]:
        return [
            a
            for a in self._tables.applications.values()
            if call_code is None or a.call_code == call_code
        ]


class FakeSubmissionRepository:
    def __init__(self, tables: Tables, before_add: Callable[[], None]) -> None:
        self._tables = tables
        self._before_add = before_add

    def get(self, submission_id: int) -> Submission:
        try:
            return self._tables.submissions[submission_id]
        except KeyError:
            raise NotFound(f"no submission {submission_id}") from None

    def find(self, application_id: int | None, sha256: str) -> Submission | None:
        return next(
            (
                s
                for s in self._tables.submissions.values()
                if s.application_id == application_id and s.sha256 == sha256
            ),
            None,
        )

    def last_version_no(self, application_id: int) -> int:
        return max((s.version_no or 0 for s in self.for_application(application_id)), default=0)

    def add(self, new: NewSubmission) -> Submission:
        self._before_add()
        same_owner = [
            s for s in self._tables.submissions.values() if s.application_id == new.application_id
        ]
        taken = any(
            s.sha256 == new.sha256 or (s.version_no is not None and s.version_no == new.version_no)
            for s in same_owner
        )
        if taken:
            raise Conflict(f"{new.file_name} or version {new.version_no} is stored already")
        fields = {f.name: getattr(new, f.name) for f in dataclasses.fields(new)}
        submission = Submission(id=len(self._tables.submissions) + 1, **fields)
        self._tables.submissions[submission.id] = submission
        return submission

    def for_application(self, application_id: int) -> list[Submission]:
        return sorted(
            (s for s in self._tables.submissions.values() if s.application_id == application_id),
            key=lambda s: s.version_no or 0,
        )


class FakeUnitOfWork:
    """Writes go to a working copy; ``commit`` publishes it, leaving without commit drops it.

    The other fakes' units of work extend this one: they start from a larger
    ``Tables`` and bind more repositories in ``_bind``.

    ``concurrent_writes`` simulates other processes: each callable runs (once,
    in order) just before one of this unit of work's submission inserts and
    may write to ``committed`` as a competing writer would.
    """

    def __init__(self) -> None:
        self.committed = Tables()
        self.commits = 0
        self.concurrent_writes: list[Callable[[Tables], None]] = []
        self._working: Tables | None = None

    def __enter__(self) -> Self:
        self._begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._working = None

    def commit(self) -> None:
        assert self._working is not None, "commit outside the with block"
        self.committed = copy.deepcopy(self._working)
        self.commits += 1

    def rollback(self) -> None:
        self._begin()

    def _begin(self) -> None:
        self._working = copy.deepcopy(self.committed)
        self._bind(self._working)

    def _bind(self, tables: Tables) -> None:
        """Point the repositories at this transaction's tables; a subclass adds its own."""
        self.applications = FakeApplicationRepository(tables)
        self.submissions = FakeSubmissionRepository(tables, self._interleave)

    def _interleave(self) -> None:
        if self.concurrent_writes and self._working is not None:
            self.concurrent_writes.pop(0)(self.committed)
            # The competing writer committed first: our inserts now see its rows
            # through the unique keys, as a database would.
            for key, row in self.committed.submissions.items():
                self._working.submissions.setdefault(key, row)


class FakeFileStore:
    def __init__(self) -> None:
        self.uploads: dict[str, bytes] = {}

    def save_upload(self, sha256: str, content: bytes) -> str:
        self.uploads[sha256] = content
        return f"uploads/{sha256[:2]}/{sha256}.xlsx"
