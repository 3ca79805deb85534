"""Stage 3 use cases: partner search, matching, confirmation, signing, the deadline.

- :func:`reconcile` is the partnership flow's rule: before the partner-search
  deadline it runs :func:`reconcile_partner_search`, on and after it
  :func:`close_partner_search`. "Today" comes from the caller (a date at the
  Programme Operator's seat), never from the clock of whatever machine runs it.
- :func:`reconcile_partner_search` opens the search for every selected city
  that wants a partner, starts the project of every selected city that wants
  none, and proposes donors for cities still without one (the assignment
  maximising the total score within free capacities).
- :func:`confirm_partner`: the operator confirms the proposal or overrides
  it with another donor (an override needs a justification); capacity is
  checked either way, under the writer lock, so two operators confirming
  different cities with the donor's last place cannot both succeed.
- :func:`reopen_search`: a confirmed pair fell through before signing.
- :func:`sign_agreement` commits the city's open lump sum (on a day that has come).
- :func:`close_partner_search` (at the deadline) returns the open lump sum
  of every funded city still without a signed agreement.
- :func:`start_implementation`: the project starts once no lump sum of it is
  left reserved (committed by a signature, returned at the deadline, or never
  reserved because the city wanted no partner).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from grantflow.domain.deadlines import operator_day
from grantflow.domain.errors import GrantflowError, NotFound
from grantflow.domain.ledger import EntryKind
from grantflow.domain.lifecycle import Action, State
from grantflow.domain.matching import (
    AssignmentSolver,
    CityNeeds,
    PairScore,
    propose_matches,
    remaining_capacity,
    score_pair,
)
from grantflow.domain.notifications import Topic
from grantflow.domain.partners import agreement_period, signature_day
from grantflow.domain.programme import Programme
from grantflow.services import notifications
from grantflow.services.ledger import account_of, open_amount, settle_open
from grantflow.services.lifecycle import (
    advance,
    current_version,
    in_states,
    record,
    require_reason,
)
from grantflow.services.ports.applications import Application
from grantflow.services.ports.partners import Partnership, PartnershipStatus
from grantflow.services.ports.unit_of_work import UnitOfWork


class PartnershipError(GrantflowError):
    """An operator's partnership step the rules do not allow."""


def places_taken(uow: UnitOfWork) -> Counter[str]:
    """Places used per donor: confirmed and signed partnerships (proposals hold none)."""
    return Counter(
        p.donor_code for p in uow.partnerships.list() if p.status is not PartnershipStatus.PROPOSED
    )


def _needs(uow: UnitOfWork, application_id: int) -> CityNeeds:
    outline = current_version(uow, application_id).outline
    assert outline is not None  # current_version returns valid versions only
    return CityNeeds.from_outline(application_id, outline)


def reconcile_partner_search(
    uow: UnitOfWork, call_code: str, solver: AssignmentSolver, *, at: datetime, actor: str
) -> tuple[PairScore, ...]:
    """Open searches (or start the projects of cities wanting no partner) and (re)propose
    donors for cities without a confirmed partner."""
    with uow:
        for application in in_states(uow.applications.list(call_code), State.SELECTED):
            outline = current_version(uow, application.id).outline
            if outline is not None and outline.wants_partner:
                advance(uow, application.id, Action.OPEN_PARTNER_SEARCH, at=at, actor=actor)
            else:
                _start_implementation(
                    uow, application, at=at, actor=actor, reason="no partner wanted"
                )
        searching = in_states(uow.applications.list(call_code), State.PARTNER_SEARCH)
        proposals = propose_matches(
            [_needs(uow, a.id) for a in searching],
            uow.donors.list(),
            solver,
            taken=places_taken(uow),
        )
        proposed = {p.city.application_id: p for p in proposals}
        for application in searching:
            pair = proposed.get(application.id)
            standing = uow.partnerships.find(application.id)
            if pair is None:
                if standing is not None:
                    uow.partnerships.remove(application.id)
                continue
            proposal = Partnership(
                application.id,
                pair.donor.code,
                PartnershipStatus.PROPOSED,
                pair.score,
                pair.explanation(),
            )
            if proposal == standing:
                continue  # proposed before: a re-run records nothing new
            uow.partnerships.save(proposal)
            notifications.tell_donor(uow, pair.donor, application, Topic.MATCH_PROPOSED, at=at)
            record(
                uow,
                at=at,
                actor=actor,
                action="partnership:propose",
                subject=f"application:{application.id}",
                reason=pair.explanation(),
                payload={"donor": pair.donor.code, "score": pair.score},
            )
        uow.commit()
    return proposals


def confirm_partner(
    uow: UnitOfWork,
    application_id: int,
    donor_code: str,
    programme: Programme,
    *,
    at: datetime,
    actor: str,
    justification: str = "",
) -> Partnership:
    """Confirm the proposed donor, or another one with a justification (an override).

    Refused once the agreement could no longer run (after the final eligibility date).
    """
    agreement_period(operator_day(at), programme.final_eligibility_date)
    with uow:
        # The lock first: the capacity read below must not be stale when this commits.
        uow.applications.get_for_update(application_id)
        proposal = uow.partnerships.find(application_id)
        overriding = proposal is None or proposal.donor_code != donor_code
        if overriding and not justification.strip():
            raise PartnershipError(
                f"confirming {donor_code} for application {application_id} overrides the "
                "proposal: give a justification"
            )
        donor = uow.donors.get(donor_code)
        if remaining_capacity([donor], places_taken(uow))[donor.code] <= 0:
            raise PartnershipError(f"{donor.name} has no free place (capacity {donor.capacity})")
        pair = score_pair(_needs(uow, application_id), donor)
        confirmed = Partnership(
            application_id,
            donor_code,
            PartnershipStatus.CONFIRMED,
            pair.score,
            pair.explanation(),
            justification.strip(),
        )
        application = advance(
            uow,
            application_id,
            Action.CONFIRM_PARTNERSHIP,
            at=at,
            actor=actor,
            reason=justification.strip() or pair.explanation(),
            payload={"donor": donor_code, "override": overriding},
        )
        uow.partnerships.save(confirmed)
        notifications.tell_donor(uow, donor, application, Topic.AGREEMENT_READY, at=at)
        uow.commit()
    return confirmed


def sign_agreement(
    uow: UnitOfWork,
    call_code: str,
    application_id: int,
    programme: Programme,
    *,
    at: datetime,
    actor: str,
    today: date,
) -> Partnership:
    """The agreement was signed at ``at``: the city's open lump sum is committed.

    Refused when that day is after ``today`` (the caller's day at the operator's seat,
    as for :func:`reconcile`), and after the final eligibility date: the agreement
    would end before it begins.
    """
    agreement_period(signature_day(operator_day(at), today), programme.final_eligibility_date)
    with uow:
        if uow.applications.get_for_update(application_id).call_code != call_code:
            raise NotFound(f"application {application_id} is not in {call_code}")
        partnership = uow.partnerships.find(application_id)
        if partnership is None or partnership.status is not PartnershipStatus.CONFIRMED:
            raise NotFound(f"application {application_id} has no confirmed partnership")
        application = advance(
            uow,
            application_id,
            Action.SIGN_AGREEMENT,
            at=at,
            actor=actor,
            payload={"donor": partnership.donor_code},
        )
        settle_open(
            uow,
            EntryKind.COMMIT,
            f"commit:{call_code}:{application_id}",
            application,
            f"partnership agreement with {partnership.donor_code} signed",
            at=at,
            actor=actor,
        )
        signed = Partnership(
            application_id,
            partnership.donor_code,
            PartnershipStatus.SIGNED,
            partnership.score,
            partnership.explanation,
            partnership.justification,
        )
        uow.partnerships.save(signed)
        uow.commit()
    return signed


def close_partner_search(uow: UnitOfWork, call_code: str, *, at: datetime, actor: str) -> list[int]:
    """At the deadline: every city still searching gets ``no_partner`` and its lump sum returned.

    A confirmed but unsigned partnership is given up first (back to the
    search), since only a signed agreement commits money.
    """
    closed: list[int] = []
    with uow:
        for application in in_states(uow.applications.list(call_code), State.PARTNERSHIP_CONFIRMED):
            advance(
                uow,
                application.id,
                Action.REOPEN_PARTNER_SEARCH,
                at=at,
                actor=actor,
                reason="partner-search deadline passed before signing",
            )
        for application in in_states(uow.applications.list(call_code), State.PARTNER_SEARCH):
            closing = advance(
                uow,
                application.id,
                Action.CLOSE_PARTNER_SEARCH,
                at=at,
                actor=actor,
                reason="no partner by the partner-search deadline",
            )
            uow.partnerships.remove(application.id)
            settle_open(
                uow,
                EntryKind.RETURN,
                f"return:{call_code}:{application.id}:no-partner",
                closing,
                f"{application.city_name}: no partner by the deadline",
                at=at,
                actor=actor,
            )
            closed.append(application.id)
        uow.commit()
    return closed


def reopen_search(
    uow: UnitOfWork, application_id: int, *, at: datetime, actor: str, reason: str
) -> Application:
    """A confirmed pair fell through before signing: back to the search, the donor's place
    freed (the next run of the flow proposes again)."""
    reason = require_reason(reason, "reopening the partner search", application_id)
    with uow:
        application = advance(
            uow,
            application_id,
            Action.REOPEN_PARTNER_SEARCH,
            at=at,
            actor=actor,
            reason=reason,
        )
        uow.partnerships.remove(application_id)
        uow.commit()
    return application


def _start_implementation(
    uow: UnitOfWork, application: Application, *, at: datetime, actor: str, reason: str
) -> Application:
    still_reserved = open_amount(uow, account_of(application))
    if still_reserved > 0:
        raise PartnershipError(
            f"application {application.id} ({application.city_name}) still has EUR "
            f"{still_reserved} of its lump sum reserved: sign the partnership agreement "
            "(grantflow partners sign) or let the partner search close at its deadline "
            "(grantflow run partnership) first"
        )
    return advance(
        uow, application.id, Action.START_IMPLEMENTATION, at=at, actor=actor, reason=reason
    )


def start_implementation(
    uow: UnitOfWork, application_id: int, *, at: datetime, actor: str, reason: str = ""
) -> Application:
    """The project starts (after signing, after the search closed, or without a partner)."""
    with uow:
        application = uow.applications.get_for_update(application_id)
        started = _start_implementation(uow, application, at=at, actor=actor, reason=reason)
        uow.commit()
    return started


def deadline_passed(programme: Programme, today: date) -> bool:
    """The search closes on the deadline day itself (agreements are signed before it)."""
    return today >= programme.partner_search_deadline


@dataclass(frozen=True)
class PartnerSearchRound:
    closed_search: bool  # the deadline had passed: this run closed the search
    proposals: tuple[PairScore, ...] = ()  # before the deadline: the proposed pairs
    no_partner: tuple[int, ...] = ()  # at the deadline: the applications left without one


def reconcile(
    uow: UnitOfWork,
    call_code: str,
    programme: Programme,
    solver: AssignmentSolver,
    *,
    today: date,
    at: datetime,
    actor: str,
) -> PartnerSearchRound:
    """The partnership flow's step: propose before the deadline, close the search from it on."""
    if deadline_passed(programme, today):
        closed = close_partner_search(uow, call_code, at=at, actor=actor)
        return PartnerSearchRound(True, no_partner=tuple(closed))
    proposals = reconcile_partner_search(uow, call_code, solver, at=at, actor=actor)
    return PartnerSearchRound(False, proposals=proposals)
