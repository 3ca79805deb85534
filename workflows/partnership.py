"""Partner search as an idempotent reconciler, and the deadline that closes it.

Before the partner-search deadline a run registers the donor pool, opens the
search for every selected city that wants a partner and proposes donors
(scipy's assignment maximises the total score within capacities), each
proposal published with its explanation. The operator confirms, overrides
and signs (``grantflow partners confirm|sign``). A run on or after the
deadline (``as_of``) closes the search: every funded city without a signed
agreement gets its lump sum returned. The ledger is published either way.
Running the flow twice changes nothing the second time.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from grantflow import config
from grantflow.adapters.assignment import ScipyAssignmentSolver
from grantflow.domain.matching import PairScore
from grantflow.services import donor_pool
from grantflow.services import partnership as partnership_service
from grantflow.services.lifecycle_views import ledger_view
from grantflow.validation.donors_file import load_donors
from workflows.intake import prepare_store, slug
from workflows.lifecycle_store import (
    STORE_RETRIES,
    STORE_RETRY_DELAY_S,
    lifecycle_uow,
    now,
    programme_of,
)

ACTOR = "flow:partnership"


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def propose(
    settings: config.Settings, call_code: str, donors_file: str | None
) -> tuple[PairScore, ...]:
    pool = load_donors(Path(donors_file) if donors_file else None)
    with lifecycle_uow(settings) as uow:
        donor_pool.register_donors(uow, pool, at=now(), actor=ACTOR)
        return partnership_service.reconcile_partner_search(
            uow, call_code, ScipyAssignmentSolver(), at=now(), actor=ACTOR
        )


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def close_partner_search(settings: config.Settings, call_code: str) -> list[int]:
    with lifecycle_uow(settings) as uow:
        return partnership_service.close_partner_search(uow, call_code, at=now(), actor=ACTOR)


@task(cache_policy=NO_CACHE)
def publish_proposals(call_code: str, proposals: tuple[PairScore, ...]) -> None:
    create_table_artifact(
        key=f"partner-proposals-{slug(call_code)}",
        table=[
            {
                "application": p.city.application_id,
                "city": p.city.city_name,
                "donor": p.donor.name,
                "country": p.donor.country,
                "score": p.score,
                "why": p.explanation(),
            }
            for p in proposals
        ],
        description="Proposed partners, to confirm or override (grantflow partners confirm)",
    )


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def publish_ledger(settings: config.Settings) -> dict[str, object]:
    with lifecycle_uow(settings) as uow:
        view = ledger_view(uow)
    totals = {"city": "programme", **{k: v for k, v in view["totals"].items() if k != "reconciles"}}
    create_table_artifact(
        key="lump-sum-ledger",
        table=[*view["cities"], totals],
        description=f"Lump sums per city (EUR); {len(view['entries'])} entries, "
        f"totals {'reconcile' if view['totals']['reconciles'] else 'DO NOT reconcile'}",
    )
    return view


@flow(name="partnership", log_prints=False)
def partnership(
    call_code: str = "stage2-proposal",
    programme_file: str | None = None,
    donors_file: str | None = None,
    as_of: date | None = None,
) -> list[int]:
    """Propose partners until the deadline; at the deadline, close the search.

    Returns the applications whose search this run closed (none before the deadline).
    """
    settings = config.load()
    prepare_store(settings.database_url)
    deadline = programme_of(programme_file).partner_search_deadline
    closed: list[int] = []
    if (as_of or date.today()) >= deadline:
        closed = close_partner_search(settings, call_code)
    else:
        publish_proposals(call_code, propose(settings, call_code, donors_file))
    publish_ledger(settings)
    return closed
