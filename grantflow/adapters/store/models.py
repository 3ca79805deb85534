"""Tables as SQLAlchemy 2 typed mappings.

The schema itself is owned by the Alembic migrations (``migrations/versions``);
these classes must describe the same tables, which
``tests/integration/test_store.py`` checks by comparing them with a migrated
database. Later tables (audit log, reviews, ledger entries, partners) join
this module and a new migration each.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names: Alembic can alter or drop them later
# (SQLite batch migrations need names to find them).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
Json = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both databases.

    SQLite has no time zones: it stores the naive UTC value and this type
    gives the zone back on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ApplicationRow(Base):
    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("call_code", "teryt"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_code: Mapped[str] = mapped_column(String(64))
    stage: Mapped[int] = mapped_column(Integer)
    teryt: Mapped[str] = mapped_column(String(7))
    city_name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class KeptUpload:
    """Columns of every upload kept as a version (an outline, a final report):
    the file, where its bytes lie, and its language-neutral validation report."""

    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    stored_path: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    valid: Mapped[bool]
    error_count: Mapped[int] = mapped_column(Integer)
    warning_count: Mapped[int] = mapped_column(Integer)
    report: Mapped[dict[str, Any]] = mapped_column(Json)
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SubmissionRow(KeptUpload, Base):
    """One uploaded file: a version of an application, or an unidentified upload."""

    __tablename__ = "submissions"
    __table_args__ = (
        # Re-submitting the same bytes for the same city is the same version.
        UniqueConstraint("application_id", "sha256"),
        UniqueConstraint("application_id", "version_no"),
        # NULLs are distinct in a unique constraint, so unidentified uploads
        # (no application) need their own rule: one row per file.
        Index(
            "uq_submissions_sha256_unidentified",
            "sha256",
            unique=True,
            sqlite_where=text("application_id IS NULL"),
            postgresql_where=text("application_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT"), index=True
    )
    version_no: Mapped[int | None] = mapped_column(Integer)
    outline: Mapped[dict[str, Any] | None] = mapped_column(Json)
