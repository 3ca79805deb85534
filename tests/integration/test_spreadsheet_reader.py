"""Reading real .xlsx files: what each cell becomes, row by row, within the limits."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from grantflow.adapters.spreadsheet import ReadLimits, cell_value, read_workbook
from grantflow.validation.workbook import CellValue, RawSheet, RawWorkbook
from tests.integration import hostile

SHEET_XML = "xl/worksheets/sheet1.xml"


def save(tmp_path: Path, rows: list[list[Any]], title: str = "Applicant") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    path = tmp_path / "outline.xlsx"
    book.save(path)
    return path


def with_sheet_xml(tmp_path: Path, sheet_data: str, dimension: str = "A1") -> Path:
    """A workbook whose first sheet has exactly this ``<sheetData>`` content.

    Its style 1 (``s="1"``) is a date format, as openpyxl's first date cell makes it.
    """
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>'
    )
    book = openpyxl.Workbook()
    book.active["A1"] = date(2021, 3, 1)
    book.save(tmp_path / "base.xlsx")
    return hostile.rewrite_zip(
        tmp_path / "base.xlsx", tmp_path / "crafted.xlsx", replace={SHEET_XML: xml.encode()}
    )


def values(sheet: RawSheet) -> dict[str, CellValue]:
    return {cell.ref: cell.value for _, cells in sheet.rows for cell in cells}


def only_sheet(workbook: RawWorkbook) -> RawSheet:
    assert workbook.readable, workbook.issues
    (sheet,) = workbook.sheets.values()
    return sheet


class TestCellValues:
    def test_whole_numbers_stay_int_and_fractions_become_exact_decimals(
        self, tmp_path: Path
    ) -> None:
        path = save(tmp_path, [[60231, 150000.5, 0.1, Decimal("977500.10")]])

        cells = values(only_sheet(read_workbook(path)))

        assert cells == {
            "A1": 60231,
            "B1": Decimal("150000.5"),
            "C1": Decimal("0.1"),
            "D1": Decimal("977500.1"),
        }
        assert type(cells["A1"]) is int
        assert not any(isinstance(v, float) for v in cells.values())

    def test_a_date_formatted_serial_comes_as_a_datetime_and_a_bare_serial_as_a_number(
        self, tmp_path: Path
    ) -> None:
        path = with_sheet_xml(
            tmp_path,
            '<row r="1"><c r="A1" s="1"><v>44256</v></c><c r="B1"><v>44256</v></c>'
            '<c r="C1" t="inlineStr"><is><t>2021-03-01</t></is></c></row>',
        )

        cells = values(only_sheet(read_workbook(path)))

        assert cells == {"A1": datetime(2021, 3, 1), "B1": 44256, "C1": "2021-03-01"}

    def test_text_in_number_cells_and_numbers_in_text_cells_come_as_they_are(
        self, tmp_path: Path
    ) -> None:
        path = save(tmp_path, [["population", "sześćdziesiąt tysięcy"], ["teryt", 662011]])

        cells = values(only_sheet(read_workbook(path)))

        assert cells["B1"] == "sześćdziesiąt tysięcy"
        assert cells["B2"] == 662011

    def test_spaces_and_non_breaking_spaces_are_left_for_validation(self, tmp_path: Path) -> None:
        path = save(tmp_path, [["  Chełm ", "150\u00a0000", "\u00a0Ringerike"]])

        cells = values(only_sheet(read_workbook(path)))

        assert list(cells.values()) == ["  Chełm ", "150\u00a0000", "\u00a0Ringerike"]

    def test_booleans_and_error_values_are_kept(self, tmp_path: Path) -> None:
        path = with_sheet_xml(
            tmp_path,
            '<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="e"><v>#DIV/0!</v></c></row>',
        )

        assert values(only_sheet(read_workbook(path))) == {"A1": True, "B1": "#DIV/0!"}

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [(2.5, Decimal("2.5")), ("", None), (datetime(2023, 12, 31, 0, 0), datetime(2023, 12, 31))],
    )
    def test_single_values_convert_as_documented(self, raw: Any, expected: CellValue) -> None:
        assert cell_value(raw) == expected


class TestLettersOfTheProgramme:
    def test_polish_and_norwegian_letters_survive_in_cells_and_sheet_names(
        self, tmp_path: Path
    ) -> None:
        letters = "ą ć ę ł ń ó ś ź ż Ą Ć Ę Ł Ń Ó Ś Ź Ż æ ø å Æ Ø Å"
        path = save(
            tmp_path,
            [["Hrubieszów", "Kristiansand – Bærum – Ålesund", letters]],
            title="Søker Łódź",
        )

        workbook = read_workbook(path)

        assert list(workbook.sheets) == ["Søker Łódź"]
        assert list(values(workbook.sheets["Søker Łódź"]).values()) == [
            "Hrubieszów",
            "Kristiansand – Bærum – Ålesund",
            letters,
        ]


class TestRows:
    def test_empty_rows_are_skipped_and_row_numbers_kept(self, tmp_path: Path) -> None:
        path = save(
            tmp_path, [["city_name", None, "Konin"], [], [None, None], ["teryt", None, "3062011"]]
        )

        sheet = only_sheet(read_workbook(path))

        assert [number for number, _ in sheet.rows] == [1, 4]

    def test_cells_start_at_column_a_and_trailing_empties_are_dropped(self, tmp_path: Path) -> None:
        path = save(tmp_path, [[None, None, "Konin", None, ""]])

        ((_, cells),) = only_sheet(read_workbook(path)).rows

        assert [(c.ref, c.value) for c in cells] == [("A1", None), ("B1", None), ("C1", "Konin")]

    def test_a_merged_range_holds_its_value_in_the_top_left_cell(self, tmp_path: Path) -> None:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet["A1"] = "Partnerstwo z Ringerike kommune"
        sheet.merge_cells("A1:C2")
        sheet["A3"] = "wants_partner"
        book.save(tmp_path / "merged.xlsx")

        cells = values(only_sheet(read_workbook(tmp_path / "merged.xlsx")))

        assert cells == {"A1": "Partnerstwo z Ringerike kommune", "A3": "wants_partner"}

    def test_a_dimension_that_claims_too_little_loses_no_cell(self, tmp_path: Path) -> None:
        path = with_sheet_xml(
            tmp_path,
            '<row r="1"><c r="A1" t="inlineStr"><is><t>city_name</t></is></c>'
            '<c r="C1" t="inlineStr"><is><t>Chełm</t></is></c></row>'
            '<row r="5"><c r="C5"><v>60231</v></c></row>',
            dimension="A1",
        )

        assert values(only_sheet(read_workbook(path))) == {
            "A1": "city_name",
            "B1": None,
            "C1": "Chełm",
            "A5": None,
            "B5": None,
            "C5": 60231,
        }

    def test_a_dimension_that_claims_the_whole_grid_costs_nothing(self, tmp_path: Path) -> None:
        path = with_sheet_xml(
            tmp_path, '<row r="2"><c r="B2"><v>7</v></c></row>', dimension="A1:XFD1048576"
        )

        assert values(only_sheet(read_workbook(path))) == {"A2": None, "B2": 7}

    def test_cells_beyond_the_column_limit_are_ignored(self, tmp_path: Path) -> None:
        path = with_sheet_xml(
            tmp_path, '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>'
        )

        assert values(only_sheet(read_workbook(path))) == {"A1": 1}


class TestHugeSheets:
    def test_reading_stops_at_the_row_limit_with_an_issue(self, tmp_path: Path) -> None:
        path = save(tmp_path, [[f"Linia {n}", n] for n in range(1, 201)], title="Budget")

        workbook = read_workbook(path, limits=ReadLimits(max_rows=50))

        assert workbook.readable
        assert [number for number, _ in workbook.sheets["Budget"].rows][-1] == 50
        (issue,) = workbook.issues
        assert (issue.code, issue.severity, issue.sheet) == ("sheet-too-large", "error", "Budget")
        assert issue.params == {"rows": "200", "limit": "50"}

    def test_a_huge_sheet_does_not_stop_the_others_from_being_read(self, tmp_path: Path) -> None:
        book = openpyxl.Workbook()
        book.active.title = "Budget"
        for n in range(1, 101):
            book.active.append([n])
        book.create_sheet("Applicant").append(["city_name", "Miasto", "Konin"])
        book.save(tmp_path / "two.xlsx")

        workbook = read_workbook(tmp_path / "two.xlsx", limits=ReadLimits(max_rows=10))

        assert values(workbook.sheets["Applicant"]) == {
            "A1": "city_name",
            "B1": "Miasto",
            "C1": "Konin",
        }
        assert [i.code for i in workbook.issues] == ["sheet-too-large"]

    def test_rows_far_down_count_against_the_limit_without_a_declared_size(
        self, tmp_path: Path
    ) -> None:
        path = with_sheet_xml(tmp_path, '<row r="1048576"><c r="A1048576"><v>1</v></c></row>')

        workbook = read_workbook(path, limits=ReadLimits(max_rows=1000))

        assert workbook.issues[0].params == {"rows": "1001+", "limit": "1000"}
        assert only_sheet(workbook).rows == ()


class TestFormulas:
    def test_a_formula_without_a_cached_value_is_reported_at_its_cell(self, tmp_path: Path) -> None:
        path = save(
            tmp_path,
            [
                ["total_budget_eur", "Budżet", "=SUM(C2:C3)"],
                ["requested_grant_eur", "Dotacja", 150000],
                ["co_financing_eur", "Wkład", "=C2*2"],
            ],
            title="Project",
        )

        workbook = read_workbook(path)

        assert [(i.code, i.severity, i.sheet, i.cell) for i in workbook.issues] == [
            ("formula-without-value", "error", "Project", "C1"),
            ("formula-without-value", "error", "Project", "C3"),
        ]
        assert values(workbook.sheets["Project"])["A1"] == "total_budget_eur"
        assert "C1" not in values(workbook.sheets["Project"])

    def test_a_formula_with_a_cached_value_gives_the_value(self, tmp_path: Path) -> None:
        path = with_sheet_xml(
            tmp_path,
            '<row r="1"><c r="A1"><f>SUM(B1:B2)</f><v>1150000.5</v></c>'
            '<c r="B1" t="str"><f>IF(B2&gt;0,"","x")</f><v></v></c>'
            '<c r="C1"><f t="shared" ref="C1:C2" si="0">A1*2</f><v>2</v></c></row>'
            '<row r="2"><c r="C2"><f t="shared" si="0"/><v>4</v></c></row>',
        )

        workbook = read_workbook(path)

        assert workbook.issues == []
        assert values(only_sheet(workbook)) == {
            "A1": Decimal("1150000.5"),
            "B1": None,
            "C1": 2,
            "A2": None,
            "B2": None,
            "C2": 4,
        }

    def test_a_shared_formula_child_without_a_value_is_reported(self, tmp_path: Path) -> None:
        path = with_sheet_xml(
            tmp_path,
            '<row r="1"><c r="C1"><f t="shared" ref="C1:C2" si="0">A1*2</f><v>2</v></c></row>'
            '<row r="2"><c r="C2"><f t="shared" si="0"/></c></row>',
        )

        assert [i.cell for i in read_workbook(path).issues] == ["C2"]

    def test_formulas_are_found_whatever_prefix_and_quotes_the_writer_used(
        self, tmp_path: Path
    ) -> None:
        xml = (
            "<?xml version='1.0'?><x:worksheet "
            "xmlns:x='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
            "<x:sheetData><x:row r='1'><x:c r='A1'><x:v>150000</x:v></x:c>"
            "<x:c r='B1'><x:f>A1*2</x:f></x:c></x:row></x:sheetData></x:worksheet>"
        )
        base = hostile.plain_workbook(tmp_path, "base.xlsx")
        path = hostile.rewrite_zip(
            base, tmp_path / "prefixed.xlsx", replace={SHEET_XML: xml.encode()}
        )

        workbook = read_workbook(path)

        assert [i.cell for i in workbook.issues] == ["B1"]
        assert values(only_sheet(workbook)) == {"A1": 150000}

    def test_formulas_below_the_row_limit_are_not_reported(self, tmp_path: Path) -> None:
        path = save(tmp_path, [[n] for n in range(1, 20)] + [["=A1*2"]])

        workbook = read_workbook(path, limits=ReadLimits(max_rows=10))

        assert [i.code for i in workbook.issues] == ["sheet-too-large"]


class TestTheFileAsAWhole:
    def test_the_digest_is_the_sha256_of_the_bytes(self, tmp_path: Path) -> None:
        path = save(tmp_path, [["city_name", "Miasto", "Chełm"]])

        workbook = read_workbook(path)

        assert workbook.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert workbook.file == "outline.xlsx"

    def test_the_display_name_replaces_the_stored_name(self, tmp_path: Path) -> None:
        path = save(tmp_path, [["x"]])

        assert read_workbook(path, display_name="Chełm – zarys.xlsx").file == "Chełm – zarys.xlsx"

    def test_hidden_sheets_are_read_in_workbook_order(self, tmp_path: Path) -> None:
        book = openpyxl.Workbook()
        book.active.title = "Applicant"
        book.create_sheet("Project").sheet_state = "hidden"
        book["Project"]["A1"] = "title_pl"
        book.save(tmp_path / "hidden.xlsx")

        assert list(read_workbook(tmp_path / "hidden.xlsx").sheets) == ["Applicant", "Project"]
