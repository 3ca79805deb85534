"""Documents: every kind from the store, the publication, and an outline's preview.

``grantflow generate KIND [--lang] [--format docx|pdf] [--application ID | --all] -o DIR``
(KIND: every kind of ``grantflow.services.documents.registry``, ``_`` written
``-``, or all),
``grantflow publication --lang pl|nb -o FILE`` and
``grantflow generate application --outline FILE -o FILE`` (a preview without
the store). What each document
says is read from the store by each kind's planner (``grantflow.services.documents``);
every file is listed in ``DIR/manifest.json`` and recorded in the store with
its SHA-256.

A batch of a few documents is rendered in this process: starting Prefect's
server and a process pool (each worker imports Prefect and WeasyPrint) takes
longer than rendering them. A larger batch goes through the documents flow
(``workflows/documents.py``) and shows its progress in the flow's log.

Adapters are imported inside the commands so the CLI starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from grantflow.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    AsOfOption,
    Lang,
    LangOption,
    ProgrammeOption,
    exit_invalid,
    store,
    usage,
    wiring,
)
from grantflow.services.documents.registry import DOCUMENT_KINDS

if TYPE_CHECKING:
    from grantflow.bootstrap import Wiring
    from grantflow.services.documents.rendering import (
        DocumentRenderer,
        Format,
        GeneratedDocument,
        RenderRequest,
    )

generate_app = typer.Typer(help="Generate documents (docx, PDF).", no_args_is_help=True)
# Up to this many documents are rendered in this process (about 0.15 s a PDF,
# 0.05 s a docx), instead of paying some 10 s to start Prefect and the pool.
IN_PROCESS_MAX = 24


# The choices come from the registry, so a kind's new language or format needs no
# edit here (mypy cannot list members known only at run time).
DocumentLang = StrEnum("DocumentLang", [(x, x) for x in DOCUMENT_KINDS.languages])  # type: ignore[misc]
DocumentFormat = StrEnum("DocumentFormat", [(x, x) for x in DOCUMENT_KINDS.formats])  # type: ignore[misc]
ApplicationFormat = StrEnum(  # type: ignore[misc]
    "ApplicationFormat", [(x, x) for x in DOCUMENT_KINDS.kind("application").formats]
)
PublicationLang = StrEnum(  # type: ignore[misc]
    "PublicationLang", [(x, x) for x in DOCUMENT_KINDS.kind("publication").languages]
)


OutputDir = Annotated[
    Path, typer.Option("--output", "-o", help="Folder for the documents and manifest.json.")
]
DocumentLangOption = Annotated[
    DocumentLang | None,
    typer.Option("--lang", "-l", help="Only this language (default: every one the kind has)."),
]
FormatOption = Annotated[
    DocumentFormat | None,
    typer.Option("--format", "-f", help="Only this format (default: every one the kind has)."),
]
ApplicationOption = Annotated[
    int | None, typer.Option("--application", help="Only this application's documents.")
]
AllOption = Annotated[bool, typer.Option("--all", help="Every application's documents.")]
DateOption = Annotated[
    str | None,
    typer.Option("--date", help="Date of the publication (default: the programme's, else today)."),
]


def command_name(code: str) -> str:
    """A kind's subcommand: ``final_report`` is ``grantflow generate final-report``."""
    return code.replace("_", "-")


def _issued(text: str | None, default: date) -> date:
    """``--date`` as a date, else ``default``; a malformed one is a usage error."""
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise usage(f"--date: {exc}") from exc


def _published(text: str | None, built: Wiring) -> date:
    """The publication's date: ``--date``, else the programme's, else today on the clock."""
    return _issued(text, built.programme.publication_day(built.clock.today()))


def _progress(done: int, total: int) -> None:
    """A progress line on stderr at a terminal; silent in pipes and CI."""
    if total < 10 or not sys.stderr.isatty():
        return
    sys.stderr.write(f"\r{done}/{total} documents rendered")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def render_here(
    requests: Sequence[RenderRequest], folder: Path, renderer: DocumentRenderer
) -> tuple[list[GeneratedDocument], list[tuple[str, str]]]:
    """Render in this process: (documents, (target, reason) of each failure); manifest written."""
    from grantflow.adapters.documents.manifest import JsonManifest
    from grantflow.services.documents.generation import render_batch

    done: list[GeneratedDocument] = []
    failed: list[tuple[str, str]] = []
    for number, request in enumerate(requests, start=1):
        made, refused = render_batch([request], renderer)
        done += made
        failed += [(str(r.target), reason) for r, reason in refused]
        _progress(number, len(requests))
    JsonManifest(folder).record(done)
    return done, failed


def render_and_record(
    requests: Sequence[RenderRequest],
    folder: Path,
    built: Wiring,
) -> tuple[list[GeneratedDocument], list[tuple[str, str]], int]:
    """(documents, failures, new in the store): here for a few, through the flow for many."""
    from grantflow.services.documents.recording import record_documents

    settings = built.settings
    if len(requests) <= IN_PROCESS_MAX:
        done, failed = render_here(requests, folder, built.renderer)
        recorded = record_documents(
            built.unit_of_work(), done, home=settings.home, at=built.clock.now()
        )
        return done, failed, recorded
    from workflows import prefect_env

    prefect_env.configure(settings.home)
    from workflows.documents import generate_documents

    with prefect_env.flow_runs_here():
        result = generate_documents(
            list(requests), str(folder), settings=settings, as_of=built.clock.now()
        )
    failures = [(f.target, f.reason) for f in result.failures]
    return result.documents, failures, result.recorded


def _where(path: Path, folder: Path) -> str:
    return path.resolve().relative_to(folder).as_posix()


def generate_stored(
    kinds: tuple[str, ...],
    *,
    output: Path,
    lang: str | None,
    fmt: str | None,
    application: int | None,
    every: bool,
    programme_path: Path | None,
    issued: str | None,
    as_of: str | None = None,
) -> NoReturn:
    """Render the documents of ``kinds`` from the store into ``output``; exit 0, or 1 when
    a document failed or none matched (see the module)."""
    from grantflow.services.documents.generation import Selection, programme_requests
    from grantflow.validation import form

    chosen = DOCUMENT_KINDS.select(kinds)
    per_application = any(not kind.programme_wide for kind in chosen)
    if per_application and (application is None) == (not every):
        raise usage("give --application ID or --all")
    if lang is not None and not any(lang in kind.languages for kind in chosen):
        raise usage(f"the {kinds[0]} exists in {', '.join(chosen[0].languages)}")
    folder = output.resolve()
    with store(programme_path, as_of) as built:
        requests = programme_requests(
            built.unit_of_work(),
            programme=built.programme,
            form=form.load("outline"),
            folder=folder,
            selection=Selection(kinds, application, lang, fmt),
            issued=_published(issued, built),
        )
        if not requests:
            which = f"application {application}" if application is not None else "the programme"
            typer.echo(f"grantflow: no {' or '.join(kinds)} document for {which}", err=True)
            raise typer.Exit(EXIT_INVALID)
        done, failed, recorded = render_and_record(requests, folder, built)
    for document in done:
        typer.echo(
            f"{_where(document.path, folder)}  {document.size} bytes  sha256 {document.sha256}"
        )
    for target, reason in failed:
        typer.echo(f"grantflow: cannot render {target}: {reason}", err=True)
    typer.echo(
        f"{len(done)} documents in {folder} ({recorded} new to the store), {len(failed)} failed"
    )
    raise typer.Exit(EXIT_INVALID if failed else EXIT_OK)


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
        ApplicationFormat | None,
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
        if archive:
            raise usage("--pdfa applies to a preview (--outline)")
        generate_stored(
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
        raise usage("--outline previews a file; --application and --all read the store")
    from grantflow.adapters.documents.manifest import JsonManifest
    from grantflow.adapters.spreadsheet import read_workbook
    from grantflow.domain.errors import DocumentError
    from grantflow.services.documents.generation import generate
    from grantflow.services.documents.kinds.application import APPLICATION, application_request
    from grantflow.validation import form
    from grantflow.validation.outline import validate_outline

    if lang.value not in APPLICATION.languages:
        raise usage(f"the application exists in {', '.join(APPLICATION.languages)}")
    if not outline.is_file():
        raise usage(f"no such file: {outline}")
    with wiring(programme) as built:
        day = _issued(issued, built.clock.today())
        loaded = built.programme
        result = validate_outline(read_workbook(outline), loaded, call)
    if result.outline is None:
        exit_invalid(result.report, lang)
    try:
        request = application_request(
            result.outline,
            form=form.load("outline"),
            programme_name=loaded.name[lang.value],
            lang=lang.value,
            fmt="docx" if fmt is not None and fmt.value == "docx" else "pdf",
            target=output.resolve(),
            issued=day,
            pdf_variant="pdf/a-3b" if archive else "pdf/ua-1",
        )
        document = generate(
            request, renderer=built.renderer, log=JsonManifest(output.resolve().parent)
        )
    except DocumentError as exc:
        typer.echo(f"grantflow: {exc}", err=True)
        raise typer.Exit(EXIT_INVALID) from exc
    typer.echo(f"{document.path}  {document.size} bytes  sha256 {document.sha256}")


def _kind_command(code: str | None) -> Callable[..., None]:
    """``grantflow generate KIND`` for the kind ``code``; None: every kind (``all``)."""
    kinds = DOCUMENT_KINDS.codes if code is None else (code,)

    def command(
        output: OutputDir,
        lang: DocumentLangOption = None,
        fmt: FormatOption = None,
        application: ApplicationOption = None,
        every: AllOption = False,
        programme: ProgrammeOption = None,
        issued: DateOption = None,
        as_of: AsOfOption = None,
    ) -> None:
        generate_stored(
            kinds,
            output=output,
            lang=None if lang is None else lang.value,
            fmt=None if fmt is None else fmt.value,
            application=application,
            every=every,
            programme_path=programme,
            issued=issued,
            as_of=as_of,
        )

    if code is None:
        command.__doc__ = (
            "Generate every document from the store into DIR (with manifest.json): --all "
            "for the whole programme, --application ID for one application's (no "
            "programme-wide document)."
        )
    else:
        kind = DOCUMENT_KINDS.kind(code)
        which = "" if kind.programme_wide else ": --application ID or --all"
        command.__doc__ = (
            f"Generate {command_name(code)} documents ({', '.join(kind.languages)}; "
            f"{', '.join(kind.formats)}) from the store into DIR (with manifest.json){which}."
        )
    return command


# --- the publication ---------------------------------------------------------------


def publication(
    lang: Annotated[PublicationLang, typer.Option("--lang", "-l", help="The edition.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file: .pdf, or .docx for the editable one.")
    ],
    programme: ProgrammeOption = None,
    issued: DateOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Write one edition of the programme's publication (from the store) to FILE:
    a PDF, or the editable docx when FILE ends in .docx.

    The folder's manifest.json and the store record the file with its SHA-256.
    """
    import dataclasses

    from grantflow.adapters.documents.manifest import JsonManifest
    from grantflow.domain.errors import DocumentError
    from grantflow.services.documents.generation import Selection, generate, programme_requests
    from grantflow.services.documents.recording import StoreDocumentLog
    from grantflow.validation import form

    fmt: Format = "docx" if output.suffix.lower() == ".docx" else "pdf"
    target = output.resolve()
    with store(programme, as_of) as built:
        uow = built.unit_of_work()
        (request,) = programme_requests(
            uow,
            programme=built.programme,
            form=form.load("outline"),
            folder=target.parent,
            selection=Selection(("publication",), None, lang.value, fmt),
            issued=_published(issued, built),
        )
        try:
            document = generate(
                dataclasses.replace(request, target=target),
                renderer=built.renderer,
                log=JsonManifest(target.parent),
            )
        except DocumentError as exc:
            typer.echo(f"grantflow: {exc}", err=True)
            raise typer.Exit(EXIT_INVALID) from exc
        StoreDocumentLog(uow, built.settings.home, built.clock).record([document])
    typer.echo(f"{document.path}  {document.size} bytes  sha256 {document.sha256}")


def register(app: typer.Typer) -> None:
    """``generate`` KIND subcommands for the registry's kinds (the application's also
    previews an outline file) and ``all``, and ``publication``."""
    generate_app.command("application")(generate_application)
    for code in DOCUMENT_KINDS.codes:
        if code != "application":
            generate_app.command(command_name(code))(_kind_command(code))
    generate_app.command("all")(_kind_command(None))
    app.add_typer(generate_app, name="generate")
    app.command("publication")(publication)
