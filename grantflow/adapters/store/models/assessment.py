"""Tables of experts, assignments and scorecards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from grantflow.adapters.store.models.base import Base, Json, UtcDateTime


class ReviewerRow(Base):
    __tablename__ = "reviewers"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    languages: Mapped[list[str]] = mapped_column(Json)
    conflicts: Mapped[list[str]] = mapped_column(Json)  # TERYT codes declared at registration
    email: Mapped[str] = mapped_column(String(320), server_default="")
    # The language of their mail; "": derived from the languages they read.
    language: Mapped[str] = mapped_column(String(2), server_default="")


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
    """Points and comments per criterion (Decimal text); ``submitted_at`` set = locked."""

    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT"), index=True
    )
    reviewer_code: Mapped[str] = mapped_column(ForeignKey("reviewers.code", ondelete="RESTRICT"))
    points: Mapped[dict[str, str]] = mapped_column(Json)
    comments: Mapped[dict[str, str]] = mapped_column(Json, server_default="{}")
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
