"""The validation report in every format and language, with hostile values."""

from __future__ import annotations

import json
import zipfile
from html.parser import HTMLParser
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from grantflow.adapters.cells import safe_text
from grantflow.adapters.report_render import FORMATS, localise, render
from grantflow.validation.report import FileReport, Issue, Report

LANGS = ("pl", "nb", "en")
HOSTILE_NAME = "<script>alert('Chełm')</script>"
FORMULAS = (
    '=HYPERLINK("http://evil.example","Kliknij")',
    "+48 82 562 10 00",
    "@SUM(A1)",
    "-2+3",
    "#REF!",
    "\t=1+1",
)


def normalised(text: str) -> str:
    """CLDR changes its grouping spaces between releases: compare with plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def chelm() -> FileReport:
    return FileReport(
        "chełm.xlsx",
        [
            Issue("nip-checksum", sheet="Applicant", cell="C6", field="nip", value="1234567890"),
            Issue(
                "type",
                sheet="Applicant",
                cell="C5",
                field="population",
                value="dużo",
                params={"label": "population", "expected": "a whole number"},
            ),
            Issue(
                "lump-sum-out-of-range",
                sheet="Budget",
                cell="E7",
                field="amount",
                value="170000",
                params={"value": "170000.00", "minimum": "140000.00", "maximum": "160000.00"},
            ),
            Issue(
                "end-before-start",
                sheet="Project",
                cell="C9",
                field="end_date",
                value="2022-03-01",
                params={"value": "2022-03-01", "start": "2023-01-15"},
            ),
            Issue(
                "text-trimmed",
                severity="warning",
                sheet="Applicant",
                cell="C2",
                field="city_name",
                value="Chełm & Synowie",
                params={"label": "city_name"},
            ),
        ],
    )


def hrubieszow_hostile() -> FileReport:
    """Values a hostile or careless city could put in its cells."""
    issues = [
        Issue("unknown-field", sheet="Applicant", cell=f"A{row}", value=value)
        for row, value in enumerate(FORMULAS, start=20)
    ]
    issues.append(Issue("unknown-field", sheet="Applicant", cell="A30", value=HOSTILE_NAME))
    issues.append(Issue("unknown-field", sheet="Applicant", cell="A31", value="a|b\nc\x1b[2J\x07"))
    return FileReport(HOSTILE_NAME + ".xlsx", issues)


def kristiansand() -> FileReport:
    return FileReport("kristiansand-ringerike.xlsx", [])


@pytest.fixture
def report() -> Report:
    return Report([chelm(), kristiansand()])


class TestLocalisedMessages:
    @pytest.mark.parametrize(
        ("lang", "label"),
        [("pl", "Liczba mieszkańców"), ("nb", "Innbyggertall"), ("en", "Population")],
    )
    def test_a_field_key_in_a_message_becomes_the_forms_label_in_the_language(
        self, lang: str, label: str
    ) -> None:
        assert label in localise(chelm().issues[1], lang)

    def test_a_key_the_form_does_not_know_is_shown_as_it_is(self) -> None:
        issue = Issue("required", sheet="Budget", field="vat_rate", params={"label": "vat_rate"})
        assert localise(issue, "pl") == "Pole „vat_rate” jest wymagane."

    @pytest.mark.parametrize(
        ("lang", "expected"),
        [
            (
                "pl",
                "Ryczałt na partnerstwo wynosi 170 000,00 EUR; musi mieścić się w przedziale "
                "od 140 000,00 EUR do 160 000,00 EUR.",
            ),
            (
                "nb",
                "Rammebeløpet for partnerskap er EUR 170 000,00; det må være mellom "
                "EUR 140 000,00 og EUR 160 000,00.",
            ),
            (
                "en",
                "The partnership lump sum is EUR 170,000.00; it must be between "
                "EUR 140,000.00 and EUR 160,000.00.",
            ),
        ],
    )
    def test_amounts_are_written_the_way_the_locale_writes_money(
        self, lang: str, expected: str
    ) -> None:
        assert normalised(localise(chelm().issues[2], lang)) == expected

    @pytest.mark.parametrize(
        ("lang", "expected"),
        [("pl", "(1 marca 2022)"), ("nb", "(1. mars 2022)"), ("en", "(1 March 2022)")],
    )
    def test_dates_are_written_in_words_of_the_language(self, lang: str, expected: str) -> None:
        assert expected in localise(chelm().issues[3], lang)

    @pytest.mark.parametrize(
        ("lang", "word"),
        [("pl", "liczbę całkowitą"), ("nb", "et heltall"), ("en", "a whole number")],
    )
    def test_the_expected_type_is_named_in_the_language(self, lang: str, word: str) -> None:
        assert word in localise(chelm().issues[1], lang)

    def test_the_voivodeship_a_teryt_code_names_is_given_in_the_language(self) -> None:
        issue = Issue(
            "teryt-voivodeship-mismatch",
            sheet="Applicant",
            cell="C4",
            field="voivodeship",
            value="mazowieckie",
            params={"teryt": "0662011", "expected": "lubelskie"},
        )
        assert localise(issue, "nb") == (
            "TERYT-koden 0662011 hører til voivodskapet Lublin, ikke «mazowieckie»."
        )
        assert "województwo lubelskie" in localise(issue, "pl")

    def test_an_amount_that_is_not_a_number_is_shown_as_given(self) -> None:
        issue = Issue(
            "grant-out-of-range",
            sheet="Project",
            field="requested_grant_eur",
            params={"value": "dużo", "minimum": "1000000.00", "maximum": "n/a"},
        )
        message = normalised(localise(issue, "pl"))
        assert "(dużo EUR)" in message
        assert "od 1 000 000,00 EUR do n/a EUR" in message

    def test_a_whole_number_limit_is_not_grouped_like_money(self) -> None:
        issue = Issue(
            "max",
            sheet="Budget",
            cell="D5",
            field="year",
            value="2031",
            params={"label": "year", "limit": "2030", "value": "2031"},
        )
        assert localise(issue, "nb") == "«År» kan være høyst 2030; verdien er 2031."

    def test_why_a_file_cannot_be_read_is_told_in_the_language(self) -> None:
        empty = Issue("file-unreadable", params={"reason": "the file is empty"})
        csv = Issue("unsupported-format", params={"format": "CSV/text"})
        assert localise(empty, "nb") == "Filen kan ikke leses som en Excel-arbeidsbok: filen er tom"
        assert localise(csv, "pl").startswith("Plik jest w formacie CSV/tekst, a nie")
        assert localise(Issue("unsupported-format", params={"format": "ODS"}), "pl").startswith(
            "Plik jest w formacie ODS,"
        )

    def test_a_cell_reference_is_available_to_every_message(self) -> None:
        issue = Issue("formula-without-value", sheet="Budget", cell="E7")
        assert localise(issue, "pl").startswith("Komórka E7 zawiera formułę")


class TestText:
    def test_an_invalid_file_is_summed_up_and_each_issue_gets_a_line(self, report: Report) -> None:
        lines = render(report, "text", "pl").decode("utf-8").splitlines()
        assert lines[0] == "✘ chełm.xlsx: 4 błędy, 1 ostrzeżenie"
        assert lines[1] == (
            "  Applicant!C6 nip: NIP „1234567890” jest nieprawidłowy: "
            "cyfra kontrolna się nie zgadza."
        )
        assert lines[5] == (
            "  Applicant!C2 city_name (ostrzeżenie): "
            "Z pola „Nazwa miasta” usunięto spacje na początku lub na końcu."
        )
        assert lines[6] == "✔ kristiansand-ringerike.xlsx: poprawny"
        assert lines[-1] == "1 plik zawiera błędy."

    def test_a_valid_file_with_a_warning_is_still_valid(self) -> None:
        warned = FileReport("ringerike.xlsx", [chelm().issues[4]])
        text = render(Report([warned]), "text", "nb").decode("utf-8")
        assert text.splitlines()[0] == "✔ ringerike.xlsx: gyldig, 1 advarsel"
        assert text.endswith("Alle filene er gyldige.\n")

    def test_a_file_level_issue_has_no_location(self) -> None:
        broken = FileReport(
            "konin.xlsx", [Issue("file-too-large", params={"size": "25 MB", "limit": "10 MB"})]
        )
        lines = render(Report([broken]), "text", "en").decode("utf-8").splitlines()
        assert lines[1] == "  The file is too large (25 MB; the limit is 10 MB)."

    def test_control_characters_from_a_file_cannot_break_lines_or_drive_the_terminal(self) -> None:
        text = render(Report([hrubieszow_hostile()]), "text", "en").decode("utf-8")
        assert "\x1b" not in text and "\x07" not in text
        assert "“a|b\ufffdc\ufffd[2J\ufffd”" in text

    def test_an_empty_report_says_that_no_file_was_checked(self) -> None:
        assert render(Report([]), "text", "pl") == "Nie sprawdzono żadnych plików.\n".encode()


class TestJson:
    @pytest.mark.parametrize("lang", LANGS)
    def test_the_json_has_the_stable_fields_in_a_fixed_order(
        self, report: Report, lang: str
    ) -> None:
        data = json.loads(render(report, "json", lang))
        first = data["files"][0]
        assert list(first) == ["file", "valid", "errors", "warnings", "issues"]
        assert (first["file"], first["valid"], first["errors"], first["warnings"]) == (
            "chełm.xlsx",
            False,
            4,
            1,
        )
        assert list(first["issues"][0]) == [
            "code",
            "severity",
            "sheet",
            "cell",
            "field",
            "value",
            "message",
        ]
        assert first["issues"][0] == {
            **first["issues"][0],
            "code": "nip-checksum",
            "severity": "error",
            "sheet": "Applicant",
            "cell": "C6",
            "field": "nip",
            "value": "1234567890",
        }
        assert data["files"][1] == {
            "file": "kristiansand-ringerike.xlsx",
            "valid": True,
            "errors": 0,
            "warnings": 0,
            "issues": [],
        }

    @pytest.mark.parametrize(
        ("lang", "message"),
        [
            ("pl", "NIP „1234567890” jest nieprawidłowy: cyfra kontrolna się nie zgadza."),
            ("nb", "NIP-nummeret «1234567890» er ugyldig: kontrollsifferet stemmer ikke."),
            ("en", "The NIP “1234567890” is not valid: its check digit does not match."),
        ],
    )
    def test_the_message_is_in_the_requested_language(
        self, report: Report, lang: str, message: str
    ) -> None:
        assert (
            json.loads(render(report, "json", lang))["files"][0]["issues"][0]["message"] == message
        )

    def test_letters_are_written_as_utf8_not_escaped(self, report: Report) -> None:
        raw = render(report, "json", "nb")
        assert "chełm.xlsx".encode() in raw and "«Innbyggertall» må være".encode() in raw
        assert b"\\u" not in raw

    def test_the_value_stays_as_the_city_typed_it_while_the_message_is_localised(
        self, report: Report
    ) -> None:
        issue = json.loads(render(report, "json", "pl"))["files"][0]["issues"][2]
        assert issue["value"] == "170000"
        assert "170 000,00 EUR" in normalised(issue["message"])

    def test_the_same_report_gives_the_same_bytes(self, report: Report) -> None:
        assert render(report, "json", "pl") == render(report, "json", "pl")

    def test_an_empty_report_has_no_files(self) -> None:
        assert json.loads(render(Report([]), "json", "en")) == {"files": []}


class _Page(HTMLParser):
    """Tags and the text of every table cell, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.cells: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def page(report: Report, lang: str) -> _Page:
    parser = _Page()
    parser.feed(render(report, "html", lang).decode("utf-8"))
    return parser


class TestHtml:
    @pytest.mark.parametrize("lang", LANGS)
    def test_the_page_declares_its_language_and_heads_its_tables_for_screen_readers(
        self, report: Report, lang: str
    ) -> None:
        tags = page(report, lang).tags
        assert tags[0] == ("html", {"lang": lang})
        headers = [attrs for tag, attrs in tags if tag == "th"]
        assert headers and all(a.get("scope") in ("col", "row") for a in headers)
        assert sum(1 for tag, _ in tags if tag == "caption") == 2

    def test_hostile_values_are_shown_literally_and_never_become_markup(self) -> None:
        hostile = Report([hrubieszow_hostile(), chelm()])
        parsed = page(hostile, "pl")
        assert not [tag for tag, _ in parsed.tags if tag in ("script", "a", "img")]
        assert HOSTILE_NAME in parsed.cells
        assert "Chełm & Synowie" in parsed.cells
        assert '=HYPERLINK("http://evil.example","Kliknij")' in parsed.cells

    def test_a_valid_file_says_no_problems_were_found(self) -> None:
        html = render(Report([kristiansand()]), "html", "nb").decode("utf-8")
        assert "Ingen problemer funnet." in html and "Alle filene er gyldige." in html

    def test_the_page_loads_nothing_from_outside(self, report: Report) -> None:
        tags = page(report, "en").tags
        assert not [t for t, a in tags if t in ("link", "script", "img") or "src" in a]


def issue_rows(data: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(BytesIO(data)).worksheets[1]
    return list(sheet.iter_rows(min_row=2, values_only=True))


class TestXlsx:
    @pytest.mark.parametrize(
        ("lang", "sheets", "header"),
        [
            (
                "pl",
                ["Podsumowanie", "Problemy"],
                ("Plik", "Waga", "Kod", "Arkusz", "Komórka", "Pole", "Wartość", "Komunikat"),
            ),
            (
                "nb",
                ["Sammendrag", "Problemer"],
                ("Fil", "Alvorlighet", "Kode", "Ark", "Celle", "Felt", "Verdi", "Melding"),
            ),
            (
                "en",
                ["Summary", "Issues"],
                ("File", "Severity", "Code", "Sheet", "Cell", "Field", "Value", "Message"),
            ),
        ],
    )
    def test_the_workbook_has_a_summary_and_one_row_per_issue_in_the_language(
        self, report: Report, lang: str, sheets: list[str], header: tuple[str, ...]
    ) -> None:
        workbook = load_workbook(BytesIO(render(report, "xlsx", lang)))
        assert workbook.sheetnames == sheets
        summary, issues = workbook.worksheets
        assert next(issues.iter_rows(max_row=1, values_only=True)) == header
        rows = list(issues.iter_rows(min_row=2, values_only=True))
        assert len(rows) == 5
        assert rows[0][0] == "chełm.xlsx" and rows[0][2:6] == (
            "nip-checksum",
            "Applicant",
            "C6",
            "nip",
        )
        assert summary.max_row == 3

    def test_the_summary_says_yes_or_no_in_the_language(self, report: Report) -> None:
        summary = load_workbook(BytesIO(render(report, "xlsx", "pl"))).worksheets[0]
        assert list(summary.iter_rows(min_row=2, values_only=True)) == [
            ("chełm.xlsx", "nie", 4, 1),
            ("kristiansand-ringerike.xlsx", "tak", 0, 0),
        ]

    def test_values_that_look_like_formulas_are_stored_as_text(self) -> None:
        data = render(Report([hrubieszow_hostile()]), "xlsx", "en")
        sheet = load_workbook(BytesIO(data)).worksheets[1]
        by_value = {row[6].value: row[6] for row in sheet.iter_rows(min_row=2)}
        for formula in FORMULAS:
            cell = by_value[formula]
            assert cell.data_type == "s", formula
            assert cell.quotePrefix or formula == "#REF!", formula
        with zipfile.ZipFile(BytesIO(data)) as archive:
            xml = archive.read("xl/worksheets/sheet2.xml").decode("utf-8")
        assert "<f>" not in xml and 't="e"' not in xml

    def test_the_file_name_cell_of_a_hostile_file_is_text_too(self) -> None:
        summary = load_workbook(BytesIO(render(Report([hrubieszow_hostile()]), "xlsx", "pl")))
        assert summary.worksheets[0]["A2"].value == HOSTILE_NAME + ".xlsx"

    def test_control_characters_that_xml_cannot_hold_are_replaced_not_fatal(self) -> None:
        values = [r[6] for r in issue_rows(render(Report([hrubieszow_hostile()]), "xlsx", "nb"))]
        assert "a|b\nc\ufffd[2J\ufffd" in values

    def test_the_same_report_gives_the_same_bytes(self, report: Report) -> None:
        assert render(report, "xlsx", "nb") == render(report, "xlsx", "nb")

    def test_an_empty_report_is_a_workbook_with_headers_only(self) -> None:
        workbook = load_workbook(BytesIO(render(Report([]), "xlsx", "en")))
        assert [ws.max_row for ws in workbook.worksheets] == [1, 1]


class TestSafeText:
    @pytest.mark.parametrize("text", FORMULAS)
    def test_text_that_starts_like_a_formula_survives_a_save_and_load_as_the_same_text(
        self, text: str
    ) -> None:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        safe_text(sheet["A1"], text)
        buffer = BytesIO()
        workbook.save(buffer)
        cell = load_workbook(BytesIO(buffer.getvalue())).active["A1"]  # type: ignore[index]
        assert (cell.value, cell.data_type) == (text, "s")

    @pytest.mark.parametrize("text", [" =1+1", '\n=HYPERLINK("http://x")', "\u00a0@SUM(A1)"])
    def test_a_formula_behind_leading_whitespace_gets_the_quote_prefix_too(self, text: str) -> None:
        sheet = Workbook().active
        assert sheet is not None
        safe_text(sheet["A1"], text)
        assert sheet["A1"].data_type == "s" and sheet["A1"].quotePrefix

    def test_ordinary_text_gets_no_quote_prefix(self) -> None:
        sheet = Workbook().active
        assert sheet is not None
        safe_text(sheet["A1"], "Kristiansand kommune")
        assert sheet["A1"].data_type == "s" and not sheet["A1"].quotePrefix


class TestFormats:
    @pytest.mark.parametrize("fmt", FORMATS)
    @pytest.mark.parametrize("lang", LANGS)
    def test_an_all_valid_report_renders_in_every_format_and_language(
        self, fmt: str, lang: str
    ) -> None:
        data = render(Report([kristiansand()]), fmt, lang)
        if fmt == "xlsx":
            assert load_workbook(BytesIO(data)).worksheets[0]["A2"].value == (
                "kristiansand-ringerike.xlsx"
            )
        else:
            assert "kristiansand-ringerike.xlsx" in data.decode("utf-8")

    def test_an_unknown_format_is_a_usage_error(self, report: Report) -> None:
        with pytest.raises(ValueError, match="unknown report format"):
            render(report, "pdf", "pl")

    def test_an_unknown_language_is_a_usage_error(self, report: Report) -> None:
        with pytest.raises(ValueError, match="unknown language"):
            render(report, "text", "de")


class TestAFinalReportsReport:
    """A final report's issues name final-report fields: labels and amounts come from
    that form, even on sheets whose names the outline form also uses."""

    report = Report(
        [
            FileReport(
                "raport-lomza.xlsx",
                [
                    Issue("required", sheet="Report", cell="C4", field="title",
                          params={"label": "title"}),
                    Issue("required", sheet="Partnership", cell="B3", field="activity",
                          params={"label": "activity"}),
                    Issue("lump-sum-overspent", sheet="LumpSum", cell="C2",
                          field="lump_sum_spent_eur", value="150000.01",
                          params={"value": "150000.01", "committed": "150000.00"}),
                ],
                form="final_report",
            )
        ]
    )  # fmt: skip

    def test_its_messages_use_the_final_report_forms_labels_and_polish_amounts(self) -> None:
        text = " ".join(render(self.report, "text", "pl").decode("utf-8").split())
        assert "„Tytuł projektu” jest wymagane" in text.replace("Pole ", "")
        assert "„Działanie”" in text
        assert "150 000,01" in text.replace("\u00a0", " ").replace("\u202f", " ")
        assert "150 000,00" in text.replace("\u00a0", " ").replace("\u202f", " ")

    def test_the_form_is_kept_with_the_stored_report(self) -> None:
        stored = self.report.files[0].to_storable()
        assert FileReport.from_storable(stored).form == "final_report"
        legacy = {k: v for k, v in stored.items() if k != "form"}
        assert FileReport.from_storable(legacy).form == "outline"
