"""The generated documents' table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from grantflow.adapters.store.models.base import Base, UtcDateTime
from grantflow.services.documents.kind import MAX_CODE_LENGTH


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
    kind: Mapped[str] = mapped_column(String(MAX_CODE_LENGTH))
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
