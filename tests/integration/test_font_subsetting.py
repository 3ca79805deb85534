"""WeasyPrint's fast font subsetting: the demo says plainly when the library is missing."""

from __future__ import annotations

import pytest
from weasyprint.text import ffi

from grantflow.cli.flows import slow_font_subsetting


def test_this_machine_has_harfbuzz_subset_so_the_demo_warns_of_nothing() -> None:
    assert slow_font_subsetting() is None, (
        "install it: sudo apt-get install libharfbuzz-subset0 (tools/install_test_clients.sh)"
    )


def test_without_harfbuzz_subset_the_demo_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    note = slow_font_subsetting()
    assert note is not None
    assert "libharfbuzz-subset0 is missing" in note
    assert note.endswith("sudo apt-get install libharfbuzz-subset0")
