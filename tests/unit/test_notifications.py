"""Notifications and reminders on the in-memory store: what is recorded in the outbox,
for whom, in which language, once; and how a refused delivery is kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from grantflow.domain.assessment import Reviewer
from grantflow.domain.errors import IllegalTransition
from grantflow.domain.lifecycle import Action
from grantflow.domain.notifications import (
    Deadline,
    DeadlineKind,
    Notification,
    Topic,
    donor_language,
    reminder_due,
)
from grantflow.domain.partners import DonorMunicipality
from grantflow.services import intake, lifecycle, notifications, reminders
from grantflow.services.intake import Upload
from grantflow.services.ports.mail import DeliveryFailed, MailMessage
from grantflow.services.ports.unit_of_work import UnitOfWork
from tests.intake_data import CHELM, STAGE1, invalid_result, valid_result
from tests.unit.factories import reference_programme
from tests.unit.fakes.files import FakeFileStore
from tests.unit.fakes.unit_of_work import FakeUnitOfWork

OPERATOR = "operator:anna.nowak"
CORRECTION_DEADLINE = date(2019, 12, 16)


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, 0, tzinfo=UTC)


def chelm_submits(
    uow: UnitOfWork, content: bytes, *, valid: bool = True, contact_email: str | None = None
) -> int:
    result = valid_result() if valid else invalid_result()
    if contact_email is not None and result.outline is not None:
        result = replace(result, outline=replace(result.outline, contact_email=contact_email))
    outcome = intake.submit(
        uow,
        FakeFileStore(),
        Upload(
            call_code=STAGE1,
            stage=1,
            file_name="chelm.xlsx",
            content=content,
            result=result,
            applicant=CHELM,
            submitted_by="portal",
        ),
        at=noon(date(2019, 9, 16)),
    )
    assert outcome.application_id is not None
    return outcome.application_id


def outbox(uow: UnitOfWork) -> list[Notification]:
    with uow:
        return [m.notification for m in uow.outbox.all()]


def return_chelm(uow: UnitOfWork) -> int:
    application_id = chelm_submits(uow, b"PK\x03\x04 Chelm v1")
    lifecycle.return_for_correction(
        uow,
        application_id,
        deadline=CORRECTION_DEADLINE,
        at=noon(date(2019, 12, 2)),
        actor=OPERATOR,
        reason="brak podpisu burmistrza",
    )
    return application_id


class EventScenarios:
    """Each event's message is recorded in the event's own transaction."""

    def test_a_valid_upload_tells_the_city_its_report_is_ready_in_polish(
        self, uow: UnitOfWork
    ) -> None:
        application_id = chelm_submits(uow, b"PK\x03\x04 Chelm v1")
        [message] = outbox(uow)
        assert message.topic is Topic.REPORT_READY
        assert (message.to, message.lang) == ("rozwoj@chelm.pl", "pl")
        assert message.link == f"/city/applications/{application_id}"
        assert message.params["valid"] == 1 and message.params["city"] == "Chełm"

    def test_an_invalid_upload_after_a_valid_one_reaches_the_address_of_the_valid_one(
        self, uow: UnitOfWork
    ) -> None:
        chelm_submits(uow, b"PK\x03\x04 Chelm v1")
        chelm_submits(uow, b"PK\x03\x04 Chelm v2 with a typo", valid=False)
        second = outbox(uow)[1]
        assert (second.to, second.params["valid"], second.params["version"]) == (
            "rozwoj@chelm.pl",
            0,
            2,
        )

    def test_a_new_version_naming_a_new_contact_is_answered_at_the_new_address(
        self, uow: UnitOfWork
    ) -> None:
        chelm_submits(uow, b"PK\x03\x04 Chelm v1")
        chelm_submits(uow, b"PK\x03\x04 Chelm v2", contact_email="fundusze.zewnetrzne@chelm.pl")
        assert [m.to for m in outbox(uow)] == ["rozwoj@chelm.pl", "fundusze.zewnetrzne@chelm.pl"]

    def test_a_version_without_a_contact_is_answered_at_the_citys_last_known_address(
        self, uow: UnitOfWork
    ) -> None:
        chelm_submits(uow, b"PK\x03\x04 Chelm v1")
        chelm_submits(uow, b"PK\x03\x04 Chelm v2, no e-mail", contact_email="")
        assert [m.to for m in outbox(uow)] == ["rozwoj@chelm.pl", "rozwoj@chelm.pl"]

    def test_the_same_file_uploaded_again_tells_nothing_new(self, uow: UnitOfWork) -> None:
        chelm_submits(uow, b"PK\x03\x04 Chelm v1")
        chelm_submits(uow, b"PK\x03\x04 Chelm v1")
        assert len(outbox(uow)) == 1

    def test_a_return_for_correction_tells_the_city_its_deadline(self, uow: UnitOfWork) -> None:
        return_chelm(uow)
        message = outbox(uow)[-1]
        assert message.topic is Topic.RETURNED_FOR_CORRECTION
        assert message.params["deadline"] == "2019-12-16"

    def test_a_refused_transition_leaves_no_message_behind(self, uow: UnitOfWork) -> None:
        application_id = return_chelm(uow)
        with pytest.raises(IllegalTransition):
            lifecycle.apply(
                uow, application_id, Action.SHORTLIST, at=noon(date(2019, 12, 3)), actor=OPERATOR
            )
        assert [m.topic for m in outbox(uow)] == [
            Topic.REPORT_READY,
            Topic.RETURNED_FOR_CORRECTION,
        ]


class TestRecipientsLanguages:
    def test_a_norwegian_donor_reads_norwegian_and_an_icelandic_one_english(self) -> None:
        assert donor_language(("nb", "en")) == "nb"
        assert donor_language(("is", "en")) == "en"

    def test_an_expert_reads_the_language_they_chose_or_the_first_they_read(self) -> None:
        ingrid = Reviewer("R05", "Ingrid Sæther-Nowak", frozenset({"pl", "nb", "en"}))
        assert ingrid.mail_language == "pl"
        assert replace(ingrid, language="nb").mail_language == "nb"
        assert Reviewer("R09", "Ola Nordmann", frozenset({"nb", "en"})).mail_language == "nb"

    def test_a_donor_without_a_contact_is_not_told(self, uow: UnitOfWork) -> None:
        application_id = chelm_submits(uow, b"PK\x03\x04 Chelm v1")
        bodo = DonorMunicipality(
            "NO-1804", "Bodø kommune", "NO", "Nordland", ("environment_energy",), (), 1
        )
        with uow:
            application = uow.applications.get(application_id)
            notifications.tell_donor(
                uow, bodo, application, Topic.MATCH_PROPOSED, at=noon(date(2021, 3, 1))
            )
            notifications.tell_donor(
                uow,
                replace(bodo, contact="postmottak@bodo.kommune.no", languages=("nb", "en")),
                application,
                Topic.MATCH_PROPOSED,
                at=noon(date(2021, 3, 1)),
            )
            uow.commit()
        proposed = [m for m in outbox(uow) if m.topic is Topic.MATCH_PROPOSED]
        assert [(m.to, m.lang, m.link) for m in proposed] == [
            ("postmottak@bodo.kommune.no", "nb", "/donor")
        ]


def correction_deadline(day: date) -> Deadline:
    return Deadline(
        "correction:7:2019-12-16", DeadlineKind.CORRECTION, day, "rozwoj@chelm.pl", "pl", "/city"
    )


class TestWhenAReminderIsDue:
    @pytest.mark.parametrize(
        ("today", "offset"),
        [
            (date(2019, 12, 8), None),  # eight days before
            (date(2019, 12, 9), "7d"),
            (date(2019, 12, 12), "7d"),  # a day the flow missed is caught up
            (date(2019, 12, 15), "1d"),
            (date(2019, 12, 16), "1d"),  # the deadline day itself
            (date(2019, 12, 17), None),  # too late to remind
        ],
    )
    def test_the_nearest_offset_reached_is_due(self, today: date, offset: str | None) -> None:
        due = reminder_due(correction_deadline(date(2019, 12, 16)), (7, 1), today)
        assert (due.key.rsplit(":", 1)[1] if due else None) == offset


class ReminderScenarios:
    def test_a_city_returned_for_correction_is_reminded_once_per_offset(
        self, uow: UnitOfWork
    ) -> None:
        return_chelm(uow)
        programme = reference_programme()
        week_before = noon(date(2019, 12, 9))
        first = reminders.send_reminders(uow, programme, at=week_before)
        again = reminders.send_reminders(uow, programme, at=week_before)
        next_day = reminders.send_reminders(uow, programme, at=noon(date(2019, 12, 10)))
        assert [r.params["kind"] for r in first] == ["correction"]
        assert again == [] and next_day == []
        last_day = reminders.send_reminders(uow, programme, at=noon(date(2019, 12, 15)))
        assert [(r.key, r.params["days_left"]) for r in last_day] == [
            ("reminder:correction:1:2019-12-16:1d", 1)
        ]


class RefusingThenAccepting:
    """A mail server that refuses its first ``refusals`` messages, then takes the rest."""

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.taken: list[MailMessage] = []
        self.dated: list[datetime] = []

    def send(self, message: MailMessage, *, at: datetime) -> None:
        if self.refusals:
            self.refusals -= 1
            raise DeliveryFailed("451 4.3.0 try again later")
        self.taken.append(message)
        self.dated.append(at)


class Verbatim:
    def compose(self, notification: Notification) -> MailMessage:
        return MailMessage(
            notification.to,
            notification.key,
            "text",
            "<p>html</p>",
            notification.lang,
            notification.key,
        )


class DeliveryScenarios:
    def test_a_refused_message_stays_pending_and_goes_out_on_the_next_round(
        self, uow: UnitOfWork
    ) -> None:
        return_chelm(uow)
        server = RefusingThenAccepting(refusals=1)
        first = notifications.deliver(uow, Verbatim(), server, at=noon(date(2019, 12, 2)))
        assert first.sent == 1 and list(first.failed.values()) == ["451 4.3.0 try again later"]
        with uow:
            [pending] = uow.outbox.pending(10)
        assert (pending.attempts, pending.last_error) == (1, "451 4.3.0 try again later")
        second = notifications.deliver(uow, Verbatim(), server, at=noon(date(2019, 12, 3)))
        assert (second.sent, second.failed) == (1, {})
        assert sorted(m.subject for m in server.taken) == sorted(m.key for m in outbox(uow))
        third = notifications.deliver(uow, Verbatim(), server, at=noon(date(2019, 12, 4)))
        assert third.sent == 0
        # Each message is dated when its event was recorded, not when it finally went out.
        assert sorted(server.dated) == [noon(date(2019, 9, 16)), noon(date(2019, 12, 2))]


class OutboxScenarios(EventScenarios, ReminderScenarios, DeliveryScenarios):
    """Run by the classes that give them a ``uow`` fixture: the fakes here, the SQL store
    (SQLite and PostgreSQL) in ``tests/integration/test_outbox_store.py``."""


class TestTheOutboxOnTheFakes(OutboxScenarios):
    pass


@pytest.fixture
def uow() -> UnitOfWork:
    return FakeUnitOfWork()
