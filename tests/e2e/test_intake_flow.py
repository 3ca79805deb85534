"""The intake flow under Prefect's test server: files in, versions stored, reports published."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml
from prefect.client.schemas.schedules import CronSchedule
from prefect.exceptions import ParameterTypeError
from prefect.flows import Flow, load_flow_from_entrypoint
from prefect.settings import PREFECT_API_URL
from prefect.task_runners import ProcessPoolTaskRunner

from grantflow import config, resources
from grantflow.adapters.store import SqlUnitOfWork, make_engine, migrate
from grantflow.domain.names import slug
from grantflow.services import intake as intake_service
from grantflow.services.intake import Applicant, SubmissionOutcome
from grantflow.services.ports.applications import Submission
from tests.intake_data import CHELM
from tests.integration import hostile
from workflows import intake as intake_flow
from workflows.intake import FileSummary, chunks, intake, report_name, store, validate

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

    def test_the_run_publishes_one_table_artifact_naming_every_report(
        self, grantflow_home: Path
    ) -> None:
        state = intake(
            files=[str(SAMPLES / "hrubieszow.xlsx"), str(SAMPLES / "invalid-nip-chelm.xlsx")],
            lang="pl",
            return_state=True,
        )
        hrubieszow, chelm = state.result()
        assert hrubieszow.report_name == "validation-stage1-outline-0604011-v1"
        # Only this run's artifacts: other tests on the same server publish
        # Hrubieszów's report too. Plain HTTP: prefect 3.8's client sends nulls
        # for unset filter fields, which this server version refuses (422).
        response = httpx2.post(
            f"{PREFECT_API_URL.value()}/artifacts/filter",
            json={"artifacts": {"flow_run_id": {"any_": [str(state.state_details.flow_run_id)]}}},
        )
        response.raise_for_status()
        (artifact,) = response.json()
        assert (artifact["key"], artifact["type"]) == ("validation-reports-stage1-outline", "table")
        rows = json.loads(artifact["data"])
        assert [(r["file"], r["city"], r["valid"], r["report"]) for r in rows] == [
            ("hrubieszow.xlsx", "Hrubieszów", True, "validation-stage1-outline-0604011-v1.html"),
            ("invalid-nip-chelm.xlsx", "Chełm", False, f"{chelm.report_name}.html"),
        ]
        assert rows[1]["errors"] == chelm.errors >= 1
        # Each row's report is the file the city reads, under GRANTFLOW_HOME/reports.
        for summary, row in zip((hrubieszow, chelm), rows, strict=True):
            assert Path(summary.report_html) == grantflow_home / "reports" / row["report"]
            assert Path(summary.report_html).is_file()

    def test_a_big_batch_is_validated_on_worker_processes_with_the_same_reports(
        self, grantflow_home: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        files = [SAMPLES / "konin.xlsx", SAMPLES / "invalid-nip-chelm.xlsx"]
        monkeypatch.setattr(intake_flow, "PROCESSES_FROM", 2)
        assert isinstance(intake_flow.validation_runner(2), ProcessPoolTaskRunner)
        on_processes = _run(*files)
        on_processes_json = [Path(s.report_json).read_bytes() for s in on_processes]
        monkeypatch.setattr(intake_flow, "PROCESSES_FROM", 3)
        on_threads = _run(*files)
        assert [(s.city, s.valid, s.errors, s.created) for s in on_processes] == [
            ("Konin", True, 0, True),
            ("Chełm", False, on_threads[1].errors, True),
        ]
        assert [s.created for s in on_threads] == [False, False]
        assert [Path(s.report_json).read_bytes() for s in on_threads] == on_processes_json

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


# A day of the Stage 1 call (2019-05-15 to 2019-09-30).
UPLOADED_AT = datetime(2019, 9, 16, 10, 0, tzinfo=UTC)


class TestStoringWhatWasChecked:
    """The flow's steps called directly: the bytes kept are the bytes validated."""

    @staticmethod
    def _validate_then_store(upload: Path) -> intake_service.SubmissionOutcome:
        (checked,) = validate.fn([str(upload)], "stage1-outline", None, None)
        upload.write_bytes(b"PK\x03\x04 replaced after the check")  # time of use != time of check
        settings = config.load()
        migrate(settings.database_url)
        (receipt,) = store.fn(
            [checked],
            settings=settings,
            call_code="stage1-outline",
            stage=1,
            submitted_by="cli",
            as_of=UPLOADED_AT,
        )
        return receipt.outcome

    @staticmethod
    def _stored(home: Path, submission_id: int) -> Submission:
        engine = make_engine(f"sqlite:///{home / 'grantflow.db'}")
        try:
            uow = SqlUnitOfWork(engine)
            with uow:
                return uow.submissions.get(submission_id)
        finally:
            engine.dispose()

    def test_a_file_changed_after_validation_is_stored_as_it_was_validated(
        self, grantflow_home: Path, tmp_path: Path
    ) -> None:
        upload = tmp_path / "chelm.xlsx"
        shutil.copyfile(SAMPLES / "chelm.xlsx", upload)
        outcome = self._validate_then_store(upload)
        stored = self._stored(grantflow_home, outcome.submission_id)
        original = (SAMPLES / "chelm.xlsx").read_bytes()
        assert (grantflow_home / stored.stored_path).read_bytes() == original
        assert stored.sha256 == hashlib.sha256(original).hexdigest()
        assert (outcome.version_no, outcome.valid) == (1, True)

    def test_a_file_over_the_size_limit_is_recorded_but_never_copied(
        self, grantflow_home: Path, tmp_path: Path
    ) -> None:
        upload = hostile.too_big_file(tmp_path, size=11 * 1024 * 1024)
        digest = hashlib.sha256(upload.read_bytes()).hexdigest()
        outcome = self._validate_then_store(upload)
        stored = self._stored(grantflow_home, outcome.submission_id)
        assert (stored.sha256, stored.stored_path, stored.size) == (digest, "", 0)
        assert [i.code for i in stored.report.issues] == ["file-too-large"]
        assert not (grantflow_home / "uploads").exists()


class TestFlowHelpers:
    def test_files_are_validated_in_chunks_not_one_task_each(self) -> None:
        files = [f"miasto-{n}.xlsx" for n in range(60)]
        assert [len(c) for c in chunks(files)] == [25, 25, 10]
        assert [f for c in chunks(files) for f in c] == files

    def test_ten_thousand_files_make_forty_chunks_not_four_hundred(self) -> None:
        files = [f"miasto-{n}.xlsx" for n in range(10_000)]
        assert [len(c) for c in chunks(files)] == [250] * 40

    def test_a_citys_stage_2_report_does_not_replace_its_stage_1_report(self) -> None:
        first = SubmissionOutcome(1, 1, 1, created=True, valid=True)
        assert report_name("stage1-outline", CHELM, first) == (
            "validation-stage1-outline-0662011-v1"
        )
        assert report_name("stage2-proposal", CHELM, first) == (
            "validation-stage2-proposal-0662011-v1"
        )

    def test_two_towns_of_the_same_name_get_their_own_reports(self) -> None:
        # Two villages called Dąbrowa: one in Łódź voivodeship, one in Opole.
        lodzkie, opolskie = Applicant("1011052", "Dąbrowa"), Applicant("1608032", "Dąbrowa")
        outcome = SubmissionOutcome(7, 1, 9, created=True, valid=False)
        assert report_name("stage1-outline", lodzkie, outcome) != report_name(
            "stage1-outline", opolskie, outcome
        )

    def test_an_upload_of_no_known_city_is_named_by_its_submission(self) -> None:
        outcome = SubmissionOutcome(None, None, 42, created=True, valid=False)
        assert report_name("stage1-outline", None, outcome) == (
            "validation-stage1-outline-upload-42"
        )

    def test_report_names_are_plain_ascii_even_for_polish_and_norwegian_names(self) -> None:
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
        # Given per run, not in the deployment: the uploaded files.
        per_run = {"intake": {"files": ["/srv/uploads/chelm.xlsx"]}}
        names = []
        for deployment in project["deployments"]:
            loaded: Flow[..., Any] = load_flow_from_entrypoint(str(ROOT / deployment["entrypoint"]))
            parameters = {**per_run.get(deployment["name"], {}), **deployment["parameters"]}
            validated = loaded.validate_parameters(parameters)
            assert {k: validated[k] for k in parameters} == parameters
            for schedule in deployment.get("schedules", []):
                assert CronSchedule(**schedule).timezone == "Europe/Warsaw"
            assert deployment["work_pool"]["name"] == "grantflow"
            names.append(deployment["name"])
        assert names == [
            *("intake", "review", "selection", "partnership", "documents"),
            *("reminders", "outbox"),
        ]

    def test_the_intake_deployment_takes_a_manifest_in_place_of_files(self) -> None:
        project = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
        (deployment,) = (d for d in project["deployments"] if d["name"] == "intake")
        loaded: Flow[..., Any] = load_flow_from_entrypoint(str(ROOT / deployment["entrypoint"]))
        manifest = "/srv/grantflow/manifests/intake-nabór-wrzesień-2019.txt"
        validated = loaded.validate_parameters({**deployment["parameters"], "manifest": manifest})
        assert (validated["manifest"], validated.get("files")) == (manifest, None)

    def test_a_language_without_translations_is_refused_before_the_run(self) -> None:
        with pytest.raises(ParameterTypeError):
            intake.validate_parameters({"files": ["chelm.xlsx"], "lang": "de"})
