"""What every command shares: exit codes, options, the wiring, and how refusals become exits.

Commands import adapters inside their bodies (through :func:`wiring`), so
``grantflow validate`` starts fast and never loads Prefect or the database.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:
    from datetime import datetime

    from grantflow.bootstrap import Wiring
    from grantflow.domain.ranking import Ranking
    from grantflow.validation.report import FileReport
    from workflows.next_flow import LifecycleFlow

# Exit status of every command: 0 done (all files valid); 1 some file invalid,
# or an operation the rules refuse; 2 a usage error (bad option, unknown thing,
# broken configuration).
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
EXIT_REFUSED = EXIT_INVALID


class Lang(StrEnum):
    pl = "pl"
    nb = "nb"
    en = "en"


LangOption = Annotated[Lang, typer.Option("--lang", "-l", help="Language of labels and messages.")]
ProgrammeOption = Annotated[
    Path | None,
    typer.Option("--programme", help="Programme file (default: the reference programme)."),
]
CallOption = Annotated[str, typer.Option("--call", help="The call.")]
ByOption = Annotated[str, typer.Option("--by", help="Who acts (recorded in the audit log).")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log).")]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="When this happens: a date (2021-06-14, midday in Warsaw) or a date and time "
        "in Warsaw (2021-06-14T09:30). Default: now.",
    ),
]
JobsOption = Annotated[int, typer.Option(min=0, help="Worker processes (0: one per core).")]


def usage(message: str) -> typer.Exit:
    """A usage error: one line on stderr, exit 2 (``raise usage(...)``)."""
    typer.echo(f"grantflow: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


@contextmanager
def refusals() -> Iterator[None]:
    """Unknown things and broken configuration exit 2, a refused operation exits 1: one line."""
    from grantflow.domain.errors import ConfigurationError, GrantflowError, NotFound

    try:
        yield
    except (NotFound, ConfigurationError) as exc:
        raise usage(str(exc)) from exc
    except GrantflowError as exc:
        typer.echo(f"grantflow: refused: {exc}", err=True)
        raise typer.Exit(EXIT_REFUSED) from exc


def given_files(files: list[Path], *, present: Callable[[Path], bool] = Path.exists) -> list[Path]:
    """The files given, folders replaced by their spreadsheets; a usage error when one is
    not ``present`` or none is left."""
    from grantflow import checking

    paths = checking.expand(files)
    missing = [p for p in paths if not present(p)]
    if missing:
        raise usage(f"no such file: {missing[0]}")
    if not paths:
        raise usage("no .xlsx files given")
    return paths


def moment(as_of: str | None) -> datetime | None:
    """``--as-of`` as a moment (None: now); a malformed one is a usage error."""
    from grantflow.domain.deadlines import parse_moment

    if as_of is None:
        return None
    try:
        return parse_moment(as_of)
    except ValueError as exc:
        raise usage(f"--as-of: {exc}") from exc


@contextmanager
def wiring(programme: Path | None = None, as_of: str | None = None) -> Iterator[Wiring]:
    """The composition root for one command: the programme (a file given with
    ``--programme`` checked now, so a broken one is a usage error before anything
    happens) and the clock at ``--as-of``."""
    from grantflow import bootstrap

    at = moment(as_of)
    with refusals(), bootstrap.build(programme_file=programme, as_of=at) as built:
        if programme is not None:
            # A file the user named is read now: a broken one fails before anything
            # happens. The shipped programme is read when a command needs it.
            built.programme  # noqa: B018
        yield built


@contextmanager
def store(programme: Path | None = None, as_of: str | None = None) -> Iterator[Wiring]:
    """:func:`wiring` with the store's schema brought up to date first, and the messages
    the command recorded delivered after it (after its commit: a refused command sends
    nothing, and a message the mail server refuses stays in the outbox for the next try)."""
    with wiring(programme, as_of) as built:
        built.migrate()
        yield built
        delivered = built.deliver_outbox()
        for key, why in sorted(delivered.failed.items()):
            typer.echo(f"grantflow: not sent yet (kept in the outbox): {key}: {why}", err=True)


def deliver_pending() -> None:
    """Deliver what a flow this command ran recorded (a flow's command has no :func:`store`
    block of its own; leaving one delivers)."""
    with store():
        pass


def next_step(what: str) -> None:
    """Say what moves the programme on after this command (README, "Running a call").

    A command records one decision and ends; the flow that picks it up is
    run by the operator (``grantflow run ...``) or by a Prefect deployment.
    """
    typer.echo(f"next: {what}")


def next_flow(flow: LifecycleFlow, call_code: str, why: str, as_of: str | None) -> None:
    """:func:`next_step` for a lifecycle flow: started on the Prefect server when
    ``PREFECT_API_URL`` names one (``workflows.next_flow``), else named for the operator;
    either way at the command's ``--as-of`` (``as_of``, None: now).

    A server that does not take the run is a warning, not a failure: the
    decision is recorded, and the deployment's schedule or the command named
    picks it up.
    """
    from workflows.next_flow import NextFlow, NotStarted, start

    step = NextFlow(flow, call_code, as_of)
    try:
        started = start(step)
    except NotStarted as exc:
        typer.echo(f"grantflow: warning: {exc}", err=True)
        started = None
    if started is None:
        next_step(f"{step.command}  ({why})")
    else:
        next_step(f"started {started.deployment}, flow run {started.flow_run_name}  ({why})")
        typer.echo(f"      {started.url}")


def echo_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def exit_invalid(file_report: FileReport, lang: Lang) -> NoReturn:
    """Print one file's validation report as text, and exit 1."""
    from grantflow.adapters import report_render
    from grantflow.validation.report import Report

    text = report_render.render(Report([file_report]), "text", lang.value)
    sys.stdout.write(text.decode("utf-8"))
    raise typer.Exit(EXIT_INVALID)


def print_ranking(ranking: Ranking) -> None:
    for entry in ranking.entries:
        p = entry.proposal
        note = f"  ({entry.justification})" if entry.justification else ""
        typer.echo(
            f"{entry.rank:>3}  {p.city_name:<28} {p.final_score:>6}  {entry.decision:<9}"
            f" EUR {p.grant_eur:>13,.2f}{note}"
        )


def codes(text: str) -> frozenset[str]:
    """``"pl, en"`` as ``{"pl", "en"}``: a comma-separated option."""
    return frozenset(part.strip() for part in text.split(",") if part.strip())
