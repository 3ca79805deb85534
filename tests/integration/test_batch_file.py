"""A batch file hands a flow its work by reference, exactly, and only from its own folder."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from grantflow.adapters.batch_file import read_batch, write_batch
from grantflow.domain.errors import StorageError

AGREEMENT = {
    "city": "Skarżysko-Kamienna",
    "donor": "Kongsberg kommune",
    "lump_sum_eur": Decimal("149400.07"),
    "signed_on": date(2021, 6, 14),
}


def test_what_goes_in_comes_back_exactly_amounts_dates_and_letters_included(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "batches"
    both = [AGREEMENT, {**AGREEMENT, "city": "Łomża"}]
    path = write_batch(folder, both, kind="documents")
    assert path.parent == folder and path.name.startswith("documents-")
    assert read_batch(folder, path) == both
    assert write_batch(folder, both, kind="documents") == path  # the same batch, the same file


def test_a_file_outside_the_batch_folder_is_not_read(tmp_path: Path) -> None:
    elsewhere = write_batch(tmp_path / "elsewhere", [AGREEMENT], kind="documents")
    with pytest.raises(StorageError, match="only from"):
        read_batch(tmp_path / "batches", elsewhere)
    with pytest.raises(StorageError, match="only from"):
        read_batch(tmp_path / "batches", tmp_path / "batches" / ".." / "elsewhere" / elsewhere.name)


def test_a_missing_or_damaged_batch_file_is_a_storage_error_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "batches"
    folder.mkdir()
    (folder / "documents-uszkodzony.pickle").write_bytes(b"not a pickle")
    for name in ("documents-brak.pickle", "documents-uszkodzony.pickle"):
        with pytest.raises(StorageError, match=name):
            read_batch(folder, folder / name)
