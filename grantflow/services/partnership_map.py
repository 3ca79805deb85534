"""What a map of the partnerships shows: the towns, their partner municipalities where they
lie, and a line for each pair, signed or not yet.

One model for the publication's map and the operator's partnerships page, so both draw
the same pairs the same way; ``PartnershipMap.chart()`` is the plain data the chart
code (``adapters.documents.charts.partnership_map``) draws.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from grantflow.domain.partners import DonorMunicipality
from grantflow.domain.places import Place
from grantflow.services.ports.applications import Application

# A town's application, its partner, and whether their agreement is signed.
Pair = tuple[Application, DonorMunicipality, bool]


@dataclass(frozen=True)
class MapLink:
    town: str
    municipality: str
    signed: bool


@dataclass(frozen=True)
class PartnershipMap:
    """What the map shows: the places by the names the store gives them. A town or
    municipality with no known place is left off the map (the table still lists it)."""

    towns: tuple[Place, ...]
    municipalities: tuple[Place, ...]
    links: tuple[MapLink, ...]

    def chart(self) -> dict[str, Any]:
        """The towns, municipalities and links as the chart takes them."""
        return {
            "towns": [_place(p) for p in self.towns],
            "municipalities": [_place(p) for p in self.municipalities],
            "links": [
                {"town": k.town, "municipality": k.municipality, "signed": k.signed}
                for k in self.links
            ],
        }


def _place(place: Place) -> dict[str, Any]:
    return {"name": place.name, "lat": place.lat, "lon": place.lon}


def partnership_map(
    towns: Iterable[Application], pairs: Iterable[Pair], places: Mapping[str, Place]
) -> PartnershipMap:
    """``towns`` (a partner or not) and the partners of ``pairs``, each by name, where
    ``places`` (by TERYT or donor code) puts them; a link for each pair whose two ends
    are on the map, by town and then partner."""

    def named(code: str, name: str) -> Place | None:
        place = places.get(code)
        return None if place is None else dataclasses.replace(place, name=name)

    ordered = sorted(pairs, key=lambda pair: (pair[0].city_name, pair[1].name))
    on_map = {a.city_name: named(a.teryt, a.city_name) for a in sorted(towns, key=_city)}
    partners = {
        d.name: named(d.code, d.name) for d in sorted((d for _, d, _ in ordered), key=_name)
    }
    return PartnershipMap(
        towns=tuple(t for t in on_map.values() if t is not None),
        municipalities=tuple(m for m in partners.values() if m is not None),
        links=tuple(
            MapLink(town.city_name, donor.name, signed)
            for town, donor, signed in ordered
            if on_map.get(town.city_name) and partners.get(donor.name)
        ),
    )


def _city(application: Application) -> str:
    return application.city_name


def _name(donor: DonorMunicipality) -> str:
    return donor.name
