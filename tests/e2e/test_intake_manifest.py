"""A big intake batch is one flow run: its paths go by a manifest, not as the run's parameters."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from prefect.settings import PREFECT_API_URL
from typer.testing import CliRunner

from grantflow import config, resources
from grantflow.adapters.manifest import read_manifest
from grantflow.cli import app
from workflows import intake as intake_flow
from workflows.intake import Batch, FileSummary, batch, intake

SAMPLES = resources.samples() / "outlines"
# Prefect's server refuses a flow run whose parameters serialise to more (its default).
PREFECT_PARAMETER_LIMIT = 524_288
GONE = "the file is gone (moved or deleted)"
ARCHIVE_LEVEL = (
    "Zarysy z gmin Łęczyca, Żółkiewka, Świętochłowice, Kędzierzyn-Koźle, Ślęża, Bełżec, "
    "Żnin, Ząbki, Końskie, Jędrzejów, Mońki, Łańcut, Żółkiew, Dęblin, Kłodzko, Świdnik"
)
PREFECT_SETTINGS_OF_THE_COMMAND = (
    "PREFECT_HOME",
    "PREFECT_LOGGING_SETTINGS_PATH",
    "PREFECT_LOGGING_HANDLERS_FILE_FILENAME",
)


def parameters_of(flow_run_id: UUID) -> dict[str, object]:
    """The flow run's parameters as the server keeps them."""
    response = httpx.get(f"{PREFECT_API_URL.value()}/flow_runs/{flow_run_id}")
    response.raise_for_status()
    parameters: dict[str, object] = response.json()["parameters"]
    return parameters


def message(summary: FileSummary) -> str:
    """The one issue of a file that could not be read, as its published report words it."""
    report = json.loads(Path(summary.report_json).read_text(encoding="utf-8"))
    (issue,) = report["files"][0]["issues"]
    return str(issue["message"])


def archived_folder(root: Path) -> Path:
    """A folder of the archive, nested as deep as Linux allows a path (4,096 bytes):
    each path in it is long and Polish, and JSON escapes every Polish letter to 6 bytes."""
    folder = root / "Archiwum naboru 2019"
    while len(os.fsencode(folder / ARCHIVE_LEVEL)) < 3_800:
        folder = folder / ARCHIVE_LEVEL
    return folder


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
class TestABigBatch:
    def test_paths_beyond_prefects_parameter_limit_are_one_completed_run_reporting_every_file(
        self, grantflow_home: Path, tmp_path: Path
    ) -> None:
        folder = tmp_path / "Nabór 2019"
        folder.mkdir()
        shutil.copyfile(SAMPLES / "biala-podlaska.xlsx", folder / "Biała Podlaska.xlsx")
        shutil.copyfile(SAMPLES / "ostrowiec-swietokrzyski.xlsx", folder / "Ostrowiec Św.xlsx")
        # Named in the batch, then moved with their folder before the run: no workbooks
        # to build (the flow's step on a missing file is fast), and each needs its report.
        archive = archived_folder(tmp_path)
        moved = [str(archive / f"Gmina Łączna — zarys nr {n:03d}.xlsx") for n in range(120)]
        paths = [str(folder / "Biała Podlaska.xlsx"), *moved, str(folder / "Ostrowiec Św.xlsx")]
        serialised = len(json.dumps({"files": paths}, separators=(",", ":")))
        assert serialised > PREFECT_PARAMETER_LIMIT  # as files, the server would refuse the run

        given = batch(paths, config.load())
        state = intake(files=given.files, manifest=given.manifest, lang="pl", return_state=True)

        assert state.is_completed()
        summaries: list[FileSummary] = state.result()
        assert [s.file for s in summaries] == [Path(p).name for p in paths]
        assert [(s.city, s.valid) for s in (summaries[0], summaries[-1])] == [
            ("Biała Podlaska", True),
            ("Ostrowiec Świętokrzyski", True),
        ]
        assert {(s.city, s.valid, s.errors) for s in summaries[1:-1]} == {(None, False, 1)}
        assert message(summaries[1]).endswith(": pliku już nie ma (przeniesiono go lub usunięto)")
        parameters = parameters_of(state.state_details.flow_run_id)
        assert parameters["manifest"] == given.manifest
        assert len(json.dumps(parameters)) < 1024

    def test_a_manifest_naming_a_missing_file_reports_it_gone_and_keeps_the_others(
        self, grantflow_home: Path, tmp_path: Path
    ) -> None:
        shutil.copyfile(SAMPLES / "chelm.xlsx", tmp_path / "Chełm.xlsx")
        shutil.copyfile(SAMPLES / "konin.xlsx", tmp_path / "Konin.xlsx")
        manifest = tmp_path / "nabór-wrzesień.txt"
        # As a shell writes it: one path a line. Łomża's file was deleted after listing.
        manifest.write_text(
            "".join(f"{tmp_path / name}\n" for name in ("Chełm.xlsx", "Łomża.xlsx", "Konin.xlsx")),
            encoding="utf-8",
        )

        chelm, lomza, konin = intake(manifest=str(manifest))

        assert [(s.city, s.version_no, s.valid, s.created) for s in (chelm, konin)] == [
            ("Chełm", 1, True, True),
            ("Konin", 1, True, True),
        ]
        assert (lomza.file, lomza.city, lomza.application_id, lomza.valid) == (
            "Łomża.xlsx",
            None,
            None,
            False,
        )
        assert message(lomza).endswith(f": {GONE}")

    def test_grantflow_submit_of_a_folder_passes_a_big_batch_by_its_manifest(
        self, grantflow_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The command sets Prefect's environment for its process: undone after the test.
        for name in PREFECT_SETTINGS_OF_THE_COMMAND:
            monkeypatch.delenv(name, raising=False)
        # Every sample outline counts as a big batch here; 18 real files stand for 10,000.
        monkeypatch.setattr(intake_flow, "FILES_INLINE_BYTES", 0)

        run = CliRunner().invoke(app, ["submit", str(SAMPLES), "--by", "Urząd Miasta Zamość"])

        samples = sorted(SAMPLES.glob("*.xlsx"))
        lines = run.stdout.splitlines()
        for sample in samples:
            assert sum(line.startswith(f"{sample.name}: ") for line in lines) == 1, run.stdout
        assert "zamosc.xlsx: Zamość (TERYT " in run.stdout
        assert run.exit_code == 1  # the invalid samples
        (manifest,) = (grantflow_home / "manifests").iterdir()
        assert manifest.read_text(encoding="utf-8").splitlines() == [str(p) for p in samples]


class TestBatch:
    """What a caller sends as the intake's parameters (``grantflow submit``, the benchmark)."""

    def test_a_citys_few_files_stay_the_runs_parameters_readable_in_prefects_ui(
        self, grantflow_home: Path
    ) -> None:
        files = ["/srv/grantflow/incoming/Chełm.xlsx", "/srv/grantflow/incoming/Chełm v2.xlsx"]
        assert batch(files, config.load()) == Batch(files, None)
        assert not (grantflow_home / "manifests").exists()

    def test_ten_thousand_long_polish_paths_go_by_a_manifest_and_the_parameters_stay_small(
        self, grantflow_home: Path
    ) -> None:
        folder = "/srv/grantflow/incoming/Program „Rozwój Lokalny” — nabór zarysów 2019"
        paths = [f"{folder}/Gmina Łączna — zarys projektu nr {n:05d}.xlsx" for n in range(10_000)]
        assert len(json.dumps({"files": paths}, separators=(",", ":"))) > PREFECT_PARAMETER_LIMIT

        given = batch(paths, config.load())

        assert given.files == []
        assert given.manifest is not None
        assert Path(given.manifest).parent == grantflow_home / "manifests"
        assert len(json.dumps({"files": given.files, "manifest": given.manifest})) < 1024
        assert read_manifest(Path(given.manifest)) == paths
