"""Ranking and selection as an idempotent reconciler.

A run proposes the ranking when assessed applications are not in the
stored proposal yet, and, with ``approve=True`` (the committee decided
without changes; changes go through ``grantflow selection approve``),
applies it: states change and Stage 2 lump sums are reserved (the rule is
``grantflow.services.selection.reconcile_selection``). The ranking
is published as an artifact. Running the flow twice changes nothing the
second time: nothing new is assessed, nothing ranked is still undecided.
"""

from __future__ import annotations

from datetime import datetime

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from grantflow import bootstrap, config
from grantflow.domain.names import slug
from grantflow.domain.ranking import Ranking
from grantflow.services import selection as selection_service
from workflows.store import STORE_RETRIES, STORE_RETRY_DELAY_S, prepare_store


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def reconcile(
    settings: config.Settings,
    call_code: str,
    programme_file: str | None,
    shortlist: int | None,
    approve: bool,
    approved_by: str,
    as_of: datetime | None,
) -> Ranking | None:
    with bootstrap.build(settings=settings, programme_file=programme_file, as_of=as_of) as wired:
        return selection_service.reconcile_selection(
            wired.unit_of_work(),
            call_code,
            wired.programme,
            at=wired.clock.now(),
            actor="flow:selection",
            shortlist=shortlist,
            approve=approve,
            approved_by=approved_by,
        )


@task(cache_policy=NO_CACHE)
def publish_ranking(call_code: str, ranking: Ranking | None) -> None:
    if ranking is None:
        return
    create_table_artifact(
        key=f"ranking-{slug(call_code)}",
        table=[
            {
                "rank": e.rank,
                "application": e.application_id,
                "city": e.proposal.city_name,
                "final_score": str(e.proposal.final_score),
                "grant_eur": str(e.proposal.grant_eur),
                "decision": str(e.decision),
                "reason": e.reason,
                "justification": e.justification,
            }
            for e in ranking.entries
        ],
        description=f"Ranking of {call_code} (tie rule: grantflow.domain.ranking)",
    )


@flow(name="selection", log_prints=False)
def selection(
    call_code: str = "stage2-proposal",
    programme_file: str | None = None,
    shortlist: int | None = None,
    approve: bool = False,
    approved_by: str = "committee",
    as_of: datetime | None = None,
) -> Ranking | None:
    """Propose the ranking of a call's assessed applications; apply it once approved."""
    settings = config.load()
    prepare_store(settings.database_url)
    ranking = reconcile(settings, call_code, programme_file, shortlist, approve, approved_by, as_of)
    publish_ranking(call_code, ranking)
    return ranking
