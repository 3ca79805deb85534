"""In-memory applications and their versions, with the store's unique keys."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from grantflow.domain.errors import Conflict, NotFound
from grantflow.services.ports.applications import SUBMITTED, Application, NewSubmission, Submission
from tests.unit.fakes.tables import Tables


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

    def of_city(self, teryt: str) -> list[Application]:
        return [a for a in self._tables.applications.values() if a.teryt == teryt]

    def get_for_update(self, application_id: int) -> Application:
        return self.get(application_id)

    def set_state(self, application_id: int, state: str) -> Application:
        changed = dataclasses.replace(self.get(application_id), state=str(state))
        self._tables.applications[application_id] = changed
        return changed


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
        submission = new.stored(len(self._tables.submissions) + 1)
        self._tables.submissions[submission.id] = submission
        return submission

    def for_application(self, application_id: int) -> list[Submission]:
        return sorted(
            (s for s in self._tables.submissions.values() if s.application_id == application_id),
            key=lambda s: s.version_no or 0,
        )

    def newest_valid(self) -> dict[int, Submission]:
        by_version = sorted(self._tables.submissions.values(), key=lambda s: s.version_no or 0)
        return {
            s.application_id: s
            for s in by_version
            if s.application_id is not None and s.outline is not None
        }
