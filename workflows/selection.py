"""Ranking and selection as an idempotent reconciler.

A run proposes the ranking when assessed applications are not in the
stored proposal yet, and, with ``approve=True`` (the committee decided
without changes; changes go through ``grantflow selection approve``),
applies it: states change and Stage 2 lump sums are reserved. The ranking
is published as an artifact. Running the flow twice changes nothing the
second time: nothing new is assessed, nothing ranked is still undecided.
"""

from __future__ import annotations

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from grantflow import config
from grantflow.domain.lifecycle import State
from grantflow.domain.ranking import Ranking
from grantflow.services import selection as selection_service
from grantflow.services.lifecycle import in_states
from workflows.intake import prepare_store, slug
from workflows.lifecycle_store import (
    STORE_RETRIES,
    STORE_RETRY_DELAY_S,
    lifecycle_uow,
    now,
    programme_of,
)


@task(cache_policy=NO_CACHE, retries=STORE_RETRIES, retry_delay_seconds=STORE_RETRY_DELAY_S)
def reconcile(
    settings: config.Settings,
    call_code: str,
    programme_file: str | None,
    shortlist: int | None,
    approve: bool,
    approved_by: str,
) -> Ranking | None:
    programme = programme_of(programme_file)
    with lifecycle_uow(settings) as uow:
        with uow:
            assessed = {a.id for a in in_states(uow.applications.list(call_code), State.ASSESSED)}
            ranking = uow.rankings.get(call_code)
        ranked = set() if ranking is None else {e.application_id for e in ranking.entries}
        if assessed - ranked:
            ranking = selection_service.propose_ranking(
                uow,
                call_code,
                programme,
                at=now(),
                actor="flow:selection",
                selected_count=shortlist,
            )
            ranked = {e.application_id for e in ranking.entries}
        if approve and ranked & assessed:
            ranking = selection_service.approve_ranking(
                uow, call_code, [], at=now(), actor=approved_by
            )
        return ranking


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
) -> Ranking | None:
    """Propose the ranking of a call's assessed applications; apply it once approved."""
    settings = config.load()
    prepare_store(settings.database_url)
    ranking = reconcile(settings, call_code, programme_file, shortlist, approve, approved_by)
    publish_ranking(call_code, ranking)
    return ranking
