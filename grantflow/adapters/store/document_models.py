"""Tables of the documents issue: stored final reports and every generated document.

Same metadata (``models.Base``) as the other tables; the schema is built by
``migrations/versions/0003_documents.py`` and the store tests compare the two.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from grantflow.adapters.store.models import Base, Json, KeptUpload, UtcDateTime


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


class DocumentRow(Base):
    """A generated file: what it is, where it lies, its SHA-256.

    Generating identical bytes again records nothing new (the unique key);
    a changed document (new data, an edited template) is a new row, so the
    table is the history of everything the programme issued.
    """

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("kind", "lang", "fmt", "application_id", "sha256"),
        # NULLs are distinct in a unique constraint: documents of no
        # application (the publication) need their own rule.
        Index(
            "uq_documents_programme_wide",
            "kind",
            "lang",
            "fmt",
            "sha256",
            unique=True,
            sqlite_where=text("application_id IS NULL"),
            postgresql_where=text("application_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(5))
    fmt: Mapped[str] = mapped_column(String(5))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="RESTRICT"), index=True
    )
    # Relative to GRANTFLOW_HOME (the home can move); absolute for a file
    # written outside it (``grantflow generate -o /elsewhere``).
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime())
