"""The intake flow under Prefect's test server: files in, versions stored, reports published."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from prefect.exceptions import ParameterTypeError
from prefect.flows import Flow, load_flow_from_entrypoint
from prefect.settings import PREFECT_API_URL

from grantflow import resources
from grantflow.adapters.store import SqlUnitOfWork, make_engine
from workflows.intake import FileSummary, chunks, intake, slug

SAMPLES = resources.samples() / "outlines"
ROOT = Path(__file__).resolve().parents[2]


def _run(*paths: Path, submitted_by: str = "urząd miasta") -> list[FileSummary]:
    return intake(files=[str(p) for p in paths], submitted_by=submitted_by, lang="pl")


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
class TestIntakeFlow:
    def test_each_file_becomes_a_version_of_its_city_with_its_report(
        self, grantflow_home: Path
    ) -> None:
        summaries = _run(SAMPLES / "chelm.xlsx", SAMPLES / "invalid-nip-chelm.xlsx")
        chelm, corrected = summaries
        assert (chelm.city, chelm.teryt, chelm.version_no, chelm.valid) == (
            "Chełm",
            "0662011",
            1,
            True,
        )
        assert (corrected.city, corrected.version_no, corrected.valid) == ("Chełm", 2, False)
        assert corrected.errors >= 1
        assert chelm.application_id == corrected.application_id
        for summary in summaries:
            assert Path(summary.report_html).is_file()
            assert Path(summary.report_json).read_text(encoding="utf-8").startswith("{")
        engine = make_engine(f"sqlite:///{grantflow_home / 'grantflow.db'}")
        try:
            uow = SqlUnitOfWork(engine)
            with uow:
                history = uow.submissions.for_application(chelm.application_id or 0)
        finally:
            engine.dispose()
        assert [(s.version_no, s.submitted_by) for s in history] == [
            (1, "urząd miasta"),
            (2, "urząd miasta"),
        ]
        assert (grantflow_home / history[0].stored_path).read_bytes() == (
            SAMPLES / "chelm.xlsx"
        ).read_bytes()

    def test_every_report_is_published_as_a_markdown_artifact(self, grantflow_home: Path) -> None:
        _run(SAMPLES / "hrubieszow.xlsx")
        # Plain HTTP: prefect 3.8's client sends nulls for unset filter fields,
        # which this server version refuses (422).
        response = httpx.post(
            f"{PREFECT_API_URL.value()}/artifacts/filter",
            json={"artifacts": {"key": {"any_": ["validation-hrubieszow"]}}},
        )
        response.raise_for_status()
        artifacts = response.json()
        assert [a["type"] for a in artifacts] == ["markdown"]
        assert "hrubieszow.xlsx" in artifacts[0]["data"]

    def test_running_the_flow_again_stores_nothing_new(self, grantflow_home: Path) -> None:
        first = _run(SAMPLES / "konin.xlsx", SAMPLES / "zamosc.xlsx")
        again = _run(SAMPLES / "konin.xlsx", SAMPLES / "zamosc.xlsx")
        assert [s.created for s in first] == [True, True]
        assert [s.created for s in again] == [False, False]
        assert [s.version_no for s in again] == [s.version_no for s in first]

    def test_an_unreadable_upload_is_kept_with_its_report_and_no_city(
        self, grantflow_home: Path, tmp_path: Path
    ) -> None:
        broken = tmp_path / "zepsuty-wniosek-łomża.xlsx"
        broken.write_bytes(b"To nie jest arkusz, tylko tekst.")
        (summary,) = _run(broken)
        assert (summary.city, summary.version_no, summary.valid) == (None, None, False)
        assert summary.created
        assert Path(summary.report_html).is_file()


class TestFlowHelpers:
    def test_files_are_validated_in_chunks_not_one_task_each(self) -> None:
        files = [f"miasto-{n}.xlsx" for n in range(60)]
        assert [len(c) for c in chunks(files, 25)] == [25, 25, 10]
        assert [f for c in chunks(files, 25) for f in c] == files

    def test_artifact_keys_are_plain_ascii_even_for_polish_and_norwegian_names(self) -> None:
        assert slug("Hrubieszów") == "hrubieszow"
        assert slug("Łódź") == "lodz"
        assert slug("Kędzierzyn-Koźle") == "kedzierzyn-kozle"
        assert slug("Bærum / Tromsø") == "baerum-tromso"
        assert slug("Ostrowiec Świętokrzyski") == "ostrowiec-swietokrzyski"


class TestDeployments:
    def test_every_deployment_in_prefect_yaml_names_a_flow_that_accepts_its_parameters(
        self,
    ) -> None:
        project = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
        names = []
        for deployment in project["deployments"]:
            loaded: Flow[..., Any] = load_flow_from_entrypoint(str(ROOT / deployment["entrypoint"]))
            parameters = {"files": ["/srv/uploads/chelm.xlsx"], **deployment["parameters"]}
            assert loaded.validate_parameters(parameters)["files"] == parameters["files"]
            names.append(deployment["name"])
        assert names == ["intake"]

    def test_a_language_without_translations_is_refused_before_the_run(self) -> None:
        with pytest.raises(ParameterTypeError):
            intake.validate_parameters({"files": ["chelm.xlsx"], "lang": "de"})
