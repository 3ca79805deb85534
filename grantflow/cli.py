"""The ``grantflow`` command line: the composition root for people.

Commands import their adapters lazily so that ``grantflow validate`` starts
fast and never loads Prefect or the database layer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
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
template_app = typer.Typer(help="Write blank forms generated from the schemas.", no_args_is_help=True)
samples_app = typer.Typer(help="Generate sample data for demos and benchmarks.", no_args_is_help=True)
app.add_typer(template_app, name="template")
app.add_typer(samples_app, name="samples")


class Lang(str, Enum):
    pl = "pl"
    nb = "nb"
    en = "en"


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"
    xlsx = "xlsx"


LangOption = Annotated[Lang, typer.Option("--lang", "-l", help="Language of labels and messages.")]
ProgrammeOption = Annotated[
    Path | None,
    typer.Option("--programme", help="Programme file (default: the reference programme)."),
]

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


# --- validation ------------------------------------------------------------


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Outline files (.xlsx) or folders of them.")],
    lang: LangOption = Lang.en,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    programme: ProgrammeOption = None,
    call: Annotated[str, typer.Option(help="Call whose rules apply.")] = "stage1-outline",
    jobs: Annotated[int, typer.Option(help="Worker processes (0: one per core).")] = 0,
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
            paths, programme_path=programme, call_code=call, jobs=jobs, progress=_progress(len(paths))
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
