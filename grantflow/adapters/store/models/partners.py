"""Tables of donor municipalities and partnerships."""

from __future__ import annotations

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from grantflow.adapters.store.models.base import Base, Json


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
