"""Tables of the programme lifecycle: audit log, reviews, rankings, ledger, partners.

Same metadata (``models.Base``) as the intake tables; the schema is built by
``migrations/versions/0002_lifecycle.py``, and the store tests compare the two.
Money is ``Money`` (exact cents on both databases); points and scores live in
JSON as Decimal text, so nothing passes through a float.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

from grantflow.adapters.store.models import Base, Json, UtcDateTime

MONEY_PRECISION, MONEY_SCALE = 14, 2
# SQLite has no decimal type: a NUMERIC column there is stored as an integer
# or a binary float. Text (its own affinity, never converted) keeps "150000.10"
# exactly; PostgreSQL keeps NUMERIC(14, 2).
_MONEY_SQL = Numeric(MONEY_PRECISION, MONEY_SCALE, asdecimal=True).with_variant(
    String(24), "sqlite"
)


class Money(TypeDecorator[Decimal]):
    """Euro amounts in whole cents, Decimal in and out, never a float on the way."""

    impl = _MONEY_SQL
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(24))
        return dialect.type_descriptor(Numeric(MONEY_PRECISION, MONEY_SCALE, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValueError(f"money must be a finite Decimal, not {value!r}")
        exact = value.quantize(Decimal("0.01"))
        if exact != value:
            raise ValueError(f"money is stored in whole cents, not {value}")
        return str(exact) if dialect.name == "sqlite" else exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(value).quantize(Decimal("0.01"))


class AuditRow(Base):
    """One entry of the hash-chained log; ``seq`` is the chain's order and its unique key."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ReviewerRow(Base):
    __tablename__ = "reviewers"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    languages: Mapped[list[str]] = mapped_column(Json)
    conflicts: Mapped[list[str]] = mapped_column(Json)  # TERYT codes declared at registration


class AssignmentRow(Base):
    """A reviewer on an application, with the conflict-of-interest declaration."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_code"),)

    # The surrogate key keeps the order assignments were made in.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT"), index=True
    )
    reviewer_code: Mapped[str] = mapped_column(ForeignKey("reviewers.code", ondelete="RESTRICT"))
    declaration: Mapped[str] = mapped_column(String(20))
    declared_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ScorecardRow(Base):
    """Points per criterion (Decimal text); ``submitted_at`` set = locked."""

    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT"), index=True
    )
    reviewer_code: Mapped[str] = mapped_column(ForeignKey("reviewers.code", ondelete="RESTRICT"))
    points: Mapped[dict[str, str]] = mapped_column(Json)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RankingRow(Base):
    """A call's current ranking with the committee's decisions (history: the audit log)."""

    __tablename__ = "rankings"

    call_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    allocation_eur: Mapped[Decimal | None] = mapped_column(Money())
    entries: Mapped[list[dict[str, Any]]] = mapped_column(Json)


class LedgerRow(Base):
    """One lump-sum movement; the surrogate key is the booking order.

    The account is (call_code, city): a city funded in two calls has two
    (migration 0004 gave the entries booked before it their call).
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_account", "call_code", "city"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # the idempotency key
    call_code: Mapped[str] = mapped_column(String(64))
    city: Mapped[str] = mapped_column(String(7))  # TERYT
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Money())
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)


class DonorRow(Base):
    __tablename__ = "donors"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(100))
    themes: Mapped[list[str]] = mapped_column(Json)
    involvement_forms: Mapped[list[str]] = mapped_column(Json)
    capacity: Mapped[int] = mapped_column(Integer)
    contact: Mapped[str] = mapped_column(String(200))
    languages: Mapped[list[str]] = mapped_column(Json)
    intermediary: Mapped[str] = mapped_column(String(200))


class PartnershipRow(Base):
    """The application's partner: proposed, confirmed or signed."""

    __tablename__ = "partnerships"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT"), primary_key=True
    )
    donor_code: Mapped[str] = mapped_column(
        ForeignKey("donors.code", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[int] = mapped_column(Integer)
    explanation: Mapped[str] = mapped_column(Text)
    justification: Mapped[str] = mapped_column(Text)
