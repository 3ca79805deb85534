"""Applications and their uploaded versions: what the use cases need from the store.

Repositories hand out frozen records, never live ORM rows, so a service
cannot change the database behind the unit of work's back. Every write that
can race another writer (a unique key: one application per city and call,
one version per file) raises ``grantflow.domain.errors.Conflict`` when it
loses; the caller re-reads in a fresh unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Protocol

from grantflow.domain.outline import Outline
from grantflow.validation.report import FileReport

# The state an application is in right after its first upload (SPEC section 5).
SUBMITTED = "submitted"


@dataclass(frozen=True)
class Application:
    """A city's application to one call: the thing reviews and decisions attach to."""

    id: int
    call_code: str
    stage: int
    teryt: str
    city_name: str
    state: str
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class NewSubmission:
    """One uploaded file with its report, before the store gives it an id."""

    application_id: int | None  # None: the city could not be identified (unreadable file)
    version_no: int | None  # 1..n per application; None without an application
    file_name: str
    sha256: str
    # Relative to GRANTFLOW_HOME, so the home can move; "" (and size 0) for an
    # upload whose bytes were not kept (``grantflow.services.intake.NotKept``).
    stored_path: str
    size: int
    report: FileReport
    outline: Outline | None  # only for a valid upload
    submitted_by: str
    submitted_at: datetime

    @property
    def valid(self) -> bool:
        return self.report.valid

    def stored(self, submission_id: int) -> Submission:
        """This upload as the store keeps it, under ``submission_id``."""
        given = {f.name: getattr(self, f.name) for f in fields(NewSubmission)}
        return Submission(id=submission_id, **given)


@dataclass(frozen=True, kw_only=True)
class Submission(NewSubmission):
    """A stored upload: one version of an application (kept for ever)."""

    id: int


class ApplicationRepository(Protocol):
    def get(self, application_id: int) -> Application:
        """Raises NotFound."""
        ...

    def find(self, call_code: str, teryt: str) -> Application | None: ...

    def add(
        self, *, call_code: str, stage: int, teryt: str, city_name: str, created_at: datetime
    ) -> Application:
        """A new application in state ``submitted``; Conflict if the city already has one."""
        ...

    def lock(self, application_id: int) -> None:
        """Hold the application until the transaction ends: writers to one
        application (a new version, later a state change) take turns."""
        ...

    def of_city(self, teryt: str) -> list[Application]:
        """The city's applications to every call, oldest first."""
        ...

    def list(self, call_code: str | None = None) -> list[Application]: ...

    def get_for_update(self, application_id: int) -> Application:
        """The application, locked until the unit of work ends; NotFound."""
        ...

    def set_state(self, application_id: int, state: str) -> Application:
        """Store the new state (the service checked the transition); NotFound."""
        ...


class SubmissionRepository(Protocol):
    def get(self, submission_id: int) -> Submission:
        """Raises NotFound."""
        ...

    def find(self, application_id: int | None, sha256: str) -> Submission | None:
        """The version holding exactly these bytes (``None``: among unidentified uploads)."""
        ...

    def last_version_no(self, application_id: int) -> int:
        """0 when the application has no version yet."""
        ...

    def add(self, new: NewSubmission) -> Submission:
        """Conflict if the file or the version number is already taken."""
        ...

    def for_application(self, application_id: int) -> list[Submission]:
        """Every version, oldest first."""
        ...

    def newest_valid(self) -> dict[int, Submission]:
        """Every application's newest valid version, by application id, in one read: what
        ``lifecycle.current_version`` gives for each application that has one."""
        ...
