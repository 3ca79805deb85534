"""Sample outlines and the generator: real towns, sums that add up to the cent."""

from __future__ import annotations

from decimal import Decimal

from grantflow.domain.identifiers import nip_is_valid, teryt_is_well_formed, voivodeship_of
from grantflow.domain.money import to_eur
from grantflow.domain.names import slug
from grantflow.sample_data import (
    CHELM,
    SANDOMIERZ,
    reference_samples,
    synthetic_nip,
    valid_plans,
)
from grantflow.sample_generator import FORMS, THEMES, generate_outlines
from grantflow.validation import form
from grantflow.validation.programme_file import load_programme

PROGRAMME = load_programme()
RATE = PROGRAMME.rate_for(PROGRAMME.call("stage1-outline").rate_month)


class TestTownsAndIdentifiers:
    def test_file_names_are_lowercase_ascii_slugs(self) -> None:
        assert slug("Kędzierzyn-Koźle") == "kedzierzyn-kozle"
        assert slug("Ostrowiec Świętokrzyski") == "ostrowiec-swietokrzyski"
        assert slug("Łomża") == "lomza"

    def test_every_town_has_a_valid_nip_and_a_well_formed_teryt(self) -> None:
        for plan in valid_plans():
            assert nip_is_valid(plan.town.nip), plan.town.name
            assert teryt_is_well_formed(plan.town.teryt), plan.town.name
            assert plan.town.voivodeship == voivodeship_of(plan.town.teryt)

    def test_a_synthetic_nip_is_deterministic(self) -> None:
        assert synthetic_nip(CHELM.teryt) == synthetic_nip("0662011")
        assert CHELM.nip.startswith("5066201")

    def test_every_valid_town_is_eligible_and_sandomierz_is_not(self) -> None:
        eligible = PROGRAMME.eligible_teryt()
        assert all(plan.town.teryt in eligible for plan in valid_plans())
        assert SANDOMIERZ.teryt not in eligible


class TestBudgetsAddUp:
    def test_the_total_is_the_sum_of_the_lines_in_eur_to_the_cent(self) -> None:
        for sample in reference_samples(PROGRAMME):
            if sample.expected_codes:
                continue
            project, budget = sample.values["Project"], sample.values["Budget"]
            assert isinstance(project, dict) and isinstance(budget, list)
            lines = sum(
                (to_eur(Decimal(row["amount"]), str(row["currency"]), RATE) for row in budget),
                Decimal(0),
            )
            assert project["total_budget_eur"] == lines, sample.name
            assert project["requested_grant_eur"] + project["co_financing_eur"] == lines

    def test_some_lines_are_in_pln(self) -> None:
        currencies = {line.currency for plan in valid_plans() for line in plan.lines}
        assert currencies == {"EUR", "PLN"}


class TestTheGenerator:
    def test_the_vocabularies_are_the_forms(self) -> None:
        outline = form.load("outline")
        assert set(THEMES) == set(outline.codes("themes"))
        assert set(FORMS) == set(outline.codes("involvement_forms"))

    def test_the_same_seed_gives_the_same_outlines_and_another_seed_others(self) -> None:
        first = list(generate_outlines(PROGRAMME, 50, seed=11))
        assert first == list(generate_outlines(PROGRAMME, 50, seed=11))
        assert first != list(generate_outlines(PROGRAMME, 50, seed=12))

    def test_cities_are_taken_in_turn_from_the_eligible_list(self) -> None:
        count = len(PROGRAMME.eligible_cities) + 1
        names = [name for name, _ in generate_outlines(PROGRAMME, count)]
        assert names[0] == "0001-chelm"
        assert names[-1] == f"{len(names):04d}-chelm"

    def test_grants_and_lump_sums_stay_inside_the_programme_limits(self) -> None:
        for _, values in generate_outlines(PROGRAMME, 300, seed=5):
            project, budget = values["Project"], values["Budget"]
            assert isinstance(project, dict) and isinstance(budget, list)
            grant = project["requested_grant_eur"]
            assert isinstance(grant, Decimal)
            assert PROGRAMME.grant_minimum <= grant <= PROGRAMME.grant_maximum
            for row in budget:
                if row["category"] == "partnership_lump_sum":
                    eur = to_eur(Decimal(row["amount"]), str(row["currency"]), RATE)
                    assert PROGRAMME.lump_sum_minimum <= eur <= PROGRAMME.lump_sum_maximum
