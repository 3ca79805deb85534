"""Names made safe for keys and files: ``Hrubieszów`` -> ``hrubieszow``."""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent.
_ASCII = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "đ": "d"})


def slug(text: str) -> str:
    """Lowercase ASCII letters, digits and single dashes (Prefect artifact keys, file names)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII))
    ascii_text = decomposed.encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split()) or "file"
