"""The reader survives anything: the project's own blank form, mutated, always gets a report.

Hypothesis mutates the form two ways: its bytes (flipped, overwritten, cut
short: broken zip headers, deflate streams, CRCs) and the XML of one of its
parts (slices deleted, doubled or swapped, then zipped again: broken
markup that still unzips). Whatever it makes, checking the file returns a
report that renders as JSON, with no exception. The deadline is a guard
against a hang, not a performance goal (benchmarks/ measures speed); the
longer run is ``benchmarks/bench_fuzz.py``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grantflow import checking
from grantflow.adapters import report_render
from grantflow.validation.programme_file import load_programme
from grantflow.validation.report import Report
from tests.integration.mutations import (
    XML_EDITS,
    ByteEdit,
    XmlEdit,
    blank_form,
    with_bytes_changed,
    with_xml_changed,
    xml_parts,
)

CALL = "stage1-outline"
# A file that takes longer than this is hanging, not slow (a clean one takes ~0.05 s).
HANG = timedelta(seconds=20)
FUZZ = settings(
    max_examples=1000,
    deadline=HANG,
    derandomize=True,  # the same examples in every CI run: a failure reproduces
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _checked_cleanly(tmp_path: Path, data: bytes) -> None:
    """Check the file as ``grantflow validate`` does; its report must render as JSON."""
    path = tmp_path / "zamosc.xlsx"
    path.write_bytes(data)
    _, result = checking.check_file(path, load_programme(), CALL)
    rendered = json.loads(report_render.render(Report([result.report]), "json", "pl"))
    (file,) = rendered["files"]
    assert file["file"] == "zamosc.xlsx"
    # A broken file is reported broken, never silently valid with nothing read.
    assert file["valid"] is (result.outline is not None)


SIZE = len(blank_form())
byte_edits = st.lists(
    st.tuples(st.integers(0, SIZE - 1), st.integers(0, 255)), min_size=1, max_size=8
)
cut_at = st.none() | st.integers(1, SIZE)
xml_edits = st.lists(
    st.tuples(
        st.integers(0, 20_000),
        st.integers(0, 64),
        st.sampled_from(XML_EDITS),
        st.binary(max_size=16),
    ),
    min_size=1,
    max_size=4,
)


class TestAMutatedFormAlwaysGetsAReport:
    def test_the_unmutated_form_is_read_and_reported(self, tmp_path: Path) -> None:
        _checked_cleanly(tmp_path, blank_form())

    @FUZZ
    @given(edits=byte_edits, cut=cut_at)
    def test_whatever_its_bytes_say(
        self, tmp_path: Path, edits: list[ByteEdit], cut: int | None
    ) -> None:
        _checked_cleanly(tmp_path, with_bytes_changed(edits, cut))

    @FUZZ
    @given(part=st.sampled_from(xml_parts(blank_form())), edits=xml_edits)
    def test_whatever_its_xml_says(self, tmp_path: Path, part: str, edits: list[XmlEdit]) -> None:
        _checked_cleanly(tmp_path, with_xml_changed(part, edits))
