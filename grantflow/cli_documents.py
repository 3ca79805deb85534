"""Commands for the programme's documents from the store, and the final report's intake.

``grantflow generate KIND [--lang] [--format docx|pdf] [--application ID | --all] -o DIR``
(KIND: application, decision, agreement, final-report, publication, all),
``grantflow publication --lang pl|nb -o FILE`` and
``grantflow submit-final-report FILE --application ID``. What each document
says is read from the store by ``grantflow.services.programme_documents``;
every file is listed in ``DIR/manifest.json`` and recorded in the store with
its SHA-256.

A batch of a few documents is rendered in this process: starting Prefect's
server and a process pool (each worker imports Prefect and WeasyPrint) takes
longer than rendering them. A larger batch goes through the documents flow
(``workflows/documents.py``) and shows its progress in the flow's log.

Registered on the main app by ``grantflow.cli`` (``register(app, generate_app)``).
Like ``cli.py``, adapters are imported inside the commands so the CLI starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
    from grantflow.config import Settings
    from grantflow.domain.programme import Programme
    from grantflow.services.documents import Format, GeneratedDocument, Kind, RenderRequest

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
# Up to this many documents are rendered in this process (about 0.15 s a PDF,
# 0.05 s a docx), instead of paying some 10 s to start Prefect and the pool.
IN_PROCESS_MAX = 24


class StoredKind(StrEnum):
    application = "application"
    decision = "decision"
    agreement = "agreement"
    final_report = "final-report"
    publication = "publication"
    all = "all"


class DocumentLang(StrEnum):
    pl = "pl"
    nb = "nb"


class ReportLang(StrEnum):
    pl = "pl"
    nb = "nb"
    en = "en"


class DocumentFormat(StrEnum):
    docx = "docx"
    pdf = "pdf"


OutputDir = Annotated[
    Path, typer.Option("--output", "-o", help="Folder for the documents and manifest.json.")
]
LangOption = Annotated[
    DocumentLang | None,
    typer.Option("--lang", "-l", help="Only this language (default: every one the kind has)."),
]
FormatOption = Annotated[
    DocumentFormat | None,
    typer.Option("--format", "-f", help="Only this format (default: docx and PDF)."),
]
ApplicationOption = Annotated[
    int | None, typer.Option("--application", help="Only this application's documents.")
]
AllOption = Annotated[bool, typer.Option("--all", help="Every application's documents.")]
ProgrammeOption = Annotated[
    Path | None,
    typer.Option("--programme", help="Programme file (default: the reference programme)."),
]
DateOption = Annotated[
    str | None, typer.Option("--date", help="Date of the publication (default: today).")
]


def _usage(message: str) -> typer.Exit:
    typer.echo(f"grantflow: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def _kinds(kind: StoredKind) -> tuple[Kind, ...]:
    from grantflow.services.documents import KINDS

    if kind is StoredKind.all:
        return KINDS
    return (kind.value.replace("-", "_"),)  # type: ignore[return-value]  # a member of KINDS


def _day(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else date.today()
    except ValueError as exc:
        raise _usage(f"--date: {exc}") from exc


def _programme(path: Path | None) -> Programme:
    from grantflow.domain.errors import ConfigurationError
    from grantflow.validation.programme_file import load_programme

    try:
        return load_programme(path)
    except ConfigurationError as exc:
        raise _usage(str(exc)) from exc


@contextmanager
def _store() -> Iterator[tuple[Settings, SqlUnitOfWork]]:
    """The configured store, migrated; errors become one line and an exit.

    Unknown things and broken configuration are usage errors (2); an
    operation the rules refuse (a project not in implementation, a second
    final report after the first was booked) exits 1.
    """
    from grantflow import config
    from grantflow.adapters.store import make_engine, migrate
    from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
    from grantflow.domain.errors import ConfigurationError, GrantflowError, NotFound

    try:
        settings = config.load()
        migrate(settings.database_url)
        engine = make_engine(settings.database_url)
        try:
            yield settings, SqlUnitOfWork(engine)
        finally:
            engine.dispose()
    except (NotFound, ConfigurationError) as exc:
        raise _usage(str(exc)) from exc
    except GrantflowError as exc:
        typer.echo(f"grantflow: refused: {exc}", err=True)
        raise typer.Exit(EXIT_INVALID) from exc


def _progress(done: int, total: int) -> None:
    """A progress line on stderr at a terminal; silent in pipes and CI."""
    if total < 10 or not sys.stderr.isatty():
        return
    sys.stderr.write(f"\r{done}/{total} documents rendered")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def render_here(
    requests: Sequence[RenderRequest], folder: Path
) -> tuple[list[GeneratedDocument], list[tuple[str, str]]]:
    """Render in this process: (documents, (target, reason) of each failure); manifest written."""
    from grantflow.adapters.documents.manifest import JsonManifest
    from grantflow.adapters.documents.renderer import TemplateRenderer
    from grantflow.services import documents

    renderer = TemplateRenderer()
    done: list[GeneratedDocument] = []
    failed: list[tuple[str, str]] = []
    for number, request in enumerate(requests, start=1):
        made, refused = documents.render_batch([request], renderer)
        done += made
        failed += [(str(r.target), reason) for r, reason in refused]
        _progress(number, len(requests))
    JsonManifest(folder).record(done)
    return done, failed


def render_and_record(
    requests: Sequence[RenderRequest],
    folder: Path,
    settings: Settings,
    uow: SqlUnitOfWork,
) -> tuple[list[GeneratedDocument], list[tuple[str, str]], int]:
    """(documents, failures, new in the store): here for a few, through the flow for many."""
    from grantflow.services.programme_documents import record_documents, utc_now

    if len(requests) <= IN_PROCESS_MAX:
        done, failed = render_here(requests, folder)
        recorded = record_documents(uow, done, home=settings.home, at=utc_now())
        return done, failed, recorded
    from workflows import prefect_env

    prefect_env.configure(settings.home)
    from workflows.documents import generate_documents

    result = generate_documents(list(requests), str(folder), settings=settings)
    failures = [(f.target, f.reason) for f in result.failures]
    return result.documents, failures, result.recorded


def _where(path: Path, folder: Path) -> str:
    return path.resolve().relative_to(folder).as_posix()


def generate_stored(
    kinds: tuple[Kind, ...],
    *,
    output: Path,
    lang: str | None,
    fmt: Format | None,
    application: int | None,
    every: bool,
    programme_path: Path | None,
    issued: str | None,
) -> NoReturn:
    """Render the documents of ``kinds`` from the store into ``output``; exit 0, or 1 when
    a document failed or none matched (see the module)."""
    from grantflow.services.documents import LANGUAGES
    from grantflow.services.programme_documents import Selection, programme_requests
    from grantflow.validation import form

    per_application = any(kind != "publication" for kind in kinds)
    if per_application and (application is None) == (not every):
        raise _usage("give --application ID or --all")
    if lang is not None and not any(lang in LANGUAGES[k] for k in kinds):
        raise _usage(f"the {kinds[0]} exists in {', '.join(LANGUAGES[kinds[0]])}")
    programme = _programme(programme_path)
    day = _day(issued)
    folder = output.resolve()
    with _store() as (settings, uow):
        requests = programme_requests(
            uow,
            programme=programme,
            form=form.load("outline"),
            folder=folder,
            selection=Selection(kinds, application, lang, fmt),
            issued=day,
        )
        if not requests:
            which = f"application {application}" if application is not None else "the programme"
            typer.echo(f"grantflow: no {' or '.join(kinds)} document for {which}", err=True)
            raise typer.Exit(EXIT_INVALID)
        done, failed, recorded = render_and_record(requests, folder, settings, uow)
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


def _kind_command(kind: StoredKind) -> Callable[..., None]:
    def command(
        output: OutputDir,
        lang: LangOption = None,
        fmt: FormatOption = None,
        application: ApplicationOption = None,
        every: AllOption = False,
        programme: ProgrammeOption = None,
        issued: DateOption = None,
    ) -> None:
        generate_stored(
            _kinds(kind),
            output=output,
            lang=None if lang is None else lang.value,
            fmt=None if fmt is None else fmt.value,
            application=application,
            every=every,
            programme_path=programme,
            issued=issued,
        )

    command.__doc__ = {
        StoredKind.all: "Generate every document from the store into DIR (with manifest.json): "
        "--all for the whole programme, --application ID for one application's (no publication).",
        StoredKind.publication: "Generate the publication (pl and nb editions, docx and PDF) "
        "from the store into DIR (with manifest.json).",
    }.get(
        kind,
        f"Generate {kind.value} documents from the store into DIR (with manifest.json): "
        "--application ID or --all.",
    )
    return command


# --- the publication ---------------------------------------------------------------


def publication(
    lang: Annotated[DocumentLang, typer.Option("--lang", "-l", help="The edition.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The file: .pdf, or .docx for the editable one.")
    ],
    programme: ProgrammeOption = None,
    issued: DateOption = None,
) -> None:
    """Write one edition of the programme's publication (from the store) to FILE:
    a PDF, or the editable docx when FILE ends in .docx.

    The folder's manifest.json and the store record the file with its SHA-256.
    """
    import dataclasses

    from grantflow.adapters.documents.manifest import JsonManifest
    from grantflow.adapters.documents.renderer import TemplateRenderer
    from grantflow.domain.errors import DocumentError
    from grantflow.services import documents
    from grantflow.services.programme_documents import (
        Selection,
        StoreDocumentLog,
        programme_requests,
    )
    from grantflow.validation import form

    fmt: Format = "docx" if output.suffix.lower() == ".docx" else "pdf"
    target = output.resolve()
    loaded, day = _programme(programme), _day(issued)
    with _store() as (settings, uow):
        (request,) = programme_requests(
            uow,
            programme=loaded,
            form=form.load("outline"),
            folder=target.parent,
            selection=Selection(("publication",), None, lang.value, fmt),
            issued=day,
        )
        try:
            document = documents.generate(
                dataclasses.replace(request, target=target),
                renderer=TemplateRenderer(),
                log=JsonManifest(target.parent),
            )
        except DocumentError as exc:
            typer.echo(f"grantflow: {exc}", err=True)
            raise typer.Exit(EXIT_INVALID) from exc
        StoreDocumentLog(uow, settings.home).record([document])
    typer.echo(f"{document.path}  {document.size} bytes  sha256 {document.sha256}")


# --- the final report's intake ------------------------------------------------------------


def submit_final_report(
    file: Annotated[Path, typer.Argument(help="The filled final-report form (.xlsx).")],
    application: Annotated[int, typer.Option("--application", help="The funded project.")],
    by: Annotated[str, typer.Option("--by", help="Who submits (kept with the version).")] = "cli",
    lang: Annotated[
        ReportLang, typer.Option("--lang", "-l", help="Language of the validation report.")
    ] = ReportLang.en,
) -> None:
    """Validate a final report, keep it as a version, and book the lump sum spent and returned.

    The project must be in implementation. An invalid report is kept and its
    validation report printed (exit 1); a valid one books ``spend`` and the
    unspent part as ``return`` in the ledger (the same file again books nothing).
    """
    from grantflow.adapters import report_render
    from grantflow.adapters.files import LocalFileStore
    from grantflow.adapters.spreadsheet import read_upload
    from grantflow.services.final_report import take_in_final_report
    from grantflow.services.programme_documents import utc_now
    from grantflow.validation.report import FileReport, Report

    if not file.is_file():
        raise _usage(f"no such file: {file}")
    # One read: the bytes kept are the bytes checked, and never more than the limit.
    read = read_upload(file)
    if read.content is None:
        unread = FileReport(read.workbook.file, list(read.workbook.issues))
        sys.stdout.write(report_render.render(Report([unread]), "text", lang.value).decode())
        raise typer.Exit(EXIT_INVALID)
    with _store() as (settings, uow):
        upload = take_in_final_report(
            uow,
            LocalFileStore(settings.home),
            application,
            read.workbook,
            file_name=file.name,
            content=read.content,
            at=utc_now(),
            actor=by,
        )
    stored = upload.stored
    if upload.intake is None:
        text = report_render.render(Report([stored.report]), "text", lang.value)
        sys.stdout.write(text.decode("utf-8"))
        raise typer.Exit(EXIT_INVALID)
    intake = upload.intake
    spent = intake.spent.amount if intake.spent else 0
    returned = intake.returned.amount if intake.returned else 0
    again = "" if upload.created else ", taken in before"
    typer.echo(
        f"{file.name}: {intake.application.city_name} (application {application}) "
        f"final report version {stored.version_no}, valid; lump sum spent EUR {spent:,.2f}, "
        f"returned EUR {returned:,.2f}; state {intake.application.state}{again}"
    )


def register(app: typer.Typer, generate_app: typer.Typer) -> None:
    """``generate`` KIND subcommands (but ``application``, in cli.py), publication, intake."""
    for kind in StoredKind:
        if kind is not StoredKind.application:
            generate_app.command(kind.value)(_kind_command(kind))
    app.command("publication")(publication)
    app.command("submit-final-report")(submit_final_report)
