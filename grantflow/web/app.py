"""The portal's FastAPI application: sessions, CSRF, security headers, the role routers.

``create_app(wiring)`` is all an entrypoint needs (``grantflow serve``, the
tests): the routers are listed in ``ROUTERS``, one module per role.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from fastapi import BackgroundTasks, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from grantflow import resources
from grantflow.adapters.spreadsheet import DEFAULT_LIMITS, read_upload
from grantflow.bootstrap import Wiring
from grantflow.validation.outline import validate_outline
from grantflow.web import language
from grantflow.web import portal as shared
from grantflow.web.portal import (
    TEMPLATES,
    Portal,
    SignInRequired,
    make_templates,
    render,
    see_other,
)
from grantflow.web.routes import (
    account,
    city,
    donor,
    invitations,
    operator,
    partnerships,
    reviewer,
)
from grantflow.web.sessions import COOKIE, SessionCodec, portal_secret

ROUTERS = (
    account.router,
    city.router,
    reviewer.router,
    operator.router,
    partnerships.router,
    donor.router,
    invitations.router,
)

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
# A body larger than an upload at the reader's limit plus the form around it is
# refused before it is read: nothing that large is ever a valid outline.
MAX_BODY_BYTES = DEFAULT_LIMITS.max_file_bytes + 256 * 1024

SECURITY_HEADERS = {
    # Our own stylesheet, no script at all, no framing, forms only to ourselves.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# Safe methods change nothing: every other one carries the form's CSRF token.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def csrf_checked(request: Request) -> None:
    """Refuse (403) a state-changing request without this session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    form = await request.form()
    token = form.get("csrf")
    found = shared.portal(request)
    if not isinstance(token, str) or not found.sessions.csrf_matches(
        shared.session(request), token
    ):
        raise HTTPException(status_code=403, detail="csrf")


class OutboxCourier:
    """Sends what a request recorded in the outbox (a report ready, a decision) once its
    response has gone out, as a command does after its commit: a slow mail server never
    slows a page. One round at a time: a request that finds a round running leaves its
    messages to that round's successor (the next request, or the ``outbox`` deployment)."""

    def __init__(self, wiring: Wiring) -> None:
        self._wiring = wiring
        self._round = threading.Lock()

    def __call__(self) -> None:
        if not self._round.acquire(blocking=False):
            return
        try:
            self._wiring.deliver_outbox()
        except Exception:  # the messages stay in the outbox; the page was already answered
            logger.exception("the portal could not deliver the outbox")
        finally:
            self._round.release()


async def mail_after_changes(request: Request, background: BackgroundTasks) -> None:
    """After a state-changing request, deliver the outbox in the background."""
    if request.method not in SAFE_METHODS:
        background.add_task(request.app.state.courier)


def warm_up(wiring: Wiring, templates: jinja2.Environment) -> None:
    """Load before the first request what every upload and page needs: the programme, the
    catalogs, the page templates, the reader and the validator (a sample outline read and
    validated, nothing stored). Otherwise the first requests after a start pay for it
    together: the first upload took twice a warm one's time (benchmarks/bench_portal.py)."""
    for lang in language.LANGUAGES:
        language.translator(lang)("grantflow")
    for path in TEMPLATES.rglob("*.j2"):
        templates.get_template(path.relative_to(TEMPLATES).as_posix())
    call = wiring.programme.calls[0]
    sample = resources.samples() / "outlines" / "chelm.xlsx"
    validate_outline(read_upload(sample).workbook, wiring.programme, call.code)


def create_app(wiring: Wiring) -> FastAPI:
    """The portal over ``wiring``'s store, programme and clock (closed when the app stops)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        wiring.migrate()
        warm_up(wiring, app.state.portal.templates)
        yield
        wiring.close()

    app = FastAPI(
        title="grantflow",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        dependencies=[Depends(csrf_checked), Depends(mail_after_changes)],
    )
    app.state.portal = Portal(
        wiring=wiring,
        sessions=SessionCodec(portal_secret(wiring.settings.home)),
        templates=make_templates(),
    )
    app.state.courier = OutboxCourier(wiring)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _install_middleware(app)
    _install_error_pages(app)
    return app


def _install_middleware(app: FastAPI) -> None:
    @app.middleware("http")
    async def sessions_and_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            request.state.session = shared.portal(request).sessions.load(
                request.cookies.get(COOKIE)
            )
            response: Response = render(request, "error.html.j2", {"status": 413}, status=413)
        else:
            codec = shared.portal(request).sessions
            request.state.session = codec.load(request.cookies.get(COOKIE))
            response = await call_next(request)
        current = shared.session(request)
        if current.dirty:
            codec = shared.portal(request).sessions
            response.set_cookie(
                COOKIE,
                codec.dump(current),
                max_age=codec.max_age,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
                path="/",
            )
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            # Pages show personal data (who is signed in, a city's files): no cache keeps them.
            response.headers["Cache-Control"] = "no-store"
        return response


def _install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, exc: SignInRequired) -> Response:
        expired = "?expired=1" if shared.session(request).expired else ""
        return see_other(f"/login{expired}")

    @app.exception_handler(HTTPException)
    async def error_page(request: Request, exc: HTTPException) -> Response:
        status = exc.status_code
        page = render(request, "error.html.j2", {"status": status, "detail": exc.detail})
        page.status_code = status
        return page

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> HTMLResponse:
        return render(request, "error.html.j2", {"status": 400, "detail": ""}, status=400)
