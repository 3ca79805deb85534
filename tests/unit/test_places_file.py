"""Where the towns and donor municipalities lie: facts with a source, checked on load."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grantflow.validation.donors_file import load_donors
from grantflow.validation.places_file import load_places, parse_places
from grantflow.validation.programme_file import load_programme
from tests.unit.yaml_files import Document, refusal, shipped


@pytest.fixture(scope="module")
def places() -> Document:
    return shipped("places.yaml")


class TestTheShippedPlaces:
    def test_every_eligible_town_and_every_donor_municipality_has_a_place(self) -> None:
        places = load_places()
        towns = {city.teryt for city in load_programme().eligible_cities}
        donors = {donor.code for donor in load_donors()}
        assert towns | donors == set(places)

    def test_chelm_lies_in_eastern_poland_and_tromso_north_of_the_arctic_circle(self) -> None:
        places = load_places()
        assert places["0662011"].name == "Chełm"
        assert places["0662011"].lon > Decimal("23")
        assert places["NO-5501"].lat > Decimal("66.56")
        assert places["IS-0000"].lon < 0  # Reykjavík lies west of Greenwich

    def test_every_place_names_its_source(self) -> None:
        assert all(place.source.startswith("Wikipedia") for place in load_places().values())


class TestABrokenPlacesFileNamesTheKey:
    def test_latitude_and_longitude_swapped_put_a_town_outside_poland(
        self, places: Document
    ) -> None:
        def swap(data: Document) -> None:
            town = data["towns"][3]
            town["lat"], town["lon"] = town["lon"], town["lat"]

        message = refusal(parse_places, places, swap)
        assert "places.yaml: towns[3].lat: Biała Podlaska lies outside Poland" in message
        assert "towns[3].lon" in message

    def test_a_lost_minus_sign_puts_reykjavik_outside_iceland(self, places: Document) -> None:
        def east(data: Document) -> None:
            data["municipalities"][14]["lon"] = "21.94"

        message = refusal(parse_places, places, east)
        assert "municipalities[14].lon: Reykjavíkurborg lies outside Iceland" in message

    def test_a_coordinate_written_as_a_yaml_float_is_refused(self, places: Document) -> None:
        def floated(data: Document) -> None:
            data["towns"][0]["lat"] = 51.14

        assert "towns[0].lat" in refusal(parse_places, places, floated)

    def test_a_place_without_a_source_is_refused(self, places: Document) -> None:
        def unsourced(data: Document) -> None:
            del data["municipalities"][0]["source"]

        assert "municipalities[0].source: required field" in refusal(
            parse_places, places, unsourced
        )

    def test_a_code_listed_twice_is_refused(self, places: Document) -> None:
        def twice(data: Document) -> None:
            data["towns"].append(dict(data["towns"][0]))

        assert "0662011 is listed twice" in refusal(parse_places, places, twice)
