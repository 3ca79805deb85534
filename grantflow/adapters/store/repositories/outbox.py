"""The outbox over one SQLAlchemy session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from grantflow.adapters.store.models.outbox import OutboxRow
from grantflow.adapters.store.repositories.base import WriterLock, flush_or_conflict
from grantflow.domain.notifications import Notification, Topic
from grantflow.services.ports.outbox import OutboxMessage


class SqlOutboxRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def add(self, notification: Notification, *, at: datetime) -> bool:
        # Writers take turns (the writer lock), so the look-up below and the
        # insert cannot be split by another writer recording the same key.
        self._writer.claim()
        taken = self._session.scalar(select(OutboxRow.id).where(OutboxRow.key == notification.key))
        if taken is not None:
            return False
        self._session.add(
            OutboxRow(
                key=notification.key,
                topic=notification.topic.value,
                recipient=notification.to,
                lang=notification.lang,
                link=notification.link,
                params=dict(notification.params),
                created_at=at,
                attempts=0,
                last_error="",
            )
        )
        flush_or_conflict(self._session, f"message {notification.key}")
        return True

    def pending(self, limit: int) -> list[OutboxMessage]:
        rows = self._session.scalars(
            select(OutboxRow).where(OutboxRow.sent_at.is_(None)).order_by(OutboxRow.id).limit(limit)
        )
        return [_message(r) for r in rows]

    def mark_sent(self, message_id: int, *, at: datetime) -> None:
        self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(sent_at=at, last_attempt_at=at)
        )

    def mark_failed(self, message_id: int, error: str, *, at: datetime) -> None:
        self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(attempts=OutboxRow.attempts + 1, last_error=error, last_attempt_at=at)
        )

    def all(self) -> list[OutboxMessage]:
        return [
            _message(r) for r in self._session.scalars(select(OutboxRow).order_by(OutboxRow.id))
        ]


def _message(row: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        notification=Notification(
            key=row.key,
            topic=Topic(row.topic),
            to=row.recipient,
            lang=row.lang,
            link=row.link,
            params=dict(row.params),
        ),
        created_at=row.created_at,
        attempts=row.attempts,
        last_error=row.last_error,
        sent_at=row.sent_at,
    )
