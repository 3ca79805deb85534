"""A manifest names a batch of uploads, a path per line, and gives back exactly those paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grantflow.adapters.manifest import read_manifest, write_manifest
from grantflow.domain.errors import StorageError

INCOMING = "/srv/grantflow/incoming/nabór-2019"


class TestManifest:
    def test_polish_and_norwegian_names_come_back_exactly_in_their_order(
        self, tmp_path: Path
    ) -> None:
        paths = [
            f"{INCOMING}/Biała Podlaska.xlsx",
            f"{INCOMING}/Kędzierzyn-Koźle.xlsx",
            f"{INCOMING}/partnerzy/Tromsø  –  Bærum.xlsx",
            f"{INCOMING}/Łomża.xlsx",
        ]
        manifest = write_manifest(tmp_path / "manifests", paths, kind="intake")
        assert read_manifest(manifest) == paths
        assert manifest.read_text(encoding="utf-8").splitlines()[0].endswith("Biała Podlaska.xlsx")

    def test_a_name_with_a_line_separator_character_stays_one_path(self, tmp_path: Path) -> None:
        # U+2028 and U+001C are legal in a Linux file name; str.splitlines() splits at both.
        paths = [f"{INCOMING}/Chełm\u2028wersja 2.xlsx", f"{INCOMING}/Zamość\x1cpoprawka.xlsx"]
        assert read_manifest(write_manifest(tmp_path, paths, kind="intake")) == paths

    def test_a_name_that_is_not_utf_8_is_kept_byte_for_byte(self, tmp_path: Path) -> None:
        # "Łódź" written by an old Windows-1250 archive: not UTF-8, still a Linux file name.
        legacy = os.fsdecode(INCOMING.encode() + b"/\xa3\xf3d\x9f.xlsx")
        (path,) = read_manifest(write_manifest(tmp_path, [legacy], kind="intake"))
        assert os.fsencode(path) == os.fsencode(legacy)

    def test_a_name_with_a_line_break_is_refused_rather_than_split_in_two(
        self, tmp_path: Path
    ) -> None:
        with pytest.raises(ValueError, match="line break"):
            write_manifest(tmp_path, [f"{INCOMING}/Nysa\nkopia.xlsx"], kind="intake")

    def test_the_same_batch_again_rewrites_its_manifest_rather_than_adding_one(
        self, tmp_path: Path
    ) -> None:
        batch = [f"{INCOMING}/Hrubieszów.xlsx", f"{INCOMING}/Wałbrzych.xlsx"]
        first = write_manifest(tmp_path, batch, kind="intake")
        again = write_manifest(tmp_path, batch, kind="intake")
        other = write_manifest(tmp_path, batch[:1], kind="intake")
        assert first == again != other
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted({first.name, other.name})

    def test_a_hand_written_manifest_reads_relative_names_from_its_own_folder(
        self, tmp_path: Path
    ) -> None:
        # As `ls > wnioski.txt` in the uploads' folder writes it: no blank line counts.
        manifest = tmp_path / "wnioski.txt"
        manifest.write_text("Skarżysko-Kamienna.xlsx\n\n/srv/inne/Hajnówka.xlsx\n", "utf-8")
        assert read_manifest(manifest) == [
            str(tmp_path / "Skarżysko-Kamienna.xlsx"),
            "/srv/inne/Hajnówka.xlsx",
        ]

    def test_a_manifest_that_is_not_there_is_a_storage_error_naming_it(
        self, tmp_path: Path
    ) -> None:
        with pytest.raises(StorageError, match=r"intake-zniknął\.txt"):
            read_manifest(tmp_path / "intake-zniknął.txt")
