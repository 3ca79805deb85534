"""Flows on demand: ``grantflow run review|selection|partnership|reminders``, ``grantflow demo``.

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
    deliver_pending,
    moment,
    next_flow,
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
    from workflows.intake import FileSummary

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
    from workflows import prefect_env
    from workflows.review import review

    with refusals(), prefect_env.flow_runs_here():
        outcome = review(call_code=call, programme_file=programme_file, as_of=at)
    deliver_pending()
    typer.echo(
        f"review of {call}: {len(outcome.started)} started, {len(outcome.assigned)} experts "
        f"assigned, {len(outcome.completed)} assessed"
    )
    for application_id, missing in sorted(outcome.shortages.items()):
        typer.echo(f"application {application_id}: {missing} expert(s) missing (register more)")
    if outcome.assigned:
        next_step("the experts declare and score (grantflow review declare|score)")
    if outcome.completed:
        next_flow("selection", call, "proposes the ranking", as_of)


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
    from workflows import prefect_env
    from workflows.selection import selection

    with refusals(), prefect_env.flow_runs_here():
        ranking = selection(
            call_code=call, programme_file=programme_file, shortlist=shortlist, as_of=at
        )
    deliver_pending()
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
    from workflows import prefect_env
    from workflows.partnership import partnership

    with refusals(), prefect_env.flow_runs_here():
        outcome = partnership(
            call_code=call,
            programme_file=programme_file,
            donors_file=str(donors.resolve()) if donors else None,
            as_of=at,
        )
    deliver_pending()
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


@run_app.command("reminders")
def run_reminders(programme: ProgrammeOption = None, as_of: AsOfOption = None) -> None:
    """Remind people of the deadlines due today (or --as-of), then deliver the outbox.

    Each reminder is sent once: running this again the same day sends nothing new.
    """
    from workflows import prefect_env

    at = moment(as_of)
    with store(programme) as built:
        built.mailer  # noqa: B018  (a malformed GRANTFLOW_SMTP_URL is a usage error now)
        prefect_env.configure(built.settings.home)
    from workflows.notifications import reminders

    with refusals(), prefect_env.flow_runs_here():
        recorded, delivered = reminders(
            programme_file=str(programme.resolve()) if programme else None, as_of=at
        )
    typer.echo(f"reminders: {recorded} recorded; messages: {delivered.sent} sent")
    for key, why in sorted(delivered.failed.items()):
        typer.echo(f"not sent yet (kept in the outbox): {key}: {why}", err=True)


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
    log = prefect_env.configure(settings.home)
    typer.echo(f"Demo home: {settings.home}")
    typer.echo(f"Prefect's log (every flow and task run): {log}")
    note = slow_font_subsetting()
    if note:
        typer.echo(note, err=True)
    from grantflow.cli.progress import StepBars
    from workflows import progress

    with StepBars() as bars, progress.watched_by(bars):
        bars.step("Start Prefect and the demo flow")
        with prefect_env.temporary_server_starting():
            from workflows.demo.flow import demo as demo_flow
        with prefect_env.flow_runs_here():
            state = demo_flow()
    lines = [*intake_summary(state.intake, settings.reports_dir)]
    if state.programme is not None:
        lines.extend(state.programme.summary_lines())
    for result in (state.closing, state.documents, state.mail, state.portal):
        lines.extend(result.summary_lines() if result is not None else ())
    lines.extend(["", *where_to_look(settings.home)])
    lines.append(f"Done in {time.monotonic() - started:.0f} s.")
    for line in lines:
        typer.echo(line)


def intake_summary(summaries: list[FileSummary], reports: Path) -> list[str]:
    """Outlines submitted and valid; the invalid ones by city and version."""
    valid = sum(1 for s in summaries if s.valid)
    lines = [
        "",
        f"Outlines: {len(summaries)} submitted, {valid} valid, "
        f"{len(summaries) - valid} with errors; reports (HTML, JSON) in {reports}",
    ]
    invalid = [
        f"{s.city or s.file} v{s.version_no or '-'} ({s.errors})" for s in summaries if not s.valid
    ]
    if invalid:
        lines.append("  with errors (count): " + ", ".join(invalid))
    return lines


def where_to_look(home: Path) -> list[str]:
    """How to see what the demo did: the Prefect UI (and, beside it, the portal)."""
    import os

    server = os.environ.get("PREFECT_API_URL")
    if server:
        ui = f"Prefect UI: {server.removesuffix('/api')}"
    else:
        ui = (
            f"Prefect UI: PREFECT_HOME={os.environ['PREFECT_HOME']} prefect server start, "
            "then open http://127.0.0.1:4200"
        )
    return [ui]


def slow_font_subsetting() -> str | None:
    """A warning when WeasyPrint must embed fonts without HarfBuzz's subsetter."""
    from grantflow.adapters.documents.renderer import fast_font_subsetting

    if fast_font_subsetting():
        return None
    return (
        "Warning: libharfbuzz-subset0 is missing, so every PDF embeds its fonts "
        "through a much slower fallback; install it first: sudo apt-get install libharfbuzz-subset0"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(run_app, name="run")
    app.command()(demo)
