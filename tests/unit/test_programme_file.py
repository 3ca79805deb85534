"""The programme file: the reference programme loads, broken files name the key."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from grantflow import resources
from grantflow.domain.errors import ConfigurationError
from grantflow.domain.programme import Call, EligibleCity, LetterTerms
from grantflow.validation.programme_file import load_programme, parse_programme


@pytest.fixture(scope="module")
def reference_data() -> dict[str, Any]:
    with (resources.samples() / "programme.yaml").open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    return data


def _broken(reference: dict[str, Any], change: Any) -> str:
    data = copy.deepcopy(reference)
    change(data)
    with pytest.raises(ConfigurationError) as caught:
        parse_programme(data)
    return str(caught.value)


class TestTheReferenceProgramme:
    def test_it_is_the_local_development_programme_in_poland(self) -> None:
        programme = load_programme()
        assert programme.code == "pl-local-development-2014-2021"
        assert programme.name["pl"].startswith("Rozwój Lokalny")
        assert programme.name["nb"].startswith("Lokal utvikling")
        assert programme.operator == "Ministerstwo Funduszy i Polityki Regionalnej"
        assert programme.currency == "EUR"

    def test_stage_two_proposals_were_due_on_30_october_2020(self) -> None:
        call = load_programme().call("stage2-proposal")
        assert call == Call(
            code="stage2-proposal",
            stage=2,
            opens=date(2020, 2, 3),
            deadline=date(2020, 10, 30),
            rate_month="2020-09",
            review_deadline=date(2021, 1, 29),
            form="proposal",
            letters=LetterTerms(
                case_reference="DPP-II.7221.2.{number}.2020",
                place="Warszawa",
                legal_basis=call.letters.legal_basis,
                review_days=14,
                review_body="Minister Funduszy i Polityki Regionalnej",
                review_how=call.letters.review_how,
                signatory_name="Katarzyna Wiśniewska",
                signatory_position="Zastępca Dyrektora Departamentu Programów Pomocowych",
            ),
        )

    def test_every_call_converts_pln_at_a_known_rate(self) -> None:
        programme = load_programme()
        assert programme.rate_for(programme.call("stage1-outline").rate_month) == Decimal("4.2838")
        assert programme.rate_for("2020-09") == Decimal("4.4469")
        assert all(isinstance(r, Decimal) for r in programme.exchange_rates.values())

    def test_the_lump_sum_is_eur_150_000_accepted_from_140_000_to_160_000(self) -> None:
        programme = load_programme()
        assert programme.lump_sum_target == Decimal("150000.00")
        assert (programme.lump_sum_minimum, programme.lump_sum_maximum) == (
            Decimal("140000.00"),
            Decimal("160000.00"),
        )

    def test_money_and_thresholds_are_decimals(self) -> None:
        programme = load_programme()
        assert programme.grant_minimum == Decimal("1000000.00")
        assert programme.grant_maximum == Decimal("10000000.00")
        assert programme.allocation_eur == Decimal("100000000.00")
        assert programme.divergence_threshold == Decimal("0.30")

    def test_chelm_hrubieszow_and_konin_are_eligible(self) -> None:
        programme = load_programme()
        assert EligibleCity(teryt="0662011", name="Chełm") in programme.eligible_cities
        assert {"0662011", "0604011", "3062011"} <= programme.eligible_teryt()
        assert len(programme.eligible_cities) >= 30

    def test_the_criteria_add_up_to_100_points_with_a_pass_mark_of_60(self) -> None:
        programme = load_programme()
        assert [(c.code, c.max_points) for c in programme.criteria] == [
            ("relevance", 30),
            ("plan_quality", 25),
            ("feasibility", 20),
            ("partnership", 15),
            ("budget", 10),
        ]
        assert programme.max_score == 100
        assert programme.pass_mark == 60

    def test_fifteen_are_funded_and_ten_are_kept_in_reserve(self) -> None:
        programme = load_programme()
        assert (programme.funded_count, programme.reserve_count) == (15, 10)
        assert programme.first_eligibility_date == date(2020, 1, 1)
        assert programme.final_eligibility_date == date(2024, 3, 31)
        assert programme.partner_search_deadline == date(2021, 12, 31)

    def test_the_publication_is_dated_after_the_final_reports(self) -> None:
        programme = load_programme()
        assert programme.publication_date == date(2024, 6, 28)
        assert programme.publication_day(date(2026, 12, 2)) == date(2024, 6, 28)

    def test_without_a_publication_date_the_publication_carries_the_day_it_is_made(
        self, reference_data: dict[str, Any]
    ) -> None:
        reference_data.pop("publication_date")
        programme = parse_programme(reference_data)
        assert programme.publication_date is None
        assert programme.publication_day(date(2024, 7, 1)) == date(2024, 7, 1)

    def test_the_default_programme_is_read_once(self) -> None:
        assert load_programme() is load_programme()


class TestABrokenProgrammeFileNamesTheKey:
    def test_a_missing_key_is_named(self, reference_data: dict[str, Any]) -> None:
        message = _broken(reference_data, lambda d: d.pop("pass_mark"))
        assert message == "programme.yaml: pass_mark: required field"

    def test_a_float_amount_is_refused_because_it_loses_cents(
        self, reference_data: dict[str, Any]
    ) -> None:
        message = _broken(reference_data, lambda d: d["lump_sum"].update(minimum=140000.5))
        assert message == "programme.yaml: lump_sum.minimum: must be of decimal type"

    def test_a_text_that_is_no_number_is_refused(self, reference_data: dict[str, Any]) -> None:
        message = _broken(reference_data, lambda d: d["grant"].update(maximum="dziesięć milionów"))
        assert message == "programme.yaml: grant.maximum: must be of decimal type"

    def test_a_case_reference_without_the_applications_number_is_refused(
        self, reference_data: dict[str, Any]
    ) -> None:
        message = _broken(
            reference_data,
            lambda d: d["calls"][1]["decision_letter"].update(case_reference="DPP-II.7221.2.2020"),
        )
        assert message == (
            "programme.yaml: calls[1].decision_letter.case_reference: DPP-II.7221.2.2020 must "
            "hold {number} once, where each letter has its application's number"
        )

    def test_a_call_whose_letters_name_no_signatory_is_refused(
        self, reference_data: dict[str, Any]
    ) -> None:
        message = _broken(
            reference_data, lambda d: d["calls"][0]["decision_letter"].pop("signatory")
        )
        assert message == "programme.yaml: calls[0].decision_letter.signatory: required field"

    def test_a_minimum_above_the_maximum_is_refused(self, reference_data: dict[str, Any]) -> None:
        message = _broken(reference_data, lambda d: d["grant"].update(minimum="20000000"))
        assert message.startswith("programme.yaml: grant.minimum: 20000000 is above grant.maximum")

    def test_a_lump_sum_target_outside_its_band_is_refused(
        self, reference_data: dict[str, Any]
    ) -> None:
        message = _broken(reference_data, lambda d: d["lump_sum"].update(target="175000"))
        assert message.startswith("programme.yaml: lump_sum.target: 175000 is outside")

    def test_a_call_whose_rate_month_has_no_rate_is_refused(
        self, reference_data: dict[str, Any]
    ) -> None:
        message = _broken(reference_data, lambda d: d["calls"][1].update(rate_month="2020-13"))
        assert message == "programme.yaml: calls[1].rate_month: no exchange rate for 2020-13"

    def test_an_eligibility_window_that_ends_before_it_starts_is_refused(
        self, reference_data: dict[str, Any]
    ) -> None:
        message = _broken(reference_data, lambda d: d["eligibility"].update(first=date(2025, 1, 1)))
        assert message.startswith("programme.yaml: eligibility.first: 2025-01-01 is after")

    def test_a_publication_before_the_projects_ended_is_refused(
        self, reference_data: dict[str, Any]
    ) -> None:
        message = _broken(reference_data, lambda d: d.update(publication_date=date(2023, 6, 30)))
        assert message == (
            "programme.yaml: publication_date: 2023-06-30 is not after eligibility.final "
            "2024-03-31: the publication reports on finished projects"
        )

    def test_reminders_go_a_month_a_week_and_a_day_before_each_deadline(self) -> None:
        programme = load_programme()
        assert programme.reminder_days == (30, 7, 1)
        assert programme.final_report_deadline == date(2024, 5, 15)

    def test_a_programme_without_reminders_reminds_a_week_and_a_day_before(
        self, reference_data: dict[str, Any]
    ) -> None:
        data = {k: v for k, v in reference_data.items() if k != "reminders"}
        assert parse_programme(data).reminder_days == (7, 1)

    def test_a_reminder_day_listed_twice_is_refused(self, reference_data: dict[str, Any]) -> None:
        message = _broken(reference_data, lambda d: d["reminders"].update(days_before=[7, 1, 7]))
        assert message == "programme.yaml: reminders.days_before: [7, 1, 7] lists a day twice"

    def test_a_reminder_after_the_deadline_is_refused(self, reference_data: dict[str, Any]) -> None:
        message = _broken(reference_data, lambda d: d["reminders"].update(days_before=[-1]))
        assert "reminders" in message and "min" in message

    def test_a_review_deadline_before_the_call_closes_is_refused(
        self, reference_data: dict[str, Any]
    ) -> None:
        message = _broken(
            reference_data, lambda d: d["calls"][1].update(review_deadline=date(2020, 10, 1))
        )
        assert message == (
            "programme.yaml: calls[1].review_deadline: 2020-10-01 is not after the call's "
            "deadline 2020-10-30"
        )

    def test_final_reports_due_before_the_projects_end_are_refused(
        self, reference_data: dict[str, Any]
    ) -> None:
        message = _broken(
            reference_data, lambda d: d.update(final_report_deadline=date(2024, 3, 1))
        )
        assert message.startswith(
            "programme.yaml: final_report_deadline: 2024-03-01 is not after eligibility.final"
        )

    def test_a_teryt_code_with_an_odd_voivodeship_is_refused(
        self, reference_data: dict[str, Any]
    ) -> None:
        message = _broken(reference_data, lambda d: d["eligible_cities"][1].update(teryt="0704011"))
        assert message == (
            "programme.yaml: eligible_cities[1].teryt: 0704011 (Hrubieszów) "
            "is not a well-formed TERYT code"
        )

    def test_an_unquoted_teryt_code_read_as_a_number_is_refused(
        self, reference_data: dict[str, Any]
    ) -> None:
        message = _broken(reference_data, lambda d: d["eligible_cities"][0].update(teryt=662011))
        assert message == "programme.yaml: eligible_cities[0].teryt: must be of string type"

    def test_an_unknown_key_is_refused(self, reference_data: dict[str, Any]) -> None:
        message = _broken(reference_data, lambda d: d.update(lump_sum_eur="150000"))
        assert message == "programme.yaml: lump_sum_eur: unknown field"

    def test_a_divergence_threshold_of_30_instead_of_0_30_is_refused(
        self, reference_data: dict[str, Any]
    ) -> None:
        message = _broken(reference_data, lambda d: d.update(divergence_threshold="30"))
        assert message == (
            "programme.yaml: divergence_threshold: must be below 1 (a fraction, e.g. 0.30)"
        )

    def test_every_problem_is_reported_not_only_the_first(
        self, reference_data: dict[str, Any]
    ) -> None:
        def change(d: dict[str, Any]) -> None:
            d.pop("funded_count")
            d["grant"]["minimum"] = 1.5

        message = _broken(reference_data, change)
        assert message.splitlines() == [
            "programme.yaml: funded_count: required field",
            "programme.yaml: grant.minimum: must be of decimal type",
        ]

    def test_a_file_that_is_not_a_mapping_is_refused(self) -> None:
        with pytest.raises(ConfigurationError, match=r"programme\.yaml: the file must be a"):
            parse_programme(["Chełm", "Konin"])

    def test_a_missing_file_is_a_configuration_error(self) -> None:
        with pytest.raises(ConfigurationError, match=r"nowhere\.yaml: cannot read"):
            load_programme(Path("/nonexistent/nowhere.yaml"))


class TestAProgrammeFile:
    def test_an_operator_who_saves_the_file_again_gets_the_programme_as_saved(
        self, tmp_path: Path, reference_data: dict[str, Any]
    ) -> None:
        path = tmp_path / "programme.yaml"
        path.write_text(yaml.safe_dump(reference_data, allow_unicode=True), encoding="utf-8")
        first = load_programme(path)
        assert load_programme(path) is first  # unchanged: not read and checked again

        edited = copy.deepcopy(reference_data)
        edited["name"]["pl"] = "Rozwój Lokalny – nabór w Łomży"
        path.write_text(yaml.safe_dump(edited, allow_unicode=True), encoding="utf-8")
        assert load_programme(path).name["pl"] == "Rozwój Lokalny – nabór w Łomży"

    def test_a_missing_file_is_named_each_time_it_is_asked_for(self, tmp_path: Path) -> None:
        missing = tmp_path / "programme-łódź.yaml"
        for _ in range(2):
            with pytest.raises(ConfigurationError, match=r"programme-łódź\.yaml"):
                load_programme(missing)
