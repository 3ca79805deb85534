"""How the renderer leaves its output and its process: whole files, an untouched environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grantflow.adapters.documents.renderer import TemplateRenderer
from grantflow.domain.errors import DocumentError
from grantflow.services.documents.rendering import Format, GeneratedDocument
from tests.unit.document_factories import chelm_decision_request


def _decision_letter(fmt: Format, target: Path) -> GeneratedDocument:
    return TemplateRenderer().render(chelm_decision_request(fmt, target))


class TestTheFileWritten:
    def test_a_new_letter_replaces_the_old_one_only_once_it_is_complete(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        target = tmp_path / "decyzja-chelm.docx"
        target.write_bytes(b"the letter of yesterday")
        seen_before_the_swap: list[bytes] = []
        replace = os.replace

        def watching_replace(source: str, destination: Path) -> None:
            seen_before_the_swap.append(Path(destination).read_bytes())
            replace(source, destination)

        monkeypatch.setattr(os, "replace", watching_replace)
        letter = _decision_letter("docx", target)
        assert seen_before_the_swap == [b"the letter of yesterday"]
        assert target.read_bytes()[:2] == b"PK"
        assert letter.size == target.stat().st_size
        assert sorted(p.name for p in tmp_path.iterdir()) == ["decyzja-chelm.docx"]

    def test_a_target_that_cannot_be_written_is_a_document_error(self, tmp_path: Path) -> None:
        (tmp_path / "decyzje").write_text("a file where the folder should be", encoding="utf-8")
        with pytest.raises(DocumentError, match="cannot write the decision"):
            _decision_letter("docx", tmp_path / "decyzje" / "decyzja-chelm.docx")


class TestTheProcessEnvironment:
    def test_writing_a_pdf_leaves_no_source_date_epoch_behind(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
        _decision_letter("pdf", tmp_path / "decyzja-chelm.pdf")
        assert "SOURCE_DATE_EPOCH" not in os.environ

    def test_a_source_date_epoch_the_caller_exported_is_kept(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1577836800")  # 2020-01-01, the caller's choice
        _decision_letter("pdf", tmp_path / "decyzja-chelm.pdf")
        assert os.environ["SOURCE_DATE_EPOCH"] == "1577836800"
