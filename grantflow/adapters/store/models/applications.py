"""Tables of applications and their uploaded versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from grantflow.adapters.store.models.base import Base, Json, UtcDateTime


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
