"""The sample final reports' file: each report answers its outline, broken files name the key."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from grantflow.validation.sample_outlines_file import load_sample_outlines
from grantflow.validation.sample_reports_file import load_sample_reports, parse_sample_reports
from tests.unit.yaml_files import Document, refusal, shipped

OUTLINES = load_sample_outlines().valid
SHIPPED = shipped("final_reports.yaml")


def _broken(change: Callable[[Document], None]) -> str:
    return refusal(lambda data: parse_sample_reports(data, OUTLINES), SHIPPED, change)


class TestTheShippedReports:
    def test_four_partnered_towns_report_after_the_final_eligibility_date(self) -> None:
        reports = load_sample_reports()
        assert [(r.outline.town.name, r.partner) for r in reports.reports] == [
            ("Nysa", "Bergen kommune"),
            ("Wałbrzych", "Bodø kommune"),
            ("Skarżysko-Kamienna", "Kongsberg kommune"),
            ("Łomża", "Ringerike kommune"),
        ]
        assert reports.written_at == datetime(2024, 6, 28, 12, 0)

    def test_lomza_reports_its_turnout_and_spends_less_than_committed(self) -> None:
        (lomza,) = (r for r in load_sample_reports().reports if r.outline.town.name == "Łomża")
        assert lomza.achieved == (Decimal("13.4"), Decimal(4))
        assert lomza.spent[-1] == Decimal("131870.25")
        assert lomza.activities[0].place == "Hønefoss (Ringerike)"


class TestABrokenSampleReportsFileNamesTheKey:
    def test_one_amount_too_few_for_the_budget_lines_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["final_reports"][0]["spent"].pop()

        assert _broken(change) == (
            "final_reports.yaml: final_reports[0].spent: 4 values for the 5 budget lines of Nysa"
        )

    def test_a_town_without_a_sample_outline_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["final_reports"][1]["outline"] = "Bielsk Podlaski"

        assert _broken(change) == (
            "final_reports.yaml: final_reports[1].outline: "
            "'Bielsk Podlaski' is not the town of a sample outline"
        )

    def test_a_town_without_a_lump_sum_has_nothing_to_report(self) -> None:
        def change(data: Document) -> None:
            report = data["final_reports"][0]
            report["outline"], report["achieved"] = "Krasnystaw", ["300", "40"]

        assert "final_reports[0].outline: Krasnystaw's outline has no lump-sum line" in (
            _broken(change)
        )

    def test_an_unknown_form_of_involvement_is_refused(self) -> None:
        def change(data: Document) -> None:
            data["final_reports"][3]["activities"][0]["form"] = "study_visit"

        assert _broken(change) == (
            "final_reports.yaml: final_reports[3].activities[0].form: "
            "unknown code 'study_visit' (Łomża)"
        )

    def test_a_report_without_its_time_is_refused(self) -> None:
        def change(data: Document) -> None:
            del data["written_at"]

        assert _broken(change) == "final_reports.yaml: written_at: required field"
