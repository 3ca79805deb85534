"""The shipped samples and generated outlines, read and validated for real."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from grantflow import resources
from grantflow.adapters.sample_files import write_sample, write_samples
from grantflow.adapters.spreadsheet import read_workbook
from grantflow.domain.programme import Programme
from grantflow.samples.generator import generate_outlines
from grantflow.samples.outlines import Sample, reference_samples
from grantflow.samples.proposals import reference_proposals
from grantflow.validation import form
from grantflow.validation.outline import validate_outline
from grantflow.validation.programme_file import load_programme
from grantflow.validation.proposal import Shortlist, validate_proposal

CALL = "stage1-outline"
OUTLINES = resources.samples() / "outlines"
PROGRAMME = load_programme()
SAMPLES = reference_samples(PROGRAMME, CALL)
VALID = [s for s in SAMPLES if not s.expected_codes]
INVALID = [s for s in SAMPLES if s.expected_codes]


def _codes(path: Path, programme: Programme = PROGRAMME) -> list[str]:
    result = validate_outline(read_workbook(path), programme, CALL)
    return sorted(issue.code for issue in result.report.issues)


class TestTheShippedSampleOutlines:
    def test_there_are_at_least_twelve_valid_and_four_invalid_samples(self) -> None:
        assert len(VALID) >= 12
        assert len(INVALID) >= 4
        assert {s.name for s in VALID} >= {"chelm", "hrubieszow", "konin"}

    @pytest.mark.parametrize("sample", VALID, ids=lambda s: s.name)
    def test_a_valid_sample_has_no_issue_and_gives_an_outline(self, sample: Sample) -> None:
        result = validate_outline(read_workbook(OUTLINES / f"{sample.name}.xlsx"), PROGRAMME, CALL)
        assert result.report.issues == []
        assert result.outline is not None
        assert result.outline.teryt in PROGRAMME.eligible_teryt()

    @pytest.mark.parametrize("sample", INVALID, ids=lambda s: s.name)
    def test_an_invalid_sample_reports_exactly_its_documented_codes(self, sample: Sample) -> None:
        assert _codes(OUTLINES / f"{sample.name}.xlsx") == list(sample.expected_codes)

    def test_every_invalid_sample_is_explained_in_the_readme(self) -> None:
        readme = (resources.samples() / "README.md").read_text(encoding="utf-8")
        for sample in INVALID:
            assert f"{sample.name}.xlsx" in readme
            assert all(f"`{code}`" in readme for code in sample.expected_codes)

    def test_the_folder_holds_exactly_the_curated_samples(self) -> None:
        assert sorted(p.stem for p in OUTLINES.glob("*.xlsx")) == sorted(s.name for s in SAMPLES)

    def test_the_shipped_files_are_what_the_sample_data_writes_today(self, tmp_path: Path) -> None:
        outline_form = form.load("outline")
        for sample in SAMPLES:
            fresh = tmp_path / f"{sample.name}.xlsx"
            write_sample(outline_form, "pl", sample.values, fresh)
            assert fresh.read_bytes() == (OUTLINES / fresh.name).read_bytes(), (
                f"{fresh.name} is stale: run `grantflow samples reference -o samples/outlines`"
            )

    def test_the_lump_sum_in_pln_is_converted_at_the_calls_rate(self) -> None:
        outline = validate_outline(
            read_workbook(OUTLINES / "hrubieszow.xlsx"), PROGRAMME, CALL
        ).outline
        assert outline is not None
        lump = next(line for line in outline.budget if line.category == "partnership_lump_sum")
        assert (lump.currency, lump.rate) == ("PLN", PROGRAMME.rate_for("2019-04"))
        assert PROGRAMME.lump_sum_minimum <= lump.amount_eur <= PROGRAMME.lump_sum_maximum


class TestGeneratedOutlines:
    def test_every_generated_outline_is_valid(self, tmp_path: Path) -> None:
        outlines = list(generate_outlines(PROGRAMME, 40, seed=2020, call_code=CALL))
        todo = [(tmp_path / f"{name}.xlsx", values) for name, values in outlines]
        write_samples(form.load("outline"), "pl", todo)
        for name, _ in outlines:
            assert _codes(tmp_path / f"{name}.xlsx") == [], name

    def test_the_same_seed_writes_the_same_bytes(self, tmp_path: Path) -> None:
        ((first_name, first),) = generate_outlines(PROGRAMME, 1, seed=7)
        ((_, again),) = generate_outlines(PROGRAMME, 1, seed=7)
        outline_form = form.load("outline")
        write_sample(outline_form, "pl", first, tmp_path / "a.xlsx")
        write_sample(outline_form, "pl", again, tmp_path / "b.xlsx")
        assert first_name == "0001-chelm"
        assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


PROPOSALS = resources.samples() / "proposals"
PROPOSAL_CALL = "stage2-proposal"
SAMPLE_PROPOSALS = reference_proposals(PROGRAMME, PROPOSAL_CALL)


class TestTheShippedSampleProposals:
    @pytest.mark.parametrize("sample", SAMPLE_PROPOSALS, ids=lambda s: s.name)
    def test_a_sample_proposal_is_valid_for_the_stage_2_call(self, sample: Sample) -> None:
        path = PROPOSALS / f"{sample.name}.xlsx"
        result = validate_proposal(read_workbook(path), PROGRAMME, PROPOSAL_CALL, None)
        assert result.report.issues == []
        assert result.outline is not None

    def test_the_shipped_files_are_what_the_sample_data_writes_today(self, tmp_path: Path) -> None:
        proposal_form = form.load("proposal")
        assert sorted(p.stem for p in PROPOSALS.glob("*.xlsx")) == sorted(
            s.name for s in SAMPLE_PROPOSALS
        )
        for sample in SAMPLE_PROPOSALS:
            fresh = tmp_path / f"{sample.name}.xlsx"
            write_sample(proposal_form, "pl", sample.values, fresh)
            assert fresh.read_bytes() == (PROPOSALS / fresh.name).read_bytes(), (
                f"{fresh.name} is stale: run `grantflow samples proposals -o samples/proposals`"
            )

    def test_chelms_changed_budget_is_named_cell_by_cell_against_its_outline(self) -> None:
        outline = validate_outline(read_workbook(OUTLINES / "chelm.xlsx"), PROGRAMME, CALL).outline
        assert outline is not None
        shortlist = Shortlist(CALL, {outline.teryt: outline})
        result = validate_proposal(
            read_workbook(PROPOSALS / "chelm.xlsx"), PROGRAMME, PROPOSAL_CALL, shortlist
        )
        changed = [
            (i.sheet, i.field, Decimal(i.params["was"]), Decimal(i.params["value"]))
            for i in result.report.issues
            if i.code == "carried-forward-changed"
        ]
        # The lines changed; the totals moved with them and with the Stage 2 exchange rate.
        assert ("Budget", "amount", Decimal(2100000), Decimal(2150000)) in changed
        assert ("Budget", "amount", Decimal(95000), Decimal(45000)) in changed
        assert {field for sheet, field, _, _ in changed if sheet == "Project"} == {
            "total_budget_eur",
            "requested_grant_eur",
        }
        assert result.report.valid
