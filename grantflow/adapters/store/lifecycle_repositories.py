"""Repositories of the programme lifecycle over one SQLAlchemy session.

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

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grantflow.adapters.store.lifecycle_models import (
    AssignmentRow,
    AuditRow,
    DonorRow,
    LedgerRow,
    PartnershipRow,
    RankingRow,
    ReviewerRow,
    ScorecardRow,
)
from grantflow.adapters.store.models import ApplicationRow
from grantflow.adapters.store.repositories import SqlApplicationRepository
from grantflow.domain.assessment import Assignment, Declaration, Reviewer, Scorecard, ScoresLocked
from grantflow.domain.audit import AuditEntry
from grantflow.domain.errors import Conflict, NotFound
from grantflow.domain.ledger import Account, EntryKind, LedgerEntry
from grantflow.domain.partners import DonorMunicipality
from grantflow.domain.ranking import Decision, Proposal, RankedProposal, Ranking
from grantflow.services.lifecycle_ports import Partnership, PartnershipStatus
from grantflow.services.ports import Application

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


def _flush(session: Session, what: str) -> None:
    """Write now, so a lost race shows here as Conflict rather than at commit."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(f"{what} was stored concurrently") from exc


class SqlLifecycleApplicationRepository(SqlApplicationRepository):
    def __init__(self, session: Session, writer: WriterLock) -> None:
        super().__init__(session)
        self._writer = writer

    def get_for_update(self, application_id: int) -> Application:
        self._writer.claim()
        self._session.execute(
            select(ApplicationRow.id).where(ApplicationRow.id == application_id).with_for_update()
        )
        return self.get(application_id)

    def set_state(self, application_id: int, state: str) -> Application:
        self._writer.claim()
        row = self._session.get(ApplicationRow, application_id)
        if row is None:
            raise NotFound(f"no application {application_id}")
        row.state = str(state)
        _flush(self._session, f"the state of application {application_id}")
        return self.get(application_id)


class SqlAuditRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def last_for_update(self) -> AuditEntry | None:
        self._writer.claim()
        row = self._session.scalars(
            select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)
        ).one_or_none()
        return None if row is None else _audit_entry(row)

    def add(self, entry: AuditEntry) -> None:
        self._writer.claim()
        self._session.add(
            AuditRow(
                seq=entry.seq,
                at=entry.at,
                actor=entry.actor,
                action=entry.action,
                subject=entry.subject,
                reason=entry.reason,
                payload=dict(entry.payload),
                prev_hash=entry.prev_hash,
                hash=entry.hash,
            )
        )
        _flush(self._session, f"audit entry {entry.seq}")

    def all(self) -> list[AuditEntry]:
        return [
            _audit_entry(r) for r in self._session.scalars(select(AuditRow).order_by(AuditRow.seq))
        ]


def _audit_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        reason=row.reason,
        payload=row.payload,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class SqlReviewerRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def get(self, code: str) -> Reviewer:
        row = self._session.get(ReviewerRow, code)
        if row is None:
            raise NotFound(f"no reviewer {code}")
        return _reviewer(row)

    def add(self, reviewer: Reviewer) -> None:
        self._writer.claim()
        self._session.add(
            ReviewerRow(
                code=reviewer.code,
                name=reviewer.name,
                languages=sorted(reviewer.languages),
                conflicts=sorted(reviewer.conflicts),
            )
        )
        _flush(self._session, f"reviewer {reviewer.code}")

    def list(self) -> list[Reviewer]:
        rows = self._session.scalars(select(ReviewerRow).order_by(ReviewerRow.code))
        return [_reviewer(r) for r in rows]


def _reviewer(row: ReviewerRow) -> Reviewer:
    return Reviewer(row.code, row.name, frozenset(row.languages), frozenset(row.conflicts))


class SqlAssignmentRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def _row(self, application_id: int, reviewer_code: str) -> AssignmentRow:
        row = self._session.scalars(
            select(AssignmentRow).where(
                AssignmentRow.application_id == application_id,
                AssignmentRow.reviewer_code == reviewer_code,
            )
        ).one_or_none()
        if row is None:
            raise NotFound(f"{reviewer_code} is not assigned to application {application_id}")
        return row

    def get(self, application_id: int, reviewer_code: str) -> Assignment:
        return _assignment(self._row(application_id, reviewer_code))

    def list(self) -> list[Assignment]:
        rows = self._session.scalars(select(AssignmentRow).order_by(AssignmentRow.id))
        return [_assignment(r) for r in rows]

    def add(self, assignment: Assignment) -> None:
        self._writer.claim()
        self._session.add(
            AssignmentRow(
                application_id=assignment.application_id,
                reviewer_code=assignment.reviewer_code,
                declaration=str(assignment.declaration),
                declared_at=assignment.declared_at,
            )
        )
        _flush(
            self._session,
            f"the assignment of {assignment.reviewer_code} to {assignment.application_id}",
        )

    def update(self, assignment: Assignment) -> None:
        self._writer.claim()
        row = self._row(assignment.application_id, assignment.reviewer_code)
        row.declaration = str(assignment.declaration)
        row.declared_at = assignment.declared_at
        _flush(self._session, f"the declaration of {assignment.reviewer_code}")


def _assignment(row: AssignmentRow) -> Assignment:
    return Assignment(
        row.application_id, row.reviewer_code, Declaration(row.declaration), row.declared_at
    )


class SqlScorecardRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def find(self, application_id: int, reviewer_code: str) -> Scorecard | None:
        row = self._session.scalars(
            select(ScorecardRow).where(
                ScorecardRow.application_id == application_id,
                ScorecardRow.reviewer_code == reviewer_code,
            )
        ).one_or_none()
        return None if row is None else _scorecard(row)

    def for_application(self, application_id: int) -> list[Scorecard]:
        rows = self._session.scalars(
            select(ScorecardRow)
            .where(ScorecardRow.application_id == application_id)
            .order_by(ScorecardRow.id)
        )
        return [_scorecard(r) for r in rows]

    def save(self, card: Scorecard) -> None:
        """Insert, or replace a draft. The UPDATE only matches an unsubmitted row,
        so a submitted card stays locked even against a writer that read it as a draft."""
        self._writer.claim()
        points = {code: str(value) for code, value in card.points.items()}
        if self.find(card.application_id, card.reviewer_code) is None:
            self._session.add(
                ScorecardRow(
                    application_id=card.application_id,
                    reviewer_code=card.reviewer_code,
                    points=points,
                    submitted_at=card.submitted_at,
                )
            )
            _flush(self._session, f"the scorecard of {card.reviewer_code}")
            return
        changed = self._session.execute(
            update(ScorecardRow)
            .where(
                ScorecardRow.application_id == card.application_id,
                ScorecardRow.reviewer_code == card.reviewer_code,
                ScorecardRow.submitted_at.is_(None),
            )
            .values(points=points, submitted_at=card.submitted_at)
            .execution_options(synchronize_session="fetch")
        )
        if getattr(changed, "rowcount", 0) != 1:
            raise ScoresLocked(
                f"reviewer {card.reviewer_code} submitted the scores for application "
                f"{card.application_id}; they are locked"
            )


def _scorecard(row: ScorecardRow) -> Scorecard:
    points = {code: Decimal(value) for code, value in row.points.items()}
    return Scorecard(row.application_id, row.reviewer_code, points, row.submitted_at)


class SqlRankingRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def get(self, call_code: str) -> Ranking | None:
        row = self._session.get(RankingRow, call_code)
        if row is None:
            return None
        return Ranking(tuple(_ranked(e) for e in row.entries), row.allocation_eur)

    def save(self, call_code: str, ranking: Ranking) -> None:
        self._writer.claim()
        entries = [_ranked_json(e) for e in ranking.entries]
        row = self._session.get(RankingRow, call_code)
        if row is None:
            self._session.add(
                RankingRow(
                    call_code=call_code, allocation_eur=ranking.allocation_eur, entries=entries
                )
            )
        else:
            row.allocation_eur = ranking.allocation_eur
            row.entries = entries
        _flush(self._session, f"the ranking of {call_code}")


def _ranked_json(entry: RankedProposal) -> dict[str, Any]:
    p = entry.proposal
    return {
        "application_id": p.application_id,
        "teryt": p.teryt,
        "city_name": p.city_name,
        "final_score": str(p.final_score),
        "first_criterion": str(p.first_criterion),
        "submitted_at": p.submitted_at.isoformat(),
        "grant_eur": str(p.grant_eur),
        "rank": entry.rank,
        "decision": str(entry.decision),
        "reason": entry.reason,
        "justification": entry.justification,
    }


def _ranked(data: dict[str, Any]) -> RankedProposal:
    proposal = Proposal(
        application_id=data["application_id"],
        teryt=data["teryt"],
        city_name=data["city_name"],
        final_score=Decimal(data["final_score"]),
        first_criterion=Decimal(data["first_criterion"]),
        submitted_at=datetime.fromisoformat(data["submitted_at"]),
        grant_eur=Decimal(data["grant_eur"]),
    )
    return RankedProposal(
        proposal, data["rank"], Decision(data["decision"]), data["reason"], data["justification"]
    )


class SqlLedgerRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def find(self, key: str) -> LedgerEntry | None:
        row = self._session.scalars(select(LedgerRow).where(LedgerRow.key == key)).one_or_none()
        return None if row is None else _ledger_entry(row)

    def entries_for_update(self, account: Account) -> list[LedgerEntry]:
        self._writer.claim()
        rows = self._session.scalars(
            select(LedgerRow)
            .where(LedgerRow.call_code == account.call, LedgerRow.city == account.city)
            .order_by(LedgerRow.id)
            .with_for_update()
        )
        return [_ledger_entry(r) for r in rows]

    def add(self, entry: LedgerEntry) -> None:
        self._writer.claim()
        self._session.add(
            LedgerRow(
                key=entry.key,
                call_code=entry.call,
                city=entry.city,
                kind=str(entry.kind),
                amount=entry.amount,
                at=entry.at,
                actor=entry.actor,
                reason=entry.reason,
            )
        )
        _flush(self._session, f"ledger entry '{entry.key}'")

    def all(self) -> list[LedgerEntry]:
        return [
            _ledger_entry(r)
            for r in self._session.scalars(select(LedgerRow).order_by(LedgerRow.id))
        ]


def _ledger_entry(row: LedgerRow) -> LedgerEntry:
    return LedgerEntry(
        row.key,
        row.city,
        EntryKind(row.kind),
        row.amount,
        row.at,
        row.actor,
        row.reason,
        row.call_code,
    )


class SqlDonorRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def get(self, code: str) -> DonorMunicipality:
        row = self._session.get(DonorRow, code)
        if row is None:
            raise NotFound(f"no donor municipality {code}")
        return _donor(row)

    def list(self) -> list[DonorMunicipality]:
        return [_donor(r) for r in self._session.scalars(select(DonorRow).order_by(DonorRow.code))]

    def save(self, donor: DonorMunicipality) -> bool:
        """Insert or update from the donor pool file (not a port method); True if it changed."""
        self._writer.claim()
        values = {
            "name": donor.name,
            "country": donor.country,
            "region": donor.region,
            "themes": list(donor.themes),
            "involvement_forms": list(donor.involvement_forms),
            "capacity": donor.capacity,
            "contact": donor.contact,
            "languages": list(donor.languages),
            "intermediary": donor.intermediary,
        }
        row = self._session.get(DonorRow, donor.code)
        if row is None:
            self._session.add(DonorRow(code=donor.code, **values))
        elif _donor(row) == donor:
            return False
        else:
            for name, value in values.items():
                setattr(row, name, value)
        _flush(self._session, f"donor {donor.code}")
        return True


def _donor(row: DonorRow) -> DonorMunicipality:
    return DonorMunicipality(
        code=row.code,
        name=row.name,
        country=row.country,
        region=row.region,
        themes=tuple(row.themes),
        involvement_forms=tuple(row.involvement_forms),
        capacity=row.capacity,
        contact=row.contact,
        languages=tuple(row.languages),
        intermediary=row.intermediary,
    )


class SqlPartnershipRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def find(self, application_id: int) -> Partnership | None:
        row = self._session.get(PartnershipRow, application_id)
        return None if row is None else _partnership(row)

    def save(self, partnership: Partnership) -> None:
        self._writer.claim()
        values = {
            "donor_code": partnership.donor_code,
            "status": str(partnership.status),
            "score": partnership.score,
            "explanation": partnership.explanation,
            "justification": partnership.justification,
        }
        row = self._session.get(PartnershipRow, partnership.application_id)
        if row is None:
            self._session.add(PartnershipRow(application_id=partnership.application_id, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
        _flush(self._session, f"the partnership of application {partnership.application_id}")

    def remove(self, application_id: int) -> None:
        self._writer.claim()
        row = self._session.get(PartnershipRow, application_id)
        if row is not None:
            self._session.delete(row)
            _flush(self._session, f"the partnership of application {application_id}")

    def list(self) -> list[Partnership]:
        rows = self._session.scalars(select(PartnershipRow).order_by(PartnershipRow.application_id))
        return [_partnership(r) for r in rows]


def _partnership(row: PartnershipRow) -> Partnership:
    return Partnership(
        row.application_id,
        row.donor_code,
        PartnershipStatus(row.status),
        row.score,
        row.explanation,
        row.justification,
    )
