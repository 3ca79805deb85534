"""The ``grantflow`` command line: the composition root for people.

Commands import their adapters lazily so that ``grantflow validate`` starts
fast and never loads Prefect or the database layer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="grantflow",
    help="Run a grant programme: outline forms, validation, review, ledger, documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
template_app = typer.Typer(
    help="Write blank forms generated from the schemas.", no_args_is_help=True
)
samples_app = typer.Typer(
    help="Generate sample data for demos and benchmarks.", no_args_is_help=True
)
app.add_typer(template_app, name="template")
app.add_typer(samples_app, name="samples")
generate_app = typer.Typer(help="Generate documents (docx, PDF).", no_args_is_help=True)
app.add_typer(generate_app, name="generate")


class Lang(StrEnum):
    pl = "pl"
    nb = "nb"
    en = "en"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"
    xlsx = "xlsx"


LangOption = Annotated[Lang, typer.Option("--lang", "-l", help="Language of labels and messages.")]
ProgrammeOption = Annotated[
    Path | None,
    typer.Option("--programme", help="Programme file (default: the reference programme)."),
]
JobsOption = Annotated[int, typer.Option(min=0, help="Worker processes (0: one per core).")]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _fail(message: str) -> typer.Exit:
    typer.echo(f"grantflow: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


# --- forms -----------------------------------------------------------------


@template_app.command("outline")
def template_outline(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the .xlsx form.")],
    lang: LangOption = Lang.pl,
) -> None:
    """Write the blank outline form (v1) in the chosen language."""
    from grantflow.adapters import formgen
    from grantflow.validation import form

    formgen.write_blank(form.load("outline"), lang.value, output)
    typer.echo(str(output))


@template_app.command("final-report")
def template_final_report(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the .xlsx form.")],
    lang: LangOption = Lang.pl,
) -> None:
    """Write the blank final-report form (v1) in the chosen language."""
    from grantflow.adapters import formgen
    from grantflow.validation import form

    formgen.write_blank(form.load("final_report"), lang.value, output)
    typer.echo(str(output))


# --- validation ------------------------------------------------------------


@app.command()
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

    paths = checking.expand(files)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise _fail(f"no such file: {missing[0]}")
    if not paths:
        raise _fail("no .xlsx files given")
    if fmt is ReportFormat.xlsx and output is None:
        raise _fail("--format xlsx needs --output FILE")
    try:
        report = checking.check_files(
            paths,
            programme_path=programme,
            call_code=call,
            jobs=jobs,
            progress=_progress(len(paths)),
        )
    except ConfigurationError as exc:
        raise _fail(str(exc)) from exc
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


# --- documents -------------------------------------------------------------


class DocumentFormat(StrEnum):
    docx = "docx"
    pdf = "pdf"


@generate_app.command("application")
def generate_application(
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="The document (with --outline), else the documents' folder."
        ),
    ],
    outline: Annotated[
        Path | None,
        typer.Option("--outline", help="Preview a valid outline file (.xlsx), without the store."),
    ] = None,
    application: Annotated[
        int | None, typer.Option("--application", help="This stored application's document.")
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Every stored application's.")] = False,
    lang: LangOption = Lang.pl,
    fmt: Annotated[
        DocumentFormat | None,
        typer.Option("--format", "-f", help="Default: pdf for a preview, both from the store."),
    ] = None,
    programme: ProgrammeOption = None,
    call: Annotated[str, typer.Option(help="Call whose rules apply.")] = "stage1-outline",
    issued: Annotated[
        str | None, typer.Option("--date", help="Date of the preview (default: today).")
    ] = None,
    archive: Annotated[bool, typer.Option("--pdfa", help="PDF/A-3b for archiving.")] = False,
) -> None:
    """Write application documents from the store, or preview an outline file.

    From the store: --application ID or --all, into the folder -o DIR. A
    preview: --outline FILE, written to -o FILE, without the store.

    An invalid outline prints its validation report and exits with status 1.
    The output folder's manifest.json records each file and its SHA-256.
    """
    if outline is None:
        from grantflow import cli_documents

        if archive:
            raise _fail("--pdfa applies to a preview (--outline)")
        cli_documents.generate_stored(
            ("application",),
            output=output,
            lang=lang.value,
            fmt=None if fmt is None else fmt.value,
            application=application,
            every=every,
            programme_path=programme,
            issued=None,
        )
    if application is not None or every:
        raise _fail("--outline previews a file; --application and --all read the store")
    fmt = fmt or DocumentFormat.pdf
    from datetime import date

    from grantflow.adapters import report_render
    from grantflow.adapters.documents.manifest import JsonManifest
    from grantflow.adapters.documents.renderer import TemplateRenderer
    from grantflow.adapters.spreadsheet import read_workbook
    from grantflow.domain.errors import ConfigurationError, DocumentError
    from grantflow.services import documents
    from grantflow.validation import form
    from grantflow.validation.outline import validate_outline
    from grantflow.validation.programme_file import load_programme
    from grantflow.validation.report import Report

    if lang.value not in documents.LANGUAGES["application"]:
        raise _fail(f"the application exists in {', '.join(documents.LANGUAGES['application'])}")
    if not outline.is_file():
        raise _fail(f"no such file: {outline}")
    try:
        day = date.fromisoformat(issued) if issued else date.today()
    except ValueError as exc:
        raise _fail(f"--date: {exc}") from exc
    try:
        loaded = load_programme(programme)
        result = validate_outline(read_workbook(outline), loaded, call)
    except ConfigurationError as exc:
        raise _fail(str(exc)) from exc
    if result.outline is None:
        text = report_render.render(Report(files=[result.report]), "text", lang.value)
        sys.stdout.write(text.decode("utf-8"))
        raise typer.Exit(EXIT_INVALID)
    try:
        request = documents.application_request(
            result.outline,
            form=form.load("outline"),
            programme_name=loaded.name[lang.value],
            lang=lang.value,
            fmt=fmt.value,
            target=output.resolve(),
            issued=day,
            pdf_variant="pdf/a-3b" if archive else "pdf/ua-1",
        )
        document = documents.generate(
            request, renderer=TemplateRenderer(), log=JsonManifest(output.resolve().parent)
        )
    except DocumentError as exc:
        typer.echo(f"grantflow: {exc}", err=True)
        raise typer.Exit(EXIT_INVALID) from exc
    typer.echo(f"{document.path}  {document.size} bytes  sha256 {document.sha256}")


# --- samples ---------------------------------------------------------------

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
    from grantflow.validation.programme_file import load_programme

    try:
        outlines = list(generate_outlines(load_programme(programme), count, seed, call))
    except (ConfigurationError, KeyError) as exc:
        raise _fail(f"cannot generate outlines: {exc}") from exc
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
    from grantflow.validation.programme_file import load_programme

    output.mkdir(parents=True, exist_ok=True)
    samples = reference_samples(load_programme())
    todo = [(output / f"{sample.name}.xlsx", sample.values) for sample in samples]
    write_samples(form.load("outline"), "pl", todo)
    typer.echo(f"{len(samples)} sample outlines in {output}")


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


# --- intake (Prefect flows and the store) ------------------------------------
# prefect_env.configure() must run before anything imports prefect.


@app.command()
def submit(
    files: Annotated[list[Path], typer.Argument(help="Outline files (.xlsx) or folders of them.")],
    call: Annotated[str, typer.Option(help="Call the outlines go to.")] = "stage1-outline",
    by: Annotated[str, typer.Option("--by", help="Who submits (kept with each version).")] = "cli",
    programme: ProgrammeOption = None,
    lang: LangOption = Lang.en,
) -> None:
    """Validate and store outlines through the intake flow: one line per file.

    Each file becomes a version of its city's application (the same file
    again changes nothing). Exit status: 0 all valid, 1 some invalid, 2 usage error.
    """
    from grantflow import checking, config
    from grantflow.domain.errors import ConfigurationError
    from workflows import prefect_env

    paths = checking.expand(files)
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise _fail(f"no such file: {missing[0]}")
    if not paths:
        raise _fail("no .xlsx files given")
    try:
        checking.programme_for(programme, call)  # a usage error, before Prefect starts
    except ConfigurationError as exc:
        raise _fail(str(exc)) from exc
    prefect_env.configure(config.load().home)
    from workflows.intake import intake

    summaries = intake(
        files=[str(p.resolve()) for p in paths],
        call_code=call,
        submitted_by=by,
        programme_file=str(programme.resolve()) if programme else None,
        lang=lang.value,
    )
    for s in summaries:
        where = f"{s.city} (TERYT {s.teryt}) version {s.version_no}" if s.city else "city unknown"
        state = "valid" if s.valid else "INVALID"
        stored = "" if s.created else ", stored before"
        note = f"; {s.note}" if s.note else ""
        typer.echo(
            f"{s.file}: {where}, {state}, {s.errors} errors, {s.warnings} warnings{stored}{note}"
        )
    raise typer.Exit(EXIT_OK if all(s.valid for s in summaries) else EXIT_INVALID)


@app.command()
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
        raise _fail(str(exc)) from exc
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
    for result in (state.closing, state.documents):
        for line in result.summary_lines() if result is not None else ():
            typer.echo(line)


# --- lifecycle: review, selection, ledger, partners (grantflow/cli_lifecycle.py) ---
from grantflow import cli_lifecycle  # noqa: E402  # registered here to keep this module small

cli_lifecycle.register(app)
# --- documents from the store, the publication, final reports (grantflow/cli_documents.py) ---
from grantflow import cli_documents  # noqa: E402

cli_documents.register(app, generate_app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
