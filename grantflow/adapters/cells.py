"""Writing user text into generated spreadsheets without formula injection.

openpyxl turns any string starting with ``=`` into a formula and strings like
``#REF!`` into error values; Excel and LibreOffice also treat text starting
with ``+``, ``-`` or ``@`` (and a leading tab or carriage return before them)
as a formula once the user edits the cell. A value a city typed (a phone
number ``+48 82 562 10 00``, a hostile ``=HYPERLINK(...)``) must come back as
the same text, never run.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

# The first characters that make a spreadsheet program read text as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Control characters that are not allowed in XML (openpyxl refuses them with an
# exception); each becomes U+FFFD so the reader sees that something was there.
_REPLACEMENT = "\ufffd"


def safe_text(cell: Cell, text: str) -> None:
    """Store ``text`` in ``cell`` as a plain string, shown and kept as text.

    The cell is typed as a string (no formula, no error value), and text that
    starts like a formula gets Excel's quote prefix (the invisible leading
    apostrophe), so editing the cell later does not turn it into a formula.
    """
    cleaned = ILLEGAL_CHARACTERS_RE.sub(_REPLACEMENT, text)
    cell.value = cleaned
    cell.data_type = "s"
    # " =1+1" or "\n=1+1" becomes a formula too once a spreadsheet program
    # trims it on edit, so leading whitespace does not hide the trigger.
    if cleaned.lstrip(" \n\u00a0").startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
