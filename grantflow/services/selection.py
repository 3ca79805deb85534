"""Selection use cases: propose the ranking, approve it with the committee's changes, withdraw.

Approval turns decisions into states: in Stage 1 ``selected`` means
``shortlisted``; in Stage 2 it means funded, and the city's partnership lump
sum (its budget line) is reserved in the ledger. When a selected city
withdraws, its open reservation is released and the first reserve that fits
the allocation moves up and gets its lump sum reserved. Ledger keys name the
call and the application, so re-running any of this books nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from grantflow.domain.assessment import assess
from grantflow.domain.errors import NotFound
from grantflow.domain.ledger import EntryKind
from grantflow.domain.lifecycle import Action, Stage, State
from grantflow.domain.programme import Programme
from grantflow.domain.ranking import (
    CommitteeChange,
    Decision,
    Proposal,
    Ranking,
    Withdrawal,
    apply_committee_changes,
    rank,
    withdraw,
)
from grantflow.services.ledger import book, open_amount
from grantflow.services.lifecycle import advance, current_version, in_states, record
from grantflow.services.lifecycle_ports import LifecycleUnitOfWork
from grantflow.services.ports import Application


def _proposal(uow: LifecycleUnitOfWork, application: Application, programme: Programme) -> Proposal:
    assessment = assess(
        uow.scorecards.for_application(application.id), programme.divergence_threshold
    )
    if assessment.final_score is None:
        raise NotFound(f"application {application.id} has no final score")
    version = current_version(uow, application.id)
    assert version.outline is not None  # current_version returns valid versions only
    return Proposal(
        application_id=application.id,
        teryt=application.teryt,
        city_name=application.city_name,
        final_score=assessment.final_score,
        first_criterion=assessment.criterion_mean(programme.criteria[0].code),
        submitted_at=version.submitted_at,
        grant_eur=version.outline.requested_grant_eur,
    )


def _summary(ranking: Ranking) -> list[dict[str, object]]:
    return [
        {
            "application": e.application_id,
            "rank": e.rank,
            "score": e.proposal.final_score,
            "decision": e.decision,
        }
        for e in ranking.entries
    ]


def propose_ranking(
    uow: LifecycleUnitOfWork,
    call_code: str,
    programme: Programme,
    *,
    at: datetime,
    actor: str,
    selected_count: int | None = None,
) -> Ranking:
    """Rank the call's assessed applications (Stage 1: ``selected_count`` to shortlist)."""
    stage = programme.call(call_code).stage
    with uow:
        assessed = in_states(uow.applications.list(call_code), State.ASSESSED)
        ranking = rank(
            [_proposal(uow, a, programme) for a in assessed],
            selected_count=selected_count or programme.funded_count,
            reserve_count=programme.reserve_count if stage == Stage.PROPOSAL else 0,
            pass_mark=programme.pass_mark,
            allocation_eur=programme.allocation_eur if stage == Stage.PROPOSAL else None,
        )
        uow.rankings.save(call_code, ranking)
        record(
            uow,
            at=at,
            actor=actor,
            action="ranking:propose",
            subject=f"ranking:{call_code}",
            payload={"entries": _summary(ranking)},
        )
        uow.commit()
    return ranking


_ACTIONS = {
    Decision.RESERVE: Action.PUT_ON_RESERVE,
    Decision.REJECTED: Action.REJECT,
}


def _reserve_lump_sum(
    uow: LifecycleUnitOfWork, call_code: str, application: Application, at: datetime, actor: str
) -> None:
    outline = current_version(uow, application.id).outline
    lump_sum = outline.lump_sum_eur if outline is not None and outline.wants_partner else None
    if lump_sum is not None:
        book(
            uow,
            key=f"reserve:{call_code}:{application.id}",
            city=application.teryt,
            kind=EntryKind.RESERVE,
            amount=lump_sum,
            at=at,
            actor=actor,
            reason=f"{application.city_name}: Stage 2 proposal selected",
        )


def approve_ranking(
    uow: LifecycleUnitOfWork,
    call_code: str,
    changes: Sequence[CommitteeChange],
    *,
    at: datetime,
    actor: str,
) -> Ranking:
    """The committee's decision: the proposal with justified changes, applied to every
    application still ``assessed`` (re-running it changes nothing)."""
    with uow:
        proposed = uow.rankings.get(call_code)
        if proposed is None:
            raise NotFound(f"no ranking proposed for {call_code}")
        decided = apply_committee_changes(proposed, changes)
        for entry in decided.entries:
            application = uow.applications.get_for_update(entry.application_id)
            if application.state != State.ASSESSED:
                continue
            if entry.decision is Decision.SELECTED:
                stage1 = application.stage == Stage.OUTLINE
                action = Action.SHORTLIST if stage1 else Action.SELECT
            else:
                action = _ACTIONS[entry.decision]
            advance(
                uow,
                application.id,
                action,
                at=at,
                actor=actor,
                reason=entry.justification or entry.reason,
                payload={"rank": entry.rank, "score": entry.proposal.final_score},
            )
            if action is Action.SELECT:
                _reserve_lump_sum(uow, call_code, application, at, actor)
        uow.rankings.save(call_code, decided)
        record(
            uow,
            at=at,
            actor=actor,
            action="ranking:approve",
            subject=f"ranking:{call_code}",
            payload={"entries": _summary(decided), "changes": len(changes)},
        )
        uow.commit()
    return decided


def withdraw_application(
    uow: LifecycleUnitOfWork,
    call_code: str,
    application_id: int,
    *,
    at: datetime,
    actor: str,
    reason: str,
) -> Withdrawal:
    """A selected or reserve city withdraws; its lump sum is released, a reserve may move up."""
    with uow:
        ranking = uow.rankings.get(call_code)
        if ranking is None:
            raise NotFound(f"no ranking for {call_code}")
        outcome = withdraw(ranking, application_id)
        application = advance(
            uow, application_id, Action.WITHDRAW, at=at, actor=actor, reason=reason
        )
        still_open = open_amount(uow, application.teryt)
        if still_open > 0:
            book(
                uow,
                key=f"release:{call_code}:{application_id}",
                city=application.teryt,
                kind=EntryKind.RELEASE,
                amount=still_open,
                at=at,
                actor=actor,
                reason=f"{application.city_name} withdrew",
            )
        if outcome.promoted is not None:
            promoted = advance(
                uow,
                outcome.promoted,
                Action.PROMOTE_FROM_RESERVE,
                at=at,
                actor=actor,
                reason=f"application {application_id} withdrew",
            )
            _reserve_lump_sum(uow, call_code, promoted, at, actor)
        uow.rankings.save(call_code, outcome.ranking)
        uow.commit()
    return outcome
