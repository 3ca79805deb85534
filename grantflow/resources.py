"""Where the shipped data lives: templates/, schemas/ and samples/.

They are top-level folders in the repository (operators edit them) and are
copied into ``grantflow/_resources`` in the wheel. Both layouts are found
relative to this file, never to the current directory.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def root() -> Path:
    for candidate in (_PACKAGE / "_resources", _PACKAGE.parent):
        if (candidate / "schemas").is_dir():
            return candidate
    raise RuntimeError(f"grantflow's schemas/ folder is missing next to {_PACKAGE}")


def schemas() -> Path:
    return root() / "schemas"


def templates() -> Path:
    return root() / "templates"


def samples() -> Path:
    return root() / "samples"


def locale() -> Path:
    """gettext catalogs (.po) live inside the package: they are code's messages."""
    return _PACKAGE / "locale"
