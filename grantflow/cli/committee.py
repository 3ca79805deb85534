"""The selection committee: the proposed ranking, and its approval with justified changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from grantflow.cli.common import (
    AsOfOption,
    ByOption,
    CallOption,
    ProgrammeOption,
    next_flow,
    next_step,
    print_ranking,
    store,
    usage,
)

if TYPE_CHECKING:
    from grantflow.domain.programme import Programme

selection_app = typer.Typer(help="Ranking and the committee's decision.", no_args_is_help=True)


@selection_app.command("propose")
def selection_propose(
    call: CallOption = "stage2-proposal",
    shortlist: Annotated[
        int | None, typer.Option("--shortlist", help="Stage 1: how many to shortlist.")
    ] = None,
    programme: ProgrammeOption = None,
    by: ByOption = "operator",
    as_of: AsOfOption = None,
) -> None:
    """Rank the call's assessed applications: the proposal the committee approves or changes."""
    from grantflow.services import selection

    with store(programme, as_of) as built:
        uow, loaded = built.unit_of_work(), built.programme
        ranking = selection.propose_ranking(
            uow,
            call,
            loaded,
            at=built.clock.now(),
            actor=f"operator:{by}",
            selected_count=shortlist,
        )
    print_ranking(ranking)


@selection_app.command("approve")
def selection_approve(
    call: CallOption = "stage2-proposal",
    change: Annotated[
        list[str] | None,
        typer.Option("--change", help="APP_ID=selected|reserve|rejected (repeatable)."),
    ] = None,
    justification: Annotated[
        str, typer.Option("--justification", help="The committee's reasons for the changes.")
    ] = "",
    by: ByOption = "committee",
    as_of: AsOfOption = None,
) -> None:
    """The committee approves the proposed ranking, with justified changes if any."""
    from grantflow.domain.ranking import CommitteeChange, Decision
    from grantflow.services import selection

    changes = []
    for item in change or []:
        app_id, _, decision = item.partition("=")
        if not app_id.strip().isdigit() or decision not in Decision.__members__.values():
            raise usage(f"--change: '{item}' is not APP_ID=selected|reserve|rejected")
        changes.append(CommitteeChange(int(app_id), Decision(decision), justification))
    with store(as_of=as_of) as built:
        uow = built.unit_of_work()
        ranking = selection.approve_ranking(
            uow, call, changes, at=built.clock.now(), actor=f"committee:{by}"
        )
        with uow:
            stages = {uow.applications.get(e.application_id).stage for e in ranking.entries}
        programme = built.programme
    print_ranking(ranking)
    if stages == {1}:
        next_step(_after_shortlist(programme, call))
    elif ranking.selected:
        next_flow("partnership", call, "opens the partner search", as_of)


def _after_shortlist(programme: Programme, call: str) -> str:
    """How the shortlisted cities enter Stage 2: their own proposals, or (a Stage 2 call
    that takes outlines) the outlines promoted."""
    from grantflow.services import promotion

    try:
        promotion.promotion_calls(programme, call)
    except promotion.TakesProposals:
        return (
            "each shortlisted city submits its Stage 2 proposal, pre-filled from its outline "
            "(grantflow template proposal --application ID)"
        )
    return f"grantflow promote --call {call}  (the shortlisted outlines enter Stage 2)"


def register(app: typer.Typer) -> None:
    app.add_typer(selection_app, name="selection")
