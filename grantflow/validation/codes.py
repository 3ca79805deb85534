"""The catalogue of issue codes: the stable interface of every report.

Each message is an English gettext msgid; ``grantflow/locale/<lang>/LC_MESSAGES
/grantflow.po`` translates it. Placeholders: ``{field}``, ``{value}``,
``{sheet}``, ``{cell}`` are always available; others are named per code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IssueType:
    code: str
    title: str
    message: str


_TYPES = [
    # The file as a whole.
    IssueType(
        "file-unreadable",
        "File unreadable",
        "The file cannot be read as an Excel workbook: {reason}",
    ),
    IssueType(
        "unsupported-format",
        "Unsupported format",
        "The file is in {format} format, not an Excel .xlsx workbook. "
        "Open it in Excel or LibreOffice and save it as .xlsx.",
    ),
    IssueType(
        "macro-enabled-workbook",
        "Macro-enabled workbook",
        "The workbook contains macros. Macros are not accepted: save it as a plain .xlsx workbook.",
    ),
    IssueType(
        "file-too-large", "File too large", "The file is too large ({size}; the limit is {limit})."
    ),
    IssueType(
        "sheet-missing",
        "Sheet missing",
        "The sheet \u201c{sheet}\u201d is missing. Use the blank form without renaming sheets.",
    ),
    IssueType(
        "sheet-too-large",
        "Sheet too large",
        "The sheet \u201c{sheet}\u201d has {rows} rows; at most {limit} are read.",
    ),
    IssueType(
        "part-checksum-mismatch",
        "Damaged part read as empty",
        "The part {part} of the file is damaged (its checksum does not match) and was read "
        "as empty, as LibreOffice shows it. Check the values and save the file again.",
    ),
    IssueType(
        "part-unreadable",
        "Damaged sheet read as empty",
        "The sheet \u201c{sheet}\u201d is damaged in the file (its part {part} cannot be "
        "unpacked) and was read as empty, as LibreOffice shows it. Fill in that sheet again, "
        "or save the file again from the program it was filled in with.",
    ),
    IssueType(
        "formula-without-value",
        "Formula without value",
        "Cell {cell} holds a formula that has no computed value. "
        "Open and save the file in Excel or LibreOffice, or type the value.",
    ),
    # Field rules (cerberus).
    IssueType("required", "Required value missing", "\u201c{label}\u201d is required."),
    IssueType(
        "type", "Wrong type", "\u201c{label}\u201d must be {expected}; \u201c{value}\u201d is not."
    ),
    IssueType(
        "allowed",
        "Value not allowed",
        "\u201c{value}\u201d is not allowed for \u201c{label}\u201d. Allowed: {allowed}.",
    ),
    IssueType(
        "min", "Value too small", "\u201c{label}\u201d must be at least {limit}; it is {value}."
    ),
    IssueType(
        "max", "Value too large", "\u201c{label}\u201d must be at most {limit}; it is {value}."
    ),
    IssueType(
        "maxlength",
        "Text too long",
        "\u201c{label}\u201d may have at most {limit} characters; it has {length}.",
    ),
    IssueType(
        "unknown-field",
        "Unknown field",
        "The key \u201c{value}\u201d is not part of the form and was ignored.",
    ),
    IssueType(
        "duplicate-field",
        "Field given twice",
        "\u201c{label}\u201d is given more than once; the first value is used.",
    ),
    # Domain rules.
    IssueType(
        "nip-checksum",
        "Invalid NIP",
        "The NIP \u201c{value}\u201d is not valid: its check digit does not match.",
    ),
    IssueType(
        "teryt-format",
        "Invalid TERYT code",
        "The TERYT code \u201c{value}\u201d is not valid: it must have 7 digits "
        "(voivodeship 02-32, county, commune, type).",
    ),
    IssueType(
        "teryt-voivodeship-mismatch",
        "TERYT and voivodeship disagree",
        "The TERYT code {teryt} belongs to the {expected} voivodeship, not to \u201c{value}\u201d.",
    ),
    IssueType(
        "email-format",
        "Invalid e-mail address",
        "\u201c{value}\u201d is not a valid e-mail address.",
    ),
    IssueType(
        "date-outside-window",
        "Date outside the eligibility window",
        "{label} {value} is outside the eligibility window ({first} to {final}).",
    ),
    IssueType(
        "end-before-start",
        "End before start",
        "The project ends ({value}) before it starts ({start}).",
    ),
    IssueType(
        "budget-total-mismatch",
        "Budget lines do not add up",
        "The budget lines add up to EUR {lines} (PLN converted at {rate} PLN/EUR), "
        "but the total budget is EUR {total}.",
    ),
    IssueType(
        "grant-sum-mismatch",
        "Grant and co-financing do not add up",
        "Requested grant EUR {grant} plus co-financing EUR {cofinancing} is EUR {sum}, "
        "but the total budget is EUR {total}.",
    ),
    IssueType(
        "grant-out-of-range",
        "Grant outside the allowed range",
        "The requested grant EUR {value} is outside the allowed range "
        "EUR {minimum} to EUR {maximum}.",
    ),
    IssueType(
        "lump-sum-missing",
        "Partnership lump sum missing",
        "A partner is wanted, so the budget needs one line of category partnership_lump_sum.",
    ),
    IssueType(
        "lump-sum-out-of-range",
        "Partnership lump sum outside the band",
        "The partnership lump sum is EUR {value}; it must be between "
        "EUR {minimum} and EUR {maximum}.",
    ),
    IssueType(
        "lump-sum-duplicate",
        "More than one partnership lump sum",
        "The budget has {count} partnership_lump_sum lines; exactly one is allowed.",
    ),
    IssueType(
        "lump-sum-unwanted",
        "Lump sum without a partnership",
        "The budget has a partnership lump sum, but no partner is wanted.",
    ),
    IssueType(
        "city-not-eligible",
        "City not eligible",
        "{value} (TERYT {teryt}) is not on the programme's list of eligible cities.",
    ),
    IssueType("table-empty", "Table empty", "The sheet \u201c{sheet}\u201d has no data rows."),
    IssueType(
        "text-trimmed",
        "Spaces removed",
        "Leading or trailing spaces were removed from \u201c{label}\u201d.",
    ),
    # The final report.
    IssueType(
        "lump-sum-overspent",
        "Lump sum spent exceeds the commitment",
        "The lump sum spent is EUR {value}, but only EUR {committed} was committed "
        "by the partnership agreement.",
    ),
    # The Stage 2 proposal.
    IssueType(
        "not-shortlisted",
        "City not shortlisted",
        "{value} (TERYT {teryt}) was not shortlisted in the call {call}: "
        "only shortlisted cities submit a Stage 2 proposal.",
    ),
    IssueType(
        "unknown-objective",
        "Unknown objective",
        "Objective {value} is not in the development plan (sheet DevelopmentPlan).",
    ),
    IssueType(
        "unknown-budget-line",
        "Unknown budget line",
        "Budget line {value} is not in the budget (sheet Budget).",
    ),
    IssueType(
        "objective-without-action",
        "Objective without an action",
        "Objective {value} has no action in the implementation plan.",
    ),
    IssueType(
        "objective-without-indicator",
        "Objective without an indicator",
        "Objective {value} has no indicator (sheet Indicators, column objective_no).",
    ),
    IssueType(
        "action-outside-project",
        "Action outside the project's dates",
        "Action {action}: {label} {value} is outside the project's dates ({start} to {end}).",
    ),
    IssueType(
        "action-end-before-start",
        "Action ends before it starts",
        "Action {action} ends ({value}) before it starts ({start}).",
    ),
    IssueType(
        "plan-cost-mismatch",
        "Implementation plan and budget disagree",
        "The implementation plan pays EUR {planned} from budget line {line}, "
        "but the line is EUR {budgeted}.",
    ),
    IssueType(
        "lump-sum-line-mismatch",
        "Wrong lump-sum line",
        "The partnership lump sum is budget line {expected}, not \u201c{value}\u201d.",
    ),
    IssueType(
        "carried-forward-changed",
        "Changed since the outline",
        "\u201c{label}\u201d was \u201c{was}\u201d in the outline; "
        "the proposal says \u201c{value}\u201d.",
    ),
    IssueType(
        "carried-forward-added",
        "Added since the outline",
        "Row {key} of \u201c{sheet}\u201d is new: the outline did not have it.",
    ),
    IssueType(
        "carried-forward-removed",
        "Removed since the outline",
        "Row {key} of \u201c{sheet}\u201d in the outline is no longer in the proposal.",
    ),
]

CODES: dict[str, IssueType] = {t.code: t for t in _TYPES}
