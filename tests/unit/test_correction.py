"""Return for correction with a deadline: a corrected upload re-enters the formal check, a late
one is kept but refused. On in-memory fakes here; ``tests/integration/test_correction_store.py``
runs the same scenarios on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from grantflow.adapters import i18n
from grantflow.domain.lifecycle import State
from grantflow.services import correction, intake, lifecycle
from grantflow.services.correction import Recheck
from grantflow.services.intake import Applicant, Receipt, SubmissionOutcome, Upload
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.validation.outline import ValidationResult
from tests.intake_data import CHELM, STAGE1, invalid_result, valid_result
from tests.unit.fakes.files import FakeFileStore
from tests.unit.fakes.unit_of_work import FakeUnitOfWork

DEADLINE = date(2019, 12, 16)
RETURNED_AT = datetime(2019, 12, 2, 14, 0, tzinfo=UTC)
OPERATOR = "operator:anna.nowak"


def chelm_upload(
    content: bytes, result: ValidationResult | None = None, applicant: Applicant | None = CHELM
) -> Upload:
    return Upload(
        call_code=STAGE1,
        stage=1,
        file_name="chelm.xlsx",
        content=content,
        result=result or valid_result(),
        applicant=applicant,
        submitted_by="urząd@chełm.pl",
    )


def upload(
    uow: UnitOfWork, content: bytes, at: datetime, result: ValidationResult | None = None
) -> SubmissionOutcome:
    """Kept as a version only: the tests below re-check it themselves."""
    return intake.submit(uow, FakeFileStore(), chelm_upload(content, result), at=at)


def receive(
    uow: UnitOfWork, content: bytes, at: datetime, applicant: Applicant | None = CHELM
) -> Receipt:
    """The whole use case, as the intake flow runs it: kept as a version, then re-checked."""
    upload = chelm_upload(content, applicant=applicant)
    return intake.receive_upload(uow, FakeFileStore(), upload, at=at)


def recheck(uow: UnitOfWork, outcome: SubmissionOutcome) -> Recheck:
    assert outcome.application_id is not None
    return correction.recheck(
        uow,
        outcome.application_id,
        outcome.submission_id,
        at=datetime(2019, 12, 21, tzinfo=UTC),
        actor="intake:urząd@chełm.pl",
    )


def state(uow: UnitOfWork, application_id: int) -> str:
    with uow:
        return uow.applications.get(application_id).state


def audit(uow: UnitOfWork) -> list[str]:
    with uow:
        return [e.action for e in uow.audit.all()]


class CorrectionScenarios:
    """The scenarios, run by the test classes that give them a ``uow`` fixture."""

    @pytest.fixture
    def returned(self, uow: UnitOfWork) -> int:
        """Chełm's first outline, returned for correction until 16 December 2019."""
        first = upload(uow, b"PK\x03\x04 Chelm v1", datetime(2019, 11, 28, 10, 0, tzinfo=UTC))
        assert first.application_id is not None
        lifecycle.return_for_correction(
            uow,
            first.application_id,
            deadline=DEADLINE,
            at=RETURNED_AT,
            actor=OPERATOR,
            reason="brak podpisu burmistrza na oświadczeniu",
        )
        return first.application_id

    def test_a_corrected_version_before_the_deadline_re_enters_the_check(
        self, uow: UnitOfWork, returned: int
    ) -> None:
        second = upload(uow, b"PK\x03\x04 Chelm v2", datetime(2019, 12, 10, 9, 0, tzinfo=UTC))
        outcome = recheck(uow, second)
        assert outcome.resubmitted
        assert str(outcome.note) == "corrected version 2 re-enters the formal check"
        assert state(uow, returned) == State.SUBMITTED
        with uow:
            last = uow.audit.all()[-1]
        assert (last.action, last.subject) == ("transition:resubmit", f"application:{returned}")
        assert last.payload["version"] == 2 and "within the deadline 2019-12-16" in last.reason
        lifecycle.formal_check(uow, returned, correct=True, at=RETURNED_AT, actor=OPERATOR)
        assert state(uow, returned) == State.FORMALLY_CORRECT

    def test_a_version_on_the_deadline_day_in_warsaw_is_in_time(
        self, uow: UnitOfWork, returned: int
    ) -> None:
        # 22:59 UTC is 23:59 on 16 December at the operator's seat (CET, UTC+1).
        second = upload(uow, b"PK\x03\x04 Chelm v2", datetime(2019, 12, 16, 22, 59, tzinfo=UTC))
        assert recheck(uow, second).resubmitted
        assert state(uow, returned) == State.SUBMITTED

    def test_a_version_after_midnight_in_warsaw_is_late_though_still_the_deadline_in_utc(
        self, uow: UnitOfWork, returned: int
    ) -> None:
        # 23:30 UTC on the 16th is 00:30 on 17 December in Chełm and Warsaw.
        late = upload(uow, b"PK\x03\x04 Chelm v2", datetime(2019, 12, 16, 23, 30, tzinfo=UTC))
        outcome = recheck(uow, late)
        assert not outcome.resubmitted
        assert "uploaded on 2019-12-17, after the correction deadline 2019-12-16" in str(
            outcome.note
        )
        assert state(uow, returned) == State.RETURNED_FOR_CORRECTION

    def test_a_late_version_is_kept_and_the_refusal_recorded_once(
        self, uow: UnitOfWork, returned: int
    ) -> None:
        late = upload(uow, b"PK\x03\x04 Chelm v2", datetime(2019, 12, 17, 8, 0, tzinfo=UTC))
        outcome = recheck(uow, late)
        assert not outcome.resubmitted
        assert str(outcome.note) == (
            "version 2 uploaded on 2019-12-17, after the correction deadline 2019-12-16: "
            "kept, but the application stays returned for correction"
        )
        assert (late.created, late.version_no) == (True, 2)
        assert state(uow, returned) == State.RETURNED_FOR_CORRECTION
        assert recheck(uow, late) == outcome  # a re-run says it again, records nothing new
        assert audit(uow).count(correction.LATE) == 1
        assert lifecycle.verify_audit(uow)[1] is None

    def test_a_version_with_errors_leaves_the_application_returned(
        self, uow: UnitOfWork, returned: int
    ) -> None:
        broken = upload(
            uow, b"PK\x03\x04 Chelm v2", datetime(2019, 12, 5, tzinfo=UTC), invalid_result()
        )
        outcome = recheck(uow, broken)
        assert not outcome.resubmitted
        assert str(outcome.note) == (
            "version 2 has errors: the application stays returned for correction until 2019-12-16"
        )
        assert state(uow, returned) == State.RETURNED_FOR_CORRECTION

    def test_the_same_file_again_after_its_resubmission_changes_nothing(
        self, uow: UnitOfWork, returned: int
    ) -> None:
        second = upload(uow, b"PK\x03\x04 Chelm v2", datetime(2019, 12, 10, tzinfo=UTC))
        recheck(uow, second)
        before = audit(uow)
        again = upload(uow, b"PK\x03\x04 Chelm v2", datetime(2019, 12, 11, tzinfo=UTC))
        assert not again.created
        assert recheck(uow, again) == Recheck(False, None)
        assert audit(uow) == before

    def test_an_application_never_returned_is_left_alone(self, uow: UnitOfWork) -> None:
        first = upload(uow, b"PK\x03\x04 Chelm v1", datetime(2019, 11, 28, tzinfo=UTC))
        second = upload(uow, b"PK\x03\x04 Chelm v2", datetime(2019, 11, 29, tzinfo=UTC))
        assert recheck(uow, second) == Recheck(False, None)
        assert first.application_id is not None
        assert state(uow, first.application_id) == State.SUBMITTED
        assert audit(uow) == []

    def test_a_corrected_upload_received_before_the_deadline_re_enters_the_check(
        self, uow: UnitOfWork, returned: int
    ) -> None:
        receipt = receive(uow, b"PK\x03\x04 Chelm v2", datetime(2019, 12, 10, 9, 0, tzinfo=UTC))
        assert (receipt.outcome.application_id, receipt.outcome.version_no) == (returned, 2)
        assert str(receipt.note) == "corrected version 2 re-enters the formal check"
        assert state(uow, returned) == State.SUBMITTED
        assert audit(uow)[-1] == "transition:resubmit"

    def test_a_corrected_upload_received_after_the_deadline_is_kept_and_stays_returned(
        self, uow: UnitOfWork, returned: int
    ) -> None:
        receipt = receive(uow, b"PK\x03\x04 Chelm v2", datetime(2019, 12, 17, 8, 0, tzinfo=UTC))
        assert (receipt.outcome.created, receipt.outcome.version_no) == (True, 2)
        assert str(receipt.note) == (
            "version 2 uploaded on 2019-12-17, after the correction deadline 2019-12-16: "
            "kept, but the application stays returned for correction"
        )
        assert state(uow, returned) == State.RETURNED_FOR_CORRECTION
        assert audit(uow).count(correction.LATE) == 1

    def test_the_same_file_received_twice_makes_no_second_version(
        self, uow: UnitOfWork, returned: int
    ) -> None:
        first = receive(uow, b"PK\x03\x04 Chelm v2", datetime(2019, 12, 10, tzinfo=UTC))
        before = audit(uow)
        again = receive(uow, b"PK\x03\x04 Chelm v2", datetime(2019, 12, 11, tzinfo=UTC))
        assert (again.outcome.created, again.outcome.submission_id) == (
            False,
            first.outcome.submission_id,
        )
        assert again.note is None  # already back in the formal check: nothing new to say
        with uow:
            assert len(uow.submissions.for_application(returned)) == 2
        assert audit(uow) == before

    def test_an_upload_of_no_known_city_is_received_without_a_note(self, uow: UnitOfWork) -> None:
        receipt = receive(uow, b"PK\x03\x04 bez TERYT", datetime(2019, 12, 2, tzinfo=UTC), None)
        assert (receipt.outcome.application_id, receipt.note) == (None, None)


class TestCorrectionOnFakes(CorrectionScenarios):
    @pytest.fixture
    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork()


@pytest.mark.parametrize(
    ("lang", "worded"),
    [
        (
            "pl",
            "wersja 2 przesłana 17 grudnia 2019, po terminie poprawy (16 grudnia 2019): "
            "zachowana, ale wniosek pozostaje zwrócony do poprawy",
        ),
        (
            "nb",
            "versjon 2 lastet opp 17. desember 2019, etter fristen for retting "
            "(16. desember 2019): beholdt, men søknaden er fortsatt sendt tilbake for retting",
        ),
        (
            "en",
            "version 2 uploaded on 17 December 2019, after the correction deadline "
            "16 December 2019: kept, but the application stays returned for correction",
        ),
    ],
)
def test_a_late_correction_is_noted_in_the_readers_language_with_its_dates_in_words(
    lang: str, worded: str
) -> None:
    note = correction.CorrectionNote(
        correction.AFTER_DEADLINE, 2, deadline=date(2019, 12, 16), day=date(2019, 12, 17)
    )
    assert i18n.word(note.msgid, lang, note.values) == worded
