"""Reminders and the outbox's delivery, as idempotent flows.

``reminders`` (daily deployment; ``grantflow run reminders --as-of DATE``)
records the reminders due that day and then delivers the outbox;
``outbox`` (every quarter of an hour) only delivers what the other flows,
the commands and the portal recorded. Recording is keyed in the store, so a
second run the same day records nothing; delivery marks each message sent,
so nothing goes out twice, and a message the mail server refuses stays
pending for the next run (the delivery task itself is not retried: the next
scheduled run is the retry, and a task retry would only hammer a server that
just refused).
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from grantflow import bootstrap, config
from grantflow.services import reminders as reminders_service
from grantflow.services.notifications import DeliveryRound
from workflows.store import STORE_RETRIES, STORE_RETRY_DELAY_S, prepare_store


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def record_reminders(
    settings: config.Settings, programme_file: str | None, as_of: datetime | None
) -> int:
    with bootstrap.build(settings=settings, programme_file=programme_file, as_of=as_of) as wired:
        recorded = reminders_service.send_reminders(
            wired.unit_of_work(), wired.programme, at=wired.clock.now()
        )
    return len(recorded)


@task(cache_policy=NO_CACHE)
def deliver(settings: config.Settings, as_of: datetime | None) -> DeliveryRound:
    with bootstrap.build(settings=settings, as_of=as_of) as wired:
        return wired.deliver_outbox()


@flow(name="reminders", log_prints=False)
def reminders(
    programme_file: str | None = None, as_of: datetime | None = None
) -> tuple[int, DeliveryRound]:
    """Remind everyone of the deadlines due today (or at ``as_of``), then deliver the
    outbox; (reminders recorded, the delivery round)."""
    settings = config.load()
    prepare_store(settings.database_url)
    recorded = record_reminders(settings, programme_file, as_of)
    return recorded, deliver(settings, as_of)


@flow(name="outbox", log_prints=False)
def outbox(as_of: datetime | None = None) -> DeliveryRound:
    """Deliver every message the outbox holds."""
    settings = config.load()
    prepare_store(settings.database_url)
    return deliver(settings, as_of)
