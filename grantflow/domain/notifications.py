"""What people are told, and when a deadline's reminder is due.

A notification is one message to one address (an address is never shown to
another recipient), in the recipient's language, pointing into the portal.
Its ``key`` names the event it tells of, so recording the same event twice
(a retried flow, a reminder run again the same day) leaves one message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Topic(StrEnum):
    """What a message tells; each has its own subject and text in the templates."""

    REPORT_READY = "report_ready"
    RETURNED_FOR_CORRECTION = "returned_for_correction"
    ASSIGNED_TO_REVIEW = "assigned_to_review"
    THIRD_EXPERT_NEEDED = "third_expert_needed"
    DECISION = "decision"  # outcome: shortlisted, selected, reserve, rejected
    RESERVE_MOVED_UP = "reserve_moved_up"
    MATCH_PROPOSED = "match_proposed"
    AGREEMENT_READY = "agreement_ready"
    REMINDER = "reminder"  # a deadline approaching; its kind says which
    INVITATION = "invitation"  # an operator invites someone to the portal


class DeadlineKind(StrEnum):
    CALL = "call"  # a call's submission deadline
    CORRECTION = "correction"  # an application returned for correction
    REVIEW = "review"  # an expert's scores for one assignment
    PARTNER_SEARCH = "partner_search"
    FINAL_REPORT = "final_report"  # the final report is due


@dataclass(frozen=True)
class Notification:
    key: str  # the event told of: one message per key, ever
    topic: Topic
    to: str  # one e-mail address
    lang: str  # pl, nb or en
    link: str  # a path of the portal, e.g. /city/applications/12
    # Plain values for the templates: text, numbers, ISO dates (``*_on``/``deadline``).
    params: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Deadline:
    """One deadline someone must meet, with who is reminded of it."""

    key: str  # e.g. "correction:12", "review:12:R07": unique among deadlines
    kind: DeadlineKind
    day: date  # the last day, at the operator's seat
    to: str
    lang: str
    link: str
    params: Mapping[str, str | int] = field(default_factory=dict)


def reminder_due(deadline: Deadline, offsets: Iterable[int], today: date) -> Notification | None:
    """The reminder of ``deadline`` due ``today``, else None.

    With offsets 7 and 1, the 7-day reminder is due from seven days before
    the deadline and the 1-day one from the day before; only the nearest is
    due, and its key names the offset, so a day the flow did not run is
    caught up the next day, and a run repeated the same day sends nothing new.
    """
    days_left = (deadline.day - today).days
    reached = [offset for offset in offsets if 0 <= days_left <= offset]
    if not reached:
        return None
    offset = min(reached)
    return Notification(
        key=f"reminder:{deadline.key}:{offset}d",
        topic=Topic.REMINDER,
        to=deadline.to,
        lang=deadline.lang,
        link=deadline.link,
        params={
            **deadline.params,
            "kind": deadline.kind.value,
            "deadline": deadline.day.isoformat(),
            "days_left": days_left,
        },
    )


def donor_language(languages: Iterable[str]) -> str:
    """A donor municipality reads Norwegian when it works in it, else English."""
    return "nb" if "nb" in languages else "en"
