"""Partner search as an idempotent reconciler, and the deadline that closes it.

A run registers the donor pool and applies ``grantflow.services.partnership.reconcile``
for "today" (the day of ``as_of`` at the Programme Operator's seat, by default today):
before the partner-search deadline it opens the search for every selected
city that wants a partner, starts the project of every one that wants none,
and proposes donors (scipy's assignment maximises the total score within
capacities), each proposal published with its explanation; the operator
confirms, overrides and signs (``grantflow partners confirm|sign``). On or
after the deadline it closes the search: every funded city without a signed
agreement gets its lump sum returned. The ledger is published either way.
Running the flow twice changes nothing the second time.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from grantflow import bootstrap, config
from grantflow.adapters.assignment import ScipyAssignmentSolver
from grantflow.domain.matching import PairScore
from grantflow.domain.names import slug
from grantflow.services import donor_pool
from grantflow.services import partnership as partnership_service
from grantflow.services.lifecycle_views import MONEY_FIELDS, ledger_summary, ledger_view
from grantflow.validation.donors_file import load_donors
from workflows.store import STORE_RETRIES, STORE_RETRY_DELAY_S, prepare_store

ACTOR = "flow:partnership"


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def reconcile(
    settings: config.Settings,
    call_code: str,
    programme_file: str | None,
    donors_file: str | None,
    as_of: datetime | None,
) -> partnership_service.PartnerSearchRound:
    pool = load_donors(Path(donors_file) if donors_file else None)
    with bootstrap.build(settings=settings, programme_file=programme_file, as_of=as_of) as wired:
        uow, clock = wired.unit_of_work(), wired.clock
        donor_pool.register_donors(uow, pool, at=clock.now(), actor=ACTOR)
        return partnership_service.reconcile(
            uow,
            call_code,
            wired.programme,
            ScipyAssignmentSolver(),
            today=clock.today(),
            at=clock.now(),
            actor=ACTOR,
        )


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
    with bootstrap.build(settings=settings) as wired:
        view = ledger_view(wired.unit_of_work())
    # Accounts, then the totals of each call, then the programme's.
    rows = [*view["cities"], *view["calls"], {"call": "programme", **view["totals"]}]
    create_table_artifact(
        key="lump-sum-ledger",
        table=[
            {"call": row["call"], "city": row.get("city", ""), **{k: row[k] for k in MONEY_FIELDS}}
            for row in rows
        ],
        description=f"Lump sums per call and city (EUR); {ledger_summary(view)}",
    )
    return view


@flow(name="partnership", log_prints=False)
def partnership(
    call_code: str = "stage2-proposal",
    programme_file: str | None = None,
    donors_file: str | None = None,
    as_of: datetime | None = None,
) -> partnership_service.PartnerSearchRound:
    """Propose partners until the deadline; at the deadline, close the search.

    Returns what the run did: whether it closed the search, the pairs it proposed, the
    applications it left without a partner.
    """
    settings = config.load()
    prepare_store(settings.database_url)
    outcome = reconcile(settings, call_code, programme_file, donors_file, as_of)
    if not outcome.closed_search:
        publish_proposals(call_code, outcome.proposals)
    publish_ledger(settings)
    return outcome
