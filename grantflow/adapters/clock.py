"""The clocks behind ``grantflow.services.ports.clock.Clock``: the system's, and a fixed one.

A ``FixedClock`` stands still at one moment: a command run with ``--as-of``
records its step at that moment, a flow started with ``as_of`` decides its
deadlines on that day, and the demo walks the programme's calendar by
giving each step its own clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from grantflow.domain.deadlines import operator_day


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return operator_day(self.now())


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a fixed clock needs a timezone-aware moment")
        self._moment = moment.astimezone(UTC)

    def now(self) -> datetime:
        return self._moment

    def today(self) -> date:
        return operator_day(self._moment)
