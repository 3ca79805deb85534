"""Promotion: the shortlisted outlines of a Stage 1 call enter a Stage 2 call, and no other
pair of calls is accepted, whoever asks (the CLI, the demo, next the portal)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from grantflow.domain.errors import NotFound
from grantflow.domain.lifecycle import State
from grantflow.domain.programme import Call
from grantflow.services import intake
from grantflow.services.intake import Applicant, Upload
from grantflow.services.promotion import TakesProposals, promote_shortlisted, promotion_calls
from tests.intake_data import CHELM, HRUBIESZOW, outline, valid_result
from tests.unit.factories import LETTER_TERMS, STAGE1, STAGE2, reference_programme
from tests.unit.fakes.files import FakeFileStore
from tests.unit.fakes.unit_of_work import FakeUnitOfWork

PROGRAMME = reference_programme()
# A programme whose Stage 2 call takes outlines (no proposal form): the one promotion is for.
OUTLINES = reference_programme(
    calls=tuple(dataclasses.replace(c, form="outline") for c in PROGRAMME.calls)
)
AT = datetime(2020, 5, 20, 10, 0, tzinfo=UTC)  # after the Stage 1 shortlist, before Stage 2 opens
OPERATOR = "operator:anna.nowak"
# A second Stage 2 round, as a programme may open one for the reserve list.
STAGE2_2021 = Call(
    "stage2-proposal-2021", 2, date(2021, 3, 1), date(2021, 5, 31), "2021-02", LETTER_TERMS
)


def outline_submitted(uow: FakeUnitOfWork, applicant: Applicant, state: State) -> int:
    """The city's valid Stage 1 outline, taken in and brought to ``state``."""
    file_name = f"{applicant.teryt}.xlsx"
    upload = Upload(
        call_code=STAGE1,
        stage=1,
        file_name=file_name,
        content=f"PK\x03\x04 outline of {applicant.city_name}".encode(),
        result=valid_result(file_name, applicant),
        applicant=applicant,
        submitted_by=f"urząd:{applicant.city_name}",
    )
    submitted = intake.submit(uow, FakeFileStore(), upload, at=AT)
    assert submitted.application_id is not None
    with uow:
        uow.applications.set_state(submitted.application_id, state)
        uow.commit()
    return submitted.application_id


class TestWhichCalls:
    def test_a_stage_1_call_goes_into_the_programmes_first_stage_2_call(self) -> None:
        assert promotion_calls(OUTLINES, STAGE1) == (STAGE1, STAGE2)

    def test_a_stage_2_call_that_takes_proposals_is_not_promoted_into(self) -> None:
        with pytest.raises(TakesProposals) as refused:
            promotion_calls(PROGRAMME, STAGE1)
        assert str(refused.value) == (
            "stage2-proposal takes complete proposals, not outlines: each shortlisted city "
            "downloads its proposal form pre-filled from its outline (grantflow template "
            "proposal --application ID, or its page in the portal) and submits it to "
            "stage2-proposal"
        )

    def test_another_stage_2_call_of_the_programme_can_be_named(self) -> None:
        programme = reference_programme(calls=(*PROGRAMME.calls, STAGE2_2021))
        assert promotion_calls(programme, STAGE1, STAGE2_2021.code) == (STAGE1, STAGE2_2021.code)

    def test_a_stage_2_call_is_not_promoted_from(self) -> None:
        with pytest.raises(NotFound) as refused:
            promotion_calls(PROGRAMME, STAGE2)
        assert str(refused.value) == (
            "no Stage 1 call 'stage2-proposal' in the programme (Stage 1 calls: stage1-outline)"
        )

    def test_a_call_the_programme_does_not_have_is_not_promoted_from(self) -> None:
        with pytest.raises(NotFound, match="no Stage 1 call 'stage1-zarys-2018'"):
            promotion_calls(PROGRAMME, "stage1-zarys-2018")

    def test_a_stage_1_call_is_not_promoted_into(self) -> None:
        with pytest.raises(NotFound) as refused:
            promotion_calls(PROGRAMME, STAGE1, STAGE1)
        assert str(refused.value) == (
            "no Stage 2 call 'stage1-outline' in the programme (Stage 2 calls: stage2-proposal)"
        )

    def test_a_programme_without_a_stage_2_call_has_nowhere_to_promote_into(self) -> None:
        outlines_only = reference_programme(calls=PROGRAMME.calls[:1])
        with pytest.raises(NotFound, match=r"^the programme has no Stage 2 call$"):
            promotion_calls(outlines_only, STAGE1)


class TestPromotingTheShortlist:
    def test_shortlisted_outlines_enter_stage_2_once(self) -> None:
        uow = FakeUnitOfWork()
        chelm = outline_submitted(uow, CHELM, State.SHORTLISTED)
        outline_submitted(uow, HRUBIESZOW, State.REJECTED)
        first = promote_shortlisted(uow, OUTLINES, STAGE1, at=AT, actor=OPERATOR)
        again = promote_shortlisted(uow, OUTLINES, STAGE1, at=AT, actor=OPERATOR)
        assert first == again
        assert first.call_code == STAGE2
        (proposal,) = first.applications
        assert (proposal.call_code, proposal.stage, proposal.city_name, proposal.state) == (
            STAGE2,
            2,
            "Chełm",
            State.SUBMITTED,
        )
        with uow:
            (version,) = uow.submissions.for_application(proposal.id)
            promoted = [e for e in uow.audit.all() if e.action == "application:promote"]
        assert (version.version_no, version.outline) == (1, outline(CHELM))
        assert [e.payload["from_application"] for e in promoted] == [chelm]

    def test_a_refused_pair_of_calls_changes_nothing(self) -> None:
        uow = FakeUnitOfWork()
        outline_submitted(uow, CHELM, State.SHORTLISTED)
        commits = uow.commits
        with pytest.raises(NotFound, match="no Stage 2 call 'stage1-outline'"):
            promote_shortlisted(uow, PROGRAMME, STAGE1, STAGE1, at=AT, actor=OPERATOR)
        with pytest.raises(TakesProposals):
            promote_shortlisted(uow, PROGRAMME, STAGE1, at=AT, actor=OPERATOR)
        assert uow.commits == commits
        with uow:
            assert [a.call_code for a in uow.applications.list()] == [STAGE1]
