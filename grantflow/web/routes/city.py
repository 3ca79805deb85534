"""The city's pages: its blank forms, uploads and their reports, its applications.

A city account is bound to its TERYT; every page that takes an id passes
it through :func:`own_application`, so a city never sees another's.
Uploads go through the same use cases as ``grantflow submit`` and
``grantflow submit-final-report`` (``services.intake.receive_account_upload``,
``services.final_report.take_in_final_report``), with the signed-in user as
the actor. An upload's next step is the operator's formal check, a person's
decision, so no flow is started from here.
"""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from grantflow.adapters import report_render
from grantflow.adapters.formgen import build_blank, build_filled
from grantflow.adapters.i18n import format_date
from grantflow.adapters.reproducible import workbook_bytes
from grantflow.adapters.spreadsheet import read_upload
from grantflow.domain.deadlines import operator_day
from grantflow.domain.errors import ConfigurationError, GrantflowError, NotFound
from grantflow.domain.programme import Call
from grantflow.services import city_views, intake
from grantflow.services.final_report import take_in_final_report
from grantflow.services.ports.accounts import User
from grantflow.services.ports.applications import Application, Submission
from grantflow.services.ports.final_reports import StoredFinalReport
from grantflow.services.proposal import carried_forward_form
from grantflow.validation import form
from grantflow.validation.outline import validate_outline
from grantflow.validation.report import FileReport, Report
from grantflow.web.portal import owned, page_language, portal, render, require_role, see_other

router = APIRouter(prefix="/city")
CityUser = Annotated[User, Depends(require_role("city"))]

# The blank forms a city downloads, by the name in their address.
FORMS = {"outline": "outline", "proposal": "proposal", "final-report": "final_report"}
REPORT_TYPES = {
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# Kept from a hostile file name: at most this many characters of its last part.
MAX_NAME = 120


def own_application(request: Request, user: User, application_id: int) -> Application:
    """The application, when it is the signed-in city's (403 / 404 and an audit entry)."""
    return owned(
        request,
        user,
        f"application:{application_id}",
        lambda uow: uow.applications.get(application_id),
        lambda application: application.teryt == user.binding.teryt,
    )


def city_name(request: Request, teryt: str) -> str:
    cities = {c.teryt: c.name for c in portal(request).wiring.programme.eligible_cities}
    return cities.get(teryt, teryt)


@router.get("")
def dashboard(request: Request, user: CityUser) -> Response:
    wiring = portal(request).wiring
    teryt = user.binding.teryt or ""
    today = wiring.clock.now()
    return render(
        request,
        "city/dashboard.html.j2",
        {
            "city": city_name(request, teryt),
            "teryt": teryt,
            "applications": city_views.applications_of(wiring.reading(), teryt),
            "calls": wiring.programme.calls,
            "open_calls": [c.code for c in wiring.programme.calls if _open(c, today)],
            "date": _date_formatter(request),
        },
    )


@router.get("/forms/{name}.xlsx")
def blank_form(request: Request, user: CityUser, name: str) -> Response:
    if name not in FORMS:
        raise HTTPException(status_code=404)
    lang = page_language(request)
    content = workbook_bytes(build_blank(form.load(FORMS[name]), lang))
    return _download(content, f"{name}-{lang}.xlsx", REPORT_TYPES["xlsx"])


@router.post("/uploads")
def upload(
    request: Request,
    user: CityUser,
    file: Annotated[UploadFile, File()],
    call: Annotated[str, Form()],
) -> Response:
    wiring = portal(request).wiring
    try:
        chosen = wiring.programme.call(call)
    except ConfigurationError:
        raise HTTPException(status_code=400) from None
    name = safe_name(file.filename)
    with _spooled(file) as path:
        read = read_upload(path, display_name=name)
    result = validate_outline(read.workbook, wiring.programme, chosen.code)
    applicant = intake.identify(result)
    content = read.content if read.content is not None else intake.NotKept(read.workbook.sha256)
    received = intake.receive_account_upload(
        wiring.unit_of_work(),
        wiring.files,
        intake.Upload(
            call_code=chosen.code,
            stage=chosen.stage,
            file_name=name,
            content=content,
            result=result,
            applicant=applicant,
            submitted_by=user.actor,
        ),
        teryt=user.binding.teryt or "",
        call=chosen,
        at=wiring.clock.now(),
    )
    if received.receipt is not None:
        outcome = received.receipt.outcome
        return see_other(
            f"/city/applications/{outcome.application_id}/versions/{outcome.version_no}?received=1"
        )
    teryt = user.binding.teryt or ""
    return render(
        request,
        "city/not_submitted.html.j2",
        {
            "reason": received.not_submitted,
            "call": chosen,
            "date": _date_formatter(request),
            "city": city_name(request, teryt),
            "teryt": teryt,
            "file_city": applicant.city_name if applicant else "",
            "file_teryt": applicant.teryt if applicant else "",
            **_report_context(request, result.report),
        },
        status=422,
    )


@router.get("/applications/{application_id}")
def application_page(request: Request, user: CityUser, application_id: int) -> Response:
    own_application(request, user, application_id)
    wiring = portal(request).wiring
    found = city_views.application_file(wiring.reading(), application_id)
    return render(
        request,
        "city/application.html.j2",
        {
            "file": found,
            "call": wiring.programme.call(found.application.call_code),
            "date": _date_formatter(request),
            "status": lambda report: report_render.file_status(report, page_language(request)),
        },
    )


@router.get("/applications/{application_id}/proposal.xlsx")
def proposal_form(request: Request, user: CityUser, application_id: int) -> Response:
    """The Stage 2 proposal form filled with what the city's outline said, as
    ``grantflow template proposal --application ID`` writes it: for a shortlisted
    Stage 1 application only (404 for any other)."""
    application = own_application(request, user, application_id)
    wiring = portal(request).wiring
    try:
        carried = carried_forward_form(wiring.unit_of_work(), wiring.programme, application_id)
    except GrantflowError as exc:  # not shortlisted, or no Stage 2 proposal form
        raise HTTPException(status_code=404) from exc
    lang = page_language(request)
    book = build_filled(form.load("proposal"), lang, carried.values)
    name = f"proposal-{application.teryt}-{lang}.xlsx"
    return _download(workbook_bytes(book), name, REPORT_TYPES["xlsx"])


@router.get("/applications/{application_id}/versions/{version_no}")
def version_page(
    request: Request, user: CityUser, application_id: int, version_no: int, received: bool = False
) -> Response:
    application = own_application(request, user, application_id)
    report = _version(request, application_id, version_no).report
    return _version_page(request, application, version_no, report, received, final_report=False)


@router.get("/applications/{application_id}/versions/{version_no}/report.{fmt}")
def version_report(
    request: Request, user: CityUser, application_id: int, version_no: int, fmt: str
) -> Response:
    own_application(request, user, application_id)
    report = _version(request, application_id, version_no).report
    return _report_download(request, report, f"report-v{version_no}", fmt)


@router.post("/applications/{application_id}/final-report")
def final_report_upload(
    request: Request,
    user: CityUser,
    application_id: int,
    file: Annotated[UploadFile, File()],
) -> Response:
    application = own_application(request, user, application_id)
    wiring = portal(request).wiring
    name = safe_name(file.filename)
    with _spooled(file) as path:
        read = read_upload(path, display_name=name)
    refusal = ""
    report = FileReport(name, list(read.workbook.issues), form="final_report")
    if read.content is not None:
        try:
            taken = take_in_final_report(
                wiring.unit_of_work(),
                wiring.files,
                application_id,
                read.workbook,
                file_name=name,
                content=read.content,
                at=wiring.clock.now(),
                actor=user.actor,
            )
        except NotFound:
            refusal = "other-city"
        except GrantflowError:
            refusal = "not-in-implementation"
        else:
            return see_other(
                f"/city/applications/{application_id}/final-reports/{taken.stored.version_no}"
                "?received=1"
            )
    return render(
        request,
        "city/final_report_refused.html.j2",
        {"application": application, "refusal": refusal, **_report_context(request, report)},
        status=422,
    )


@router.get("/applications/{application_id}/final-reports/{version_no}")
def final_report_page(
    request: Request, user: CityUser, application_id: int, version_no: int, received: bool = False
) -> Response:
    application = own_application(request, user, application_id)
    report = _final_report(request, application_id, version_no).report
    return _version_page(request, application, version_no, report, received, final_report=True)


@router.get("/applications/{application_id}/final-reports/{version_no}/report.{fmt}")
def final_report_report(
    request: Request, user: CityUser, application_id: int, version_no: int, fmt: str
) -> Response:
    own_application(request, user, application_id)
    report = _final_report(request, application_id, version_no).report
    return _report_download(request, report, f"final-report-v{version_no}", fmt)


@router.get("/applications/{application_id}/documents/{kind}/{lang}.{fmt}")
def document(
    request: Request, user: CityUser, application_id: int, kind: str, lang: str, fmt: str
) -> Response:
    own_application(request, user, application_id)
    wiring = portal(request).wiring
    found = city_views.application_file(wiring.reading(), application_id)
    record = next(
        (d for d in found.documents if (d.kind, d.lang, d.fmt) == (kind, lang, fmt)), None
    )
    if record is None or fmt not in DOCUMENT_TYPES:
        raise HTTPException(status_code=404)
    path = wiring.settings.home / record.path
    if not path.is_file():
        raise HTTPException(status_code=404)
    return _download(path.read_bytes(), f"{kind}-{lang}.{fmt}", DOCUMENT_TYPES[fmt])


# --- helpers -------------------------------------------------------------------------


def safe_name(given: str | None) -> str:
    """The file name to show and keep: its last part only (``../../etc/passwd.xlsx`` is
    ``passwd.xlsx``), without control characters, at most ``MAX_NAME`` characters. It is
    never a path: uploads are stored by their SHA-256."""
    last = PurePosixPath((given or "").replace("\\", "/")).name
    printable = "".join(ch for ch in last if unicodedata.category(ch)[0] != "C").strip()
    return printable[-MAX_NAME:] or "upload.xlsx"


@contextmanager
def _spooled(file: UploadFile) -> Iterator[Path]:
    """The upload as a temporary file the reader can open (removed afterwards)."""
    with tempfile.NamedTemporaryFile(suffix=".upload") as spooled:
        file.file.seek(0)
        shutil.copyfileobj(file.file, spooled)
        spooled.flush()
        yield Path(spooled.name)


def _open(call: Call, now: datetime) -> bool:
    return call.is_open(operator_day(now))


def _date_formatter(request: Request) -> Any:
    lang = page_language(request)
    return lambda day: format_date(day, lang)


def _version_page(
    request: Request,
    application: Application,
    version_no: int,
    report: FileReport,
    received: bool,
    *,
    final_report: bool,
) -> Response:
    """A version's page (of an outline or proposal, or of a final report) with its report."""
    versions = "final-reports" if final_report else "versions"
    return render(
        request,
        "city/version.html.j2",
        {
            "application": application,
            "version_no": version_no,
            "received": received,
            "downloads": f"/city/applications/{application.id}/{versions}/{version_no}/report",
            "final_report": final_report,
            **_report_context(request, report),
        },
    )


def _report_context(request: Request, report: FileReport) -> dict[str, Any]:
    lang = page_language(request)
    return {
        "report": report,
        "rows": report_render.issue_rows(report, lang),
        "status": report_render.file_status(report, lang),
    }


def _version(request: Request, application_id: int, version_no: int) -> Submission:
    found = city_views.application_file(portal(request).wiring.reading(), application_id)
    version = next((v for v in found.versions if v.version_no == version_no), None)
    if version is None:
        raise HTTPException(status_code=404)
    return version


def _final_report(request: Request, application_id: int, version_no: int) -> StoredFinalReport:
    found = city_views.application_file(portal(request).wiring.reading(), application_id)
    version = next((v for v in found.final_reports if v.version_no == version_no), None)
    if version is None:
        raise HTTPException(status_code=404)
    return version


def _report_download(request: Request, report: FileReport, stem: str, fmt: str) -> Response:
    if fmt not in REPORT_TYPES:
        raise HTTPException(status_code=404)
    lang = page_language(request)
    content = report_render.render(Report([report]), fmt, lang)
    return _download(content, f"{stem}-{lang}.{fmt}", REPORT_TYPES[fmt])


def _download(content: bytes, filename: str, media_type: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
