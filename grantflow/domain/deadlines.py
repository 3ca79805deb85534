"""Which calendar day a moment falls on, for deadlines.

Deadlines in the programme file (a correction deadline, the partner-search
deadline) are calendar days at the Programme Operator's seat in Warsaw: an
upload at 00:30 on the 17th in Chełm is late for a deadline of the 16th,
although it is still the 16th in UTC, and a worker on UTC must not close a
partner search a day early or late.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OPERATOR_TIMEZONE = ZoneInfo("Europe/Warsaw")


def operator_day(moment: datetime) -> date:
    """The day at the operator's seat when ``moment`` happened (naive means UTC)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(OPERATOR_TIMEZONE).date()
