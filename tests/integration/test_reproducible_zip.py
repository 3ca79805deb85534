"""The stable zip rewrite: the archive's contents untouched, only dates and order fixed."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import datetime

import pytest

from grantflow.adapters.reproducible import ZIP_EPOCH, stable_zip

SIGNED = (2021, 6, 14, 9, 30, 0)  # when the Chełm–Kristiansand agreement was signed
PARTS = {
    "word/document.xml": "<w:t>Umowa partnerska: Chełm – Kristiansand, 120 000,00 EUR</w:t>" * 200,
    "[Content_Types].xml": '<Types><Default Extension="xml"/></Types>',
    "docProps/core.xml": "<dc:title>Wniosek: Zielony Chełm (Łódź, Tromsø)</dc:title>",
    "word/media/herb-Zamościa.png": "\x89PNG not really",
    "_rels/.rels": "<Relationships/>",
}


def _zipped(parts: dict[str, str], when: tuple[int, int, int, int, int, int]) -> bytes:
    """The parts in the order given, dated ``when``, as python-docx and openpyxl write them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=when), text)
    return buffer.getvalue()


def _contents(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None  # every entry inflates to its recorded CRC-32
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_every_part_reads_back_unchanged_with_its_crc_checked() -> None:
    rewritten = stable_zip(_zipped(PARTS, SIGNED))
    assert _contents(rewritten) == PARTS


def test_content_types_come_first_then_the_parts_by_name_all_dated_1980() -> None:
    with zipfile.ZipFile(io.BytesIO(stable_zip(_zipped(PARTS, SIGNED)))) as z:
        infos = z.infolist()
    assert [info.filename for info in infos] == [
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/core.xml",
        "word/document.xml",
        "word/media/herb-Zamościa.png",
    ]
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o644}


def test_the_same_parts_written_at_other_times_in_another_order_give_the_same_bytes() -> None:
    morning = _zipped(PARTS, SIGNED)
    reversed_parts = dict(reversed(PARTS.items()))
    evening = _zipped(reversed_parts, time.localtime(time.time())[:6])
    assert morning != evening
    assert stable_zip(morning) == stable_zip(evening)


def test_rewriting_a_rewritten_archive_changes_nothing() -> None:
    once = stable_zip(_zipped(PARTS, SIGNED))
    assert stable_zip(once) == once


def test_a_non_ascii_part_name_is_flagged_utf8_as_zipfile_flags_it() -> None:
    with zipfile.ZipFile(io.BytesIO(stable_zip(_zipped(PARTS, SIGNED)))) as z:
        flags = {info.filename: info.flag_bits & 0x800 for info in z.infolist()}
    assert flags["word/media/herb-Zamościa.png"] == 0x800
    assert flags["word/document.xml"] == 0


def test_another_date_is_recorded_to_the_two_seconds_a_zip_can_hold() -> None:
    rewritten = stable_zip(
        _zipped(PARTS, ZIP_EPOCH.timetuple()[:6]), datetime(2020, 3, 16, 12, 7, 59)
    )
    with zipfile.ZipFile(io.BytesIO(rewritten)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2020, 3, 16, 12, 7, 58)}


def test_an_archive_neither_python_docx_nor_openpyxl_writes_is_refused_by_name() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("word/document.xml", PARTS["word/document.xml"])
    with pytest.raises(ValueError, match=r"word/document\.xml: not an entry"):
        stable_zip(buffer.getvalue())
