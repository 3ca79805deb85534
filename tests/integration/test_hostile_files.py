"""Hostile and broken uploads get a report, never a crash or a hang.

Each file of the corpus (built by ``tests/integration/hostile.py``) must give
exactly one file-level issue with its stable code. That every call returns at
all is the bound on time; the bound on memory is shown by the limits being
hit before openpyxl loads anything.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from grantflow.adapters import report_render, spreadsheet
from grantflow.adapters.spreadsheet import ReadLimits, read_upload, read_workbook
from grantflow.validation.workbook import RawWorkbook
from tests.integration import hostile


@pytest.fixture
def openpyxl_loads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Records every attempt to hand the file to openpyxl (which still happens)."""
    calls: list[Any] = []
    real = spreadsheet.openpyxl.load_workbook

    def recording(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(spreadsheet.openpyxl, "load_workbook", recording)
    yield calls


def the_one_issue(workbook: RawWorkbook) -> Any:
    assert not workbook.readable
    assert workbook.sheets == {}
    assert len(workbook.issues) == 1, workbook.issues
    issue = workbook.issues[0]
    assert issue.severity == "error"
    assert issue.sheet is None and issue.cell is None
    issue.message()  # every parameter its message needs is there
    return issue


class TestTheHostileCorpus:
    @pytest.mark.parametrize("case", sorted(hostile.CORPUS))
    def test_every_hostile_file_gives_its_issue_and_nothing_else(
        self, case: str, tmp_path: Path, openpyxl_loads: list[Any]
    ) -> None:
        build, code = hostile.CORPUS[case]

        workbook = read_workbook(build(tmp_path))

        assert the_one_issue(workbook).code == code
        assert openpyxl_loads == [], "rejected before openpyxl saw the file"

    @pytest.mark.parametrize("case", sorted(hostile.CORPUS))
    def test_the_digest_of_a_hostile_file_is_still_recorded(
        self, case: str, tmp_path: Path
    ) -> None:
        path = hostile.CORPUS[case][0](tmp_path)

        workbook = read_workbook(path, display_name="upload from Chełm.xlsx")

        assert workbook.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert workbook.file == "upload from Chełm.xlsx"


class TestForeignFormats:
    @pytest.mark.parametrize(
        ("build", "fmt"),
        [
            (hostile.xls_renamed, "XLS"),
            (hostile.ods_renamed, "ODS"),
            (hostile.csv_renamed, "CSV/text"),
            (hostile.xlsb_renamed, "XLSB"),
        ],
    )
    def test_a_renamed_file_is_named_by_its_real_format(
        self, build: Callable[[Path], Path], fmt: str, tmp_path: Path
    ) -> None:
        issue = the_one_issue(read_workbook(build(tmp_path)))

        assert issue.code == "unsupported-format"
        assert issue.params["format"] == fmt

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1250", "utf-16"])
    def test_a_csv_in_any_usual_encoding_is_recognised_as_text(
        self, encoding: str, tmp_path: Path
    ) -> None:
        issue = the_one_issue(read_workbook(hostile.csv_renamed(tmp_path, encoding)))

        assert (issue.code, issue.params["format"]) == ("unsupported-format", "CSV/text")

    def test_a_password_protected_workbook_asks_for_the_password_to_be_removed(
        self, tmp_path: Path
    ) -> None:
        issue = the_one_issue(read_workbook(hostile.encrypted_xlsx(tmp_path)))

        assert "password" in issue.params["reason"]

    def test_a_zip_that_is_no_workbook_says_so(self, tmp_path: Path) -> None:
        issue = the_one_issue(read_workbook(hostile.docx_renamed(tmp_path)))

        assert "not an Excel workbook" in issue.params["reason"]


class TestBombs:
    def test_a_zip_bomb_is_measured_by_its_declared_size(self, tmp_path: Path) -> None:
        issue = the_one_issue(read_workbook(hostile.zip_bomb(tmp_path, unpacked_mb=200)))

        assert issue.code == "file-too-large"
        assert issue.params["size"].startswith("200.")
        assert issue.params["limit"] == "64.0 MB unpacked"

    def test_a_smaller_bomb_is_caught_by_its_compression_ratio(
        self, tmp_path: Path, openpyxl_loads: list[Any]
    ) -> None:
        issue = the_one_issue(read_workbook(hostile.zip_bomb(tmp_path, unpacked_mb=20)))

        assert issue.code == "file-unreadable"
        assert "zip bomb" in issue.params["reason"]
        assert openpyxl_loads == []

    def test_a_forged_member_size_is_believed_and_refused(self, tmp_path: Path) -> None:
        issue = the_one_issue(read_workbook(hostile.lying_zip(tmp_path)))

        assert issue.code == "file-too-large"
        assert issue.params["size"] == f"{4_000_000_000 / 1024 / 1024:.1f} MB unpacked"

    def test_a_member_larger_than_declared_is_never_inflated_beyond_its_declaration(
        self, tmp_path: Path
    ) -> None:
        # The sheet says 10 bytes; zipfile stops there and the CRC check fails.
        issue = the_one_issue(read_workbook(hostile.lying_zip(tmp_path, declared=10)))

        assert issue.code == "file-unreadable"

    @pytest.mark.parametrize(
        "part",
        ["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml", "docProps/core.xml"],
    )
    def test_an_xml_bomb_in_any_part_is_refused_unparsed(
        self, part: str, tmp_path: Path, openpyxl_loads: list[Any]
    ) -> None:
        issue = the_one_issue(read_workbook(hostile.xml_bomb(tmp_path, part)))

        assert issue.code == "file-unreadable"
        assert "entity" in issue.params["reason"]
        assert openpyxl_loads == []

    def test_a_file_over_the_size_limit_is_not_read_into_memory(self, tmp_path: Path) -> None:
        issue = the_one_issue(read_workbook(hostile.too_big_file(tmp_path)))

        # Byte counts, worded per reader: "11,0 MB" in Polish, "11.0 MB" in English.
        assert (issue.params["size"], issue.params["limit"]) == (str(11 * 2**20), str(10 * 2**20))
        nbsp = "\N{NO-BREAK SPACE}"  # a number and its unit stay on one line
        assert f"(11,0{nbsp}MB; limit wynosi 10,0{nbsp}MB)" in report_render.localise(issue, "pl")
        assert f"(11.0{nbsp}MB; the limit is 10.0{nbsp}MB)" in report_render.localise(issue, "en")

    def test_the_limits_are_the_callers_to_choose(self, tmp_path: Path) -> None:
        path = hostile.plain_workbook(tmp_path)
        small = ReadLimits(max_file_bytes=1024)

        issue = the_one_issue(read_workbook(path, limits=small))

        assert issue.code == "file-too-large"
        assert issue.params["limit"] == "1024"
        assert report_render.localised(issue, "nb").params["limit"] == "1\N{NO-BREAK SPACE}kB"

    def test_an_archive_of_thousands_of_parts_is_refused(self, tmp_path: Path) -> None:
        path = hostile.many_parts(tmp_path, count=50)

        issue = the_one_issue(read_workbook(path, limits=ReadLimits(max_members=40)))

        assert issue.code == "file-unreadable"
        assert "parts" in issue.params["reason"]


class TestBrokenButZipped:
    def test_a_sheet_with_malformed_xml_is_unreadable(self, tmp_path: Path) -> None:
        base = hostile.plain_workbook(tmp_path, "base.xlsx")
        path = hostile.rewrite_zip(
            base,
            tmp_path / "broken.xlsx",
            replace={"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c r="},
        )

        issue = the_one_issue(read_workbook(path))

        assert issue.code == "file-unreadable"

    def test_a_missing_file_is_reported_as_gone_rather_than_raising(self, tmp_path: Path) -> None:
        issue = the_one_issue(read_workbook(tmp_path / "Hrubieszów.xlsx"))

        assert issue.code == "file-unreadable"
        assert issue.params["reason"] == "the file is gone (moved or deleted)"


class TestSomethingThatIsNotAFile:
    def test_a_named_pipe_called_like_a_workbook_is_reported_not_waited_on(
        self, tmp_path: Path
    ) -> None:
        fifo = tmp_path / "chelm.xlsx"
        os.mkfifo(fifo)  # nobody ever writes to it: reading would block forever

        workbook = read_workbook(fifo)

        assert not workbook.readable
        assert [(i.code, i.params.get("reason")) for i in workbook.issues] == [
            ("file-unreadable", "it is not a regular file")
        ]


class TestTheBytesThatWereChecked:
    """What is kept of an upload comes from the one read that validated it."""

    def test_a_readable_upload_comes_with_the_exact_bytes_it_was_read_from(
        self, tmp_path: Path
    ) -> None:
        path = hostile.plain_workbook(tmp_path, "chelm.xlsx")

        upload = read_upload(path)

        assert upload.content == path.read_bytes()
        assert upload.workbook.sha256 == hashlib.sha256(upload.content).hexdigest()

    def test_a_rejected_but_small_upload_still_comes_with_its_bytes(self, tmp_path: Path) -> None:
        path = tmp_path / "zamosc.csv.xlsx"
        path.write_bytes("miasto;TERYT\nZamość;0663011\n".encode())

        upload = read_upload(path)

        assert not upload.workbook.readable
        assert upload.content == path.read_bytes()

    def test_an_upload_over_the_limit_is_hashed_whole_but_not_kept_in_memory(
        self, tmp_path: Path
    ) -> None:
        path = hostile.too_big_file(tmp_path, size=3 * 1024 * 1024)

        upload = read_upload(path, limits=ReadLimits(max_file_bytes=1024 * 1024))

        assert upload.content is None
        assert [i.code for i in upload.workbook.issues] == ["file-too-large"]
        assert upload.workbook.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()

    def test_a_file_that_cannot_be_opened_has_neither_bytes_nor_digest(
        self, tmp_path: Path
    ) -> None:
        upload = read_upload(tmp_path / "Hrubieszów.xlsx")

        assert (upload.content, upload.workbook.sha256) == (None, "")
