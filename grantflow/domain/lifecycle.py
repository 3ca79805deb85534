"""The states an application moves through (SPEC section 5) as an explicit table.

An application answers one call: Stage 1 (outline) or Stage 2 (complete
proposal). A Stage 2 application that is ``selected`` carries on into Stage 3
(partner search and implementation) as the same record, so Stage 3 states
live in the Stage 2 table. Each stage has its own table because the
committee's vocabulary differs: Stage 1 shortlists, Stage 2 selects or puts
on the reserve list.

Every change of state goes through :func:`transition`; a pair (state, action)
missing from the table is refused with :class:`IllegalTransition` naming the
stage, the state, the action and what the state does allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum, StrEnum
from types import MappingProxyType

from grantflow.domain.errors import IllegalTransition


class Stage(IntEnum):
    OUTLINE = 1
    PROPOSAL = 2


class State(StrEnum):
    SUBMITTED = "submitted"
    RETURNED_FOR_CORRECTION = "returned_for_correction"
    FORMALLY_CORRECT = "formally_correct"
    FORMALLY_REJECTED = "formally_rejected"
    UNDER_ASSESSMENT = "under_assessment"
    ASSESSED = "assessed"
    SHORTLISTED = "shortlisted"
    SELECTED = "selected"
    RESERVE = "reserve"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    # Stage 3: implementation of a selected Stage 2 proposal.
    PARTNER_SEARCH = "partner_search"
    PARTNERSHIP_CONFIRMED = "partnership_confirmed"
    AGREEMENT_SIGNED = "agreement_signed"
    NO_PARTNER = "no_partner"
    IMPLEMENTATION = "implementation"
    FINAL_REPORT_SUBMITTED = "final_report_submitted"
    CLOSED = "closed"


class Action(StrEnum):
    ACCEPT_FORMALLY = "accept_formally"
    REJECT_FORMALLY = "reject_formally"
    RETURN_FOR_CORRECTION = "return_for_correction"
    RESUBMIT = "resubmit"  # a corrected upload (a new version) re-enters the check
    START_ASSESSMENT = "start_assessment"
    COMPLETE_ASSESSMENT = "complete_assessment"
    SHORTLIST = "shortlist"
    SELECT = "select"
    PUT_ON_RESERVE = "put_on_reserve"
    REJECT = "reject"
    PROMOTE_FROM_RESERVE = "promote_from_reserve"  # a funded city withdrew
    WITHDRAW = "withdraw"
    OPEN_PARTNER_SEARCH = "open_partner_search"
    CONFIRM_PARTNERSHIP = "confirm_partnership"
    REOPEN_PARTNER_SEARCH = "reopen_partner_search"  # a confirmed pair fell through before signing
    SIGN_AGREEMENT = "sign_agreement"
    CLOSE_PARTNER_SEARCH = "close_partner_search"  # deadline passed without a partner
    START_IMPLEMENTATION = "start_implementation"
    SUBMIT_FINAL_REPORT = "submit_final_report"
    CLOSE = "close"


S, A = State, Action

# Shared by both stages: the formal check and the expert assessment.
_CHECK_AND_ASSESSMENT: dict[tuple[State, Action], State] = {
    (S.SUBMITTED, A.ACCEPT_FORMALLY): S.FORMALLY_CORRECT,
    (S.SUBMITTED, A.REJECT_FORMALLY): S.FORMALLY_REJECTED,
    (S.SUBMITTED, A.RETURN_FOR_CORRECTION): S.RETURNED_FOR_CORRECTION,
    (S.RETURNED_FOR_CORRECTION, A.RESUBMIT): S.SUBMITTED,
    (S.FORMALLY_CORRECT, A.START_ASSESSMENT): S.UNDER_ASSESSMENT,
    (S.UNDER_ASSESSMENT, A.COMPLETE_ASSESSMENT): S.ASSESSED,
    (S.ASSESSED, A.REJECT): S.REJECTED,
}

# A city may withdraw until money is committed: after signing, leaving is a
# contract termination, which this programme does not model.
_WITHDRAWABLE_BEFORE_DECISION = (
    S.SUBMITTED,
    S.RETURNED_FOR_CORRECTION,
    S.FORMALLY_CORRECT,
    S.UNDER_ASSESSMENT,
    S.ASSESSED,
)

_STAGE_1: dict[tuple[State, Action], State] = {
    **_CHECK_AND_ASSESSMENT,
    (S.ASSESSED, A.SHORTLIST): S.SHORTLISTED,
    **{
        (state, A.WITHDRAW): S.WITHDRAWN
        for state in (*_WITHDRAWABLE_BEFORE_DECISION, S.SHORTLISTED)
    },
}

_STAGE_2: dict[tuple[State, Action], State] = {
    **_CHECK_AND_ASSESSMENT,
    (S.ASSESSED, A.SELECT): S.SELECTED,
    (S.ASSESSED, A.PUT_ON_RESERVE): S.RESERVE,
    (S.RESERVE, A.PROMOTE_FROM_RESERVE): S.SELECTED,
    # The reserve list is closed when the programme no longer needs it.
    (S.RESERVE, A.REJECT): S.REJECTED,
    # Stage 3. A city that does not want a partner goes straight to implementation.
    (S.SELECTED, A.OPEN_PARTNER_SEARCH): S.PARTNER_SEARCH,
    (S.SELECTED, A.START_IMPLEMENTATION): S.IMPLEMENTATION,
    (S.PARTNER_SEARCH, A.CONFIRM_PARTNERSHIP): S.PARTNERSHIP_CONFIRMED,
    (S.PARTNER_SEARCH, A.CLOSE_PARTNER_SEARCH): S.NO_PARTNER,
    (S.PARTNERSHIP_CONFIRMED, A.REOPEN_PARTNER_SEARCH): S.PARTNER_SEARCH,
    (S.PARTNERSHIP_CONFIRMED, A.SIGN_AGREEMENT): S.AGREEMENT_SIGNED,
    (S.AGREEMENT_SIGNED, A.START_IMPLEMENTATION): S.IMPLEMENTATION,
    # Partnerships are not compulsory: the project goes on, the lump sum went back.
    (S.NO_PARTNER, A.START_IMPLEMENTATION): S.IMPLEMENTATION,
    (S.IMPLEMENTATION, A.SUBMIT_FINAL_REPORT): S.FINAL_REPORT_SUBMITTED,
    (S.FINAL_REPORT_SUBMITTED, A.CLOSE): S.CLOSED,
    **{
        (state, A.WITHDRAW): S.WITHDRAWN
        for state in (
            *_WITHDRAWABLE_BEFORE_DECISION,
            S.SELECTED,
            S.RESERVE,
            S.PARTNER_SEARCH,
            S.PARTNERSHIP_CONFIRMED,
        )
    },
}

del S, A

TRANSITIONS: Mapping[Stage, Mapping[tuple[State, Action], State]] = MappingProxyType(
    {Stage.OUTLINE: MappingProxyType(_STAGE_1), Stage.PROPOSAL: MappingProxyType(_STAGE_2)}
)

INITIAL_STATE = State.SUBMITTED

STAGE_3_STATES = frozenset(
    {
        State.PARTNER_SEARCH,
        State.PARTNERSHIP_CONFIRMED,
        State.AGREEMENT_SIGNED,
        State.NO_PARTNER,
        State.IMPLEMENTATION,
        State.FINAL_REPORT_SUBMITTED,
        State.CLOSED,
    }
)


def allowed_actions(stage: int, state: str) -> tuple[Action, ...]:
    """What the operator may do next, in the table's order (for menus and messages)."""
    if stage not in Stage.__members__.values():
        return ()
    table = TRANSITIONS[Stage(stage)]
    return tuple(action for (from_state, action) in table if from_state == state)


def transition(stage: int, state: str, action: str) -> State:
    """The state after ``action``, or IllegalTransition saying why not.

    ``state`` and ``action`` may be the plain strings the store and the CLI
    hold; unknown ones are refused the same way as disallowed ones.
    """
    if stage not in Stage.__members__.values():
        raise IllegalTransition(f"there is no stage {stage} (stages are 1 and 2)")
    table = TRANSITIONS[Stage(stage)]
    known = state in State.__members__.values() and action in Action.__members__.values()
    target = table.get((State(state), Action(action))) if known else None
    if target is None:
        allowed = ", ".join(allowed_actions(stage, state)) or "nothing (a final state)"
        raise IllegalTransition(
            f"stage {stage} application in state '{state}' cannot '{action}'; "
            f"allowed from '{state}': {allowed}"
        )
    return target
