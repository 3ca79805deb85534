"""What a city administration does: upload outlines, proposals and final reports.

``grantflow submit`` runs the intake flow (Prefect is configured first, after
the arguments are checked, so a usage error never waits for its server);
``grantflow submit-final-report`` takes a final report in and books the lump
sum spent and returned.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from grantflow.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    AsOfOption,
    Lang,
    LangOption,
    ProgrammeOption,
    deliver_pending,
    exit_invalid,
    given_files,
    moment,
    store,
    usage,
    wiring,
)


def submit(
    files: Annotated[
        list[Path], typer.Argument(help="Outline or proposal files (.xlsx), or folders of them.")
    ],
    call: Annotated[str, typer.Option(help="Call the files go to.")] = "stage1-outline",
    by: Annotated[str, typer.Option("--by", help="Who submits (kept with each version).")] = "cli",
    programme: ProgrammeOption = None,
    lang: LangOption = Lang.en,
    as_of: AsOfOption = None,
) -> None:
    """Validate and store outlines (or Stage 2 proposals) through the intake flow: one line
    per file.

    Each file becomes a version of its city's application (the same file
    again changes nothing); a proposal from a city the Stage 1 call did not
    shortlist is refused (not-shortlisted) and kept without an application.
    Exit status: 0 all valid, 1 some invalid, 2 usage error.
    """
    from grantflow import config
    from workflows import prefect_env

    # Regular files only: the intake keeps each file's bytes as a version.
    paths = given_files(files, present=Path.is_file)
    at = moment(as_of)
    with wiring(programme) as built:
        built.programme.call(call)  # a usage error, before Prefect starts
    settings = config.load()
    prefect_env.configure(settings.home)
    with prefect_env.temporary_server_starting():
        from grantflow.cli.progress import StepBars
        from workflows import progress
        from workflows.intake import batch, intake

    # A folder of thousands of outlines is one flow run: a big batch goes by a manifest.
    given = batch([str(p.resolve()) for p in paths], settings)
    with StepBars() as bars, progress.watched_by(bars), prefect_env.flow_runs_here():
        bars.step(f"Submit {len(paths)} file(s) to {call}")
        summaries = intake(
            files=given.files,
            manifest=given.manifest,
            call_code=call,
            submitted_by=by,
            programme_file=str(programme.resolve()) if programme else None,
            lang=lang.value,
            as_of=at,
        )
    deliver_pending()
    for s in summaries:
        where = f"{s.city} (TERYT {s.teryt}) version {s.version_no}" if s.city else "city unknown"
        state = "valid" if s.valid else "INVALID"
        stored = "" if s.created else ", stored before"
        note = f"; {s.note}" if s.note else ""
        typer.echo(
            f"{s.file}: {where}, {state}, {s.errors} errors, {s.warnings} warnings{stored}{note}"
        )
    raise typer.Exit(EXIT_OK if all(s.valid for s in summaries) else EXIT_INVALID)


def submit_final_report(
    file: Annotated[Path, typer.Argument(help="The filled final-report form (.xlsx).")],
    application: Annotated[int, typer.Option("--application", help="The funded project.")],
    by: Annotated[str, typer.Option("--by", help="Who submits (kept with the version).")] = "cli",
    lang: LangOption = Lang.en,
    as_of: AsOfOption = None,
) -> None:
    """Validate a final report, keep it as a version, and book the lump sum spent and returned.

    The project must be in implementation. An invalid report is kept and its
    validation report printed (exit 1); a valid one books ``spend`` and the
    unspent part as ``return`` in the ledger (the same file again books nothing).
    """
    from grantflow.adapters.spreadsheet import read_upload
    from grantflow.services.final_report import take_in_final_report
    from grantflow.validation.report import FileReport

    if not file.is_file():
        raise usage(f"no such file: {file}")
    # One read: the bytes kept are the bytes checked, and never more than the limit.
    read = read_upload(file)
    if read.content is None:
        exit_invalid(FileReport(read.workbook.file, list(read.workbook.issues)), lang)
    with store(as_of=as_of) as built:
        upload = take_in_final_report(
            built.unit_of_work(),
            built.files,
            application,
            read.workbook,
            file_name=file.name,
            content=read.content,
            at=built.clock.now(),
            actor=by,
        )
    stored = upload.stored
    if upload.intake is None:
        exit_invalid(stored.report, lang)
    intake = upload.intake
    spent = intake.spent.amount if intake.spent else 0
    returned = intake.returned.amount if intake.returned else 0
    again = "" if upload.created else ", taken in before"
    typer.echo(
        f"{file.name}: {intake.application.city_name} (application {application}) "
        f"final report version {stored.version_no}, valid; lump sum spent EUR {spent:,.2f}, "
        f"returned EUR {returned:,.2f}; state {intake.application.state}{again}"
    )


def register(app: typer.Typer) -> None:
    app.command()(submit)
    app.command("submit-final-report")(submit_final_report)
