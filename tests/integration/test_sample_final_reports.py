"""The sample final reports of samples/final_reports/: valid, up to date, documented."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from grantflow import resources
from grantflow.adapters.sample_files import write_sample
from grantflow.adapters.spreadsheet import read_workbook
from grantflow.samples.final_reports import FinalReportSample, reference_final_reports
from grantflow.validation import form
from grantflow.validation.final_report import validate_final_report
from grantflow.validation.sample_outlines_file import load_sample_outlines

FOLDER = resources.samples() / "final_reports"
SAMPLES = reference_final_reports()
# What the demo's agreements commit for these towns: each outline's lump-sum line in EUR.
COMMITTED = {
    "1607054": Decimal("150000.00"),  # Nysa
    "0265011": Decimal("160000.00"),  # Wałbrzych
    "2610011": Decimal("149400.07"),  # Skarżysko-Kamienna: PLN 640 000 at 4.2838
    "2062011": Decimal("150000.00"),  # Łomża
}


class TestSampleFinalReports:
    @pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.name)
    def test_each_is_valid_against_its_commitment(self, sample: FinalReportSample) -> None:
        result = validate_final_report(
            read_workbook(FOLDER / f"{sample.name}.xlsx"), committed_eur=COMMITTED[sample.teryt]
        )
        assert result.report.issues == []
        assert result.final_report is not None
        assert result.final_report.teryt == sample.teryt
        assert result.final_report.lump_sum_spent_eur == sample.lump_sum_spent_eur
        letters = result.final_report.summary_pl + result.final_report.summary_nb
        assert set("ąęłóśż") & set(letters) and set("æøå") & set(letters)

    def test_the_reports_answer_their_outlines(self) -> None:
        outlines = {plan.town.teryt: plan for plan in load_sample_outlines().valid}
        for sample in SAMPLES:
            report = sample.values["Report"]
            assert isinstance(report, dict)
            assert report["title"] == outlines[sample.teryt].title_pl

    def test_some_spend_less_than_committed_so_part_returns(self) -> None:
        unspent = [s.name for s in SAMPLES if s.lump_sum_spent_eur < COMMITTED[s.teryt]]
        assert unspent == ["walbrzych", "lomza"]

    def test_the_folder_holds_exactly_the_curated_reports(self) -> None:
        assert sorted(p.stem for p in FOLDER.glob("*.xlsx")) == sorted(s.name for s in SAMPLES)

    def test_the_shipped_files_are_what_the_sample_data_writes_today(self, tmp_path: Path) -> None:
        definition = form.load("final_report")
        for sample in SAMPLES:
            fresh = tmp_path / f"{sample.name}.xlsx"
            write_sample(definition, "pl", sample.values, fresh, sample.written_at)
            assert fresh.read_bytes() == (FOLDER / fresh.name).read_bytes(), (
                f"{fresh.name} is out of date: run `grantflow samples final-reports "
                "-o samples/final_reports`"
            )

    def test_every_report_is_explained_in_the_readme(self) -> None:
        readme = (resources.samples() / "README.md").read_text(encoding="utf-8")
        for sample in SAMPLES:
            assert f"`final_reports/{sample.name}.xlsx`" in readme
