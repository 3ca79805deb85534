"""Forms and validation: the blank forms, ``grantflow validate``, and sample files.

``validate`` is a pure local check: no database, no Prefect, no wiring.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from grantflow.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    JobsOption,
    Lang,
    LangOption,
    ProgrammeOption,
    given_files,
    next_step,
    store,
    usage,
    wiring,
)

template_app = typer.Typer(
    help="Write blank forms generated from the schemas.", no_args_is_help=True
)
samples_app = typer.Typer(
    help="Generate sample data for demos and benchmarks.", no_args_is_help=True
)


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"
    xlsx = "xlsx"


@template_app.command("outline")
def template_outline(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the .xlsx form.")],
    lang: LangOption = Lang.pl,
) -> None:
    """Write the blank outline form (v2) in the chosen language."""
    _write_blank("outline", lang, output)


@template_app.command("proposal")
def template_proposal(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the .xlsx form.")],
    lang: LangOption = Lang.pl,
    application: Annotated[
        int | None,
        typer.Option(
            "--application",
            help="A shortlisted city's Stage 1 application: fill in what its outline said.",
        ),
    ] = None,
    programme: ProgrammeOption = None,
) -> None:
    """Write the Stage 2 proposal form (v1): blank, or pre-filled from a shortlisted outline."""
    if application is None:
        _write_blank("proposal", lang, output)
        return
    from grantflow.adapters import formgen
    from grantflow.services.proposal import carried_forward_form
    from grantflow.validation import form

    with store(programme) as built:
        carried = carried_forward_form(built.unit_of_work(), built.programme, application)
    formgen.write_filled(form.load("proposal"), lang.value, carried.values, output)
    city = carried.application
    typer.echo(f"{output}: {city.city_name} (TERYT {city.teryt}), from its outline")
    next_step(f"grantflow submit --call {carried.proposal_call.code} {output}")


@template_app.command("final-report")
def template_final_report(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the .xlsx form.")],
    lang: LangOption = Lang.pl,
) -> None:
    """Write the blank final-report form (v1) in the chosen language."""
    _write_blank("final_report", lang, output)


def _write_blank(form_name: str, lang: Lang, output: Path) -> None:
    """The blank form ``form_name`` (a schema of ``grantflow.validation.form``) to ``output``."""
    from grantflow.adapters import formgen
    from grantflow.validation import form

    formgen.write_blank(form.load(form_name), lang.value, output)
    typer.echo(str(output))


# --- validation ------------------------------------------------------------


def validate(
    files: Annotated[list[Path], typer.Argument(help="Outline files (.xlsx) or folders of them.")],
    lang: LangOption = Lang.en,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    programme: ProgrammeOption = None,
    call: Annotated[str, typer.Option(help="Call whose rules apply.")] = "stage1-outline",
    jobs: JobsOption = 0,
) -> None:
    """Check outline files and report every problem. Needs no database and no Prefect.

    Exit status: 0 all valid, 1 some invalid, 2 usage error.
    """
    from grantflow import checking
    from grantflow.adapters import report_render
    from grantflow.domain.errors import ConfigurationError

    paths = given_files(files)
    if fmt is ReportFormat.xlsx and output is None:
        raise usage("--format xlsx needs --output FILE")
    try:
        report = checking.check_files(
            paths,
            programme_path=programme,
            call_code=call,
            jobs=jobs,
            progress=_progress(len(paths)),
        )
    except ConfigurationError as exc:
        raise usage(str(exc)) from exc
    data = report_render.render(report, fmt.value, lang.value)
    if output is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        output.write_bytes(data)
    raise typer.Exit(EXIT_OK if report.valid else EXIT_INVALID)


def _progress(total: int) -> Callable[[int, int], None] | None:
    """A progress line on stderr for long runs at a terminal; silent in pipes and CI."""
    if total < 20 or not sys.stderr.isatty():
        return None

    def show(done: int, of: int) -> None:
        sys.stderr.write(f"\r{done}/{of} files checked")
        if done == of:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


OutputDirOption = Annotated[Path, typer.Option("--output", "-o", help="Folder for .xlsx files.")]


@samples_app.command("outlines")
def samples_outlines(
    output: OutputDirOption,
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many outlines.")] = 100,
    seed: Annotated[int, typer.Option(help="Same seed, same outlines.")] = 0,
    programme: ProgrammeOption = None,
    call: Annotated[str, typer.Option(help="Call whose rate converts PLN.")] = "stage1-outline",
    jobs: JobsOption = 0,
) -> None:
    """Write COUNT valid, varied outlines (deterministic for a seed), for benchmarks."""
    from grantflow.adapters.sample_files import write_samples
    from grantflow.domain.errors import ConfigurationError
    from grantflow.samples.generator import generate_outlines
    from grantflow.validation import form

    with wiring(programme) as built:
        try:
            outlines = list(generate_outlines(built.programme, count, seed, call))
        except (ConfigurationError, KeyError) as exc:
            raise usage(f"cannot generate outlines: {exc}") from exc
    output.mkdir(parents=True, exist_ok=True)
    todo = [(output / f"{name}.xlsx", values) for name, values in outlines]
    write_samples(form.load("outline"), "pl", todo, jobs)
    typer.echo(f"{count} outlines in {output}")


@samples_app.command("reference")
def samples_reference(output: OutputDirOption) -> None:
    """Write the curated sample outlines of samples/outlines/ (valid and invalid ones)."""
    from grantflow.adapters.sample_files import write_samples
    from grantflow.samples.outlines import reference_samples
    from grantflow.validation import form

    output.mkdir(parents=True, exist_ok=True)
    with wiring() as built:
        samples = reference_samples(built.programme)
    todo = [(output / f"{sample.name}.xlsx", sample.values) for sample in samples]
    write_samples(form.load("outline"), "pl", todo)
    typer.echo(f"{len(samples)} sample outlines in {output}")


@samples_app.command("proposals")
def samples_proposals(output: OutputDirOption) -> None:
    """Write the sample Stage 2 proposals of samples/proposals/ (from samples/proposals.yaml)."""
    from grantflow.adapters.sample_files import write_samples
    from grantflow.domain.programme import PROPOSAL_FORM
    from grantflow.samples.proposals import reference_proposals
    from grantflow.validation import form

    output.mkdir(parents=True, exist_ok=True)
    with wiring() as built:
        programme = built.programme
        calls = [c.code for c in programme.calls if c.form == PROPOSAL_FORM]
        if not calls:
            raise usage("the programme has no call with the proposal form")
        samples = reference_proposals(programme, calls[0])
    todo = [(output / f"{sample.name}.xlsx", sample.values) for sample in samples]
    write_samples(form.load(PROPOSAL_FORM), "pl", todo)
    typer.echo(f"{len(samples)} sample proposals in {output}")


@samples_app.command("final-reports")
def samples_final_reports(output: OutputDirOption) -> None:
    """Write the curated sample final reports of samples/final_reports/."""
    from grantflow.adapters.sample_files import write_sample
    from grantflow.samples.final_reports import reference_final_reports
    from grantflow.validation import form

    output.mkdir(parents=True, exist_ok=True)
    samples = reference_final_reports()
    definition = form.load("final_report")
    for sample in samples:
        path = output / f"{sample.name}.xlsx"
        write_sample(definition, "pl", sample.values, path, sample.written_at)
    typer.echo(f"{len(samples)} sample final reports in {output}")


def register(app: typer.Typer) -> None:
    app.add_typer(template_app, name="template")
    app.add_typer(samples_app, name="samples")
    app.command()(validate)
