"""The demo's cast: experts, merits and choices as data, checked against the programme."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from grantflow.domain.errors import ConfigurationError
from grantflow.validation.demo_file import load_demo_cast, parse_demo_cast
from grantflow.validation.programme_file import load_programme
from grantflow.validation.sample_outlines_file import load_sample_outlines
from tests.unit.yaml_files import Document, refusal, shipped
from workflows.demo import cast as people

PROGRAMME = load_programme()
CAST = load_demo_cast()
SHIPPED = shipped("demo.yaml")


def _broken(change: Callable[[Document], None]) -> str:
    return refusal(lambda data: parse_demo_cast(data, PROGRAMME), SHIPPED, change)


class TestTheShippedCast:
    def test_agnieszka_wrobel_has_ties_with_chelm(self) -> None:
        (wrobel,) = (e.reviewer for e in CAST.experts if e.reviewer.code == "R01")
        assert wrobel.name == "Agnieszka Wróbel"
        assert wrobel.conflicts == frozenset({"0662011"})
        assert wrobel.languages == frozenset({"pl", "en"})

    def test_every_city_with_a_valid_sample_outline_has_a_merit(self) -> None:
        cities = {plan.town.name for plan in load_sample_outlines().valid}
        assert set(CAST.merit) == cities

    def test_the_cities_the_story_names_have_valid_sample_outlines(self) -> None:
        cities = set(CAST.merit)
        named = {CAST.no_agreement} | {
            city for s in CAST.calls.values() for city in (s.conflict_city, s.divergent_city)
        }
        assert named <= cities
        assert set(CAST.calls) == {call.code for call in PROGRAMME.calls}

    def test_the_programme_is_scaled_to_the_fourteen_valid_outlines(self) -> None:
        assert len(CAST.merit) == 14
        assert CAST.programme == {"shortlist_count": 12, "funded_count": 7, "reserve_count": 3}


class TestTheSimulatedExperts:
    def test_an_experts_total_is_the_merit_and_the_temperament(self) -> None:
        assert people.total(CAST, "Zamość", "R02", 0, divergent=False) == 84 - 2
        assert people.total(CAST, "Zamość", "R06", 1, divergent=False) == 84 + 2

    def test_the_divergent_pair_is_far_apart_and_the_third_expert_arbitrates(self) -> None:
        assert people.total(CAST, "Nysa", "R03", 0, divergent=True) == 86
        assert people.total(CAST, "Nysa", "R04", 1, divergent=True) == 47
        assert people.total(CAST, "Nysa", "R01", 2, divergent=True) == 83

    def test_a_city_without_a_merit_names_the_file(self) -> None:
        with pytest.raises(ConfigurationError, match=r"^demo\.yaml: merit: no merit for Kraśnik$"):
            people.total(CAST, "Kraśnik", "R01", 0, divergent=False)

    def test_points_spread_the_total_over_the_criteria_in_whole_points(self) -> None:
        # 84 of 100: each criterion gets 84 % of its maximum, rounded half to even.
        assert people.points(PROGRAMME, 84) == {
            "relevance": Decimal(25),  # of 30
            "plan_quality": Decimal(21),  # of 25
            "feasibility": Decimal(17),  # of 20
            "partnership": Decimal(13),  # of 15
            "budget": Decimal(8),  # of 10
        }


class TestABrokenCastNamesTheKey:
    def test_a_city_the_programme_does_not_know_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["partners"]["no_agreement"] = "Zamosc"

        assert _broken(change) == (
            "demo.yaml: partners.no_agreement: 'Zamosc' is not an eligible city of the programme"
        )

    def test_a_call_the_programme_does_not_have_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["assessment"]["stage3"] = data["assessment"]["stage2-proposal"]

        assert _broken(change) == (
            "demo.yaml: assessment.stage3: 'stage3' is not a call of the programme"
        )

    def test_a_merit_that_a_temperament_lifts_above_100_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["merit"]["Nysa"] = 99

        assert _broken(change) == (
            "demo.yaml: merit.Nysa: 99 plus R01's temperament 2 is outside 0 to 100\n"
            "demo.yaml: merit.Nysa: 99 plus R06's temperament 2 is outside 0 to 100"
        )

    def test_an_expert_listed_twice_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["experts"][5]["code"] = "R01"

        assert _broken(change) == "demo.yaml: experts[5].code: R01 is listed twice"

    def test_a_tie_that_is_not_a_teryt_code_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["experts"][0]["ties"] = [662011]

        assert "experts[0].ties[0]: must be of string type" in _broken(change)


class TestTheDemosCalendar:
    def test_each_step_falls_in_the_programmes_calendar(self) -> None:
        calendar = CAST.calendar
        stage1, stage2 = PROGRAMME.call("stage1-outline"), PROGRAMME.call("stage2-proposal")
        assert stage1.opens <= calendar.outlines_submitted <= stage1.deadline
        assert stage2.opens <= calendar.proposals_submitted <= stage2.deadline
        assert calendar.agreements_signed < PROGRAMME.partner_search_deadline
        assert calendar.final_reports_submitted > PROGRAMME.final_eligibility_date
        days = [day for _, day in calendar.steps()]
        assert days == sorted(days) and len(set(days)) == len(days)

    def test_a_step_is_recorded_at_midday_in_warsaw(self) -> None:
        signed = CAST.calendar.at(CAST.calendar.agreements_signed)
        assert signed.astimezone(UTC) == datetime(2021, 6, 14, 10, 0, tzinfo=UTC)

    def test_the_review_flow_runs_a_week_apart(self) -> None:
        first = CAST.calendar.assessment("stage2-proposal", 0)
        assert CAST.calendar.assessment("stage2-proposal", 2) - first == timedelta(days=14)

    def test_an_agreement_signed_after_the_partner_search_deadline_is_refused(self) -> None:
        message = _broken(lambda d: d["calendar"].update(agreements_signed=date(2022, 1, 3)))
        assert "demo.yaml: calendar.agreements_signed: 2022-01-03 is not before the " in message
        assert "partner-search deadline (2021-12-31)" in message

    def test_an_outline_uploaded_after_its_call_closed_is_refused(self) -> None:
        message = _broken(lambda d: d["calendar"].update(outlines_submitted=date(2019, 10, 1)))
        assert message.startswith(
            "demo.yaml: calendar.outlines_submitted: 2019-10-01 is outside the call "
            "stage1-outline (2019-05-15 to 2019-09-30)"
        )

    def test_final_reports_before_the_projects_ended_are_refused(self) -> None:
        message = _broken(lambda d: d["calendar"].update(final_reports_submitted=date(2024, 3, 1)))
        assert (
            "calendar.final_reports_submitted: 2024-03-01 is not after the final eligibility "
            "date (2024-03-31)"
        ) in message

    def test_a_step_out_of_order_is_refused(self) -> None:
        message = _broken(lambda d: d["calendar"].update(stage2_selection=date(2020, 11, 20)))
        assert (
            "calendar.stage2_selection: 2020-11-20 is not after stage2_assessment (2020-11-23)"
        ) in message

    def test_a_selection_before_the_last_review_round_is_refused(self) -> None:
        # Nine weekly rounds from 21 October 2019 end on 16 December, the committee's day.
        message = _broken(lambda d: d["calendar"].update(review_rounds=9))
        assert (
            "calendar.stage1_selection: 2019-12-16 is not after the last Stage 1 review round "
            "(2019-12-16)"
        ) in message
