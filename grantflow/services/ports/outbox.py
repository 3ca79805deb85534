"""The outbox: messages recorded with the event they tell of, delivered after commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from grantflow.domain.notifications import Notification


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    notification: Notification
    created_at: datetime
    attempts: int  # failed deliveries so far
    last_error: str
    sent_at: datetime | None


class OutboxRepository(Protocol):
    def add(self, notification: Notification, *, at: datetime) -> bool:
        """Record a message; False (and nothing written) when its key is already there.

        Conflict at commit when a concurrent writer recorded the same key."""
        ...

    def pending(self, limit: int) -> list[OutboxMessage]:
        """Messages not sent yet, oldest first."""
        ...

    def mark_sent(self, message_id: int, *, at: datetime) -> None: ...

    def mark_failed(self, message_id: int, error: str, *, at: datetime) -> None:
        """Count a failed delivery; the message stays pending (it is never dropped)."""
        ...

    def all(self) -> list[OutboxMessage]:
        """Every message ever recorded, oldest first."""
        ...
