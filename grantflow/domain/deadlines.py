"""The operator's calendar: which day a moment falls on, whether a deadline has passed,
and moments given as text.

Deadlines in the programme file (a correction deadline, the partner-search
deadline) are calendar days at the Programme Operator's seat in Warsaw: an
upload at 00:30 on the 17th in Chełm is late for a deadline of the 16th,
although it is still the 16th in UTC, and a worker on UTC must not close a
partner search a day early or late.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

OPERATOR_TIMEZONE = ZoneInfo("Europe/Warsaw")


def operator_day(moment: datetime) -> date:
    """The day at the operator's seat when ``moment`` happened (naive means UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(OPERATOR_TIMEZONE).date()


def days_left(deadline: date, moment: datetime) -> int:
    """Whole days from ``moment``'s day at the operator's seat to ``deadline``: 0 on the
    deadline itself (still in time), negative once it has passed."""
    return (deadline - operator_day(moment)).days


def has_passed(deadline: date, moment: datetime) -> bool:
    """Whether ``moment`` is after the last day ``deadline`` (at the operator's seat)."""
    return days_left(deadline, moment) < 0


# A day given without a time means its midday in Warsaw: the same calendar day
# in UTC (where the store keeps moments) and at the operator's seat, so a
# document dated from either shows the day the operator meant.
MIDDAY = time(12, 0)


def parse_moment(text: str) -> datetime:
    """``2021-06-14`` (midday in Warsaw) or ``2021-06-14T09:30`` (Warsaw, unless it
    carries its own offset) as an aware moment; ValueError naming the accepted forms."""
    cleaned = text.strip()
    try:
        if len(cleaned) == len("2021-06-14"):
            moment = datetime.combine(date.fromisoformat(cleaned), MIDDAY)
        else:
            moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(
            f"'{text}' is not a date (2021-06-14) or a date and time (2021-06-14T09:30)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=OPERATOR_TIMEZONE)
    return moment.astimezone(UTC)
