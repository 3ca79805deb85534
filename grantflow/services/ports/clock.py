"""Where "now" comes from: the only source of the current moment for services' callers.

Services take the moment as an argument (``at=``); the entrypoints (commands,
flows, the portal) ask the clock their composition root gave them, so a
command run with ``--as-of``, the demo on the programme's calendar and a
test all decide what "now" is in one place.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...

    def today(self) -> date:
        """Today at the Programme Operator's seat in Warsaw (what deadlines mean)."""
        ...
