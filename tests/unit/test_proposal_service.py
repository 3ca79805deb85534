"""Stage 2 proposals on the fakes: who is on the shortlist, the pre-filled form a shortlisted
city downloads, and an upload of a city that was not shortlisted kept without an application."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from grantflow.domain.errors import ConfigurationError, IllegalTransition, NotFound
from grantflow.domain.lifecycle import State
from grantflow.services import intake
from grantflow.services.intake import Upload
from grantflow.services.ports.applications import NewSubmission
from grantflow.services.proposal import carried_forward_form, shortlist
from grantflow.validation.proposal import validate_proposal
from tests.intake_data import CHELM, HRUBIESZOW, outline
from tests.unit.factories import (
    STAGE1,
    STAGE2,
    chelm_proposal_values,
    raw_workbook_from_values,
    reference_programme,
)
from tests.unit.fakes.files import FakeFileStore
from tests.unit.fakes.unit_of_work import FakeUnitOfWork
from tests.unit.test_promotion import outline_submitted
from tests.unit.test_proposal_validation import PROPOSAL

PROGRAMME = reference_programme()
AT = datetime(2020, 7, 1, 10, 0, tzinfo=UTC)  # Stage 2 open


@pytest.fixture
def uow() -> FakeUnitOfWork:
    """Chełm shortlisted in Stage 1, Hrubieszów rejected."""
    uow = FakeUnitOfWork()
    outline_submitted(uow, CHELM, State.SHORTLISTED)
    outline_submitted(uow, HRUBIESZOW, State.REJECTED)
    return uow


class TestTheShortlist:
    def test_the_stage_2_call_follows_the_stage_1_call_closed_before_it_opens(self) -> None:
        assert PROGRAMME.outline_call_for(STAGE2).code == STAGE1

    def test_a_stage_1_call_follows_no_call(self) -> None:
        with pytest.raises(ConfigurationError, match="'stage1-outline' follows no Stage 1 call"):
            PROGRAMME.outline_call_for(STAGE1)

    def test_only_shortlisted_cities_are_on_it_with_their_outlines(
        self, uow: FakeUnitOfWork
    ) -> None:
        found = shortlist(uow, PROGRAMME, STAGE2)
        assert found.call == STAGE1
        assert list(found.outlines) == [CHELM.teryt]
        assert found.outlines[CHELM.teryt] == outline(CHELM)


class TestThePrefilledForm:
    def test_a_shortlisted_city_gets_its_outline_and_its_lump_sum_line(
        self, uow: FakeUnitOfWork
    ) -> None:
        carried = carried_forward_form(uow, PROGRAMME, 1)
        assert (carried.application.city_name, carried.proposal_call.code) == ("Chełm", STAGE2)
        values = carried.values
        assert values["Applicant"]["city_name"] == "Chełm"
        assert values["Partnership"]["wants_partner"] == "yes"
        assert values["Partnership"]["lump_sum_line"] == 4
        assert [line["line_no"] for line in values["Budget"]] == [1, 2, 3, 4, 5]
        assert "DevelopmentPlan" not in values  # the city writes its plans itself

    def test_the_prefilled_outline_sheets_validate_unchanged(self, uow: FakeUnitOfWork) -> None:
        # Chełm's stored outline budgets in EUR only, as the Stage 2 rate differs from Stage 1's.
        chelm = chelm_proposal_values()
        eur_only = validate_proposal(
            raw_workbook_from_values(chelm, form=PROPOSAL), PROGRAMME, STAGE2, None
        ).outline
        assert eur_only is not None
        with uow:
            version = uow.submissions.for_application(1)[0]
            kept = {f.name: getattr(version, f.name) for f in dataclasses.fields(NewSubmission)}
            changes = {"version_no": 2, "sha256": "e" * 64, "outline": eur_only}
            uow.submissions.add(NewSubmission(**{**kept, **changes}))
            uow.commit()
        carried = carried_forward_form(uow, PROGRAMME, 1).values
        plans = {k: v for k, v in chelm.items() if k in ("DevelopmentPlan", "ImplementationPlan")}
        for row, indicator in zip(carried["Indicators"], chelm["Indicators"], strict=True):
            row["objective_no"] = indicator["objective_no"]  # type: ignore[index]
        result = validate_proposal(
            raw_workbook_from_values({**carried, **plans}, form=PROPOSAL),
            PROGRAMME,
            STAGE2,
            shortlist(uow, PROGRAMME, STAGE2),
        )
        assert result.report.issues == []

    def test_a_city_that_was_not_shortlisted_gets_no_proposal_form(
        self, uow: FakeUnitOfWork
    ) -> None:
        with pytest.raises(IllegalTransition) as refused:
            carried_forward_form(uow, PROGRAMME, 2)
        assert str(refused.value) == (
            "application 2 (Hrubieszów) is 'rejected': only a shortlisted city submits "
            "a Stage 2 proposal"
        )

    def test_a_programme_without_a_proposal_form_promotes_instead(
        self, uow: FakeUnitOfWork
    ) -> None:
        calls = tuple(dataclasses.replace(c, form="outline") for c in PROGRAMME.calls)
        with pytest.raises(NotFound, match="with grantflow promote"):
            carried_forward_form(uow, reference_programme(calls=calls), 1)

    def test_an_unknown_application_is_not_found(self, uow: FakeUnitOfWork) -> None:
        with pytest.raises(NotFound):
            carried_forward_form(uow, PROGRAMME, 99)


class TestIntake:
    def test_a_proposal_of_a_city_not_shortlisted_is_kept_without_an_application(
        self, uow: FakeUnitOfWork
    ) -> None:
        values = chelm_proposal_values()
        values["Applicant"].update(city_name="Hrubieszów", teryt=HRUBIESZOW.teryt)  # type: ignore[union-attr]
        result = validate_proposal(
            raw_workbook_from_values(values, "hrubieszow.xlsx", form=PROPOSAL),
            PROGRAMME,
            STAGE2,
            shortlist(uow, PROGRAMME, STAGE2),
        )
        assert [i.code for i in result.report.issues] == ["not-shortlisted"]
        assert intake.identify(result) is None
        upload = Upload(STAGE2, 2, "hrubieszow.xlsx", b"PK\x03\x04", result, None, "urząd")
        kept = intake.submit(uow, FakeFileStore(), upload, at=AT)
        assert (kept.application_id, kept.valid) == (None, False)
        with uow:
            assert uow.applications.find(STAGE2, HRUBIESZOW.teryt) is None
