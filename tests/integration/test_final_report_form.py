"""The final-report form for real: generated, filled as a city would, read back and validated."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from grantflow.adapters.formgen import build_filled, write_filled
from grantflow.adapters.spreadsheet import read_workbook
from grantflow.cli import app
from grantflow.validation import form as forms
from grantflow.validation.final_report import validate_final_report
from tests.unit.programme_document_factories import LUMP_SUM, SPENT

FORM = forms.load("final_report")


def chelm_values(**lump_sum: Any) -> dict[str, Any]:
    return {
        "Report": {
            "city_name": "Chełm",
            "teryt": "0662011",
            "title": "Zielony Chełm: odnowa przestrzeni publicznych",
            "start_date": date(2021, 5, 1),
            "end_date": date(2023, 12, 31),
            "summary_pl": "Odnowiono Park Ludowy; zażółć gęślą jaźń.",
            "summary_nb": "Folkeparken er fornyet; blåbærsyltetøy på ærfuglegg.",
        },
        "Indicators": [
            {
                "indicator": "Powierzchnia terenów zielonych",
                "unit": "ha",
                "baseline": 0,
                "target": Decimal("12.5"),
                "achieved": Decimal("13.2"),
                "year": 2023,
            },
        ],
        "Expenditure": [
            {
                "line_no": 1,
                "category": "investment",
                "description": "Park Ludowy",
                "amount": Decimal("2098000.00"),
                "currency": "EUR",
            },
            {
                "line_no": 4,
                "category": "partnership_lump_sum",
                "description": "Wizyty w Kristiansand i Ålesund",
                "amount": SPENT,
                "currency": "EUR",
            },
        ],
        "Partnership": [
            {
                "date": date(2022, 9, 12),
                "activity": "Wizyta studyjna",
                "form": "study_visits",
                "place": "Kristiansand",
                "participants": 14,
            },
        ],
        "LumpSum": {"lump_sum_spent_eur": SPENT, "lump_sum_notes": "", **lump_sum},
    }


def field_cell(ws: Worksheet, key: str) -> str:
    """Where a city types ``key``: column C of its row, or row 3 of its column."""
    if FORM.sheet(ws.title).layout == "keyvalue":
        [row] = [cell.row for cell in ws["A"] if cell.value == key]
        return f"C{row}"
    [column] = [cell.column_letter for cell in ws[1] if cell.value == key]
    return f"{column}3"


class TestFinalReportForm:
    @pytest.mark.parametrize("lang", ["pl", "nb", "en"])
    def test_a_filled_form_in_any_language_becomes_a_final_report(
        self, tmp_path: Path, lang: str
    ) -> None:
        path = tmp_path / f"raport-{lang}.xlsx"
        write_filled(FORM, lang, chelm_values(), path)
        result = validate_final_report(read_workbook(path), committed_eur=LUMP_SUM)
        assert result.report.valid, result.report.issues
        report = result.final_report
        assert report is not None
        assert report.lump_sum_spent_eur == SPENT
        assert report.indicators[0].attainment == Decimal("105.6")
        assert report.activities[0].form == "study_visits"
        assert report.summary_nb.endswith("ærfuglegg.")

    def test_spending_more_than_committed_is_reported_at_its_cell(self, tmp_path: Path) -> None:
        path = tmp_path / "raport.xlsx"
        write_filled(FORM, "pl", chelm_values(lump_sum_spent_eur=Decimal("150000.01")), path)
        result = validate_final_report(read_workbook(path), committed_eur=LUMP_SUM)
        assert result.final_report is None
        [issue] = result.report.issues
        assert (issue.code, issue.sheet, issue.field) == (
            "lump-sum-overspent",
            "LumpSum",
            "lump_sum_spent_eur",
        )
        assert issue.cell is not None and issue.cell.startswith("C")
        assert "150000.00" in issue.message()

    def test_bad_cells_and_a_missing_sheet_are_reported_not_raised(self, tmp_path: Path) -> None:
        values = chelm_values()
        values["Report"]["end_date"] = date(2020, 1, 1)
        values["Partnership"][0]["participants"] = "czternaście"
        del values["Expenditure"]
        path = tmp_path / "raport.xlsx"
        write_filled(FORM, "pl", values, path)
        book = openpyxl.load_workbook(path)
        del book["Expenditure"]
        book.save(path)
        result = validate_final_report(read_workbook(path), committed_eur=LUMP_SUM)
        codes = [(i.code, i.sheet) for i in result.report.issues]
        assert codes == [
            ("end-before-start", "Report"),
            ("sheet-missing", "Expenditure"),
            ("type", "Partnership"),
        ]

    def test_an_end_before_the_start_names_both_days_as_the_outline_rule_does(
        self, tmp_path: Path
    ) -> None:
        values = chelm_values()
        values["Report"]["end_date"] = "31.12.2020"  # typed the Polish way, as text
        path = tmp_path / "raport.xlsx"
        write_filled(FORM, "pl", values, path)
        result = validate_final_report(read_workbook(path), committed_eur=LUMP_SUM)
        (issue,) = result.report.issues
        assert (issue.code, issue.field) == ("end-before-start", "end_date")
        # ISO days, which every report renderer shows in its reader's format.
        assert dict(issue.params) == {"value": "2020-12-31", "start": "2021-05-01"}

    @pytest.mark.parametrize("lang", ["pl", "nb", "en"])
    @pytest.mark.parametrize(
        ("sheet", "key"), [(s.name, f.key) for s in FORM.sheets for f in s.fields]
    )
    def test_a_formula_without_a_value_in_any_cell_is_its_single_issue(
        self, tmp_path: Path, lang: str, sheet: str, key: str
    ) -> None:
        book = build_filled(FORM, lang, chelm_values())
        cell = field_cell(book[sheet], key)
        book[sheet][cell] = "=NOW()"  # saved by openpyxl without a cached value
        path = tmp_path / "raport.xlsx"
        book.save(path)

        result = validate_final_report(read_workbook(path), committed_eur=LUMP_SUM)

        assert [(i.code, i.sheet, i.cell) for i in result.report.issues] == [
            ("formula-without-value", sheet, cell)
        ]
        assert result.final_report is None

    def test_the_blank_form_is_written_by_the_cli(self, tmp_path: Path) -> None:
        target = tmp_path / "raport.xlsx"
        result = CliRunner().invoke(
            app, ["template", "final-report", "--lang", "nb", "-o", str(target)]
        )
        assert result.exit_code == 0, result.output
        book = openpyxl.load_workbook(target)
        assert book.sheetnames[:5] == [
            "Report",
            "Indicators",
            "Expenditure",
            "Partnership",
            "LumpSum",
        ]

    def test_the_vocabularies_are_those_of_the_outline_form(self) -> None:
        outline = forms.load("outline")
        for name, terms in FORM.vocabularies.items():
            assert terms == outline.vocabularies[name], name
