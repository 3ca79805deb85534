"""Sample outlines and the generator: real towns, sums that add up to the cent, a checked file."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from grantflow.domain.errors import ConfigurationError
from grantflow.domain.identifiers import nip_is_valid, teryt_is_well_formed, voivodeship_of
from grantflow.domain.money import to_eur
from grantflow.domain.names import slug
from grantflow.samples.generator import generate_outlines
from grantflow.samples.outlines import reference_samples
from grantflow.validation import form
from grantflow.validation.programme_file import load_programme
from grantflow.validation.sample_outlines_file import (
    load_sample_outlines,
    parse_sample_outlines,
    synthetic_nip,
)
from tests.unit.yaml_files import Document, refusal, shipped

PROGRAMME = load_programme()
RATE = PROGRAMME.rate_for(PROGRAMME.call("stage1-outline").rate_month)
SAMPLES = load_sample_outlines()
TOWNS = {plan.town.name: plan.town for plan in SAMPLES.valid}
SHIPPED = shipped("outlines.yaml")


def _broken(change: Callable[[Document], None]) -> str:
    return refusal(parse_sample_outlines, SHIPPED, change)


class TestTownsAndIdentifiers:
    def test_file_names_are_lowercase_ascii_slugs(self) -> None:
        assert slug("Kędzierzyn-Koźle") == "kedzierzyn-kozle"
        assert slug("Ostrowiec Świętokrzyski") == "ostrowiec-swietokrzyski"
        assert slug("Łomża") == "lomza"

    def test_every_town_has_a_valid_nip_and_a_well_formed_teryt(self) -> None:
        for plan in SAMPLES.valid:
            assert nip_is_valid(plan.town.nip), plan.town.name
            assert teryt_is_well_formed(plan.town.teryt), plan.town.name
            assert plan.town.voivodeship == voivodeship_of(plan.town.teryt)

    def test_a_synthetic_nip_is_deterministic(self) -> None:
        assert synthetic_nip(TOWNS["Chełm"].teryt) == synthetic_nip("0662011")
        assert TOWNS["Chełm"].nip.startswith("5066201")

    def test_every_valid_town_is_eligible_and_sandomierz_is_not(self) -> None:
        eligible = PROGRAMME.eligible_teryt()
        assert all(plan.town.teryt in eligible for plan in SAMPLES.valid)
        (sandomierz,) = (b for b in SAMPLES.broken if b.name == "invalid-city-sandomierz")
        assert (sandomierz.plan.town.name, sandomierz.plan.town.teryt) == ("Sandomierz", "2609011")
        assert sandomierz.plan.town.teryt not in eligible


class TestBrokenOutlines:
    def test_the_broken_nip_of_chelm_differs_from_the_valid_one_in_the_check_digit(self) -> None:
        (broken,) = (s for s in reference_samples(PROGRAMME) if s.name == "invalid-nip-chelm")
        applicant = broken.values["Applicant"]
        assert isinstance(applicant, dict)
        assert applicant["nip"] == "5066201008" and TOWNS["Chełm"].nip == "5066201007"
        assert applicant["voivodeship"] == "podkarpackie"

    def test_konins_stated_total_is_10_000_below_its_lines_and_the_grant_follows(self) -> None:
        samples = {s.name: s for s in reference_samples(PROGRAMME)}
        valid, broken = samples["konin"].values["Project"], samples["invalid-budget-konin"].values
        project = broken["Project"]
        assert isinstance(valid, dict) and isinstance(project, dict)
        assert project["total_budget_eur"] == Decimal("2590726.93")
        assert valid["total_budget_eur"] == Decimal("2600726.93")
        assert project["requested_grant_eur"] + project["co_financing_eur"] == Decimal("2590726.93")
        assert broken["Budget"] == samples["konin"].values["Budget"]

    def test_nysas_lump_sum_is_175_000_and_its_totals_follow_the_lines(self) -> None:
        (nysa,) = (b for b in SAMPLES.broken if b.name == "invalid-lump-sum-nysa")
        lump = [line for line in nysa.plan.lines if line.category == "partnership_lump_sum"]
        assert [line.amount for line in lump] == [Decimal("175000.00")]
        (sample,) = (s for s in reference_samples(PROGRAMME) if s.name == nysa.name)
        project = sample.values["Project"]
        assert isinstance(project, dict)
        assert project["total_budget_eur"] == nysa.plan.total_eur(RATE)


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
        currencies = {line.currency for plan in SAMPLES.valid for line in plan.lines}
        assert currencies == {"EUR", "PLN"}


class TestTheGenerator:
    def test_it_has_one_idea_for_every_theme_of_the_form(self) -> None:
        assert set(SAMPLES.generator.ideas) == set(form.load("outline").codes("themes"))

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

    def test_the_first_outline_of_seed_zero_is_chelms_as_it_always_was(self) -> None:
        # Pinned: the vocabulary moved from code to samples/outlines.yaml, the draws did not.
        ((name, values),) = generate_outlines(PROGRAMME, 1, seed=0)
        applicant, project = values["Applicant"], values["Project"]
        assert isinstance(applicant, dict) and isinstance(project, dict)
        assert name == "0001-chelm"
        assert (applicant["contact_name"], project["title_pl"], project["total_budget_eur"]) == (
            "Michał Kozłowski",
            "Kultura i turystyka w Chełm",
            Decimal("3939248.01"),
        )


class TestABrokenSampleOutlinesFileNamesTheKey:
    def test_an_unknown_budget_category_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["outlines"][2]["lines"][0]["category"] = "investments"

        assert _broken(change) == (
            "outlines.yaml: outlines[2].lines[0].category: unknown code 'investments' (Konin)"
        )

    def test_an_amount_written_as_a_yaml_float_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["outlines"][0]["lines"][0]["amount"] = 2100000.0

        message = _broken(change)
        assert "outlines[0].lines[0].amount: must be of decimal type" in message

    def test_an_unquoted_norway_read_as_false_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["outlines"][0]["partner"]["country"] = yaml.safe_load("NO")

        assert "outlines[0].partner.country: must be of string type" in _broken(change)

    def test_a_broken_outline_of_a_town_without_an_outline_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["broken"][1]["based_on"] = "Kraśnik"

        assert _broken(change) == (
            "outlines.yaml: broken[1].based_on: 'Kraśnik' has no valid outline"
        )

    def test_a_cell_the_form_does_not_have_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["broken"][0]["cells"]["Applicant"]["regon"] = "123456785"

        assert _broken(change) == (
            "outlines.yaml: broken[0].cells.Applicant.regon: "
            "the sheet Applicant has no field 'regon'"
        )

    def test_an_issue_code_the_validator_does_not_know_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["broken"][2]["expected_codes"] = ["lump-sum-too-high"]

        assert "broken[2].expected_codes[0]: unknown issue code 'lump-sum-too-high'" in _broken(
            change
        )

    def test_a_theme_without_an_idea_is_refused(self) -> None:
        def change(data: Document) -> None:
            del data["generator"]["ideas"]["smart_city"]

        assert _broken(change) == (
            "outlines.yaml: generator.ideas: no idea for the theme 'smart_city'"
        )

    def test_a_title_with_another_placeholder_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["generator"]["ideas"]["smart_city"]["title_en"] = "{town}, a smart town"

        assert "generator.ideas.smart_city.title_en: uses a placeholder other than {city}" in (
            _broken(change)
        )

    def test_a_file_that_is_not_yaml_names_the_file(self, tmp_path: Path) -> None:
        path = tmp_path / "outlines.yaml"
        path.write_text("outlines: [\n  - town: {name: Chełm\n", encoding="utf-8")
        with pytest.raises(ConfigurationError, match=r"^outlines\.yaml: not valid YAML"):
            load_sample_outlines(path)
