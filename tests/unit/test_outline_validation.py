"""The outline validator, on workbooks built in memory (SPEC sections 3 and 4)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grantflow.domain.errors import ConfigurationError
from grantflow.validation.outline import ValidationResult, validate_outline
from grantflow.validation.report import Issue
from grantflow.validation.sheets import column_letter
from grantflow.validation.workbook import Cell, RawSheet, RawWorkbook
from tests.unit.factories import (
    CHELM_NIP,
    STAGE1,
    STAGE1_RATE,
    OutlineValues,
    chelm_outline_values,
    chelm_workbook,
    raw_workbook_from_values,
    reference_programme,
)


def validate(values: OutlineValues | RawWorkbook, **programme_changes: Any) -> ValidationResult:
    raw = values if isinstance(values, RawWorkbook) else raw_workbook_from_values(values)
    result = validate_outline(raw, reference_programme(**programme_changes), STAGE1)
    for issue in result.report.issues:
        issue.message()  # every issue renders: no placeholder is left without a value
    return result


def codes(result: ValidationResult) -> list[str]:
    return [issue.code for issue in result.report.issues]


def only(result: ValidationResult, code: str) -> Issue:
    found = [issue for issue in result.report.issues if issue.code == code]
    assert len(found) == 1, result.report.issues
    return found[0]


def with_value(sheet: str, key: str, value: Any) -> OutlineValues:
    values = chelm_outline_values()
    sheet_values = values[sheet]
    assert isinstance(sheet_values, dict)
    sheet_values[key] = value
    return values


def with_budget(*changes: tuple[int, str, Any]) -> OutlineValues:
    """Chełm's outline with (line index, key, value) changes to its budget table."""
    values = chelm_outline_values()
    budget = values["Budget"]
    assert isinstance(budget, list)
    for index, key, value in changes:
        budget[index][key] = value
    return values


class TestTheValidChelmOutline:
    def test_it_has_no_issues_and_becomes_an_outline(self) -> None:
        result = validate(chelm_outline_values())

        assert result.report.issues == []
        assert result.report.valid
        assert result.outline is not None
        assert result.outline.city_name == "Chełm"
        assert result.outline.teryt == "0662011"

    def test_it_names_the_representative_who_signs_the_partnership_agreement(self) -> None:
        outline = validate(chelm_outline_values()).outline

        assert outline is not None
        assert outline.representative_name == "Jakub Banaszek"
        assert outline.representative_position == "Prezydent Miasta Chełm"

    def test_a_form_v1_without_the_representative_still_validates(self) -> None:
        values = chelm_outline_values()
        applicant = values["Applicant"]
        assert isinstance(applicant, dict)
        del applicant["representative_name"], applicant["representative_position"]
        result = validate(values)

        assert result.report.issues == []
        assert result.outline is not None
        assert result.outline.representative_name == ""

    def test_its_partnership_lump_sum_is_eur_150_000(self) -> None:
        outline = validate(chelm_outline_values()).outline

        assert outline is not None
        assert outline.lump_sum_eur == Decimal("150000.00")
        assert outline.wants_partner is True

    def test_a_pln_line_records_its_euro_amount_and_the_rate_used(self) -> None:
        outline = validate(chelm_outline_values()).outline

        assert outline is not None
        soft = outline.budget[1]
        assert (soft.amount, soft.currency) == (Decimal("1289580.00"), "PLN")
        assert soft.amount_eur == Decimal("300000.00")
        assert soft.rate == STAGE1_RATE
        assert outline.budget[0].rate is None
        assert sum(line.amount_eur for line in outline.budget) == outline.total_budget_eur

    def test_codes_lists_dates_and_indicators_are_typed(self) -> None:
        outline = validate(chelm_outline_values()).outline

        assert outline is not None
        assert outline.themes == (
            "environment_energy",
            "sustainable_development",
            "social_education",
        )
        assert outline.involvement_forms == ("knowledge_exchange", "study_visits")
        assert (outline.start_date, outline.end_date) == (date(2021, 5, 1), date(2023, 12, 31))
        assert outline.indicators[0].target == Decimal("12.5")
        assert outline.indicators[1].year == 2023

    def test_the_form_in_norwegian_validates_the_same(self) -> None:
        raw = raw_workbook_from_values(chelm_outline_values(), lang="nb")

        assert validate(raw).report.issues == []

    def test_validating_from_many_threads_gives_the_same_report(self) -> None:
        values = with_value("Applicant", "nip", "5632004010")

        def run(_: int) -> list[dict[str, Any]]:
            return [i.to_storable() for i in validate(values).report.issues]

        with ThreadPoolExecutor(max_workers=4) as pool:
            reports = list(pool.map(run, range(16)))

        assert all(report == reports[0] for report in reports)
        assert [issue["code"] for issue in reports[0]] == ["nip-checksum"]


class TestStructure:
    def test_an_unreadable_workbook_reports_only_its_own_issues(self) -> None:
        unreadable = Issue("file-unreadable", params={"reason": "not a zip archive"})
        raw = RawWorkbook(file="chelm.xlsx", sha256="0" * 64, issues=[unreadable], readable=False)

        result = validate(raw)

        assert result.report.issues == [unreadable]
        assert result.outline is None

    def test_issues_found_while_reading_are_kept_in_the_report(self) -> None:
        raw = chelm_workbook()
        formula = Issue("formula-without-value", sheet="Budget", cell="E3", field="amount")
        raw.issues.append(formula)

        result = validate(raw)

        assert result.report.issues == [formula]
        assert result.outline is None

    def test_each_missing_sheet_is_reported_without_a_cell(self) -> None:
        values = chelm_outline_values()
        del values["Partnership"], values["Indicators"]

        result = validate(values)

        assert codes(result) == ["sheet-missing", "sheet-missing"]
        assert [(i.sheet, i.cell) for i in result.report.issues] == [
            ("Partnership", None),
            ("Indicators", None),
        ]

    def test_a_sheet_name_in_other_case_or_with_spaces_is_found(self) -> None:
        values = chelm_outline_values()
        values[" budget "] = values.pop("Budget")

        assert validate(values).report.issues == []

    def test_key_value_rows_may_come_in_any_order(self) -> None:
        values = chelm_outline_values()
        applicant = values["Applicant"]
        assert isinstance(applicant, dict)
        values["Applicant"] = dict(reversed(list(applicant.items())))

        assert validate(values).report.issues == []

    def test_keys_are_matched_after_trimming_and_lowercasing(self) -> None:
        values = chelm_outline_values()
        applicant = values["Applicant"]
        assert isinstance(applicant, dict)
        applicant[" City_Name\u00a0"] = applicant.pop("city_name")

        result = validate(values)

        assert result.report.issues == []
        assert result.outline is not None and result.outline.city_name == "Chełm"

    def test_an_unknown_key_is_a_warning_and_the_outline_stays_valid(self) -> None:
        result = validate(with_value("Applicant", "mayor", "Jakub Banaszek"))

        issue = only(result, "unknown-field")
        assert (issue.severity, issue.sheet, issue.cell, issue.value) == (
            "warning",
            "Applicant",
            "A12",
            "mayor",
        )
        assert result.outline is not None

    def test_a_key_given_twice_is_a_warning_and_the_first_value_is_used(self) -> None:
        raw = chelm_workbook()
        applicant = raw.sheets["Applicant"]
        extra = (20, (Cell("A20", "city_name"), Cell("B20", ""), Cell("C20", "Hrubieszów")))
        raw.sheets["Applicant"] = RawSheet("Applicant", (*applicant.rows, extra))

        result = validate(raw)

        issue = only(result, "duplicate-field")
        assert (issue.severity, issue.cell, issue.field) == ("warning", "A20", "city_name")
        assert result.outline is not None and result.outline.city_name == "Chełm"

    def test_the_header_row_of_a_key_value_sheet_is_not_a_field(self) -> None:
        raw = chelm_workbook()
        header = raw.sheets["Applicant"].rows[0]

        assert header[0] == 1 and header[1][0].value == "key"
        assert validate(raw).report.issues == []

    def test_table_columns_may_come_in_any_order(self) -> None:
        values = chelm_outline_values()
        budget = values["Budget"]
        assert isinstance(budget, list)
        values["Budget"] = [dict(reversed(list(line.items()))) for line in budget]

        result = validate(values)

        assert result.report.issues == []
        assert result.outline is not None and result.outline.budget[0].line_no == 1

    def test_an_unknown_table_column_is_a_warning(self) -> None:
        values = with_budget(*((i, "vat", "23%") for i in range(5)))

        issue = only(validate(values), "unknown-field")
        assert (issue.severity, issue.sheet, issue.cell, issue.value) == (
            "warning",
            "Budget",
            "G1",
            "vat",
        )

    def test_a_column_given_twice_is_a_warning_and_the_first_one_is_read(self) -> None:
        raw = chelm_workbook()
        budget = raw.sheets["Budget"]
        rows = [
            (number, (*cells, Cell(f"G{number}", "currency" if number == 1 else "NOK")))
            for number, cells in budget.rows
        ]
        raw.sheets["Budget"] = RawSheet("Budget", tuple(rows))

        result = validate(raw)

        issue = only(result, "duplicate-field")
        assert (issue.severity, issue.sheet, issue.cell, issue.field) == (
            "warning",
            "Budget",
            "G1",
            "currency",
        )
        assert result.outline is not None and result.outline.budget[0].currency == "EUR"

    def test_a_missing_required_column_is_reported_once_without_a_cell(self) -> None:
        values = chelm_outline_values()
        for line in values["Budget"]:
            assert isinstance(line, dict)
            del line["description"]

        issue = only(validate(values), "required")
        assert (issue.sheet, issue.cell, issue.field) == ("Budget", None, "description")

    def test_a_table_without_data_rows_is_reported_as_empty(self) -> None:
        values = chelm_outline_values()
        values["Indicators"] = []

        result = validate(values)

        assert codes(result) == ["table-empty"]
        assert result.report.issues[0].sheet == "Indicators"

    def test_an_empty_budget_is_only_reported_as_empty(self) -> None:
        values = chelm_outline_values()
        values["Budget"] = []

        assert codes(validate(values)) == ["table-empty"]

    def test_rows_beyond_the_sheet_limit_are_reported_and_not_read(self) -> None:
        values = chelm_outline_values()
        indicators = values["Indicators"]
        assert isinstance(indicators, list)
        values["Indicators"] = indicators * 101  # 202 rows, the form allows 200

        issue = only(validate(values), "sheet-too-large")
        assert issue.params == {"rows": "202", "limit": "200"}

    def test_issues_are_listed_in_sheet_row_and_column_order(self) -> None:
        values = with_value("Project", "end_date", "jutro")
        values["Applicant"]["population"] = "dużo"  # type: ignore[call-overload]
        values["Budget"][0]["year"] = 1999  # type: ignore[call-overload]

        result = validate(values)

        assert [(i.sheet, i.cell) for i in result.report.issues] == [
            ("Applicant", "C5"),
            ("Project", "C9"),
            ("Budget", "D3"),
        ]


def every_field_cell() -> list[tuple[str, str, str]]:
    """(sheet, key, cell) of every field of Chełm's outline as laid out by
    ``raw_workbook_from_values``: key/value sheets from row 2, table data from row 3."""
    found = []
    for sheet, content in chelm_outline_values().items():
        if isinstance(content, dict):
            found += [(sheet, key, f"C{row}") for row, key in enumerate(content, start=2)]
        else:
            found += [(sheet, key, f"{column_letter(i)}3") for i, key in enumerate(content[0])]
    return found


def without_value(values: OutlineValues, *fields: tuple[str, str, str], lang: str) -> RawWorkbook:
    """The outline with a formula without a cached value in each of ``fields``' cells:
    the cell reads as empty, and the reader reports it (as the adapter does)."""
    for sheet, key, _ in fields:
        content = values[sheet]
        record = content if isinstance(content, dict) else content[0]
        record[key] = None
    raw = raw_workbook_from_values(values, lang=lang)
    raw.issues.extend(
        Issue("formula-without-value", sheet=sheet, cell=cell) for sheet, _, cell in fields
    )
    return raw


@pytest.mark.parametrize("lang", ["pl", "nb", "en"])
class TestFormulasWithoutValue:
    def test_a_required_cell_is_reported_once_for_the_formula_not_also_as_required(
        self, lang: str
    ) -> None:
        budget = ("Project", "total_budget_eur", "C10")
        nip = ("Applicant", "nip", "C6")

        result = validate(without_value(chelm_outline_values(), nip, budget, lang=lang))

        assert [(i.code, i.sheet, i.cell) for i in result.report.issues] == [
            ("formula-without-value", "Applicant", "C6"),
            ("formula-without-value", "Project", "C10"),
        ]
        assert result.outline is None

    @pytest.mark.parametrize(("sheet", "key", "cell"), every_field_cell())
    def test_any_field_holding_one_gets_that_single_issue_and_nothing_else(
        self, lang: str, sheet: str, key: str, cell: str
    ) -> None:
        result = validate(without_value(chelm_outline_values(), (sheet, key, cell), lang=lang))

        assert [(i.code, i.sheet, i.cell) for i in result.report.issues] == [
            ("formula-without-value", sheet, cell)
        ]

    def test_a_bad_value_elsewhere_is_still_reported_beside_it(self, lang: str) -> None:
        values = with_value("Applicant", "contact_email", "rozwoj@chelm")
        raw = without_value(values, ("Project", "total_budget_eur", "C10"), lang=lang)

        result = validate(raw)

        assert [(i.code, i.cell) for i in result.report.issues] == [
            ("formula-without-value", "C10"),  # the reader's issues come first
            ("email-format", "C8"),
        ]


class TestValuesAsPeopleTypeThem:
    def test_a_phone_number_typed_as_a_number_is_text(self) -> None:
        outline = validate(with_value("Applicant", "contact_phone", 825621000)).outline

        assert outline is not None and outline.contact_phone == "825621000"

    def test_a_teryt_typed_as_a_number_gets_its_leading_zero_back(self) -> None:
        outline = validate(with_value("Applicant", "teryt", 662011)).outline

        assert outline is not None and outline.teryt == "0662011"

    def test_a_nip_typed_as_a_number_or_with_dashes_is_read(self) -> None:
        as_number = validate(with_value("Applicant", "nip", int(CHELM_NIP))).outline
        with_dashes = validate(with_value("Applicant", "nip", "PL 563-200-40-12")).outline

        assert as_number is not None and as_number.nip == CHELM_NIP
        assert with_dashes is not None and with_dashes.nip == CHELM_NIP

    @pytest.mark.parametrize(
        "typed", ["60 354", "60\u00a0354", " 60354 ", Decimal("60354"), "60354,0"]
    )
    def test_a_whole_number_is_read_from_text_and_decimals(self, typed: Any) -> None:
        outline = validate(with_value("Applicant", "population", typed)).outline

        assert outline is not None and outline.population == 60354

    @pytest.mark.parametrize(
        "typed", ["2 800 000,00", "2\u00a0800\u00a0000,00 €", "2.800.000,00 EUR", 2800000]
    )
    def test_an_amount_is_read_from_text_with_separators_and_currency(self, typed: Any) -> None:
        outline = validate(with_value("Project", "total_budget_eur", typed)).outline

        assert outline is not None and outline.total_budget_eur == Decimal("2800000.00")

    def test_a_pln_amount_typed_as_polish_text_converts(self) -> None:
        outline = validate(with_budget((1, "amount", "1 289 580,00 zł"))).outline

        assert outline is not None and outline.budget[1].amount_eur == Decimal("300000.00")

    @pytest.mark.parametrize(
        "typed",
        [
            "2021-05-01",
            "01.05.2021",
            "1.5.2021",
            44317,
            Decimal("44317.5"),
            datetime(2021, 5, 1, 0, 0),
        ],
    )
    def test_a_date_is_read_from_text_serials_and_datetimes(self, typed: Any) -> None:
        outline = validate(with_value("Project", "start_date", typed)).outline

        assert outline is not None and outline.start_date == date(2021, 5, 1)

    def test_spaces_and_non_breaking_spaces_around_text_are_dropped_silently(self) -> None:
        result = validate(with_value("Applicant", "city_name", "\u00a0 Chełm\u2009 "))

        assert result.report.issues == []
        assert result.outline is not None and result.outline.city_name == "Chełm"

    def test_codes_are_accepted_in_any_case_and_as_labels(self) -> None:
        values = with_value("Applicant", "voivodeship", "Lubelskie")
        values["Project"]["primary_theme"] = "Environment_Energy"  # type: ignore[call-overload]
        values["Partnership"]["preferred_country"] = "Norwegia"  # type: ignore[call-overload]

        outline = validate(values).outline

        assert outline is not None
        assert (outline.voivodeship, outline.primary_theme, outline.preferred_country) == (
            "lubelskie",
            "environment_energy",
            "NO",
        )

    def test_code_lists_may_be_separated_by_semicolons_and_repeat(self) -> None:
        values = with_value("Partnership", "involvement_forms", "advisory; Study_visits;advisory;")

        outline = validate(values).outline

        assert outline is not None and outline.involvement_forms == ("advisory", "study_visits")

    @pytest.mark.parametrize("typed", ["yes", "TAK", "Ja", "true", True])
    def test_yes_is_understood_in_every_language_of_the_form(self, typed: Any) -> None:
        outline = validate(with_value("Partnership", "wants_partner", typed)).outline

        assert outline is not None and outline.wants_partner is True

    def test_optional_fields_may_be_left_empty(self) -> None:
        values = with_value("Partnership", "preferred_partner", None)
        values["Partnership"]["preferred_country"] = "  "  # type: ignore[call-overload]
        values["Project"]["secondary_themes"] = None  # type: ignore[call-overload]

        result = validate(values)

        assert result.report.issues == []
        assert result.outline is not None
        assert (result.outline.preferred_partner, result.outline.preferred_country) == ("", None)
        assert result.outline.secondary_themes == ()


class TestTypeIssues:
    @pytest.mark.parametrize(
        ("sheet", "key", "typed", "expected"),
        [
            ("Applicant", "population", "około 60 tysięcy", "a whole number"),
            ("Applicant", "population", "60354,5", "a whole number"),
            ("Applicant", "population", True, "a whole number"),
            ("Project", "total_budget_eur", "dwa miliony", "an amount, e.g. 150 000,00"),
            ("Project", "total_budget_eur", "2.800", "an amount, e.g. 150 000,00"),
            ("Project", "start_date", "maj 2021", "a date (YYYY-MM-DD)"),
            ("Project", "start_date", "2021-02-30", "a date (YYYY-MM-DD)"),
            ("Project", "start_date", 1500, "a date (YYYY-MM-DD)"),
            ("Applicant", "city_name", True, "text"),
        ],
    )
    def test_a_value_of_the_wrong_type_is_reported_with_what_was_expected(
        self, sheet: str, key: str, typed: Any, expected: str
    ) -> None:
        issue = only(validate(with_value(sheet, key, typed)), "type")

        assert (issue.sheet, issue.field) == (sheet, key)
        assert issue.params == {"label": key, "expected": expected}

    def test_the_issue_names_the_cell_and_the_value_as_typed(self) -> None:
        issue = only(validate(with_budget((0, "amount", "sto tysięcy"))), "type")

        assert (issue.sheet, issue.cell, issue.field, issue.value) == (
            "Budget",
            "E3",
            "amount",
            "sto tysięcy",
        )

    def test_a_lump_sum_typed_150_comma_000_is_asked_for_again_not_read_as_150(self) -> None:
        # In Polish "150,000" is 150 euro; in English 150 thousand: never guess.
        issue = only(validate(with_budget((3, "amount", "150,000"))), "type")

        assert (issue.cell, issue.value) == ("E6", "150,000")

    def test_a_wrong_amount_does_not_also_break_the_sums(self) -> None:
        result = validate(with_budget((3, "amount", "150 tys.")))

        assert codes(result) == ["type"]


class TestDeclarativeRules:
    def test_a_required_value_left_empty_is_reported_at_its_cell(self) -> None:
        issue = only(validate(with_value("Applicant", "contact_name", " ")), "required")

        assert (issue.sheet, issue.cell, issue.field) == ("Applicant", "C7", "contact_name")
        assert issue.params == {"label": "contact_name"}

    def test_a_required_row_left_out_is_reported_without_a_cell(self) -> None:
        values = chelm_outline_values()
        del values["Applicant"]["contact_name"]  # type: ignore[arg-type]

        issue = only(validate(values), "required")
        assert (issue.sheet, issue.cell, issue.field) == ("Applicant", None, "contact_name")

    def test_a_required_cell_of_a_table_row_left_empty_is_reported(self) -> None:
        issue = only(validate(with_budget((2, "currency", None))), "required")

        assert (issue.sheet, issue.cell, issue.field) == ("Budget", "F5", "currency")

    def test_a_code_outside_the_vocabulary_is_not_allowed(self) -> None:
        issue = only(validate(with_value("Project", "primary_theme", "tourism")), "allowed")

        assert (issue.cell, issue.value) == ("C6", "tourism")
        assert issue.params["label"] == "primary_theme"
        assert issue.params["allowed"].startswith("environment_energy, social_education")

    def test_only_the_wrong_codes_of_a_list_are_named(self) -> None:
        values = with_value("Partnership", "partner_themes", "smart_city, tourism, ice_hockey")

        issue = only(validate(values), "allowed")

        assert issue.value == "smart_city, tourism, ice_hockey"
        assert issue.params["value"] == "tourism, ice_hockey"

    def test_an_answer_other_than_yes_or_no_is_not_allowed(self) -> None:
        issue = only(validate(with_value("Partnership", "wants_partner", "może")), "allowed")

        assert issue.params == {"label": "wants_partner", "allowed": "yes, no"}

    def test_a_currency_other_than_eur_or_pln_is_not_allowed(self) -> None:
        result = validate(with_budget((0, "currency", "NOK")))

        assert codes(result) == ["allowed"]
        assert result.report.issues[0].cell == "F3"

    def test_a_value_under_the_minimum_is_reported_with_the_limit(self) -> None:
        issue = only(validate(with_value("Applicant", "population", 0)), "min")

        assert issue.params == {"label": "population", "limit": "1", "value": "0"}

    def test_a_value_over_the_maximum_is_reported_with_the_limit(self) -> None:
        issue = only(validate(with_budget((4, "year", 2031))), "max")

        assert (issue.sheet, issue.cell) == ("Budget", "D7")
        assert issue.params == {"label": "year", "limit": "2030", "value": "2031"}

    def test_a_text_over_the_maximum_length_is_reported_with_its_length(self) -> None:
        long_name = "Gmina Miejska Chełm " * 7  # 140 characters, trimmed to 139

        issue = only(validate(with_value("Applicant", "city_name", long_name)), "maxlength")

        assert issue.params == {"label": "city_name", "limit": "120", "length": "139"}


class TestIdentifierRules:
    def test_a_nip_with_a_wrong_check_digit_is_reported(self) -> None:
        issue = only(validate(with_value("Applicant", "nip", "5632004010")), "nip-checksum")

        assert (issue.sheet, issue.cell, issue.field, issue.value) == (
            "Applicant",
            "C6",
            "nip",
            "5632004010",
        )

    def test_a_nip_of_the_wrong_length_is_reported(self) -> None:
        assert codes(validate(with_value("Applicant", "nip", "563200401"))) == ["nip-checksum"]

    @pytest.mark.parametrize("teryt", ["066201", "0162011", "0600011", "0662017", "06620a1"])
    def test_a_malformed_teryt_is_reported_and_no_further_rule_runs_on_it(self, teryt: str) -> None:
        result = validate(with_value("Applicant", "teryt", teryt))

        assert codes(result) == ["teryt-format"]
        assert result.report.issues[0].cell == "C3"

    def test_a_teryt_of_another_voivodeship_is_reported_on_the_voivodeship(self) -> None:
        result = validate(with_value("Applicant", "voivodeship", "mazowieckie"))

        issue = only(result, "teryt-voivodeship-mismatch")
        assert (issue.cell, issue.field, issue.value) == ("C4", "voivodeship", "mazowieckie")
        assert issue.params == {"teryt": "0662011", "expected": "lubelskie"}

    @pytest.mark.parametrize(
        "address",
        [
            "rozwoj@chelm.pl",
            "urzad.miasta@um.zamosc.pl",
            "kontakt@łomża.pl",  # IDN: Polish letters in the domain
            "kontakt@xn--oma-0ta9i.pl",  # the same domain as DNS holds it
            "urząd@chełm.pl",  # RFC 6531: and in the local part
            "postmottak@kristiansand.kommune.no",
            "sekretariat+projekty@miasto.hrubieszow.pl",
            "biuro_rozwoju@konin.pl",
            "x" * 64 + "@chelm.pl",  # the longest local part RFC 5321 allows
        ],
    )
    def test_a_sensible_e_mail_address_is_accepted(self, address: str) -> None:
        result = validate(with_value("Applicant", "contact_email", address))

        assert result.report.issues == []
        assert result.outline is not None
        assert result.outline.contact_email == address

    def test_an_e_mail_typed_with_a_separate_accent_is_kept_composed(self) -> None:
        decomposed = "kontakt@łomz\u0307a.pl"  # ż as z and a combining dot above

        result = validate(with_value("Applicant", "contact_email", decomposed))

        assert result.outline is not None
        assert result.outline.contact_email == "kontakt@łomża.pl"

    @pytest.mark.parametrize(
        "address",
        [
            "<script>alert(1)</script>@x.pl",
            "a@b",  # no top-level domain
            "a b@c.pl",
            "@chelm.pl",
            "urząd@",
            "rozwoj@chelm@chelm.pl",  # two @
            "rozwoj.@chelm.pl",
            ".rozwoj@chelm.pl",
            "roz..woj@chelm.pl",
            '"rozwoj"@chelm.pl',  # quoted local part
            "o'brien@chelm.pl",
            "rozwoj\u0007@chelm.pl",  # a control character
            "rozwoj@chelm..pl",
            "rozwoj@chelm.pl.",
            "rozwoj@-chelm.pl",
            "rozwoj@chelm-.pl",
            "rozwoj@chelm_miasto.pl",
            "rozwoj@chelm.p",
            "rozwoj@chelm.123",
            "rozwoj@[127.0.0.1]",
            "rozwoj\u200f@chelm.pl",  # an invisible right-to-left mark
            "rozwoj＠chelm.pl",  # a full-width at sign
            "x" * 65 + "@chelm.pl",  # local part over 64 octets
            "ą" * 33 + "@chelm.pl",  # 33 letters, but 66 octets
            "rozwoj@" + "a" * 64 + ".pl",  # a label over 63 octets
            # 223 letters but 255 octets: over the 254 of a path without its <>
            "ą" * 32 + "@" + "a" * 62 + "." + "b" * 62 + "." + "c" * 61 + ".pl",
        ],
    )
    def test_an_address_no_city_hall_has_is_reported_at_its_cell(self, address: str) -> None:
        result = validate(with_value("Applicant", "contact_email", address))

        issue = only(result, "email-format")
        assert codes(result) == ["email-format"]
        assert (issue.sheet, issue.cell, issue.field, issue.value) == (
            "Applicant",
            "C8",
            "contact_email",
            address,
        )
        assert result.outline is None

    def test_an_e_mail_without_a_domain_is_reported(self) -> None:
        issue = only(
            validate(with_value("Applicant", "contact_email", "rozwoj@chelm")), "email-format"
        )

        assert (issue.cell, issue.value) == ("C8", "rozwoj@chelm")

    def test_a_city_off_the_eligible_list_is_reported_with_its_name(self) -> None:
        values = with_value("Applicant", "city_name", "Kraków")
        values["Applicant"]["teryt"] = "1261011"  # type: ignore[call-overload]
        values["Applicant"]["voivodeship"] = "małopolskie"  # type: ignore[call-overload]

        issue = only(validate(values), "city-not-eligible")

        assert (issue.cell, issue.field, issue.value) == ("C3", "teryt", "1261011")
        assert issue.params == {"teryt": "1261011", "value": "Kraków"}

    def test_a_programme_without_an_eligible_list_accepts_every_city(self) -> None:
        values = with_value("Applicant", "teryt", "1261011")
        values["Applicant"]["voivodeship"] = "małopolskie"  # type: ignore[call-overload]

        assert validate(values, eligible_cities=()).report.issues == []


class TestDateRules:
    def test_a_start_before_the_eligibility_window_is_reported(self) -> None:
        issue = only(
            validate(with_value("Project", "start_date", date(2019, 12, 1))), "date-outside-window"
        )

        assert (issue.cell, issue.field) == ("C8", "start_date")
        assert issue.params == {
            "label": "start_date",
            "value": "2019-12-01",
            "first": "2020-01-01",
            "final": "2024-04-30",
        }

    def test_an_end_after_the_final_eligibility_date_is_reported(self) -> None:
        issue = only(
            validate(with_value("Project", "end_date", "2024-05-01")), "date-outside-window"
        )

        assert (issue.field, issue.value) == ("end_date", "2024-05-01")

    def test_the_last_eligible_day_is_inside_the_window(self) -> None:
        assert validate(with_value("Project", "end_date", date(2024, 4, 30))).report.issues == []

    def test_an_end_before_the_start_is_reported_on_the_end(self) -> None:
        issue = only(
            validate(with_value("Project", "end_date", date(2021, 4, 30))), "end-before-start"
        )

        assert (issue.cell, issue.field) == ("C9", "end_date")
        assert issue.params == {"value": "2021-04-30", "start": "2021-05-01"}


class TestMoneyRules:
    def test_budget_lines_that_do_not_add_up_are_reported_on_the_total(self) -> None:
        values = with_value("Project", "total_budget_eur", Decimal("2800000.01"))
        values["Project"]["co_financing_eur"] = Decimal("420000.01")  # type: ignore[call-overload]

        issue = only(validate(values), "budget-total-mismatch")

        assert (issue.sheet, issue.cell, issue.field) == ("Project", "C10", "total_budget_eur")
        assert issue.params == {"lines": "2800000.00", "rate": "4.2986", "total": "2800000.01"}

    def test_pln_lines_are_converted_line_by_line_to_the_cent(self) -> None:
        # PLN 1 000.00 / 4.2986 = EUR 232.634... -> 232.63, three times.
        values = with_budget((1, "amount", Decimal("1286580.00")))
        budget = values["Budget"]
        assert isinstance(budget, list)
        budget += [
            {
                "line_no": n,
                "category": "soft",
                "description": "Szkolenie",
                "year": 2022,
                "amount": Decimal("1000.00"),
                "currency": "PLN",
            }
            for n in (6, 7, 8)
        ]

        issue = only(validate(values), "budget-total-mismatch")

        # 1 286 580.00 PLN is EUR 299 302.10; plus 3 x 232.63 = 299 999.99.
        assert issue.params["lines"] == "2799999.99"

    def test_grant_and_co_financing_that_do_not_add_up_are_reported(self) -> None:
        issue = only(
            validate(with_value("Project", "co_financing_eur", "419 999,99")), "grant-sum-mismatch"
        )

        assert (issue.cell, issue.field) == ("C11", "requested_grant_eur")
        assert issue.params == {
            "grant": "2380000.00",
            "cofinancing": "419999.99",
            "sum": "2799999.99",
            "total": "2800000.00",
        }

    def test_a_grant_above_the_programme_maximum_is_reported(self) -> None:
        result = validate(chelm_outline_values(), grant_maximum=Decimal("2000000.00"))

        issue = only(result, "grant-out-of-range")
        assert issue.params == {
            "value": "2380000.00",
            "minimum": "1000000.00",
            "maximum": "2000000.00",
        }

    def test_a_grant_below_the_programme_minimum_is_reported(self) -> None:
        result = validate(chelm_outline_values(), grant_minimum=Decimal("2500000.00"))

        assert only(result, "grant-out-of-range").params["minimum"] == "2500000.00"

    def test_a_grant_at_the_programme_minimum_is_accepted(self) -> None:
        assert validate(chelm_outline_values(), grant_minimum=Decimal("2380000.00")).report.valid

    def test_an_unknown_call_is_a_configuration_error_not_a_report(self) -> None:
        with pytest.raises(ConfigurationError):
            validate_outline(chelm_workbook(), reference_programme(), "stage9-unknown")


class TestLumpSumRules:
    def test_a_city_wanting_a_partner_needs_a_lump_sum_line(self) -> None:
        values = with_budget((3, "category", "soft"))

        issue = only(validate(values), "lump-sum-missing")

        assert (issue.sheet, issue.cell, issue.field) == ("Budget", None, "category")

    def test_a_second_lump_sum_line_is_reported_at_its_category(self) -> None:
        # Management (line 3, sheet row 5) becomes a lump sum before the real one
        # (line 4, row 6), which is then the second; the totals still agree.
        values = with_budget(
            (2, "category", "partnership_lump_sum"),
            (2, "amount", Decimal("150000.00")),
            (4, "amount", Decimal("100000.00")),
        )

        result = validate(values)

        assert codes(result) == ["lump-sum-duplicate"]
        assert result.report.issues[0].cell == "B6"
        assert result.report.issues[0].params == {"count": "2"}

    def test_a_lump_sum_outside_the_band_is_reported_in_euro(self) -> None:
        values = with_budget(
            (3, "amount", Decimal("170000.00")), (0, "amount", Decimal("2080000.00"))
        )

        issue = only(validate(values), "lump-sum-out-of-range")

        assert (issue.cell, issue.field) == ("E6", "amount")
        assert issue.params == {
            "value": "170000.00",
            "minimum": "140000.00",
            "maximum": "160000.00",
        }

    def test_a_pln_lump_sum_is_judged_after_conversion(self) -> None:
        # PLN 700 000.00 at 4.2986 is EUR 162 843.72: above the band.
        values = with_budget((3, "amount", Decimal("700000.00")), (3, "currency", "PLN"))

        result = validate(values)

        assert only(result, "lump-sum-out-of-range").params["value"] == "162843.72"

    def test_a_pln_lump_sum_of_eur_150_000_is_accepted(self) -> None:
        values = with_budget((3, "amount", "644 790,00"), (3, "currency", "PLN"))

        outline = validate(values).outline

        assert outline is not None and outline.lump_sum_eur == Decimal("150000.00")

    def test_a_lump_sum_without_a_wanted_partner_is_only_a_warning(self) -> None:
        result = validate(with_value("Partnership", "wants_partner", "nie"))

        issue = only(result, "lump-sum-unwanted")
        assert (issue.severity, issue.sheet, issue.cell) == ("warning", "Budget", "B6")
        assert result.outline is not None and result.outline.wants_partner is False

    def test_a_line_with_a_wrong_category_does_not_also_report_a_missing_lump_sum(self) -> None:
        result = validate(with_budget((3, "category", "ryczałt")))

        assert codes(result) == ["allowed"]


cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.text(max_size=30),
    st.sampled_from(["1e30", "1E-400", " ", "\u00a0", "=SUM(A1:A3)", "2021-13-45", "ąęłżźćńóś"]),
)
FIELDS = [
    (sheet, key)
    for sheet, values in chelm_outline_values().items()
    if isinstance(values, dict)
    for key in values
] + [("Budget", key) for key in chelm_outline_values()["Budget"][0]]  # type: ignore[index]


class TestHostileValues:
    @settings(max_examples=300)
    @given(st.lists(st.tuples(st.sampled_from(FIELDS), cell_values), min_size=1, max_size=6))
    def test_any_cell_values_give_a_report_and_never_raise(
        self, changes: list[tuple[tuple[str, str], Any]]
    ) -> None:
        values = chelm_outline_values()
        for (sheet, key), value in changes:
            target = values[sheet]
            for record in target if isinstance(target, list) else [target]:
                record[key] = value

        result = validate(values)

        assert (result.outline is None) == (result.report.errors > 0)
        for issue in result.report.issues:
            assert issue.sheet in {"Applicant", "Project", "Budget", "Partnership"}
            assert issue.value is None or isinstance(issue.value, str)
            assert all(isinstance(v, str) for v in issue.params.values())
