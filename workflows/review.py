"""Expert assessment as an idempotent reconciler (docs/architecture.md, "Long-running
human steps").

Each run starts the assessment of formally correct applications, gives each
its experts (two; a third after a divergent pair; a replacement for one who
declared a conflict), completes those with a final score, and publishes the
reviewers' load. Declaring and scoring are the reviewers' own steps
(``grantflow review declare|score``); the next run picks them up. Running
the flow twice changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from grantflow import bootstrap, config
from grantflow.domain.names import slug
from grantflow.services import review as review_service
from grantflow.services.lifecycle_views import ReviewerLoad, reviewer_load_view
from workflows.store import STORE_RETRIES, STORE_RETRY_DELAY_S, prepare_store


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def reconcile(
    settings: config.Settings, call_code: str, programme_file: str | None, as_of: datetime | None
) -> review_service.AssessmentRound:
    with bootstrap.build(settings=settings, programme_file=programme_file, as_of=as_of) as wired:
        return review_service.reconcile_assessment(
            wired.unit_of_work(),
            call_code,
            wired.programme,
            at=wired.clock.now(),
            actor="flow:review",
        )


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def reviewer_load(settings: config.Settings) -> list[ReviewerLoad]:
    with bootstrap.build(settings=settings) as wired:
        return reviewer_load_view(wired.unit_of_work())


@task(cache_policy=NO_CACHE)
def publish_load(call_code: str, load: list[ReviewerLoad]) -> None:
    create_table_artifact(
        key=f"reviewer-load-{slug(call_code)}",
        table=[asdict(row) for row in load],
        description="Assignments per reviewer (declared conflicts do not count)",
    )


@flow(name="review", log_prints=False)
def review(
    call_code: str = "stage1-outline",
    programme_file: str | None = None,
    as_of: datetime | None = None,
) -> review_service.AssessmentRound:
    """Advance the expert assessment of a call as far as it can go now (or at ``as_of``)."""
    settings = config.load()
    prepare_store(settings.database_url)
    outcome = reconcile(settings, call_code, programme_file, as_of)
    publish_load(call_code, reviewer_load(settings))
    return outcome
