"""Refused access is a fact of the audit chain: who asked for what, and what they got."""

from __future__ import annotations

from datetime import datetime

from grantflow.services.lifecycle import record
from grantflow.services.ports.unit_of_work import UnitOfWork

REFUSED = "access:refused"


def record_refusal(
    uow: UnitOfWork, *, actor: str, subject: str, path: str, status: int, at: datetime
) -> None:
    """Write that ``actor`` was refused ``subject`` (``status`` 403: not theirs; 404: none)."""
    with uow:
        record(
            uow,
            at=at,
            actor=actor,
            action=REFUSED,
            subject=subject,
            payload={"path": path, "status": status},
        )
        uow.commit()
