"""A validation report rendered for people and programs, in pl, nb or en.

One report, four forms: ``text`` (the CLI), ``json`` (SPEC section 4, the
stable interface), ``html`` (the portal, the report files under the home) and
``xlsx`` (a workbook the city opens). Every form gets its
messages from ``localise``: the one place where an issue's parameters are
put into the reader's language (field labels from the form, type words from
the catalog, amounts and dates in the locale's notation).
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from grantflow import resources
from grantflow.adapters.cells import safe_text
from grantflow.adapters.i18n import (
    format_amount,
    format_date,
    format_number,
    format_size,
    translations,
)
from grantflow.adapters.reproducible import workbook_bytes
from grantflow.domain.errors import DocumentError
from grantflow.validation import form
from grantflow.validation.form import FieldDef
from grantflow.validation.report import FileReport, Issue, Report

if TYPE_CHECKING:
    import jinja2

FORMATS = ("text", "json", "html", "xlsx")

# Parameters holding amounts, exchange rates and dates: the validator writes
# them language-neutrally ("150000.00", "4.3117", "2024-04-30").
_AMOUNT_PARAMS = frozenset(
    {"lines", "total", "grant", "cofinancing", "sum", "minimum", "maximum", "committed"}
    | {"planned", "budgeted"}
)
_NUMBER_PARAMS = frozenset({"rate"})
_DATE_PARAMS = frozenset({"first", "final", "start", "end"})
# ``value`` and ``limit`` are values of the issue's own field: how they read
# depends on its type. Integers stay as written (years, line numbers: no
# grouping separators).
_FIELD_VALUE_PARAMS = frozenset({"value", "limit", "was"})
# Parameters whose English text is itself a msgid (why a file cannot be read,
# which format it really is); text the catalog does not know stays English.
_MSGID_PARAMS = frozenset({"reason", "format"})

# --- messages in the reader's language -------------------------------------


def _field_def(form_name: str, sheet: str | None, key: str | None) -> FieldDef | None:
    if sheet is None or key is None:
        return None
    try:
        return form.load(form_name).sheet(sheet).field(key)
    except KeyError:
        return None


def _amount(text: str, lang: str) -> str:
    try:
        return format_amount(Decimal(text), lang)
    except InvalidOperation:
        return text


def _number(text: str, lang: str) -> str:
    try:
        return format_number(Decimal(text), lang)
    except InvalidOperation:
        return text


def _date(text: str, lang: str) -> str:
    try:
        return format_date(date.fromisoformat(text), lang)
    except ValueError:
        return text


def _field_value(text: str, field: FieldDef | None, lang: str) -> str:
    if field is not None and field.type == "money":
        return _amount(text, lang)
    if field is not None and field.type == "date":
        return _date(text, lang)
    return text


def _expected(text: str, field: FieldDef | None, form_name: str, lang: str) -> str:
    """A type word ("a whole number") or, for TERYT, the voivodeship the code names."""
    if field is not None and field.vocabulary is not None:
        for term in form.load(form_name).vocabularies[field.vocabulary]:
            if term.code == text:
                return term.label[lang]
    return translations(lang).gettext(text)


def localised(issue: Issue, lang: str, form_name: str = "outline") -> Issue:
    """``issue`` with its message parameters in ``lang``; code, value and the rest unchanged.

    ``label`` holds the field key (language-neutral) and becomes the label of
    that field in ``lang``, looked up in the issue's sheet of ``form_name``
    (the form the report is about: ``FileReport.form``).
    """
    field = _field_def(form_name, issue.sheet, issue.field)
    params: dict[str, str] = {}
    for name, text in issue.params.items():
        if issue.code == "file-too-large" and text.isdigit():
            params[name] = format_size(int(text), lang)  # a byte count: "10,0 MB" in pl
        elif name == "label":
            label_field = _field_def(form_name, issue.sheet, text)
            params[name] = label_field.label[lang] if label_field is not None else text
        elif name == "expected":
            params[name] = _expected(text, field, form_name, lang)
        elif name in _MSGID_PARAMS:
            params[name] = translations(lang).gettext(text)
        elif name in _AMOUNT_PARAMS:
            params[name] = _amount(text, lang)
        elif name in _NUMBER_PARAMS:
            params[name] = _number(text, lang)
        elif name in _DATE_PARAMS:
            params[name] = _date(text, lang)
        elif name in _FIELD_VALUE_PARAMS:
            params[name] = _field_value(text, field, lang)
        else:
            params[name] = text
    return dataclasses.replace(issue, params=params)


def localise(issue: Issue, lang: str, form_name: str = "outline") -> str:
    """The message of ``issue`` in ``lang``, as every format shows it."""
    return localised(issue, lang, form_name).message(translations(lang).gettext)


def _issue_dict(issue: Issue, lang: str, form_name: str) -> dict[str, Any]:
    """The stable fields of SPEC section 4 with the message in ``lang``."""
    return localised(issue, lang, form_name).to_dict(translations(lang).gettext)


# --- shared wording --------------------------------------------------------


@dataclass(frozen=True)
class _Words:
    """The fixed words of every format, translated once per rendering."""

    lang: str
    title: str
    file: str
    valid: str
    errors: str
    warnings: str
    code: str
    severity: str
    sheet: str
    cell: str
    field: str
    value: str
    message: str
    summary: str
    issues: str
    yes: str
    no: str
    no_problems: str

    @classmethod
    def of(cls, lang: str) -> _Words:
        _ = translations(lang).gettext
        return cls(
            lang=lang,
            title=_("Validation report"),
            file=_("File"),
            valid=_("Valid"),
            errors=_("Errors"),
            warnings=_("Warnings"),
            code=_("Code"),
            severity=_("Severity"),
            sheet=_("Sheet"),
            cell=_("Cell"),
            field=_("Field"),
            value=_("Value"),
            message=_("Message"),
            summary=_("Summary"),
            issues=_("Issues"),
            yes=_("yes"),
            no=_("no"),
            no_problems=_("No problems found."),
        )

    def severity_word(self, severity: str) -> str:
        _ = translations(self.lang).gettext
        return _("warning") if severity == "warning" else _("error")

    def file_status(self, report: FileReport) -> str:
        """``valid``, ``valid, 1 warning`` or ``2 errors, 0 warnings``."""
        t = translations(self.lang)
        warnings = t.ngettext("{count} warning", "{count} warnings", report.warnings)
        warnings = warnings.format(count=report.warnings)
        if report.valid:
            return t.gettext("valid") + (f", {warnings}" if report.warnings else "")
        errors = t.ngettext("{count} error", "{count} errors", report.errors)
        return f"{errors.format(count=report.errors)}, {warnings}"

    def overall(self, report: Report) -> str:
        t = translations(self.lang)
        if not report.files:
            return t.gettext("No files were checked.")
        if report.valid:
            return t.gettext("All files are valid.")
        invalid = sum(1 for f in report.files if not f.valid)
        return t.ngettext("{count} file has errors.", "{count} files have errors.", invalid).format(
            count=invalid
        )

    def caption(self, file: str) -> str:
        return translations(self.lang).gettext("Problems found in {file}").format(file=file)


@dataclass(frozen=True)
class _Row:
    """One issue as the table formats show it."""

    file: str
    code: str
    severity: str  # "error" / "warning": for styling
    severity_word: str
    sheet: str
    cell: str
    field: str
    value: str
    message: str


def _rows(report: FileReport, words: _Words) -> list[_Row]:
    rows = []
    for issue in report.issues:
        data = _issue_dict(issue, words.lang, report.form)
        rows.append(
            _Row(
                file=report.file,
                code=issue.code,
                severity=issue.severity,
                severity_word=words.severity_word(issue.severity),
                sheet=data["sheet"] or "",
                cell=data["cell"] or "",
                field=data["field"] or "",
                value=data["value"] or "",
                message=data["message"],
            )
        )
    return rows


def issue_rows(report: FileReport, lang: str) -> list[_Row]:
    """The issues of one file as a page lists them: sheet, cell, field, message in ``lang``."""
    return _rows(report, _Words.of(lang))


def file_status(report: FileReport, lang: str) -> str:
    """``valid``, ``valid, 1 warning`` or ``2 errors, 0 warnings`` in ``lang``."""
    return _Words.of(lang).file_status(report)


def _one_line(text: str) -> str:
    """Control characters (line breaks, terminal escapes) from a file shown as U+FFFD."""
    return "".join("\ufffd" if unicodedata.category(ch) == "Cc" else ch for ch in text)


# --- text --------------------------------------------------------------------


def _location(issue: Issue) -> str:
    if issue.sheet and issue.cell:
        return f"{issue.sheet}!{issue.cell}"
    return issue.sheet or ""


def _render_text(report: Report, lang: str) -> bytes:
    words = _Words.of(lang)
    lines: list[str] = []
    for file_report in report.files:
        mark = "✔" if file_report.valid else "✘"
        lines.append(f"{mark} {_one_line(file_report.file)}: {words.file_status(file_report)}")
        for issue in file_report.issues:
            where = " ".join(part for part in (_location(issue), issue.field or "") if part)
            if issue.severity == "warning":
                where = f"{where} ({words.severity_word('warning')})".lstrip()
            message = _one_line(localise(issue, lang, file_report.form))
            lines.append(f"  {where}: {message}" if where else f"  {message}")
    lines.append(words.overall(report))
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- json --------------------------------------------------------------------


def _render_json(report: Report, lang: str) -> bytes:
    data = {
        "files": [
            {
                "file": f.file,
                "valid": f.valid,
                "errors": f.errors,
                "warnings": f.warnings,
                "issues": [_issue_dict(issue, lang, f.form) for issue in f.issues],
            }
            for f in report.files
        ]
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- html --------------------------------------------------------------------


@cache
def _html_environment() -> jinja2.Environment:
    import jinja2  # only the html format needs it; the others start without it

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(resources.templates() / "report"),
        autoescape=True,  # file names and cell values are user text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _render_html(report: Report, lang: str) -> bytes:
    words = _Words.of(lang)
    files = [
        {
            "report": f,
            "status": words.file_status(f),
            "caption": words.caption(f.file),
            "rows": _rows(f, words),
        }
        for f in report.files
    ]
    import jinja2

    try:
        template = _html_environment().get_template("validation.html.j2")
        page = template.render(words=words, overall=words.overall(report), files=files)
    except jinja2.TemplateError as exc:
        raise DocumentError(f"cannot render the validation report page: {exc}") from exc
    return page.encode("utf-8")


# --- xlsx --------------------------------------------------------------------


def _table(
    sheet: Worksheet,
    header: tuple[str, ...],
    rows: Iterator[tuple[str | int, ...]],
    widths: tuple[int, ...],
) -> None:
    bold = Font(bold=True)
    for column, title in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column)
        safe_text(cell, title)
        cell.font = bold
        sheet.column_dimensions[get_column_letter(column)].width = widths[column - 1]
    last_row = 1
    for last_row, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=last_row, column=column)
            if isinstance(value, int):
                cell.value = value
            else:
                safe_text(cell, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last_row}"


def _render_xlsx(report: Report, lang: str) -> bytes:
    words = _Words.of(lang)
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None  # a new workbook always has its first sheet
    summary.title = words.summary
    _table(
        summary,
        (words.file, words.valid, words.errors, words.warnings),
        ((f.file, words.yes if f.valid else words.no, f.errors, f.warnings) for f in report.files),
        (40, 10, 10, 12),
    )
    issues = workbook.create_sheet(words.issues)
    _table(
        issues,
        (
            words.file,
            words.severity,
            words.code,
            words.sheet,
            words.cell,
            words.field,
            words.value,
            words.message,
        ),
        (
            (r.file, r.severity_word, r.code, r.sheet, r.cell, r.field, r.value, r.message)
            for f in report.files
            for r in _rows(f, words)
        ),
        (30, 12, 24, 14, 8, 22, 30, 80),
    )
    workbook.properties.title = words.title
    workbook.properties.creator = "grantflow"
    workbook.properties.language = lang
    return workbook_bytes(workbook)


# --- entry point -------------------------------------------------------------

_RENDERERS: Mapping[str, Callable[[Report, str], bytes]] = {
    "text": _render_text,
    "json": _render_json,
    "html": _render_html,
    "xlsx": _render_xlsx,
}


def render(report: Report, fmt: str, lang: str) -> bytes:
    """``report`` as ``fmt`` (one of ``FORMATS``) in ``lang`` (pl, nb, en), UTF-8 for text forms.

    Raises ``ValueError`` for an unknown format or language (a usage error).
    """
    renderer = _RENDERERS.get(fmt)
    if renderer is None:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    translations(lang)  # an unknown language fails here, before any work
    return renderer(report, lang)
