"""Partner matching: pair scores, explanations, and an assignment that maximises the total."""

from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from grantflow.adapters.assignment import ScipyAssignmentSolver
from grantflow.domain.matching import (
    CityNeeds,
    MatchWeights,
    PairScore,
    propose_matches,
    score_pair,
)
from grantflow.domain.partners import DonorMunicipality
from grantflow.validation.outline import validate_outline
from tests.unit.factories import CHELM_TERYT, STAGE1, chelm_workbook, reference_programme

SOLVER = ScipyAssignmentSolver()

CHELM = CityNeeds(
    1,
    CHELM_TERYT,
    "Chełm",
    themes=("environment_energy", "resilience_preparedness"),
    involvement_forms=("knowledge_exchange", "study_visits"),
    preferred_country="NO",
)
HRUBIESZOW = CityNeeds(
    2, "0605011", "Hrubieszów", ("social_education",), ("advisory",), preferred_country="any"
)
KONIN = CityNeeds(
    3, "3062011", "Konin", ("smart_city", "culture_tourism"), ("co_development",), "IS"
)
OPOLE = CityNeeds(4, "1661011", "Opole", ("entrepreneurship",), ("workshops_conferences",), None)

KRISTIANSAND = DonorMunicipality(
    "NO-4204",
    "Kristiansand kommune",
    "NO",
    "Agder",
    themes=("resilience_preparedness", "smart_city", "sustainable_development"),
    involvement_forms=("knowledge_exchange", "study_visits", "workshops_conferences"),
    capacity=2,
)
RINGERIKE = DonorMunicipality(
    "NO-3305",
    "Ringerike kommune",
    "NO",
    "Buskerud",
    themes=("resilience_preparedness", "governance_civil_society", "social_education"),
    involvement_forms=("advisory", "knowledge_exchange", "study_visits"),
    capacity=1,
)
REYKJAVIK = DonorMunicipality(
    "IS-0000",
    "Reykjavíkurborg",
    "IS",
    "Höfuðborgarsvæðið",
    themes=("smart_city", "culture_tourism", "environment_energy"),
    involvement_forms=("co_development", "advisory"),
    capacity=1,
)
POOL = (KRISTIANSAND, RINGERIKE, REYKJAVIK)


def pairs(proposals: tuple[PairScore, ...]) -> list[tuple[str, str]]:
    return [(p.city.city_name, p.donor.name) for p in proposals]


class TestPairScores:
    def test_chelm_and_kristiansand_share_a_theme_two_forms_and_the_country(self) -> None:
        pair = score_pair(CHELM, KRISTIANSAND)
        assert pair.matched_themes == ("resilience_preparedness",)
        assert pair.matched_forms == ("knowledge_exchange", "study_visits")
        assert pair.preferred_country
        assert pair.score == 3 + 2 * 2 + 1

    def test_the_explanation_names_what_matched(self) -> None:
        assert score_pair(CHELM, KRISTIANSAND).explanation() == (
            "Chełm – Kristiansand kommune (NO): shared themes: resilience_preparedness; "
            "forms of involvement: knowledge_exchange, study_visits; preferred country NO; "
            "score 8"
        )

    def test_without_a_shared_theme_nothing_else_counts(self) -> None:
        pair = score_pair(HRUBIESZOW, KRISTIANSAND)
        assert pair.score == 0
        assert pair.explanation() == "Hrubieszów – Kristiansand kommune: no shared theme"

    def test_no_preference_earns_no_country_points(self) -> None:
        assert not score_pair(HRUBIESZOW, RINGERIKE).preferred_country
        assert not score_pair(OPOLE, KRISTIANSAND).preferred_country

    def test_weights_are_parameters(self) -> None:
        assert (
            score_pair(CHELM, KRISTIANSAND, MatchWeights(theme=10, form=0, country=5)).score == 15
        )

    def test_a_validated_outline_gives_the_citys_partnership_wishes(self) -> None:
        outline = validate_outline(chelm_workbook(), reference_programme(), STAGE1).outline
        assert outline is not None
        needs = CityNeeds.from_outline(1, outline)
        assert needs.themes == ("environment_energy", "resilience_preparedness")
        assert needs.involvement_forms == ("knowledge_exchange", "study_visits")
        assert needs.preferred_country == "NO"


class TestProposedAssignment:
    def test_each_city_gets_the_donor_that_matches_it(self) -> None:
        proposals = propose_matches([KONIN, HRUBIESZOW, CHELM], POOL, SOLVER)
        assert pairs(proposals) == [
            ("Hrubieszów", "Ringerike kommune"),
            ("Chełm", "Kristiansand kommune"),
            ("Konin", "Reykjavíkurborg"),
        ]

    def test_a_city_without_any_shared_theme_is_left_unmatched(self) -> None:
        proposals = propose_matches([OPOLE, CHELM], POOL, SOLVER)
        assert pairs(proposals) == [("Chełm", "Kristiansand kommune")]

    def test_capacity_is_respected(self) -> None:
        resilient = [
            CityNeeds(i, f"06{i:02}011", f"Miasto {i}", ("resilience_preparedness",), (), "NO")
            for i in range(1, 6)
        ]
        proposals = propose_matches(resilient, POOL, SOLVER)
        load = Counter(p.donor.code for p in proposals)
        assert load == Counter({"NO-4204": 2, "NO-3305": 1})

    def test_partnerships_already_confirmed_use_up_capacity(self) -> None:
        proposals = propose_matches([CHELM], POOL, SOLVER, taken={"NO-4204": 2})
        assert pairs(proposals) == [("Chełm", "Ringerike kommune")]

    def test_no_cities_or_no_donors_propose_nothing(self) -> None:
        assert propose_matches([], POOL, SOLVER) == ()
        assert propose_matches([CHELM], (), SOLVER) == ()


THEMES = ("environment_energy", "social_education", "smart_city", "culture_tourism")
FORMS = ("advisory", "knowledge_exchange", "study_visits")
subsets = st.frozensets(st.sampled_from(THEMES)).map(sorted).map(tuple)
form_sets = st.frozensets(st.sampled_from(FORMS)).map(sorted).map(tuple)
cities = st.lists(
    st.tuples(subsets, form_sets, st.sampled_from(["NO", "IS", "any", None])),
    max_size=4,
).map(
    lambda rows: [
        CityNeeds(i, f"0{i}62011", f"Miasto {i}", themes, forms, country)
        for i, (themes, forms, country) in enumerate(rows, start=1)
    ]
)
donors = st.lists(
    st.tuples(subsets, form_sets, st.sampled_from(["NO", "IS"]), st.integers(0, 2)),
    max_size=3,
).map(
    lambda rows: [
        DonorMunicipality(f"{c}-{i}", f"Gmina {i}", c, "Agder", themes, forms, capacity)
        for i, (themes, forms, c, capacity) in enumerate(rows, start=1)
    ]
)


def brute_force_best(cities: list[CityNeeds], donors: list[DonorMunicipality]) -> int:
    """Every way of giving each city a donor or none, within capacities."""
    best = 0
    for choice in itertools.product([None, *range(len(donors))], repeat=len(cities)):
        load = Counter(c for c in choice if c is not None)
        if any(load[d] > donors[d].capacity for d in load):
            continue
        best = max(
            best,
            sum(
                score_pair(city, donors[d]).score
                for city, d in zip(cities, choice, strict=True)
                if d is not None
            ),
        )
    return best


class TestTheAssignmentIsOptimal:
    @settings(max_examples=200)
    @given(cities, donors)
    def test_the_total_equals_the_best_found_by_brute_force(
        self, cities: list[CityNeeds], donors: list[DonorMunicipality]
    ) -> None:
        proposals = propose_matches(cities, donors, SOLVER)
        assert sum(p.score for p in proposals) == brute_force_best(cities, donors)
        assert all(p.score > 0 for p in proposals)
        assert len({p.city.application_id for p in proposals}) == len(proposals)
        load = Counter(p.donor.code for p in proposals)
        assert all(load[d.code] <= d.capacity for d in donors)
