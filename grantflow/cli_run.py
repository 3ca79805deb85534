"""``grantflow run review|selection|partnership``: run a lifecycle flow now.

The flows are idempotent reconcilers (ARCHITECTURE.md, "Long-running human
steps"): each advances what the people's decisions allow and ends. The human
commands (``grantflow formal-check``, ``review score``, ``selection
approve``, ...) record a decision and print the flow to run next; running it
here, from a cron job, or from a Prefect deployment is the same. A flow run
twice changes nothing the second time, so running one "too often" is safe.

Prefect is configured (``workflows.prefect_env.configure``) before anything
imports it, as ``grantflow submit`` does; arguments are checked first, so a
usage error never waits for Prefect's server.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from grantflow.cli_lifecycle import (
    CallOption,
    ProgrammeOption,
    _print_ranking,
    _programme,
    _store,
    _usage,
    next_step,
    refusals,
)

if TYPE_CHECKING:
    from grantflow.domain.programme import Programme

run_app = typer.Typer(
    help="Run a lifecycle flow now (what a human step's 'next:' line names).",
    no_args_is_help=True,
)


def _prepare(call: str, programme: Path | None) -> tuple[str | None, Programme]:
    """Check the call against the programme and configure Prefect; (the programme file's
    path for the flow, the programme)."""
    from grantflow import config
    from workflows import prefect_env

    loaded = _programme(programme)
    try:
        loaded.call(call)
    except KeyError as exc:
        known = ", ".join(c.code for c in loaded.calls)
        raise _usage(f"no call '{call}' in the programme (calls: {known})") from exc
    with refusals():
        prefect_env.configure(config.load().home)
    return (str(programme.resolve()) if programme else None), loaded


@run_app.command("review")
def run_review(call: CallOption = "stage1-outline", programme: ProgrammeOption = None) -> None:
    """Start assessments, assign experts, complete the applications scored in full."""
    programme_file, _ = _prepare(call, programme)
    from workflows.review import review

    with refusals():
        outcome = review(call_code=call, programme_file=programme_file)
    typer.echo(
        f"review of {call}: {len(outcome.started)} started, {len(outcome.assigned)} experts "
        f"assigned, {len(outcome.completed)} assessed"
    )
    for application_id, missing in sorted(outcome.shortages.items()):
        typer.echo(f"application {application_id}: {missing} expert(s) missing (register more)")
    if outcome.assigned:
        next_step("the experts declare and score (grantflow review declare|score)")
    if outcome.completed:
        next_step(f"grantflow run selection --call {call}  (proposes the ranking)")


@run_app.command("selection")
def run_selection(
    call: CallOption = "stage2-proposal",
    shortlist: Annotated[
        int | None,
        typer.Option("--shortlist", help="Stage 1: how many to shortlist (default: programme)."),
    ] = None,
    programme: ProgrammeOption = None,
) -> None:
    """Rank the call's assessed applications: the proposal the committee approves or changes."""
    programme_file, _ = _prepare(call, programme)
    from workflows.selection import selection

    with refusals():
        ranking = selection(call_code=call, programme_file=programme_file, shortlist=shortlist)
    if ranking is None:
        typer.echo(f"nothing to rank in {call} yet")
        return
    _print_ranking(ranking)
    next_step(
        f"the committee approves: grantflow selection approve --call {call} "
        "[--change APP_ID=selected|reserve|rejected --justification TEXT]"
    )


@run_app.command("partnership")
def run_partnership(
    call: CallOption = "stage2-proposal",
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Today's date for the deadline check (default: today in Warsaw).",
        ),
    ] = None,
    donors: Annotated[
        Path | None, typer.Option("--donors", help="Donor pool file (default: the samples').")
    ] = None,
    programme: ProgrammeOption = None,
) -> None:
    """Open the partner search and propose donors; on or after the deadline, close it."""
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        raise _usage(f"--as-of: {exc}") from exc
    programme_file, loaded = _prepare(call, programme)
    from grantflow.services.partnership import deadline_passed
    from workflows.lifecycle_store import today
    from workflows.partnership import partnership

    day = day or today()
    with refusals():
        closed = partnership(
            call_code=call,
            programme_file=programme_file,
            donors_file=str(donors.resolve()) if donors else None,
            as_of=day,
        )
    deadline = loaded.partner_search_deadline
    if deadline_passed(loaded, day):
        shown = ", ".join(map(str, closed)) or "none"
        typer.echo(f"partner search closed ({deadline}); lump sums returned: {shown}")
        return
    from grantflow.services.ports.partners import PartnershipStatus

    with _store() as uow, uow:
        proposed = [p for p in uow.partnerships.list() if p.status is PartnershipStatus.PROPOSED]
    for p in sorted(proposed, key=lambda p: p.application_id):
        typer.echo(f"application {p.application_id}: {p.donor_code} proposed ({p.explanation})")
    if proposed:
        next_step("grantflow partners confirm APP_ID DONOR [--justification TEXT]")
    next_step(f"at the deadline ({deadline}): grantflow run partnership --call {call}")
