"""The ``grantflow`` command as a user runs it: a subprocess with a fresh GRANTFLOW_HOME.

The output of commands that start Prefect must be clean: no tracebacks, no
ERROR lines, no "database is locked", no "Error flushing events".
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from grantflow import resources
from tests.integration.clients import pdftotext, read_maildir

if TYPE_CHECKING:  # the conftest imports this module's ``grantflow``
    from tests.e2e.conftest import DemoRun

SAMPLES = resources.samples() / "outlines"
# What must never appear in the output of a healthy run.
NOISE = re.compile(r"Traceback|\bERROR\b|database is locked|Error flushing events|Warning")


def grantflow(*args: str, home: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GRANTFLOW_", "PREFECT_"))  # the user's setup must not leak in
    }
    env["GRANTFLOW_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "grantflow.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def combined(run: subprocess.CompletedProcess[str]) -> str:
    return run.stdout + run.stderr


@pytest.mark.slow
class TestSubmit:
    def test_submit_shows_a_progress_bar_then_one_line_per_file_and_fails_when_one_is_invalid(
        self, tmp_path: Path
    ) -> None:
        home = tmp_path / "home"
        run = grantflow(
            "submit",
            str(SAMPLES / "chelm.xlsx"),
            str(SAMPLES / "invalid-nip-chelm.xlsx"),
            "--by",
            "Urząd Miasta Chełm",
            home=home,
        )
        assert run.returncode == 1, combined(run)
        assert re.fullmatch(r"Submit 2 file\(s\) to stage1-outline\s+━+\s+2/2 [\d:]+\n", run.stderr)
        assert len(run.stdout.splitlines()) == 2
        assert "chelm.xlsx: Chełm (TERYT 0662011) version 1, valid, 0 errors" in run.stdout
        assert "invalid-nip-chelm.xlsx: Chełm (TERYT 0662011) version 2, INVALID" in run.stdout
        assert not NOISE.search(combined(run)), combined(run)
        assert (home / "grantflow.db").is_file()
        assert len(list((home / "uploads").rglob("*.xlsx"))) == 2

    def test_submitting_the_same_file_again_stores_nothing_new(self, tmp_path: Path) -> None:
        home = tmp_path / "home"
        first = grantflow("submit", str(SAMPLES / "konin.xlsx"), home=home)
        again = grantflow("submit", str(SAMPLES / "konin.xlsx"), home=home)
        assert (first.returncode, again.returncode) == (0, 0), combined(first) + combined(again)
        assert "version 1, valid" in again.stdout
        assert "stored before" in again.stdout
        assert not NOISE.search(combined(again)), combined(again)


class TestSubmitUsage:
    def test_a_missing_file_is_a_usage_error_before_prefect_starts(self, tmp_path: Path) -> None:
        run = grantflow("submit", str(tmp_path / "brak.xlsx"), home=tmp_path / "home")
        assert run.returncode == 2
        assert "no such file" in run.stderr
        assert not (tmp_path / "home" / "prefect").exists()

    def test_an_unknown_call_is_a_usage_error(self, tmp_path: Path) -> None:
        run = grantflow(
            "submit", str(SAMPLES / "chelm.xlsx"), "--call", "stage9", home=tmp_path / "home"
        )
        assert run.returncode == 2
        assert "no call 'stage9' in the programme" in run.stderr


class TestWorkerCounts:
    @pytest.mark.parametrize("command", [("validate",), ("samples", "outlines", "--output")])
    def test_a_negative_number_of_worker_processes_is_a_usage_error(
        self, tmp_path: Path, command: tuple[str, ...]
    ) -> None:
        target = SAMPLES / "chelm.xlsx" if command == ("validate",) else tmp_path / "wygenerowane"
        run = grantflow(*command, str(target), "--jobs", "-1", home=tmp_path / "home")
        assert run.returncode == 2, combined(run)
        assert "--jobs" in run.stderr
        assert not (tmp_path / "wygenerowane").exists()


@pytest.mark.slow
class TestDemo:
    def test_the_demo_on_a_fresh_home_fits_on_one_screen_and_logs_every_task_to_its_file(
        self, demo_run: DemoRun
    ) -> None:
        home, run = demo_run.home, demo_run.run
        output = combined(run)
        assert run.returncode == 0, output
        assert not NOISE.search(output), output
        # One screen: a bar per step and a summary; Prefect's per-task lines are in the log.
        assert len(output.splitlines()) <= 60, output
        assert not re.search(r"Task run|Flow run|Finished in state", output), output
        log = home / "logs" / "prefect.log"
        assert f"Prefect's log (every flow and task run): {log}" in run.stdout
        logged = log.read_text(encoding="utf-8")
        assert re.search(r"Task run 'render_chunk-\w+' - Finished in state Completed\(\)", logged)
        assert re.search(r"Flow run '[\w-]+' - Step 4/6: Generate every document", logged)
        # Starting Prefect comes before the demo's own numbered steps.
        assert re.search(r"^Start Prefect and the demo flow .*━+", run.stderr, re.M), run.stderr
        steps = re.findall(r"^([1-6])/6 .*━+\s+(\S*)\s+\d+:\d\d:\d\d$", run.stderr, re.M)
        assert [number for number, _ in steps] == ["1", "2", "3", "4", "5", "6"], run.stderr
        samples = sorted(SAMPLES.glob("*.xlsx"))
        assert steps[0][1] == f"{len(samples)}/{len(samples)}"
        assert f"Outlines: {len(samples)} submitted, 14 valid, 4 with errors" in run.stdout
        # Chełm first uploads the outline with a wrong NIP, then the corrected one.
        assert re.search(r"^  with errors \(count\): .*Chełm v1 \(2\)", run.stdout, re.M)
        reports = home / "reports"
        chelm = reports / "validation-stage1-outline-0662011"
        assert {f"{chelm}-v1.html", f"{chelm}-v2.html"} <= {str(p) for p in reports.iterdir()}
        # The whole programme ran: a ranking with its partners, and lump sums that reconcile.
        assert "Stage 2 ranking" in run.stdout
        assert re.search(r"^   6\. Łomża\s+78  selected\s+Ringerike kommune$", run.stdout, re.M)
        totals = re.search(r"^Lump sums \(EUR\): .*$", run.stdout, re.M)
        assert totals, run.stdout
        assert "totals reconcile to the cent" in run.stdout
        # Stage 2: the shortlisted cities submit their pre-filled proposals (Chełm changed its
        # budget), and a city left off the shortlist is refused.
        stage2 = re.search(
            r"^Stage 2: (\d+) proposals pre-filled from the outlines and submitted \(each "
            r"report lists what changed since the outline\); refused as not shortlisted: "
            r"(\S+\.xlsx)$",
            run.stdout,
            re.M,
        )
        assert stage2, run.stdout
        proposals = int(stage2.group(1))
        heading = "Stage 2 ranking (score, decision, partnership agreement):\n"
        ranked = run.stdout.split(heading, 1)[1].split("\n\n", 1)[0]
        assert proposals == len(ranked.splitlines())  # every proposal was assessed and ranked
        refused = home / "reports" / "validation-stage2-proposal-upload-"
        refusal = json.loads(next(refused.parent.glob(refused.name + "*.json")).read_text())
        assert [i["code"] for i in refusal["files"][0]["issues"]] == ["not-shortlisted"]
        chelm_v1 = json.loads(
            (home / "reports/validation-stage2-proposal-0662011-v1.json").read_text()
        )
        assert {i["cell"] for i in chelm_v1["files"][0]["issues"]} >= {"E3", "E8"}
        reports = home / "reports"
        assert len(list(reports.glob("*.html"))) == len(samples) + proposals + 1
        assert len(list(reports.glob("*.json"))) == len(samples) + proposals + 1
        # The partnered projects report; the unspent part of a lump sum returns.
        assert re.search(
            r"^  Łomża with Ringerike kommune .* returned\s+18,129\.75$", run.stdout, re.M
        )
        assert "4 final reports: EUR 573,585.92 spent, EUR 35,814.15 unspent" in run.stdout
        # Every document of the programme, each file in the manifest and the store.
        documents = home / "documents"
        assert f"Documents in {documents} (manifest.json" in run.stdout
        manifest = json.loads((documents / "manifest.json").read_text(encoding="utf-8"))
        files = {e["file"]: e for e in manifest["files"]}
        kinds = {"application", "decision", "agreement", "final_report", "publication"}
        assert {e["kind"] for e in files.values()} == kinds
        assert {"publication/publication-pl.pdf", "publication/publication-nb.pdf"} <= set(files)
        for kind in kinds:
            count = sum(1 for e in files.values() if e["kind"] == kind)
            assert re.search(rf"^  {kind}\s+{count}  in {kind}/$", run.stdout, re.M), kind
        for name, entry in files.items():
            data = (documents / name).read_bytes()
            assert (hashlib.sha256(data).hexdigest(), len(data)) == (entry["sha256"], entry["size"])
        assert {
            (f"documents/{name}", e["sha256"]) for name, e in files.items()
        } == stored_documents(home)
        assert f"PREFECT_HOME={home / 'prefect'} prefect server start" in run.stdout
        # Every document is dated on the programme's calendar (2019-2024), whatever day the
        # demo runs on: the Chełm-Fredrikstad agreement runs from its signature to the final
        # eligibility date, the publication comes after the final reports.
        texts = {name: pdftotext(documents / name) for name in files if name.endswith(".pdf")}
        years = {int(y) for text in texts.values() for y in re.findall(r"\b(20\d\d)\b", text)}
        assert years <= set(range(2014, 2025)), sorted(years)
        agreement = " ".join(texts["agreement/stage2-proposal/chelm.pdf"].split())
        assert "Umowa obowiązuje od 14 czerwca 2021 do 31 marca 2024" in agreement
        assert "Chełm, 14 czerwca 2021" in agreement
        assert "28 czerwca 2024" in texts["publication/publication-pl.pdf"]
        assert "16 grudnia 2019" in texts["decision/stage1-outline/chelm.pdf"]
        # A proposal is dated the day it was submitted to the Stage 2 call.
        proposals = [n for n in texts if n.startswith("application/stage2-proposal/")]
        assert proposals and all("15 października 2020" in texts[n] for n in proposals)
        assert re.search(r"^  final_report\s+8  in final_report/$", run.stdout, re.M)
        assert f"{len(files)} documents, {len(files)} new to the store, 0 failed." in run.stdout
        # The story's notifications and reminders, in the Maildir, each to one reader in
        # their language: cities in Polish, donors and the expert who chose it in Norwegian.
        outbox = read_maildir(home / "outbox")
        assert re.search(
            rf"^Notifications and reminders: {len(outbox)} sent \(nb \d+, pl \d+\) to "
            + re.escape(str(home / "outbox")),
            run.stdout,
            re.M,
        ), run.stdout
        subjects = {m["Subject"] for m in outbox}
        assert {
            "Przypomnienie: termin 30 października 2020",  # the Stage 2 call
            "Przypomnienie: termin 31 grudnia 2021",  # the partner search
            "Przypomnienie: termin 15 maja 2024",  # the final reports
            "Chełm: decyzja komisji wyboru",
            "Foreslått partnerby: Wałbrzych",
        } <= subjects, sorted(subjects)
        norwegian = {m["To"].split("@")[1] for m in outbox if m["Content-Language"] == "nb"}
        assert "ekspert.example.no" in norwegian and "bodo.kommune.no" in norwegian
        assert all(len(m.get_all("To")) == 1 and m["Cc"] is None for m in outbox)
        # The portal is ready to open, with an account for each role.
        assert f"Portal: GRANTFLOW_HOME={home} grantflow serve" in run.stdout

    def test_running_the_demo_again_on_its_home_is_safe_and_stores_nothing_new(
        self, demo_run: DemoRun, tmp_path: Path
    ) -> None:
        # On a copy: the first run's home stays as it left it for the other tests reading it.
        home = tmp_path / "demo"
        shutil.copytree(demo_run.home, home)
        first = demo_run.run.stdout
        documents = len(json.loads((home / "documents/manifest.json").read_bytes())["files"])
        sent = len(read_maildir(home / "outbox"))
        again = grantflow("demo", "--home", str(home), home=tmp_path / "unused", timeout=900)
        assert again.returncode == 0, combined(again)
        assert not NOISE.search(combined(again)), combined(again)
        totals = re.search(r"^Lump sums \(EUR\): .*$", first, re.M)
        assert totals and totals.group(0) in again.stdout
        assert f"{documents} documents, 0 new to the store, 0 failed." in again.stdout
        assert len(read_maildir(home / "outbox")) == sent


def stored_documents(home: Path) -> set[tuple[str, str]]:
    """(path, SHA-256) of every document the demo recorded in its store."""
    from grantflow.adapters.store import make_engine
    from grantflow.adapters.store.unit_of_work import SqlUnitOfWork

    engine = make_engine(f"sqlite:///{home / 'grantflow.db'}")
    try:
        uow = SqlUnitOfWork(engine)
        with uow:
            return {(d.path, d.sha256) for d in uow.documents.list()}
    finally:
        engine.dispose()


class TestDemoHome:
    def test_the_demo_refuses_a_home_with_other_data(self, tmp_path: Path) -> None:
        home = tmp_path / "real-programme"
        home.mkdir()
        (home / "grantflow.db").write_bytes(b"the operator's real data")
        run = grantflow("demo", "--home", str(home), home=home)
        assert run.returncode == 2
        assert "not empty and is not a demo home" in run.stderr
        assert (home / "grantflow.db").read_bytes() == b"the operator's real data"
        assert sorted(p.name for p in home.iterdir()) == ["grantflow.db"]
