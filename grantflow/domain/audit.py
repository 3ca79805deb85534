"""The append-only audit log, made tamper-evident by a hash chain.

Each entry records who did what to which subject, when and why, with a
payload of facts (the amounts, the scores, the deadline), and carries the
SHA-256 of its own content including the previous entry's hash. Editing,
inserting or deleting an entry breaks the chain from that entry on;
:func:`verify_chain` names the first broken one.

Hashes must survive a round trip through SQLite and PostgreSQL, so the hashed
form is canonical JSON built from values both stores give back unchanged:
Decimals as strings (``Decimal("150000.00")`` -> ``"150000.00"``), times as
UTC ISO text with microseconds (SQLite forgets the time zone, so a naive time
read back is taken as UTC), keys sorted, no insignificant spaces. Floats are
refused: money is never a float, and a float's text is not stable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

GENESIS_HASH = "0" * 64

JsonValue = str | int | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


def to_json_value(value: object) -> JsonValue:
    """The canonical JSON form of a payload value (raises TypeError for floats and the unknown)."""
    if isinstance(value, Enum):
        value = value.value
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TypeError(f"audit payloads hold finite numbers only, not {value}")
        return str(value)
    if isinstance(value, datetime):
        return utc_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        items = [to_json_value(v) for v in value]
        # Sets have no order of their own: sort their canonical text.
        if isinstance(value, frozenset | set):
            items.sort(key=canonical_json)
        return items
    raise TypeError(f"cannot put {type(value).__name__} into an audit payload: {value!r}")


def canonical_json(value: object) -> str:
    return json.dumps(
        to_json_value(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def utc_text(moment: datetime) -> str:
    """``2021-03-01T09:30:00.000000Z``: one text per instant, naive times taken as UTC."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json_payload(payload: Mapping[str, Any]) -> Mapping[str, JsonValue]:
    converted = to_json_value(payload)
    assert isinstance(converted, dict)  # a Mapping converts to a dict
    return converted


@dataclass(frozen=True)
class AuditEntry:
    """One fact of the log. ``payload`` is already in canonical JSON form (Decimals as text)."""

    seq: int  # 1, 2, 3 ... with no gaps
    at: datetime
    actor: str  # who: "operator:anna.nowak", "reviewer:R07", "flow:selection"
    action: str  # what: "transition:accept_formally", "score:submit", "ledger:reserve"
    subject: str  # to what: "application:17", "ledger:0662011", "ranking:stage2"
    reason: str  # why (a committee justification, a formal-check finding)
    payload: Mapping[str, JsonValue] = field(default_factory=dict)
    prev_hash: str = GENESIS_HASH
    hash: str = ""

    def content(self) -> dict[str, JsonValue]:
        """Everything the hash covers (all but the hash itself)."""
        return {
            "seq": self.seq,
            "at": utc_text(self.at),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "reason": self.reason,
            "payload": dict(self.payload),
            "prev_hash": self.prev_hash,
        }

    def computed_hash(self) -> str:
        return hashlib.sha256(canonical_json(self.content()).encode("utf-8")).hexdigest()


def next_entry(
    previous: AuditEntry | None,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    reason: str = "",
    payload: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """The entry that follows ``previous`` (``None``: the first entry of the log)."""
    unsealed = AuditEntry(
        seq=1 if previous is None else previous.seq + 1,
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        reason=reason,
        payload=_json_payload(payload or {}),
        prev_hash=GENESIS_HASH if previous is None else previous.hash,
    )
    return replace(unsealed, hash=unsealed.computed_hash())


def verify_chain(entries: Sequence[AuditEntry]) -> int | None:
    """The index of the first entry that breaks the chain, or None if the log is intact.

    An entry is broken when its content does not give its hash (edited), when
    it does not point at the previous entry's hash (inserted, deleted or
    reordered), or when its sequence number is not the previous one plus one.
    ``entries`` is the whole log from its first entry, in sequence order.
    """
    previous: AuditEntry | None = None
    for index, entry in enumerate(entries):
        expected_prev = GENESIS_HASH if previous is None else previous.hash
        expected_seq = 1 if previous is None else previous.seq + 1
        if (
            entry.prev_hash != expected_prev
            or entry.seq != expected_seq
            or entry.hash != entry.computed_hash()
        ):
            return index
        previous = entry
    return None
