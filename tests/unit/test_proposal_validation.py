"""The Stage 2 proposal form's rules, on workbooks built in memory (issue 11)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from grantflow.adapters.report_render import localise
from grantflow.domain.outline import Outline
from grantflow.validation import form as forms
from grantflow.validation.outline import ValidationResult, validate_outline
from grantflow.validation.proposal import Shortlist, validate_proposal
from grantflow.validation.report import Issue
from tests.unit.factories import (
    CHELM_TERYT,
    STAGE1,
    STAGE2,
    OutlineValues,
    chelm_proposal_values,
    raw_workbook_from_values,
    reference_programme,
)

PROPOSAL = forms.load("proposal")
PLAN_SHEETS = ("DevelopmentPlan", "ImplementationPlan")


def outline_of(values: OutlineValues) -> Outline:
    """The outline Chełm sent in Stage 1: the outline sheets of ``values``, as stored."""
    outline_sheets: dict[str, Any] = {k: v for k, v in values.items() if k not in PLAN_SHEETS}
    outline_sheets["Partnership"] = {
        k: v
        for k, v in outline_sheets["Partnership"].items()
        if k not in ("priorities_pl", "priorities_en", "lump_sum_line")
    }
    outline_sheets["Indicators"] = [
        {k: v for k, v in row.items() if k != "objective_no"}
        for row in outline_sheets["Indicators"]
    ]
    result = validate_outline(
        raw_workbook_from_values(outline_sheets), reference_programme(), STAGE1
    )
    assert result.outline is not None, result.report.issues
    return result.outline


CHELM_OUTLINE = outline_of(chelm_proposal_values())
SHORTLIST = Shortlist(STAGE1, {CHELM_TERYT: CHELM_OUTLINE})


def validate(values: OutlineValues, shortlist: Shortlist | None = SHORTLIST) -> ValidationResult:
    raw = raw_workbook_from_values(values, file="chelm-wniosek.xlsx", form=PROPOSAL)
    result = validate_proposal(raw, reference_programme(), STAGE2, shortlist)
    for issue in result.report.issues:
        for lang in ("pl", "nb", "en"):
            localise(issue, lang, "proposal")  # every issue renders in every language
    return result


def codes(result: ValidationResult) -> list[str]:
    return [issue.code for issue in result.report.issues]


def only(result: ValidationResult, code: str) -> Issue:
    found = [issue for issue in result.report.issues if issue.code == code]
    assert len(found) == 1, result.report.issues
    return found[0]


def changed(sheet: str, key: str, value: Any, row: int | None = None) -> OutlineValues:
    values = chelm_proposal_values()
    content = values[sheet]
    target = content[row] if isinstance(content, list) and row is not None else content
    assert isinstance(target, dict)
    target[key] = value
    return values


def messages(issue: Issue) -> tuple[str, str]:
    return localise(issue, "pl", "proposal"), localise(issue, "nb", "proposal")


class TestTheForm:
    def test_the_proposal_has_the_outlines_sheets_then_its_plans(self) -> None:
        outline = forms.load("outline")
        names = [sheet.name for sheet in PROPOSAL.sheets]
        assert names == [*(s.name for s in outline.sheets), *PLAN_SHEETS]
        assert PROPOSAL.vocabularies == outline.vocabularies

    def test_the_outlines_fields_come_first_on_every_sheet_it_extends(self) -> None:
        for sheet in forms.load("outline").sheets:
            extended = PROPOSAL.sheet(sheet.name)
            assert extended.fields[: len(sheet.fields)] == sheet.fields
        assert [f.key for f in PROPOSAL.sheet("Partnership").fields][-3:] == [
            "priorities_pl",
            "priorities_en",
            "lump_sum_line",
        ]


class TestAValidProposal:
    def test_chelms_proposal_is_valid_and_gives_its_outline(self) -> None:
        result = validate(chelm_proposal_values())
        assert result.report.issues == []
        assert result.report.form == "proposal"
        assert result.outline is not None
        assert result.outline.lump_sum_eur == Decimal("150000.00")
        assert result.outline.total_budget_eur == Decimal("2800000.00")

    def test_without_a_shortlist_the_plans_are_still_checked(self) -> None:
        values = changed("ImplementationPlan", "cost_eur", Decimal("2000000.00"), row=0)
        assert codes(validate(values, shortlist=None)) == ["plan-cost-mismatch"]


class TestTheShortlist:
    def test_a_city_the_stage_one_call_did_not_shortlist_is_refused_at_its_teryt(self) -> None:
        result = validate(chelm_proposal_values(), Shortlist(STAGE1, {}))
        issue = only(result, "not-shortlisted")
        assert (issue.sheet, issue.cell, issue.field, issue.severity) == (
            "Applicant",
            "C3",
            "teryt",
            "error",
        )
        assert result.outline is None
        pl, nb = messages(issue)
        assert "Chełm (TERYT 0662011) nie zostało zakwalifikowane w naborze stage1-outline" in pl
        assert "Chełm (TERYT 0662011) ble ikke valgt ut i utlysningen stage1-outline" in nb


class TestTheDevelopmentPlan:
    def test_an_objective_without_an_action_is_reported_at_its_number(self) -> None:
        values = chelm_proposal_values()
        plan = values["ImplementationPlan"]
        assert isinstance(plan, list)
        for row in plan:
            row["objective_no"] = 1
        values["Indicators"][1]["objective_no"] = 1  # type: ignore[index]
        values["DevelopmentPlan"][1]["problem"] = "Brak współpracy z Bodø i Tromsø."  # type: ignore[index]
        result = validate(values)
        without_action = only(result, "objective-without-action")
        assert (without_action.sheet, without_action.cell) == ("DevelopmentPlan", "A4")
        assert only(result, "objective-without-indicator").cell == "A4"
        pl, nb = messages(without_action)
        assert pl == "Cel 2 nie ma żadnego działania w planie wdrożenia."
        assert nb == "Mål 2 har ingen tiltak i gjennomføringsplanen."

    def test_an_objective_without_an_indicator_is_reported(self) -> None:
        values = changed("Indicators", "objective_no", 1, row=1)
        issue = only(validate(values), "objective-without-indicator")
        assert messages(issue) == (
            "Cel 2 nie ma żadnego wskaźnika (arkusz Indicators, kolumna objective_no).",
            "Mål 2 har ingen indikator (arket Indicators, kolonnen objective_no).",
        )

    def test_an_action_for_an_objective_the_plan_lacks_is_unknown(self) -> None:
        result = validate(changed("ImplementationPlan", "objective_no", 7, row=0))
        issue = only(result, "unknown-objective")
        assert (issue.sheet, issue.cell) == ("ImplementationPlan", "C3")
        assert messages(issue)[1] == (
            "Mål 7 finnes ikke i utviklingsplanen (arket DevelopmentPlan)."
        )

    def test_an_indicator_for_an_objective_the_plan_lacks_is_unknown(self) -> None:
        issue = only(validate(changed("Indicators", "objective_no", 3, row=0)), "unknown-objective")
        assert (issue.sheet, issue.cell) == ("Indicators", "F3")


class TestTheImplementationPlan:
    def test_an_action_before_the_eligibility_window_is_outside_it(self) -> None:
        values = changed("ImplementationPlan", "start_date", date(2019, 12, 2), row=0)
        issue = only(validate(values), "date-outside-window")
        assert (issue.sheet, issue.cell, issue.field) == ("ImplementationPlan", "D3", "start_date")
        assert messages(issue) == (
            "Początek (2 grudnia 2019) wykracza poza okres kwalifikowalności "
            "(od 1 stycznia 2020 do 30 kwietnia 2024).",
            "Start (2. desember 2019) ligger utenfor støtteperioden "
            "(1. januar 2020 til 30. april 2024).",
        )

    def test_an_action_after_the_project_ends_is_outside_its_dates(self) -> None:
        values = changed("ImplementationPlan", "end_date", date(2024, 3, 29), row=5)
        result = validate(values)
        issue = only(result, "action-outside-project")
        assert (issue.cell, issue.params["action"]) == ("E8", "5")
        assert messages(issue) == (
            "Działanie 5: Koniec 29 marca 2024 wypada poza okresem projektu "
            "(1 maja 2021–31 grudnia 2023).",
            "Tiltak 5: Slutt 29. mars 2024 er utenfor prosjektets datoer "
            "(1. mai 2021–31. desember 2023).",
        )

    def test_an_action_ending_before_it_starts_is_reported_at_its_end(self) -> None:
        values = changed("ImplementationPlan", "end_date", date(2021, 8, 31), row=0)
        issue = only(validate(values), "action-end-before-start")
        assert issue.cell == "E3"
        assert messages(issue)[0].startswith("Działanie 1 kończy się")

    def test_a_line_the_budget_lacks_is_unknown(self) -> None:
        result = validate(changed("ImplementationPlan", "budget_line", 9, row=5))
        issue = only(result, "unknown-budget-line")
        assert (issue.cell, issue.value) == ("G8", "9")
        assert codes(result) == ["unknown-budget-line"]  # no sums from an unknown line

    def test_costs_per_budget_line_must_equal_the_line(self) -> None:
        values = changed("ImplementationPlan", "cost_eur", Decimal("25000.00"), row=5)
        issue = only(validate(values), "plan-cost-mismatch")
        assert (issue.sheet, issue.cell) == ("Budget", "E7")  # line 5's amount
        assert issue.params == {"planned": "45000.00", "line": "5", "budgeted": "50000.00"}
        pl, nb = messages(issue)
        assert "pozycji budżetu 5" in pl and "45" in pl
        assert "budsjettlinje 5" in nb

    def test_a_pln_line_is_compared_in_euro_at_the_calls_rate(self) -> None:
        # EUR 300 000.00 at 4.5462 PLN/EUR (October 2020) is PLN 1 363 860.00.
        values = changed("Budget", "amount", Decimal("1363860.00"), row=1)
        values["Budget"][1]["currency"] = "PLN"  # type: ignore[index]
        assert validate(values).report.errors == 0


class TestTheLumpSum:
    def test_the_outlines_lump_sum_band_still_applies(self) -> None:
        values = changed("Budget", "amount", Decimal("170000.00"), row=3)
        assert "lump-sum-out-of-range" in codes(validate(values, shortlist=None))

    def test_the_partnership_names_the_budgets_lump_sum_line(self) -> None:
        issue = only(validate(changed("Partnership", "lump_sum_line", 5)), "lump-sum-line-mismatch")
        assert (issue.sheet, issue.field) == ("Partnership", "lump_sum_line")
        assert messages(issue) == (
            "Ryczałt na partnerstwo to pozycja budżetu 4, a nie \u201e5\u201d.",
            "Rammebeløpet for partnerskap er budsjettlinje 4, ikke \u00ab5\u00bb.",
        )

    def test_a_city_wanting_a_partner_must_name_the_line(self) -> None:
        values = chelm_proposal_values()
        del values["Partnership"]["lump_sum_line"]  # type: ignore[arg-type]
        issue = only(validate(values), "required")
        assert issue.field == "lump_sum_line"


class TestCarriedForward:
    def test_an_unchanged_proposal_reports_nothing_carried_forward(self) -> None:
        assert validate(chelm_proposal_values()).report.warnings == 0

    def test_a_changed_budget_line_is_a_warning_at_its_cell(self) -> None:
        values = changed("Budget", "description", "Rewitalizacja Parku Ludowego i bulwarów", row=0)
        values["Project"]["title_pl"] = "Zielony Chełm i Bodø"  # type: ignore[index]
        result = validate(values)
        assert result.report.valid and result.outline is not None
        issues = [i for i in result.report.issues if i.code == "carried-forward-changed"]
        assert [(i.sheet, i.cell, i.field) for i in issues] == [
            ("Project", "C2", "title_pl"),
            ("Budget", "C3", "description"),
        ]
        pl, nb = messages(issues[1])
        assert pl == (
            "\u201eOpis\u201d w zarysie projektu: \u201eRewitalizacja Parku Ludowego\u201d; "
            "we wniosku pełnym: \u201eRewitalizacja Parku Ludowego i bulwarów\u201d."
        )
        assert nb.startswith("\u00abBeskrivelse\u00bb var \u00abRewitalizacja Parku Ludowego\u00bb")

    def test_a_changed_amount_reads_as_money_in_each_language(self) -> None:
        values = changed("Budget", "amount", Decimal("2050000.00"), row=0)
        values["Budget"][4]["amount"] = Decimal("100000.00")  # type: ignore[index]
        values["ImplementationPlan"][0]["cost_eur"] = Decimal("2050000.00")  # type: ignore[index]
        values["ImplementationPlan"][5]["cost_eur"] = Decimal("80000.00")  # type: ignore[index]
        result = validate(values)
        assert result.report.errors == 0, result.report.issues
        first = next(i for i in result.report.issues if i.code == "carried-forward-changed")
        assert first.params["was"] == "2100000.00" and first.cell == "E3"
        pl, nb = messages(first)
        assert "2\xa0100\xa0000,00" in pl.replace(" ", "\xa0")
        assert "2\xa0050\xa0000,00" in nb.replace(" ", "\xa0").replace("\u202f", "\xa0")

    def test_added_and_removed_rows_are_named(self) -> None:
        values = chelm_proposal_values()
        values["Indicators"][1]["indicator"] = "Uczestnicy wizyt studyjnych w Tromsø"  # type: ignore[index]
        result = validate(values)
        added, removed = (
            only(result, "carried-forward-added"),
            only(result, "carried-forward-removed"),
        )
        assert (added.sheet, added.cell) == ("Indicators", "A4")
        assert (removed.sheet, removed.cell) == ("Indicators", None)
        assert messages(removed)[0] == (
            "Wiersza Uczestnicy warsztatów (mieszkańcy) arkusza \u201eIndicators\u201d "
            "z zarysu projektu nie ma już we wniosku."
        )

    def test_a_wrong_value_is_reported_as_wrong_not_also_as_changed(self) -> None:
        result = validate(changed("Applicant", "nip", "5632004013"))
        assert codes(result) == ["nip-checksum"]

    @pytest.mark.parametrize("lang", ["pl", "nb", "en"])
    def test_a_cleared_optional_field_is_a_change(self, lang: str) -> None:
        values = chelm_proposal_values()
        del values["Partnership"]["preferred_partner"]  # type: ignore[arg-type]
        issue = only(validate(values), "carried-forward-changed")
        assert issue.params["was"] == "Kristiansand kommune"
        assert "Kristiansand kommune" in localise(issue, lang, "proposal")
