"""The outbox: every message recorded, pending until the mailer takes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from grantflow.adapters.store.models.base import Base, Json, UtcDateTime


class OutboxRow(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The event told of; unique, so an event recorded twice leaves one message.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    topic: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(320))  # one address (RFC 5321 limit)
    lang: Mapped[str] = mapped_column(String(2))
    link: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # NULL until delivered: the pending messages are those (index below in the migration).
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
