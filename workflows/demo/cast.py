"""The demo's simulated people, as ``samples/demo.yaml`` casts them.

The cast itself is data (``grantflow.validation.demo_file``); this module
is how the simulated experts turn it into scores: deterministic, so every
run of the demo gives the same ranking.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from grantflow.domain.errors import ConfigurationError
from grantflow.domain.programme import Programme
from grantflow.validation.demo_file import CallScript, DemoCast


def script(cast: DemoCast, call_code: str) -> CallScript:
    """What happens in the assessment of ``call_code``."""
    try:
        return cast.calls[call_code]
    except KeyError:
        raise ConfigurationError(
            f"demo.yaml: assessment: nothing is cast for the call {call_code}"
        ) from None


def total(cast: DemoCast, city: str, expert: str, number: int, divergent: bool) -> int:
    """The total of the ``number``-th expert (from 0) of ``city``: the city's merit and the
    expert's temperament, or, for the divergent application, a second expert far below the
    first and a third expert who arbitrates."""
    try:
        merit = cast.merit[city]
    except KeyError:
        raise ConfigurationError(f"demo.yaml: merit: no merit for {city}") from None
    if divergent and number == 1:
        return merit * cast.divergence.second_expert_percent // 100
    if divergent and number == 2:
        return merit + cast.divergence.third_expert_offset
    temperament = {e.reviewer.code: e.temperament for e in cast.experts}
    return merit + temperament[expert]


def comments(programme: Programme, points: Mapping[str, Decimal], comment: str) -> dict[str, str]:
    """The script's ``comment`` on every criterion scored below its maximum (a submitted
    scorecard explains each of them)."""
    return {c.code: comment for c in programme.criteria if points[c.code] < c.max_points}


def points(programme: Programme, total: int) -> dict[str, Decimal]:
    """``total`` spread over the criteria in proportion to their maxima (whole points)."""
    scale = Decimal(total) / programme.max_score
    return {
        c.code: min(Decimal(c.max_points), (c.max_points * scale).to_integral_value())
        for c in programme.criteria
    }
