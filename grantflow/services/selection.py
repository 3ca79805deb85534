"""Selection use cases: propose the ranking, approve it with the committee's changes, withdraw.

Approval turns decisions into states: in Stage 1 ``selected`` means
``shortlisted``; in Stage 2 it means funded, and the city's partnership lump
sum (its budget line) is reserved in the ledger. :func:`reconcile_selection`
is the selection flow's rule: propose again whenever applications were
assessed that the proposal does not rank yet.

:func:`withdraw` is the only way a city leaves: from every state the
lifecycle allows it, whatever of its lump sum is still open is released
(the city is not funded after all; nothing is committed before signing, the
last state a city may withdraw from being ``partnership_confirmed``), its
partnership (proposed or confirmed) is given up, and when a funded city
leaves the first reserve whose grant fits the freed money moves up and gets
its lump sum reserved. Ledger keys name the call and the application, so
re-running any of this books nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from grantflow.domain.assessment import assess
from grantflow.domain.errors import NotFound
from grantflow.domain.ledger import EntryKind, LedgerEntry
from grantflow.domain.lifecycle import Action, Stage, State
from grantflow.domain.programme import Programme
from grantflow.domain.ranking import (
    CommitteeChange,
    Decision,
    Proposal,
    Ranking,
    RankingDecided,
    apply_committee_changes,
    rank,
)
from grantflow.domain.ranking import withdraw as withdraw_from_ranking
from grantflow.services.ledger import book, settle_open
from grantflow.services.lifecycle import advance, current_version, in_states, record
from grantflow.services.ports.applications import Application
from grantflow.services.ports.unit_of_work import UnitOfWork


def _proposal(uow: UnitOfWork, application: Application, programme: Programme) -> Proposal:
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
    uow: UnitOfWork,
    call_code: str,
    programme: Programme,
    *,
    at: datetime,
    actor: str,
    selected_count: int | None = None,
) -> Ranking:
    """Rank the call's assessed applications. ``selected_count``: how many to shortlist
    (Stage 1) or fund (Stage 2), by default the programme's ``shortlist_count`` or
    ``funded_count``."""
    stage = programme.call(call_code).stage
    default_count = programme.funded_count if stage == Stage.PROPOSAL else programme.shortlist_count
    with uow:
        assessed = in_states(uow.applications.list(call_code), State.ASSESSED)
        ranking = rank(
            [_proposal(uow, a, programme) for a in assessed],
            selected_count=selected_count or default_count,
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


def _reserve_lump_sum(uow: UnitOfWork, application: Application, at: datetime, actor: str) -> None:
    outline = current_version(uow, application.id).outline
    lump_sum = outline.lump_sum_eur if outline is not None and outline.wants_partner else None
    if lump_sum is not None:
        book(
            uow,
            key=f"reserve:{application.call_code}:{application.id}",
            call=application.call_code,
            city=application.teryt,
            kind=EntryKind.RESERVE,
            amount=lump_sum,
            at=at,
            actor=actor,
            reason=f"{application.city_name}: Stage 2 proposal selected",
        )


def approve_ranking(
    uow: UnitOfWork,
    call_code: str,
    changes: Sequence[CommitteeChange],
    *,
    at: datetime,
    actor: str,
) -> Ranking:
    """The committee's decision: the proposal with justified changes, applied to every
    application still ``assessed``. A selected one gets its lump sum reserved; one the
    committee moved off the selected list never had one, so nothing is booked for it.

    Re-running it (a retried request, a second operator approving at the same time)
    changes nothing: the ranked applications are locked before the ranking is read, so
    the second approval reads the first one's decided ranking and returns it. A change
    to an application decided otherwise already is refused (RankingDecided), never applied:
    the states and the stored ranking always agree.
    """
    with uow:
        proposed = uow.rankings.get(call_code)
        if proposed is None:
            raise NotFound(f"no ranking proposed for {call_code}")
        # Locks first: a concurrent approval waits here, then reads what this one saved.
        states = {
            e.application_id: uow.applications.get_for_update(e.application_id).state
            for e in proposed.entries
        }
        current = uow.rankings.get(call_code) or proposed
        # The same change posted again (a retried request) is no change.
        decided_already = [
            f"application {c.application_id} is '{states.get(c.application_id, 'not ranked')}'"
            for c in changes
            if states.get(c.application_id) != State.ASSESSED
            and not (
                c.application_id in states
                and current.entry(c.application_id).decision is c.decision
            )
        ]
        if decided_already:
            raise RankingDecided(
                "the committee can change only applications still waiting for its decision: "
                + "; ".join(decided_already)
            )
        if all(state != State.ASSESSED for state in states.values()):
            return current  # approved already
        decided = apply_committee_changes(current, changes)
        for entry in decided.entries:
            application = uow.applications.get(entry.application_id)
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
                _reserve_lump_sum(uow, application, at, actor)
        uow.rankings.save(call_code, decided)
        record(
            uow,
            at=at,
            actor=actor,
            action="ranking:approve",
            subject=f"ranking:{call_code}",
            payload={
                "entries": _summary(decided),
                "changes": len(changes),
                "justifications": {str(c.application_id): c.justification.strip() for c in changes},
            },
        )
        uow.commit()
    return decided


def reconcile_selection(
    uow: UnitOfWork,
    call_code: str,
    programme: Programme,
    *,
    at: datetime,
    actor: str,
    shortlist: int | None = None,
    approve: bool = False,
    approved_by: str = "committee",
) -> Ranking | None:
    """Propose the ranking again when assessed applications are missing from it; with
    ``approve`` (the committee decided without changes) apply it. None: nothing to rank yet.

    Idempotent: once every assessed application is ranked and decided, a run
    changes nothing.
    """
    with uow:
        assessed = {a.id for a in in_states(uow.applications.list(call_code), State.ASSESSED)}
        ranking = uow.rankings.get(call_code)
    ranked = set() if ranking is None else {e.application_id for e in ranking.entries}
    if assessed - ranked:
        ranking = propose_ranking(
            uow, call_code, programme, at=at, actor=actor, selected_count=shortlist
        )
        ranked = {e.application_id for e in ranking.entries}
    if approve and ranked & assessed:
        ranking = approve_ranking(uow, call_code, [], at=at, actor=approved_by)
    return ranking


@dataclass(frozen=True)
class Withdrawn:
    application: Application  # now ``withdrawn``
    released: LedgerEntry | None  # the open lump sum released, if any was open
    promoted: Application | None  # the reserve that moved up (its lump sum reserved)


def withdraw(
    uow: UnitOfWork,
    application_id: int,
    *,
    at: datetime,
    actor: str,
    reason: str,
) -> Withdrawn:
    """The city withdraws (see the module docstring); IllegalTransition from a state that
    does not allow it (after signing, leaving is a contract termination)."""
    with uow:
        before = uow.applications.get_for_update(application_id)
        application = advance(
            uow, application_id, Action.WITHDRAW, at=at, actor=actor, reason=reason
        )
        released = settle_open(
            uow,
            EntryKind.RELEASE,
            f"release:{application.call_code}:{application_id}",
            application,
            f"{application.city_name} withdrew",
            at=at,
            actor=actor,
        )
        if uow.partnerships.find(application_id) is not None:
            uow.partnerships.remove(application_id)
            record(
                uow,
                at=at,
                actor=actor,
                action="partnership:give_up",
                subject=f"application:{application_id}",
                reason=f"{application.city_name} withdrew from '{before.state}'",
            )
        promoted = _leave_ranking(uow, application, at=at, actor=actor)
        uow.commit()
    return Withdrawn(application, released, promoted)


def _leave_ranking(
    uow: UnitOfWork, application: Application, *, at: datetime, actor: str
) -> Application | None:
    """Mark the city withdrawn in its call's ranking; move the first fitting reserve up
    when a funded city left (in a proposal the committee has not approved yet, the
    proposal changes and the states wait for the approval)."""
    ranking = uow.rankings.get(application.call_code)
    if ranking is None or all(e.application_id != application.id for e in ranking.entries):
        return None
    if ranking.entry(application.id).decision not in (Decision.SELECTED, Decision.RESERVE):
        return None
    outcome = withdraw_from_ranking(ranking, application.id)
    uow.rankings.save(application.call_code, outcome.ranking)
    if outcome.promoted is None:
        return None
    candidate = uow.applications.get_for_update(outcome.promoted)
    if candidate.state != State.RESERVE:
        return None
    promoted = advance(
        uow,
        candidate.id,
        Action.PROMOTE_FROM_RESERVE,
        at=at,
        actor=actor,
        reason=f"application {application.id} withdrew",
    )
    _reserve_lump_sum(uow, promoted, at, actor)
    return promoted
