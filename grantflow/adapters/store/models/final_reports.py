"""The final reports' table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from grantflow.adapters.store.models.applications import KeptUpload
from grantflow.adapters.store.models.base import Base, Json


class FinalReportRow(KeptUpload, Base):
    """One uploaded final report: a version of a project's report (kept for ever)."""

    __tablename__ = "final_reports"
    __table_args__ = (
        # The same bytes uploaded again for the same project are the same version.
        UniqueConstraint("application_id", "sha256"),
        UniqueConstraint("application_id", "version_no"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT"), index=True
    )
    version_no: Mapped[int] = mapped_column(Integer)
    final_report: Mapped[dict[str, Any] | None] = mapped_column(Json)
