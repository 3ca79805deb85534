"""Stage 2 as a shortlisted city and a city left out live it: the pre-filled proposal form
downloaded, filled in, opened and re-saved by LibreOffice, then submitted (issue 11).

One store and one ``grantflow submit`` (one Prefect start) for the module: Chełm shortlisted
in Stage 1 with an outline budgeted in euro, Hrubieszów rejected.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from grantflow.adapters.formgen import TABLE_FIRST_ROW
from grantflow.domain.outline import Outline
from grantflow.validation.programme_file import load_programme
from grantflow.validation.proposal import validate_proposal
from tests.e2e.test_lifecycle_cli import AT, cli, store
from tests.integration import clients
from tests.unit.factories import (
    STAGE1,
    STAGE2,
    add_submitted,
    chelm_proposal_values,
    raw_workbook_from_values,
)
from tests.unit.test_proposal_validation import PLAN_SHEETS, PROPOSAL

HRUBIESZOW = {"city_name": "Hrubieszów", "teryt": "0604011", "nip": "9191700309"}


def chelm_outline() -> Outline:
    """Chełm's outline as the shipped programme took it in: euro lines only."""
    raw = raw_workbook_from_values(chelm_proposal_values(), form=PROPOSAL)
    outline = validate_proposal(raw, load_programme(), STAGE2, None).outline
    assert outline is not None
    return outline


def seed(home: Path) -> None:
    """Chełm (application 1) shortlisted in Stage 1, Hrubieszów (application 2) rejected."""
    chelm = chelm_outline()
    for uow in store(home):
        with uow:
            for city, state in (("Chełm", "shortlisted"), ("Hrubieszów", "rejected")):
                teryt = chelm.teryt if city == "Chełm" else HRUBIESZOW["teryt"]
                outline = chelm if city == "Chełm" else None
                by = f"urząd:{city}"
                application = add_submitted(uow, STAGE1, city, teryt, outline, by=by, at=AT)
                uow.applications.set_state(application.id, state)
            uow.commit()


def fill_in_plans(path: Path, target: Path, **applicant: Any) -> None:
    """What the city types into the downloaded form: its plans and each indicator's objective
    (and, for the test of a city left out, another city's name and codes)."""
    chelm = chelm_proposal_values()
    book = openpyxl.load_workbook(path)
    for sheet in PLAN_SHEETS:
        keys = [f.key for f in PROPOSAL.sheet(sheet).fields]
        rows = chelm[sheet]
        assert isinstance(rows, list)
        for offset, row in enumerate(rows):
            for column, key in enumerate(keys, start=1):
                book[sheet].cell(TABLE_FIRST_ROW + offset, column, row[key])
    objective_column = [f.key for f in PROPOSAL.sheet("Indicators").fields].index("objective_no")
    for offset, objective in enumerate((1, 2)):
        book["Indicators"].cell(TABLE_FIRST_ROW + offset, objective_column + 1, objective)
    rows = {row[0].value: row[2] for row in book["Applicant"].iter_rows(min_row=2)}
    for key, value in applicant.items():
        rows[key].value = value
    book.save(target)


def resave_with_libreoffice(files: list[Path], outdir: Path, profile: Path) -> list[Path]:
    """Each file opened and saved again as .xlsx by LibreOffice Calc (one soffice run)."""
    subprocess.run(
        [
            clients.soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return [outdir / f.name for f in files]


@dataclass(frozen=True)
class Stage2:
    home: Path
    downloaded: subprocess.CompletedProcess[str]
    refused_download: subprocess.CompletedProcess[str]
    submitted: subprocess.CompletedProcess[str]

    def report(self, name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.home / "reports" / f"{name}.json").read_text())
        (only,) = data["files"]
        return only


@pytest.fixture(scope="module")
def stage2(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage2]:
    folder = tmp_path_factory.mktemp("stage2")
    home = folder / "home"
    seed(home)
    form = folder / "chelm-pobrany.xlsx"
    downloaded = cli(
        home, "template", "proposal", "--application", "1", "--lang", "pl", "-o", str(form)
    )
    refused = cli(home, "template", "proposal", "--application", "2", "-o", str(folder / "x.xlsx"))
    filled = folder / "filled"
    filled.mkdir()
    fill_in_plans(form, filled / "chelm-wniosek.xlsx")
    changed = filled / "chelm-wniosek-v2.xlsx"
    fill_in_plans(form, changed)
    book = openpyxl.load_workbook(changed)  # the budget changed: more park, less promotion
    book["Budget"]["E3"] = Decimal("2070000.00")
    book["Budget"]["E7"] = Decimal("80000.00")
    book["ImplementationPlan"]["H3"] = Decimal("2070000.00")
    book["ImplementationPlan"]["H8"] = Decimal("60000.00")
    book.save(changed)
    fill_in_plans(form, filled / "hrubieszow-wniosek.xlsx", **HRUBIESZOW)
    saved = resave_with_libreoffice(
        sorted(filled.iterdir()), folder / "libreoffice", folder / "profile"
    )
    order = {"chelm-wniosek.xlsx": 0, "chelm-wniosek-v2.xlsx": 1, "hrubieszow-wniosek.xlsx": 2}
    saved.sort(key=lambda p: order[p.name])
    submitted = cli(home, "submit", "--call", STAGE2, "--lang", "pl", *map(str, saved))
    yield Stage2(home, downloaded, refused, submitted)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.libreoffice
class TestAShortlistedCity:
    def test_downloads_its_proposal_form_pre_filled_and_is_told_where_it_goes(
        self, stage2: Stage2
    ) -> None:
        assert stage2.downloaded.returncode == 0, stage2.downloaded.stderr
        assert stage2.downloaded.stdout.splitlines()[-1].startswith(
            f"next: grantflow submit --call {STAGE2} "
        )
        assert "Chełm (TERYT 0662011), from its outline" in stage2.downloaded.stdout

    def test_its_proposal_re_saved_by_libreoffice_is_valid_and_unchanged(
        self, stage2: Stage2
    ) -> None:
        assert (
            "chelm-wniosek.xlsx: Chełm (TERYT 0662011) version 1, valid, 0 errors, 0 warnings"
            in stage2.submitted.stdout
        ), stage2.submitted.stdout + stage2.submitted.stderr
        assert stage2.report("validation-stage2-proposal-0662011-v1")["issues"] == []

    def test_a_changed_budget_is_valid_and_the_report_names_each_changed_cell(
        self, stage2: Stage2
    ) -> None:
        assert "chelm-wniosek-v2.xlsx: Chełm (TERYT 0662011) version 2, valid" in (
            stage2.submitted.stdout
        )
        issues = stage2.report("validation-stage2-proposal-0662011-v2")["issues"]
        assert [(i["code"], i["sheet"], i["cell"]) for i in issues] == [
            ("carried-forward-changed", "Budget", "E3"),
            ("carried-forward-changed", "Budget", "E7"),
        ]
        assert issues[0]["severity"] == "warning"
        assert issues[0]["message"].replace("\xa0", " ") == (
            "\u201eKwota\u201d w zarysie projektu: \u201e2 100 000,00\u201d; "
            "we wniosku pełnym: \u201e2 070 000,00\u201d."
        )


@pytest.mark.slow
@pytest.mark.libreoffice
class TestACityLeftOut:
    def test_gets_no_pre_filled_form(self, stage2: Stage2) -> None:
        assert stage2.refused_download.returncode == 1
        assert stage2.refused_download.stderr == (
            "grantflow: refused: application 2 (Hrubieszów) is 'rejected': only a shortlisted "
            "city submits a Stage 2 proposal\n"
        )

    def test_is_refused_as_not_shortlisted_at_its_teryt_and_gets_no_application(
        self, stage2: Stage2
    ) -> None:
        assert stage2.submitted.returncode == 1
        assert "hrubieszow-wniosek.xlsx: city unknown, INVALID, 1 errors" in stage2.submitted.stdout
        reports = list((stage2.home / "reports").glob("validation-stage2-proposal-upload-*.json"))
        (report,) = (json.loads(p.read_text())["files"][0] for p in reports)
        (issue,) = report["issues"]
        assert (issue["code"], issue["sheet"], issue["cell"]) == (
            "not-shortlisted",
            "Applicant",
            "C3",
        )
        assert issue["message"] == (
            "Hrubieszów (TERYT 0604011) nie zostało zakwalifikowane w naborze stage1-outline: "
            "wniosek pełny (etap 2) składają tylko miasta zakwalifikowane."
        )
        shown = json.loads(cli(stage2.home, "applications", "--format", "json").stdout)
        assert [(a["call"], a["city"]) for a in shown["applications"] if a["call"] == STAGE2] == [
            (STAGE2, "Chełm")
        ]
