"""An upload by a signed-in city: received while its call is open, refused otherwise."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from grantflow.domain.lifecycle import State
from grantflow.domain.programme import Call
from grantflow.services import intake
from grantflow.services.intake import Applicant, Upload
from grantflow.validation.outline import ValidationResult
from tests.intake_data import CHELM, HRUBIESZOW, STAGE1, unreadable_result, valid_result
from tests.unit.fakes.files import FakeFileStore
from tests.unit.fakes.unit_of_work import FakeUnitOfWork

CALL = Call(STAGE1, 1, opens=date(2019, 5, 15), deadline=date(2019, 9, 30), rate_month="2019-04")


def receive(
    uow: FakeUnitOfWork,
    at: datetime,
    *,
    applicant: Applicant | None = CHELM,
    result: ValidationResult | None = None,
    content: bytes = b"PK\x03\x04 Chelm outline",
) -> intake.AccountUpload:
    upload = Upload(
        call_code=STAGE1,
        stage=1,
        file_name="chelm.xlsx",
        content=content,
        result=result or valid_result(),
        applicant=applicant,
        submitted_by="portal:urzad@chelm.pl",
    )
    return intake.receive_account_upload(
        uow, FakeFileStore(), upload, teryt=CHELM.teryt, call=CALL, at=at
    )


def test_an_upload_while_the_call_is_open_becomes_a_version() -> None:
    uow = FakeUnitOfWork()
    received = receive(uow, datetime(2019, 6, 3, 10, tzinfo=UTC))
    assert received.not_submitted == ""
    assert received.receipt is not None and received.receipt.outcome.version_no == 1


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        (datetime(2019, 5, 14, 12, tzinfo=UTC), intake.CALL_NOT_OPEN),
        # 00:30 on 1 October in Warsaw is still 30 September in UTC: late all the same.
        (datetime(2019, 9, 30, 22, 30, tzinfo=UTC), intake.CALL_CLOSED),
    ],
)
def test_an_upload_outside_the_call_is_not_submitted(at: datetime, reason: str) -> None:
    uow = FakeUnitOfWork()
    assert receive(uow, at).not_submitted == reason
    assert uow.committed.applications == {} and uow.committed.submissions == {}


def test_the_last_day_counts_until_midnight_in_warsaw() -> None:
    uow = FakeUnitOfWork()
    assert receive(uow, datetime(2019, 9, 30, 21, 59, tzinfo=UTC)).receipt is not None


def test_another_citys_file_is_not_submitted() -> None:
    uow = FakeUnitOfWork()
    received = receive(
        uow,
        datetime(2019, 6, 3, tzinfo=UTC),
        applicant=HRUBIESZOW,
        result=valid_result("hrubieszow.xlsx", HRUBIESZOW),
    )
    assert received.not_submitted == intake.OTHER_CITY
    assert uow.committed.applications == {}


def test_a_file_naming_no_city_is_not_submitted() -> None:
    uow = FakeUnitOfWork()
    received = receive(
        uow, datetime(2019, 6, 3, tzinfo=UTC), applicant=None, result=unreadable_result()
    )
    assert received.not_submitted == intake.UNREADABLE
    assert uow.committed.submissions == {}


def test_a_correction_after_the_call_closed_is_received_for_the_recheck() -> None:
    uow = FakeUnitOfWork()
    receive(uow, datetime(2019, 9, 2, tzinfo=UTC), content=b"PK first")
    with uow:
        uow.applications.set_state(1, State.RETURNED_FOR_CORRECTION)
        uow.commit()
    received = receive(uow, datetime(2019, 10, 20, tzinfo=UTC), content=b"PK corrected")
    assert received.receipt is not None and received.receipt.outcome.version_no == 2
