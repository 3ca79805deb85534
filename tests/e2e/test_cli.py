"""The ``grantflow`` command as a user runs it: a subprocess with a fresh GRANTFLOW_HOME.

The output of commands that start Prefect must be clean: no tracebacks, no
ERROR lines, no "database is locked", no "Error flushing events".
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grantflow import resources
from tests.integration.clients import pdftotext

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
    def test_submit_prints_one_line_per_file_and_fails_when_one_is_invalid(
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
    def test_the_demo_on_a_fresh_home_submits_every_sample_and_prints_a_clean_summary(
        self, tmp_path: Path
    ) -> None:
        home = tmp_path / "demo"
        run = grantflow("demo", "--home", str(home), home=tmp_path / "unused")
        output = combined(run)
        assert run.returncode == 0, output
        assert not NOISE.search(output), output
        samples = sorted(SAMPLES.glob("*.xlsx"))
        assert f"{len(samples)} outlines submitted" in run.stdout
        table = run.stdout.split("\ncity ", 1)[1]
        # Chełm first uploads the outline with a wrong NIP, then the corrected one.
        chelm = r"reports/validation-stage1-outline-0662011"
        assert re.search(rf"^Chełm\s+1\s+no\s+2\s+{chelm}-v1\.html$", table, re.M)
        assert re.search(rf"^Chełm\s+2\s+yes\s+0\s+{chelm}-v2\.html$", table, re.M)
        assert re.search(r"^Hrubieszów\s+1\s+yes\s+0\s+", table, re.M)
        # The whole programme ran: a ranking, and lump sums that reconcile.
        assert "Stage 2 ranking:" in run.stdout
        totals = re.search(r"^Lump sums \(EUR\): .*$", run.stdout, re.M)
        assert totals, run.stdout
        assert "totals reconcile to the cent" in run.stdout
        reports = home / "reports"
        assert len(list(reports.glob("*.html"))) == len(samples)
        assert len(list(reports.glob("*.json"))) == len(samples)
        # The partnered projects report; the unspent part of a lump sum returns.
        assert re.search(
            r"^  Łomża with Ringerike kommune .* returned\s+18,129\.75$", run.stdout, re.M
        )
        assert "4 final reports: EUR 573,585.92 spent, EUR 35,814.15 unspent" in run.stdout
        # Every document of the programme, each file in the manifest and the store.
        documents = home / "documents"
        manifest = json.loads((documents / "manifest.json").read_text(encoding="utf-8"))
        files = {e["file"]: e for e in manifest["files"]}
        kinds = {"application", "decision", "agreement", "final_report", "publication"}
        assert {e["kind"] for e in files.values()} == kinds
        assert {"publication/publication-pl.pdf", "publication/publication-nb.pdf"} <= set(files)
        for name, entry in files.items():
            data = (documents / name).read_bytes()
            assert (hashlib.sha256(data).hexdigest(), len(data)) == (entry["sha256"], entry["size"])
            assert re.search(rf"^  {re.escape(name)}\s+{len(data):,} bytes$", run.stdout, re.M)
        assert {
            (f"documents/{name}", e["sha256"]) for name, e in files.items()
        } == stored_documents(home)
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
        # A proposal carried into Stage 2 is dated the day it entered the call.
        proposals = [n for n in texts if n.startswith("application/stage2-proposal/")]
        assert proposals and all("15 października 2020" in texts[n] for n in proposals)
        summary = rf"^{len(files)} documents \(application \d+, decision \d+, agreement \d+, "
        assert re.search(
            summary + rf"final_report 8, publication 4\), {len(files)} new", run.stdout, re.M
        )
        # The portal is ready to open, with an account for each role.
        assert f"Portal: GRANTFLOW_HOME={home} grantflow serve" in run.stdout
        # Running it again on its own home is safe and stores nothing new.
        again = grantflow("demo", "--home", str(home), home=tmp_path / "unused")
        assert again.returncode == 0, combined(again)
        assert not NOISE.search(combined(again)), combined(again)
        assert totals.group(0) in again.stdout
        assert (
            f"{len(files)} documents (" in again.stdout and ", 0 new to the store" in again.stdout
        )


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
