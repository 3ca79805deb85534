"""The application lifecycle of SPEC section 5 as an explicit, exhaustively tested table."""

from __future__ import annotations

import itertools

import pytest

from grantflow.domain.errors import IllegalTransition
from grantflow.domain.lifecycle import (
    INITIAL_STATE,
    STAGE_3_STATES,
    TRANSITIONS,
    Action,
    Stage,
    State,
    allowed_actions,
    transition,
)

S, A = State, Action

# The SPEC read as a table, written out independently of the module so that
# any change to the lifecycle is a deliberate change to this list too.
COMMON = {
    (S.SUBMITTED, A.ACCEPT_FORMALLY): S.FORMALLY_CORRECT,
    (S.SUBMITTED, A.REJECT_FORMALLY): S.FORMALLY_REJECTED,
    (S.SUBMITTED, A.RETURN_FOR_CORRECTION): S.RETURNED_FOR_CORRECTION,
    (S.RETURNED_FOR_CORRECTION, A.RESUBMIT): S.SUBMITTED,
    (S.FORMALLY_CORRECT, A.START_ASSESSMENT): S.UNDER_ASSESSMENT,
    (S.UNDER_ASSESSMENT, A.COMPLETE_ASSESSMENT): S.ASSESSED,
    (S.ASSESSED, A.REJECT): S.REJECTED,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.RETURNED_FOR_CORRECTION, A.WITHDRAW): S.WITHDRAWN,
    (S.FORMALLY_CORRECT, A.WITHDRAW): S.WITHDRAWN,
    (S.UNDER_ASSESSMENT, A.WITHDRAW): S.WITHDRAWN,
    (S.ASSESSED, A.WITHDRAW): S.WITHDRAWN,
}
EXPECTED = {
    Stage.OUTLINE: {
        **COMMON,
        (S.ASSESSED, A.SHORTLIST): S.SHORTLISTED,
        (S.SHORTLISTED, A.WITHDRAW): S.WITHDRAWN,
    },
    Stage.PROPOSAL: {
        **COMMON,
        (S.ASSESSED, A.SELECT): S.SELECTED,
        (S.ASSESSED, A.PUT_ON_RESERVE): S.RESERVE,
        (S.RESERVE, A.PROMOTE_FROM_RESERVE): S.SELECTED,
        (S.RESERVE, A.REJECT): S.REJECTED,
        (S.SELECTED, A.WITHDRAW): S.WITHDRAWN,
        (S.RESERVE, A.WITHDRAW): S.WITHDRAWN,
        (S.SELECTED, A.OPEN_PARTNER_SEARCH): S.PARTNER_SEARCH,
        (S.SELECTED, A.START_IMPLEMENTATION): S.IMPLEMENTATION,
        (S.PARTNER_SEARCH, A.CONFIRM_PARTNERSHIP): S.PARTNERSHIP_CONFIRMED,
        (S.PARTNER_SEARCH, A.CLOSE_PARTNER_SEARCH): S.NO_PARTNER,
        (S.PARTNER_SEARCH, A.WITHDRAW): S.WITHDRAWN,
        (S.PARTNERSHIP_CONFIRMED, A.REOPEN_PARTNER_SEARCH): S.PARTNER_SEARCH,
        (S.PARTNERSHIP_CONFIRMED, A.SIGN_AGREEMENT): S.AGREEMENT_SIGNED,
        (S.PARTNERSHIP_CONFIRMED, A.WITHDRAW): S.WITHDRAWN,
        (S.AGREEMENT_SIGNED, A.START_IMPLEMENTATION): S.IMPLEMENTATION,
        (S.NO_PARTNER, A.START_IMPLEMENTATION): S.IMPLEMENTATION,
        (S.IMPLEMENTATION, A.SUBMIT_FINAL_REPORT): S.FINAL_REPORT_SUBMITTED,
        (S.FINAL_REPORT_SUBMITTED, A.CLOSE): S.CLOSED,
    },
}

EVERY_PAIR = [
    (stage, state, action) for stage in Stage for state, action in itertools.product(State, Action)
]


def run(stage: Stage, *actions: Action) -> State:
    state = INITIAL_STATE
    for action in actions:
        state = transition(stage, state, action)
    return state


class TestTheTransitionTable:
    def test_the_table_is_the_specification(self) -> None:
        assert {stage: dict(table) for stage, table in TRANSITIONS.items()} == EXPECTED

    @pytest.mark.parametrize(("stage", "state", "action"), EVERY_PAIR)
    def test_every_state_and_action_is_either_allowed_or_refused_by_name(
        self, stage: Stage, state: State, action: Action
    ) -> None:
        expected = EXPECTED[stage].get((state, action))
        if expected is not None:
            assert transition(stage, state, action) is expected
            assert action in allowed_actions(stage, state)
        else:
            with pytest.raises(IllegalTransition) as refused:
                transition(stage, state, action)
            message = str(refused.value)
            assert f"'{state}'" in message
            assert f"'{action}'" in message
            assert f"stage {int(stage)}" in message
            assert action not in allowed_actions(stage, state)

    def test_a_refusal_lists_what_the_state_allows(self) -> None:
        with pytest.raises(IllegalTransition, match=r"allowed from 'assessed': .*shortlist"):
            transition(1, "assessed", "select")

    def test_a_final_state_says_so(self) -> None:
        with pytest.raises(IllegalTransition, match=r"nothing \(a final state\)"):
            transition(2, "closed", "withdraw")

    def test_the_plain_strings_of_the_store_and_the_cli_are_accepted(self) -> None:
        assert transition(2, "submitted", "accept_formally") is State.FORMALLY_CORRECT

    @pytest.mark.parametrize(
        ("stage", "state", "action"),
        [(2, "sent", "accept_formally"), (2, "submitted", "approve"), (1, "", "")],
    )
    def test_unknown_states_and_actions_are_refused_not_crashed_on(
        self, stage: int, state: str, action: str
    ) -> None:
        with pytest.raises(IllegalTransition, match="cannot"):
            transition(stage, state, action)

    def test_there_is_no_stage_3_application(self) -> None:
        with pytest.raises(IllegalTransition, match="no stage 3"):
            transition(3, "partner_search", "confirm_partnership")
        assert allowed_actions(3, "partner_search") == ()

    def test_stage_3_states_are_reached_only_from_a_selected_proposal(self) -> None:
        for (state, _action), target in TRANSITIONS[Stage.OUTLINE].items():
            assert state not in STAGE_3_STATES
            assert target not in STAGE_3_STATES

    def test_every_state_of_each_stage_is_reachable_from_submitted(self) -> None:
        for stage, table in TRANSITIONS.items():
            reached, frontier = {INITIAL_STATE}, [INITIAL_STATE]
            while frontier:
                state = frontier.pop()
                for (from_state, _action), target in table.items():
                    if from_state == state and target not in reached:
                        reached.add(target)
                        frontier.append(target)
            named = {state for state, _action in table} | set(table.values())
            assert reached == named, stage


class TestTheStoryOfAnApplication:
    def test_an_outline_is_checked_assessed_and_shortlisted(self) -> None:
        assert (
            run(
                Stage.OUTLINE,
                A.ACCEPT_FORMALLY,
                A.START_ASSESSMENT,
                A.COMPLETE_ASSESSMENT,
                A.SHORTLIST,
            )
            is S.SHORTLISTED
        )

    def test_a_corrected_upload_re_enters_the_formal_check(self) -> None:
        state = run(Stage.OUTLINE, A.RETURN_FOR_CORRECTION, A.RESUBMIT)
        assert state is S.SUBMITTED
        assert transition(1, state, A.ACCEPT_FORMALLY) is S.FORMALLY_CORRECT

    def test_a_selected_proposal_goes_from_partner_search_to_closing(self) -> None:
        assert (
            run(
                Stage.PROPOSAL,
                A.ACCEPT_FORMALLY,
                A.START_ASSESSMENT,
                A.COMPLETE_ASSESSMENT,
                A.SELECT,
                A.OPEN_PARTNER_SEARCH,
                A.CONFIRM_PARTNERSHIP,
                A.SIGN_AGREEMENT,
                A.START_IMPLEMENTATION,
                A.SUBMIT_FINAL_REPORT,
                A.CLOSE,
            )
            is S.CLOSED
        )
        assert allowed_actions(2, S.CLOSED) == ()  # nothing leads anywhere from here

    def test_a_city_without_a_partner_still_implements_its_project(self) -> None:
        state = run(
            Stage.PROPOSAL,
            A.ACCEPT_FORMALLY,
            A.START_ASSESSMENT,
            A.COMPLETE_ASSESSMENT,
            A.SELECT,
            A.OPEN_PARTNER_SEARCH,
            A.CLOSE_PARTNER_SEARCH,
        )
        assert state is S.NO_PARTNER
        assert transition(2, state, A.START_IMPLEMENTATION) is S.IMPLEMENTATION

    def test_a_reserve_moves_up_when_a_funded_city_withdraws(self) -> None:
        reserve = run(
            Stage.PROPOSAL,
            A.ACCEPT_FORMALLY,
            A.START_ASSESSMENT,
            A.COMPLETE_ASSESSMENT,
            A.PUT_ON_RESERVE,
        )
        assert transition(2, reserve, A.PROMOTE_FROM_RESERVE) is S.SELECTED

    def test_a_signed_agreement_cannot_be_walked_away_from(self) -> None:
        with pytest.raises(IllegalTransition, match="'agreement_signed' cannot 'withdraw'"):
            transition(2, S.AGREEMENT_SIGNED, A.WITHDRAW)

    def test_an_outline_cannot_be_funded_directly(self) -> None:
        with pytest.raises(IllegalTransition, match="stage 1 application in state 'assessed'"):
            transition(1, S.ASSESSED, A.SELECT)
