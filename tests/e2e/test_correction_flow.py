"""The intake flow and a return for correction: a corrected upload re-enters the formal check,
one after the deadline is kept and refused, and `grantflow submit` says so."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from grantflow import config, resources
from grantflow.adapters.i18n import format_date
from grantflow.adapters.sample_files import write_sample
from grantflow.adapters.store import make_engine
from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
from grantflow.domain.lifecycle import State
from grantflow.samples.generator import generate_outlines
from grantflow.services import lifecycle
from grantflow.validation import form
from grantflow.validation.programme_file import load_programme


def corrected_outline(folder: Path, seed: int) -> Path:
    """Another valid outline of Chełm (the programme's first eligible city)."""
    [(name, values)] = generate_outlines(load_programme(), 1, seed)
    assert name.endswith("chelm")
    path = folder / f"chelm-v{seed}.xlsx"
    write_sample(form.load("outline"), "pl", values, path)
    return path


def give_back(application_id: int, deadline: date) -> str:
    engine = make_engine(config.load().database_url)
    try:
        uow = SqlUnitOfWork(engine)
        lifecycle.return_for_correction(
            uow,
            application_id,
            deadline=deadline,
            at=datetime.now(UTC),
            actor="operator:anna.nowak",
            reason="brak podpisu skarbnika",
        )
        with uow:
            return uow.applications.get(application_id).state
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_server")
class TestACorrectedUpload:
    def test_re_enters_the_check_before_the_deadline_and_is_refused_after_it(
        self, grantflow_home: Path, tmp_path: Path
    ) -> None:
        from workflows.intake import intake

        [first] = intake(files=[str(resources.samples() / "outlines" / "chelm.xlsx")])
        assert first.application_id is not None and first.note == ""
        today = datetime.now(UTC).date()
        assert give_back(first.application_id, today + timedelta(days=14)) == (
            State.RETURNED_FOR_CORRECTION
        )

        [second] = intake(files=[str(corrected_outline(tmp_path, 1))])
        assert (second.application_id, second.version_no, second.valid) == (
            first.application_id,
            2,
            True,
        )
        assert second.note == "corrected version 2 re-enters the formal check"

        give_back(first.application_id, today - timedelta(days=1))
        [late] = intake(files=[str(corrected_outline(tmp_path, 2))])
        assert late.version_no == 3
        # The flow's language (English by default) writes the deadline in words.
        deadline = format_date(today - timedelta(days=1), "en")
        assert f"after the correction deadline {deadline}: kept" in late.note
        engine = make_engine(config.load().database_url)
        try:
            uow = SqlUnitOfWork(engine)
            with uow:
                assert uow.applications.get(first.application_id).state == (
                    State.RETURNED_FOR_CORRECTION
                )
            assert lifecycle.verify_audit(uow)[1] is None
        finally:
            engine.dispose()
