"""The blank and filled outline forms, generated from schemas/outline.yaml."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from grantflow.adapters import formgen
from grantflow.adapters.spreadsheet import read_workbook
from grantflow.cli import app
from grantflow.validation.form import LANGUAGES, FieldDef, FormDefinition, SheetDef
from grantflow.validation.outline import validate_outline
from grantflow.validation.programme_file import load_programme
from grantflow.validation.workbook import CellValue, RawWorkbook
from tests.integration import clients

FORM_SHEETS = ["Applicant", "Project", "Budget", "Partnership", "Indicators"]


def blank(form: FormDefinition, lang: str, tmp_path: Path) -> openpyxl.Workbook:
    """The blank form as written to disk and opened again (what a city downloads)."""
    path = tmp_path / f"outline-{lang}.xlsx"
    formgen.write_blank(form, lang, path)
    return openpyxl.load_workbook(path)


def value_cells(sheet: SheetDef) -> list[tuple[FieldDef, str]]:
    """Each field with the first cell a city fills for it."""
    if sheet.layout == "keyvalue":
        return [(f, f"C{row}") for row, f in enumerate(sheet.fields, start=2)]
    return [(f, f"{get_column_letter(column)}3") for column, f in enumerate(sheet.fields, 1)]


def style_of(ws: Worksheet, ref: str) -> Any:
    """What a spreadsheet program applies to ``ref``: the cell's own style when the
    file has the cell, else its column's style (how table columns are formatted)."""
    cell = ws[ref]
    if (cell.row, cell.column) in ws._cells and cell.has_style:
        return cell
    return ws.column_dimensions[cell.column_letter]


def validation_of(ws: Worksheet, ref: str) -> Any:
    rules = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
    assert len(rules) == 1, f"{ws.title}!{ref} has {len(rules)} data validations"
    return rules[0]


def as_written(value: Any) -> CellValue:
    """A Python value of ``write_filled`` as it reads back from the workbook."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value)
    return value  # type: ignore[no-any-return]


def as_read(value: CellValue) -> CellValue:
    return value.date() if isinstance(value, datetime) else value


def read_back(workbook: RawWorkbook, form: FormDefinition) -> dict[str, Any]:
    """The values of a form file, in the shape ``write_filled`` takes them."""
    assert workbook.readable and workbook.issues == [], workbook.issues
    result: dict[str, Any] = {}
    for sheet in form.sheets:
        rows = dict(workbook.sheets[sheet.name].rows)
        if sheet.layout == "keyvalue":
            result[sheet.name] = {
                cells[0].value: as_read(cells[2].value)
                for number, cells in rows.items()
                if number >= 2 and len(cells) > 2
            }
        else:
            keys = [c.value for c in rows[1]]
            result[sheet.name] = [
                {
                    k: as_read(c.value)
                    for k, c in zip(keys, cells, strict=False)
                    if c.value is not None
                }
                for number, cells in sorted(rows.items())
                if number >= 3
            ]
    return result


def expected(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: (
            {k: as_written(v) for k, v in content.items()}
            if isinstance(content, Mapping)
            else [{k: as_written(v) for k, v in line.items()} for line in content]
        )
        for name, content in values.items()
    }


@pytest.mark.parametrize("lang", LANGUAGES)
class TestTheBlankForm:
    def test_it_has_the_five_sheets_with_english_names_and_the_lists(
        self, lang: str, outline_form: FormDefinition, tmp_path: Path
    ) -> None:
        book = blank(outline_form, lang, tmp_path)

        assert book.sheetnames == [*FORM_SHEETS, "Lists"]

    def test_keys_and_labels_in_the_language_sit_where_the_spec_says(
        self, lang: str, outline_form: FormDefinition, tmp_path: Path
    ) -> None:
        book = blank(outline_form, lang, tmp_path)

        for sheet in outline_form.sheets:
            ws = book[sheet.name]
            for index, field in enumerate(sheet.fields):
                if sheet.layout == "keyvalue":
                    key, label = ws.cell(index + 2, 1), ws.cell(index + 2, 2)
                else:
                    key, label = ws.cell(1, index + 1), ws.cell(2, index + 1)
                assert (key.value, label.value) == (field.key, field.label[lang])
                assert label.font.bold

    def test_every_vocabulary_field_offers_its_codes_from_the_lists_sheet(
        self, lang: str, outline_form: FormDefinition, tmp_path: Path
    ) -> None:
        book = blank(outline_form, lang, tmp_path)

        checked = 0
        for sheet in outline_form.sheets:
            for field, ref in value_cells(sheet):
                if field.vocabulary is None:
                    continue
                rule = validation_of(book[sheet.name], ref)
                codes = outline_form.codes(field.vocabulary)
                if field.type == "codes":
                    # No multi-select in Excel: the codes are named in the input message.
                    assert rule.type is None
                    assert all(code in rule.prompt for code in codes)
                else:
                    assert rule.type == "list"
                    target, cells = rule.formula1.split("!")
                    assert target.strip("'") == "Lists"
                    listed = book["Lists"][cells.replace("$", "")]
                    assert tuple(row[0].value for row in listed) == codes
                    terms = outline_form.vocabularies[field.vocabulary]
                    labels = [row[0].offset(column=1).value for row in listed]
                    assert labels == [t.label[lang] for t in terms]
                checked += 1
        # voivodeship, primary and secondary themes, category, currency, 4 partnership fields
        assert checked == 9

    def test_every_value_cell_has_its_hint_and_a_type_check_where_one_fits(
        self, lang: str, outline_form: FormDefinition, tmp_path: Path
    ) -> None:
        book = blank(outline_form, lang, tmp_path)
        kinds = {
            "integer": "whole",
            "money": "decimal",
            "date": "date",
            "code": "list",
            "yesno": "list",
        }

        for sheet in outline_form.sheets:
            for field, ref in value_cells(sheet):
                rule = validation_of(book[sheet.name], ref)
                assert rule.showInputMessage
                assert rule.prompt.startswith(field.hint[lang][:200])
                assert rule.promptTitle
                if field.type in kinds:
                    assert rule.type == kinds[field.type], field.key
                    assert rule.showErrorMessage
                elif field.maxlength is not None and field.type != "codes":
                    assert (rule.type, rule.formula1) == ("textLength", str(field.maxlength))

    def test_keys_and_labels_are_protected_and_value_cells_are_not(
        self, lang: str, outline_form: FormDefinition, tmp_path: Path
    ) -> None:
        book = blank(outline_form, lang, tmp_path)

        for sheet in outline_form.sheets:
            ws = book[sheet.name]
            assert ws.protection.sheet
            assert ws.protection.password is None  # documented: no password
            for _, ref in value_cells(sheet):
                assert not style_of(ws, ref).protection.locked, f"{sheet.name}!{ref}"
                if sheet.layout == "keyvalue":
                    row = ws[ref].row
                    assert ws.cell(row, 1).protection.locked and ws.cell(row, 2).protection.locked
                else:
                    column = ws[ref].column
                    assert ws.cell(1, column).protection.locked
                    assert ws.cell(2, column).protection.locked
            if sheet.layout == "table":
                assert not style_of(ws, f"A{2 + sheet.max_rows}").protection.locked

    def test_value_cells_are_formatted_for_their_type(
        self, lang: str, outline_form: FormDefinition, tmp_path: Path
    ) -> None:
        book = blank(outline_form, lang, tmp_path)
        formats = {"date": "yyyy-mm-dd", "money": "#,##0.00", "integer": "0"}

        for sheet in outline_form.sheets:
            ws = book[sheet.name]
            for field, ref in value_cells(sheet):
                style = style_of(ws, ref)
                assert style.number_format == formats.get(field.type, "@"), field.key
                assert bool(style.alignment.wrap_text) == (field.type == "text")
            assert all(ws.column_dimensions[c].width >= 10 for c in ("A", "B", "C"))


class TestTheFilledForm:
    def test_a_filled_form_reads_back_with_the_same_values(
        self, outline_form: FormDefinition, chelm_outline: dict[str, Any], tmp_path: Path
    ) -> None:
        path = tmp_path / "chelm.xlsx"

        formgen.write_filled(outline_form, "pl", chelm_outline, path)

        assert read_back(read_workbook(path), outline_form) == expected(chelm_outline)

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_the_validator_accepts_a_correctly_filled_form_in_every_language(
        self,
        lang: str,
        outline_form: FormDefinition,
        chelm_outline: dict[str, Any],
        tmp_path: Path,
    ) -> None:
        path = tmp_path / f"chelm-{lang}.xlsx"

        formgen.write_filled(outline_form, lang, chelm_outline, path)

        result = validate_outline(read_workbook(path), load_programme(None), "stage1-outline")
        assert result.report.issues == []
        assert result.outline is not None

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_a_formula_without_a_value_in_a_required_cell_is_reported_once_there(
        self,
        lang: str,
        outline_form: FormDefinition,
        chelm_outline: dict[str, Any],
        tmp_path: Path,
    ) -> None:
        book = formgen.build_filled(outline_form, lang, chelm_outline)
        # openpyxl saves a formula with an empty cached value, as a program
        # that never computed it would.
        book["Applicant"]["C6"] = "=LEFT(B6,10)"  # nip
        book["Project"]["C10"] = "=SUM(Budget!E3:E7)"  # total_budget_eur
        path = tmp_path / f"chelm-{lang}.xlsx"
        book.save(path)

        result = validate_outline(read_workbook(path), load_programme(None), "stage1-outline")

        assert [(i.code, i.sheet, i.cell, i.field) for i in result.report.issues] == [
            ("formula-without-value", "Applicant", "C6", None),
            ("formula-without-value", "Project", "C10", None),
        ]
        assert result.outline is None

    def test_text_that_looks_like_a_formula_is_written_as_text(
        self, outline_form: FormDefinition, chelm_outline: dict[str, Any], tmp_path: Path
    ) -> None:
        hostile = {
            "city_name": '=HYPERLINK("http://evil.example","Chełm")',
            "contact_phone": "+48 82 562 10 00",
            "contact_name": "-Ødegård",
            "contact_email": "@rozwoj",
        }
        chelm_outline["Applicant"].update(hostile)
        path = tmp_path / "injected.xlsx"

        formgen.write_filled(outline_form, "nb", chelm_outline, path)

        ws = openpyxl.load_workbook(path)["Applicant"]
        for row in range(2, 10):
            if ws.cell(row, 1).value in hostile:
                assert ws.cell(row, 3).data_type == "s"
                assert ws.cell(row, 3).quotePrefix
        assert (
            read_back(read_workbook(path), outline_form)["Applicant"]
            == expected(chelm_outline)["Applicant"]
        )

    def test_dates_and_money_are_real_dates_and_numbers(
        self, outline_form: FormDefinition, chelm_outline: dict[str, Any], tmp_path: Path
    ) -> None:
        path = tmp_path / "chelm.xlsx"

        formgen.write_filled(outline_form, "en", chelm_outline, path)

        ws = openpyxl.load_workbook(path)["Project"]
        cells = {ws.cell(r, 1).value: ws.cell(r, 3) for r in range(2, ws.max_row + 1)}
        assert cells["start_date"].is_date and cells["start_date"].number_format == "yyyy-mm-dd"
        assert cells["total_budget_eur"].data_type == "n"
        assert cells["total_budget_eur"].number_format == "#,##0.00"

    def test_keys_the_form_does_not_know_are_written_for_the_validator_to_flag(
        self, outline_form: FormDefinition, tmp_path: Path
    ) -> None:
        path = tmp_path / "extra.xlsx"

        formgen.write_filled(
            outline_form,
            "pl",
            {
                "Applicant": {"city_name": "Konin", "mayor": "Piotr Korytkowski"},
                "Budget": [{"line_no": 1, "co2_tonnes": 12}],
            },
            path,
        )

        workbook = read_workbook(path)
        applicant = {c[0].value: c[-1].value for _, c in workbook.sheets["Applicant"].rows}
        assert applicant["mayor"] == "Piotr Korytkowski"
        header = [c.value for c in dict(workbook.sheets["Budget"].rows)[1]]
        assert header[-1] == "co2_tonnes"

    def test_a_float_is_refused_because_money_is_never_float(
        self, outline_form: FormDefinition, tmp_path: Path
    ) -> None:
        with pytest.raises(TypeError, match="float"):
            formgen.write_filled(
                outline_form,
                "pl",
                {"Project": {"total_budget_eur": 1150000.0}},
                tmp_path / "x.xlsx",
            )

    def test_an_unknown_language_is_refused(self, outline_form: FormDefinition) -> None:
        with pytest.raises(ValueError, match="de"):
            formgen.build_blank(outline_form, "de")


class TestTheTemplateCommand:
    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_grantflow_template_outline_writes_the_blank_form(
        self, lang: str, outline_form: FormDefinition, tmp_path: Path
    ) -> None:
        path = tmp_path / f"zarys-{lang}.xlsx"

        result = CliRunner().invoke(app, ["template", "outline", "--lang", lang, "-o", str(path)])

        assert result.exit_code == 0, result.output
        workbook = read_workbook(path)
        assert workbook.readable and workbook.issues == []
        first_label = outline_form.sheets[0].fields[0].label[lang]
        assert dict(workbook.sheets["Applicant"].rows)[2][1].value == first_label


def convert(source: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    outdir.mkdir(exist_ok=True)
    clients.soffice_convert(source, fmt, outdir, profile)
    (converted,) = outdir.iterdir()
    return converted


@pytest.mark.libreoffice
class TestLibreOffice:
    def test_a_filled_form_survives_a_round_trip_through_libreoffice(
        self, outline_form: FormDefinition, chelm_outline: dict[str, Any], tmp_path: Path
    ) -> None:
        original = tmp_path / "chelm.xlsx"
        chelm_outline["Applicant"]["city_name"] = "=Chełm"  # stays text through LibreOffice too
        formgen.write_filled(outline_form, "nb", chelm_outline, original)
        profile = tmp_path / "profile"

        ods = convert(original, "ods", tmp_path / "ods", profile)
        again = convert(ods, "xlsx", tmp_path / "xlsx", profile)

        assert read_back(read_workbook(again), outline_form) == expected(chelm_outline)
        assert (
            date(2021, 3, 1)
            == read_back(read_workbook(again), outline_form)["Project"]["start_date"]
        )

    def test_an_outline_saved_by_libreoffice_from_the_generated_form_validates(
        self, outline_form: FormDefinition, chelm_outline: dict[str, Any], tmp_path: Path
    ) -> None:
        # The city's path: our blank form, filled and saved by LibreOffice Calc
        # as .xlsx (LibreOffice writes the file, with its own cached values and styles).
        original = tmp_path / "chelm.xlsx"
        formgen.write_filled(outline_form, "pl", chelm_outline, original)
        profile = tmp_path / "profile"

        ods = convert(original, "ods", tmp_path / "ods", profile)
        saved_by_libreoffice = convert(ods, "xlsx", tmp_path / "xlsx", profile)
        result = validate_outline(
            read_workbook(saved_by_libreoffice), load_programme(None), "stage1-outline"
        )

        assert [i.code for i in result.report.issues] == []
        assert result.outline is not None
        assert result.outline.city_name == "Chełm"
