"""Flows on demand: ``grantflow run review|selection|partnership`` and ``grantflow demo``.

The flows are idempotent reconcilers (docs/architecture.md, "Long-running human
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

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from grantflow.cli.common import (
    AsOfOption,
    CallOption,
    ProgrammeOption,
    moment,
    next_step,
    print_ranking,
    refusals,
    store,
    usage,
    wiring,
)

if TYPE_CHECKING:
    from datetime import datetime

    from grantflow.domain.programme import Programme

run_app = typer.Typer(
    help="Run a lifecycle flow now (what a human step's 'next:' line names).",
    no_args_is_help=True,
)


def _prepare(
    call: str, programme: Path | None, as_of: str | None
) -> tuple[str | None, Programme, datetime | None]:
    """Check the call against the programme and configure Prefect: (the programme file's
    path for the flow, the programme, the moment the flow runs at)."""
    from workflows import prefect_env

    at = moment(as_of)
    with wiring(programme) as built:
        loaded = built.programme
        loaded.call(call)
        prefect_env.configure(built.settings.home)
    return (str(programme.resolve()) if programme else None), loaded, at


@run_app.command("review")
def run_review(
    call: CallOption = "stage1-outline",
    programme: ProgrammeOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Start assessments, assign experts, complete the applications scored in full."""
    programme_file, _, at = _prepare(call, programme, as_of)
    from workflows.review import review

    with refusals():
        outcome = review(call_code=call, programme_file=programme_file, as_of=at)
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
    as_of: AsOfOption = None,
) -> None:
    """Rank the call's assessed applications: the proposal the committee approves or changes."""
    programme_file, _, at = _prepare(call, programme, as_of)
    from workflows.selection import selection

    with refusals():
        ranking = selection(
            call_code=call, programme_file=programme_file, shortlist=shortlist, as_of=at
        )
    if ranking is None:
        typer.echo(f"nothing to rank in {call} yet")
        return
    print_ranking(ranking)
    next_step(
        f"the committee approves: grantflow selection approve --call {call} "
        "[--change APP_ID=selected|reserve|rejected --justification TEXT]"
    )


@run_app.command("partnership")
def run_partnership(
    call: CallOption = "stage2-proposal",
    donors: Annotated[
        Path | None, typer.Option("--donors", help="Donor pool file (default: the samples').")
    ] = None,
    programme: ProgrammeOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Open the partner search and propose donors; on or after the deadline, close it."""
    programme_file, loaded, at = _prepare(call, programme, as_of)
    from workflows.partnership import partnership

    with refusals():
        outcome = partnership(
            call_code=call,
            programme_file=programme_file,
            donors_file=str(donors.resolve()) if donors else None,
            as_of=at,
        )
    deadline = loaded.partner_search_deadline
    if outcome.closed_search:
        shown = ", ".join(map(str, outcome.no_partner)) or "none"
        typer.echo(f"partner search closed ({deadline}); lump sums returned: {shown}")
        return
    from grantflow.services.ports.partners import PartnershipStatus

    with store() as built, built.unit_of_work() as uow:
        proposed = [p for p in uow.partnerships.list() if p.status is PartnershipStatus.PROPOSED]
    for p in sorted(proposed, key=lambda p: p.application_id):
        typer.echo(f"application {p.application_id}: {p.donor_code} proposed ({p.explanation})")
    if proposed:
        next_step("grantflow partners confirm APP_ID DONOR [--justification TEXT]")
    next_step(f"at the deadline ({deadline}): grantflow run partnership --call {call}")


def demo(
    home: Annotated[
        Path | None,
        typer.Option(help="An empty or new folder for the demo (default: GRANTFLOW_HOME)."),
    ] = None,
) -> None:
    """Run the programme's story on the sample outlines and print a summary.

    The demo works in its own folder: a new or empty one, or one an earlier
    demo made (running again is safe). It refuses a folder holding other data.
    """
    import time

    from grantflow import config
    from grantflow.domain.errors import ConfigurationError
    from workflows import prefect_env
    from workflows.demo import home as demo_home

    started = time.monotonic()
    try:
        settings = demo_home.claim(home or config.load().home)
    except ConfigurationError as exc:
        raise usage(str(exc)) from exc
    prefect_env.configure(settings.home)
    from workflows.demo.flow import demo as demo_flow

    state = demo_flow()
    rows = [
        (
            s.city or "?",
            str(s.version_no or "-"),
            "yes" if s.valid else "no",
            str(s.errors),
            Path(s.report_html).relative_to(settings.home).as_posix(),
        )
        for s in state.intake
    ]
    header = ("city", "version", "valid", "errors", "report (HTML; JSON next to it)")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    typer.echo("")
    for row in [header, *rows]:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        typer.echo("  ".join(cells).rstrip())
    valid = sum(1 for s in state.intake if s.valid)
    typer.echo(
        f"\n{len(rows)} outlines submitted, {valid} valid, {len(rows) - valid} with errors. "
        f"Home: {settings.home} ({time.monotonic() - started:.0f} s)"
    )
    if state.programme is not None:
        for line in state.programme.summary_lines():
            typer.echo(line)
    for result in (state.closing, state.documents, state.portal):
        for line in result.summary_lines() if result is not None else ():
            typer.echo(line)


def register(app: typer.Typer) -> None:
    app.add_typer(run_app, name="run")
    app.command()(demo)
