"""Where a town or a donor municipality lies: a fact with its source, for the maps."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Place:
    code: str  # a town's TERYT code, or a donor municipality's code ("NO-4204")
    name: str
    lat: Decimal  # WGS 84 degrees, north positive
    lon: Decimal  # WGS 84 degrees, east positive
    source: str  # where the coordinates come from
