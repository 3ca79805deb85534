"""What every page shares: the wiring, sessions, the signed-in user and rendering.

One ``Portal`` per application holds the ``Wiring`` (its engine pools
connections for every request; its clock is the system's, or a fixed
moment for a demo on the programme's calendar), the session codec and the
templates. Routes reach it through ``portal(request)`` and get the user
through the dependencies ``require_role(role)``; ``owned`` is the one way a
route turns an id from the URL into something of the signed-in user's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from grantflow.adapters.i18n import format_size
from grantflow.adapters.spreadsheet import DEFAULT_LIMITS
from grantflow.bootstrap import Wiring
from grantflow.domain.errors import NotFound
from grantflow.services import accounts
from grantflow.services.access import record_refusal
from grantflow.services.ports.accounts import User
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.web import language
from grantflow.web.sessions import Session, SessionCodec

T = TypeVar("T")

TEMPLATES = Path(__file__).parent / "templates"


@dataclass
class Portal:
    wiring: Wiring
    sessions: SessionCodec
    templates: jinja2.Environment


@cache
def make_templates() -> jinja2.Environment:
    """The pages' templates, compiled once a process (every app of the process shares them:
    they do not change while it runs)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # everything a user or a file wrote is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def portal(request: Request) -> Portal:
    found: Portal = request.app.state.portal
    return found


def session(request: Request) -> Session:
    current: Session = request.state.session
    return current


def set_session(request: Request, new: Session) -> None:
    """Replace the request's session; the middleware sends the new cookie."""
    request.state.session = new


class SignInRequired(Exception):
    """No signed-in user (or the session expired): the page is the sign-in form."""


def current_user(request: Request) -> User | None:
    """The signed-in user, loaded once per request; None when nobody is signed in."""
    if not hasattr(request.state, "user"):
        found: User | None = None
        user_id = session(request).user_id
        if user_id is not None:
            try:
                found = accounts.get_user(portal(request).wiring.reading(), user_id)
            except NotFound:
                found = None  # the account was removed since
        request.state.user = found
    user: User | None = request.state.user
    return user


def require_role(role: str) -> Callable[[Request], User]:
    """A dependency: the signed-in user, who must have ``role`` (403 otherwise); the
    sign-in page when nobody is signed in."""

    def dependency(request: Request) -> User:
        user = current_user(request)
        if user is None:
            raise SignInRequired()
        if user.role != role:
            refuse(request, user, f"role:{role}", 403)
        return user

    return dependency


def refuse(request: Request, user: User, subject: str, status: int) -> None:
    """Write the refusal to the audit chain and answer ``status`` (403 or 404)."""
    wiring = portal(request).wiring
    record_refusal(
        wiring.unit_of_work(),
        actor=user.actor,
        subject=subject,
        path=request.url.path,
        status=status,
        at=wiring.clock.now(),
    )
    raise HTTPException(status_code=status)


def owned(
    request: Request,
    user: User,
    subject: str,
    load: Callable[[UnitOfWork], T],
    belongs: Callable[[T], bool],
) -> T:
    """What ``load`` finds, when it belongs to ``user``: 404 when there is no such thing,
    403 when it is another's, each written to the audit chain with ``subject``."""
    uow = portal(request).wiring.reading()
    try:
        with uow:
            found = load(uow)
    except NotFound:
        refuse(request, user, subject, 404)
    if not belongs(found):
        refuse(request, user, subject, 403)
    return found


def page_language(request: Request) -> str:
    user = current_user(request)
    if user is not None:
        return user.language
    return session(request).lang or language.negotiate(request.headers.get("accept-language"))


def render(
    request: Request, template: str, context: Mapping[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """A page in the visitor's language, with the user, the CSRF token and the languages."""
    found = portal(request)
    lang = page_language(request)
    page = found.templates.get_template(template).render(
        {
            "_": language.translator(lang),
            "lang": lang,
            "languages": language.NAMES,
            "user": current_user(request),
            "csrf": found.sessions.csrf_token(session(request)),
            "request_path": request.url.path,
            "upload_limit": format_size(DEFAULT_LIMITS.max_file_bytes, lang),
            **(context or {}),
        }
    )
    return HTMLResponse(page, status_code=status)


def see_other(url: str) -> Response:
    """After a form: the browser asks for ``url`` with GET (a reload posts nothing twice)."""
    return RedirectResponse(url, status_code=303)
