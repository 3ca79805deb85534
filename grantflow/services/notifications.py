"""Telling people: messages recorded in the outbox with their event, delivered after commit.

The use cases call the ``tell_*`` functions inside their own unit of work,
so a message exists exactly when its event does (a rolled-back decision
leaves no letter behind). :func:`deliver` then hands the pending messages
to the mailer, each in its own transaction: a message the server refuses
stays pending with its error and is tried again on the next delivery, never
dropped. Delivery is at least once: a crash between the server taking a
message and the outbox marking it sent means it goes out again, under the
same Message-ID, so a mail client shows it once.

Cities read Polish; donor municipalities Norwegian or English
(``donor_language``); reviewers the language they registered for mail.
Someone whose address the store does not know is not told (there is nobody
to write to), which :func:`city_address` makes explicit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from grantflow.domain.assessment import Reviewer
from grantflow.domain.notifications import Notification, Topic, donor_language
from grantflow.domain.partners import DonorMunicipality
from grantflow.services.ports.applications import Application, Submission
from grantflow.services.ports.mail import Composer, DeliveryFailed, Mailer
from grantflow.services.ports.unit_of_work import UnitOfWork

CITY_LANGUAGE = "pl"


def city_link(application_id: int) -> str:
    return f"/city/applications/{application_id}"


def reviewer_link(application_id: int) -> str:
    return f"/reviewer/applications/{application_id}"


DONOR_LINK = "/donor"


def city_address(uow: UnitOfWork, application: Application) -> str | None:
    """The contact e-mail of the city's newest valid form: this application's, else the
    one it sent to an earlier call (a Stage 2 city is known by its outline)."""
    # The city's own applications only: reading every application of the store here
    # made each upload's notification cost grow with the store (benchmarks/README.md).
    others = uow.applications.of_city(application.teryt)
    own = [application, *sorted(others, key=lambda a: -a.id)]
    for candidate in own:
        for version in reversed(uow.submissions.for_application(candidate.id)):
            if version.outline is not None and version.outline.contact_email:
                return version.outline.contact_email
    return None


def _city(
    uow: UnitOfWork,
    application: Application,
    topic: Topic,
    key: str,
    *,
    at: datetime,
    address: str | None = None,
    **params: str | int,
) -> None:
    """Tell the city of ``application``, at ``address`` when the caller knows it."""
    to = address or city_address(uow, application)
    if to is None:
        return
    uow.outbox.add(
        Notification(
            key=key,
            topic=topic,
            to=to,
            lang=CITY_LANGUAGE,
            link=city_link(application.id),
            params={"city": application.city_name, "call": application.call_code, **params},
        ),
        at=at,
    )


def tell_report_ready(
    uow: UnitOfWork, application: Application, version: Submission, *, at: datetime
) -> None:
    """Tell the city its new ``version``'s report is ready. The version is the city's
    newest, so an address in its own form is the one :func:`city_address` would find;
    reading the city's versions back cost the intake 2 ms per upload."""
    if version.version_no is None:  # no city could be read from the upload
        return
    given = version.outline.contact_email if version.outline is not None else None
    _city(
        uow,
        application,
        Topic.REPORT_READY,
        f"report:{application.id}:v{version.version_no}",
        at=at,
        address=given,
        version=version.version_no,
        valid=int(version.valid),
    )


# The transitions a city waits to hear of, by the state they lead to.
_DECISIONS = {"shortlisted", "selected", "reserve", "rejected", "formally_rejected"}


def tell_transition(
    uow: UnitOfWork, application: Application, action: str, *, deadline: date | None, at: datetime
) -> None:
    """The city's message about the move ``application`` (already moved) just made, if any."""
    key = f"{action}:{application.id}"
    if action == "return_for_correction" and deadline is not None:
        _city(
            uow,
            application,
            Topic.RETURNED_FOR_CORRECTION,
            f"{key}:{deadline.isoformat()}",
            at=at,
            deadline=deadline.isoformat(),
        )
    elif action == "promote_from_reserve":
        _city(uow, application, Topic.RESERVE_MOVED_UP, key, at=at)
    elif application.state in _DECISIONS:
        _city(uow, application, Topic.DECISION, key, at=at, outcome=application.state)
    elif action == "confirm_partnership":
        _city(uow, application, Topic.AGREEMENT_READY, key, at=at)


def tell_reviewer(
    uow: UnitOfWork,
    reviewer: Reviewer,
    application: Application,
    *,
    third: bool,
    at: datetime,
) -> None:
    """An expert assigned to ``application`` (``third``: to settle two diverging scores)."""
    if not reviewer.email:
        return
    uow.outbox.add(
        Notification(
            key=f"assigned:{application.id}:{reviewer.code}",
            topic=Topic.THIRD_EXPERT_NEEDED if third else Topic.ASSIGNED_TO_REVIEW,
            to=reviewer.email,
            lang=reviewer.mail_language,
            link=reviewer_link(application.id),
            params={"name": reviewer.name, "city": application.city_name},
        ),
        at=at,
    )


def tell_donor(
    uow: UnitOfWork,
    donor: DonorMunicipality,
    application: Application,
    topic: Topic,
    *,
    at: datetime,
) -> None:
    """A donor municipality: a city proposed to it, or its agreement ready to sign."""
    if not donor.contact:
        return
    uow.outbox.add(
        Notification(
            key=f"{topic.value}:{application.id}:{donor.code}",
            topic=topic,
            to=donor.contact,
            lang=donor_language(donor.languages),
            link=DONOR_LINK,
            params={"donor": donor.name, "city": application.city_name},
        ),
        at=at,
    )


@dataclass(frozen=True)
class DeliveryRound:
    sent: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # key -> why, still pending


def deliver(
    uow: UnitOfWork,
    composer: Composer,
    mailer: Mailer,
    *,
    at: datetime,
    batch: int = 500,
) -> DeliveryRound:
    """Send every pending message once (each marked in its own transaction).

    A message is dated when its event was recorded. A refused one keeps its place
    with the error and its count of attempts; the next round tries it again.
    ``at`` is when the round runs.
    """
    with uow:
        pending = uow.outbox.pending(batch)
    sent, failed = 0, {}
    for message in pending:
        try:
            mailer.send(composer.compose(message.notification), at=message.created_at)
        except DeliveryFailed as exc:
            failed[message.notification.key] = str(exc)
            with uow:
                uow.outbox.mark_failed(message.id, str(exc), at=at)
                uow.commit()
            continue
        with uow:
            uow.outbox.mark_sent(message.id, at=at)
            uow.commit()
        sent += 1
    return DeliveryRound(sent, failed)
