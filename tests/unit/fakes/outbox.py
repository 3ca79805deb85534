"""The in-memory outbox."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from grantflow.domain.notifications import Notification
from grantflow.services.ports.outbox import OutboxMessage
from tests.unit.fakes.tables import Tables


class FakeOutbox:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def add(self, notification: Notification, *, at: datetime) -> bool:
        if any(m.notification.key == notification.key for m in self._t.outbox):
            return False
        self._t.outbox.append(OutboxMessage(len(self._t.outbox) + 1, notification, at, 0, "", None))
        return True

    def pending(self, limit: int) -> list[OutboxMessage]:
        return [m for m in self._t.outbox if m.sent_at is None][:limit]

    def _replace(self, message_id: int, **changes: object) -> None:
        index = message_id - 1
        self._t.outbox[index] = dataclasses.replace(self._t.outbox[index], **changes)  # type: ignore[arg-type]

    def mark_sent(self, message_id: int, *, at: datetime) -> None:
        self._replace(message_id, sent_at=at)

    def mark_failed(self, message_id: int, error: str, *, at: datetime) -> None:
        attempts = self._t.outbox[message_id - 1].attempts + 1
        self._replace(message_id, attempts=attempts, last_error=error)

    def all(self) -> list[OutboxMessage]:
        return list(self._t.outbox)
