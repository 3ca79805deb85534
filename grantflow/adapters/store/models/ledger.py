"""The ledger's table."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from grantflow.adapters.store.models.base import Base, Money, UtcDateTime


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
