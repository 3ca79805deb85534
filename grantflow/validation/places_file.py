"""Load where the towns and donor municipalities lie (``samples/places.yaml``).

Checked against ``schemas/places.schema.yaml``; beyond the schema, each code is
listed once and each place lies inside its country's extent, so a latitude and
longitude swapped or a lost minus sign is refused with the key to fix
(``places.yaml: towns[3].lat: Biała Podlaska lies outside Poland (49.0-54.9 N, 14.1-24.2 E)``).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from grantflow import resources
from grantflow.domain.places import Place
from grantflow.validation import yaml_file
from grantflow.validation.yaml_file import Problem

SCHEMA_FILE = "places.schema.yaml"

# Each country's extent in degrees (south, north, west, east), its mainland and
# islands as Natural Earth draws them, Svalbard and Jan Mayen left out.
_EXTENTS = {
    "Poland": (Decimal("49.0"), Decimal("54.9"), Decimal("14.1"), Decimal("24.2")),
    "Norway": (Decimal("57.9"), Decimal("71.2"), Decimal("4.5"), Decimal("31.2")),
    "Iceland": (Decimal("63.3"), Decimal("66.6"), Decimal("-24.6"), Decimal("-13.4")),
}
_COUNTRY_OF_CODE = {"NO": "Norway", "IS": "Iceland"}


def _country(section: str, code: str) -> str:
    return "Poland" if section == "towns" else _COUNTRY_OF_CODE[code[:2]]


def _cross_check(document: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for section in ("towns", "municipalities"):
        for i, place in enumerate(document[section]):
            where = f"{section}[{i}]"
            if place["code"] in seen:
                problems.append((f"{where}.code", f"{place['code']} is listed twice"))
            seen.add(place["code"])
            country = _country(section, place["code"])
            south, north, west, east = _EXTENTS[country]
            lat, lon = Decimal(str(place["lat"])), Decimal(str(place["lon"]))
            extent = f"{country} ({south}-{north} N, {west}-{east} E)"
            if not south <= lat <= north:
                problems.append((f"{where}.lat", f"{place['name']} lies outside {extent}"))
            if not west <= lon <= east:
                problems.append((f"{where}.lon", f"{place['name']} lies outside {extent}"))
    return problems


def parse_places(data: object, source: str = "places.yaml") -> dict[str, Place]:
    """Check an already parsed places document; the places by code."""
    checked = yaml_file.checked(SCHEMA_FILE, data, source, _cross_check)
    return {
        p["code"]: Place(
            p["code"], p["name"], Decimal(str(p["lat"])), Decimal(str(p["lon"])), p["source"]
        )
        for p in (*checked["towns"], *checked["municipalities"])
    }


@cache
def _reference() -> dict[str, Place]:
    return load_places(resources.samples() / "places.yaml")


def load_places(path: Path | None = None) -> dict[str, Place]:
    """The places of ``path`` by code; without a path, the shipped ones (cached)."""
    if path is None:
        return _reference()
    return parse_places(yaml_file.read(path), path.name)
