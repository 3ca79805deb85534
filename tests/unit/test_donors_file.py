"""The donor pool: Norwegian and Icelandic municipalities, checked codes."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from grantflow import resources
from grantflow.domain.errors import ConfigurationError
from grantflow.validation.donors_file import load_donors, parse_donors


@pytest.fixture(scope="module")
def pool() -> dict[str, Any]:
    with (resources.samples() / "donors.yaml").open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


class TestTheReferenceDonorPool:
    def test_kristiansand_and_ringerike_offer_crisis_preparedness(self) -> None:
        donors = {d.name: d for d in load_donors()}
        assert "resilience_preparedness" in donors["Kristiansand kommune"].themes
        assert "resilience_preparedness" in donors["Ringerike kommune"].themes
        assert donors["Kristiansand kommune"].code == "NO-4204"

    def test_at_least_twelve_norwegian_and_two_icelandic_municipalities(self) -> None:
        donors = load_donors()
        assert sum(d.country == "NO" for d in donors) >= 12
        icelandic = [d for d in donors if d.country == "IS"]
        assert len(icelandic) >= 2
        assert {d.intermediary for d in icelandic} == {"Samband íslenskra sveitarfélaga"}

    def test_capacities_are_between_one_and_three(self) -> None:
        assert all(1 <= d.capacity <= 3 for d in load_donors())


class TestABrokenDonorPoolNamesTheKey:
    def test_an_unknown_theme_code_is_refused(self, pool: dict[str, Any]) -> None:
        data = copy.deepcopy(pool)
        data["donors"][1]["themes"][0] = "crisis"
        with pytest.raises(ConfigurationError) as caught:
            parse_donors(data)
        assert str(caught.value) == (
            "donors.yaml: donors[1].themes[0]: unknown code 'crisis' (Ringerike kommune)"
        )

    def test_a_capacity_of_five_is_refused(self, pool: dict[str, Any]) -> None:
        data = copy.deepcopy(pool)
        data["donors"][0]["capacity"] = 5
        with pytest.raises(ConfigurationError, match=r"donors\[0\]\.capacity: max value is 3"):
            parse_donors(data)

    def test_a_code_of_the_wrong_country_is_refused(self, pool: dict[str, Any]) -> None:
        data = copy.deepcopy(pool)
        data["donors"][0]["country"] = "IS"
        with pytest.raises(ConfigurationError, match=r"NO-4204 does not start with IS-"):
            parse_donors(data)
