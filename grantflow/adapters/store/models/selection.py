"""The rankings' table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from grantflow.adapters.store.models.base import Base, Json, Money


class RankingRow(Base):
    """A call's current ranking with the committee's decisions (history: the audit log)."""

    __tablename__ = "rankings"

    call_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    allocation_eur: Mapped[Decimal | None] = mapped_column(Money())
    entries: Mapped[list[dict[str, Any]]] = mapped_column(Json)
