"""The in-memory store's tables: what a fake unit of work copies, and publishes on commit."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from grantflow.domain.assessment import Assignment, Reviewer, Scorecard
from grantflow.domain.audit import AuditEntry
from grantflow.domain.ledger import LedgerEntry
from grantflow.domain.partners import DonorMunicipality
from grantflow.domain.ranking import Ranking
from grantflow.services.ports.accounts import Invitation, User
from grantflow.services.ports.applications import Application, Submission
from grantflow.services.ports.documents import DocumentRecord
from grantflow.services.ports.final_reports import StoredFinalReport
from grantflow.services.ports.outbox import OutboxMessage
from grantflow.services.ports.partners import Partnership


@dataclasses.dataclass
class Tables:
    applications: dict[int, Application] = dataclasses.field(default_factory=dict)
    submissions: dict[int, Submission] = dataclasses.field(default_factory=dict)
    audit: list[AuditEntry] = dataclasses.field(default_factory=list)
    reviewers: dict[str, Reviewer] = dataclasses.field(default_factory=dict)
    assignments: dict[tuple[int, str], Assignment] = dataclasses.field(default_factory=dict)
    scorecards: dict[tuple[int, str], Scorecard] = dataclasses.field(default_factory=dict)
    rankings: dict[str, Ranking] = dataclasses.field(default_factory=dict)
    ledger: list[LedgerEntry] = dataclasses.field(default_factory=list)
    donors: dict[str, DonorMunicipality] = dataclasses.field(default_factory=dict)
    partnerships: dict[int, Partnership] = dataclasses.field(default_factory=dict)
    final_reports: dict[int, StoredFinalReport] = dataclasses.field(default_factory=dict)
    documents: list[DocumentRecord] = dataclasses.field(default_factory=list)
    outbox: list[OutboxMessage] = dataclasses.field(default_factory=list)
    users: dict[int, User] = dataclasses.field(default_factory=dict)
    login_failures: dict[int, tuple[str, str, datetime]] = dataclasses.field(default_factory=dict)
    invitations: dict[int, Invitation] = dataclasses.field(default_factory=dict)
