"""Signing in and out, and the language switch: the pages every visitor shares."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from grantflow.services import accounts
from grantflow.web import language
from grantflow.web.portal import (
    current_user,
    portal,
    render,
    see_other,
    session,
    set_session,
)
from grantflow.web.sessions import anonymous

router = APIRouter()

# Where each role starts.
HOMES = {
    "city": "/city",
    "reviewer": "/reviewer",
    "operator": "/operator",
    "donor": "/donor",
}


def home_of(role: str) -> str:
    return HOMES.get(role, "/")


@router.get("/")
def home(request: Request) -> Response:
    user = current_user(request)
    if user is None:
        return see_other("/login")
    if user.role not in HOMES:
        return render(request, "home.html.j2")
    return see_other(home_of(user.role))


@router.get("/login")
def login_form(request: Request, expired: bool = False) -> Response:
    return render(request, "login.html.j2", {"expired": expired, "error": "", "email": ""})


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    wiring = portal(request).wiring
    address = request.client.host if request.client else "unknown"
    try:
        user = accounts.sign_in(
            wiring.unit_of_work(),
            wiring.passwords,
            email=email,
            password=password,
            address=address,
            at=wiring.clock.now(),
        )
    except accounts.SignInThrottled:
        error = "Too many failed sign-ins. Wait a quarter of an hour, then try again."
        return render(
            request, "login.html.j2", {"expired": False, "error": error, "email": email}, 429
        )
    except accounts.SignInRefused:
        error = "The e-mail address or the password is wrong."
        return render(
            request, "login.html.j2", {"expired": False, "error": error, "email": email}, 401
        )
    set_session(request, session(request).signed_in(user.id))
    request.state.user = user
    return see_other(home_of(user.role))


@router.post("/logout")
def logout(request: Request) -> Response:
    set_session(request, anonymous())
    return see_other("/login")


@router.post("/language")
def choose_language(
    request: Request,
    lang: Annotated[str, Form()],
    back: Annotated[str, Form()] = "/",
) -> Response:
    if lang not in language.LANGUAGES:
        return render(request, "error.html.j2", {"status": 400, "detail": ""}, status=400)
    user = current_user(request)
    if user is None:
        set_session(request, session(request).with_lang(lang))
    else:
        request.state.user = accounts.set_language(
            portal(request).wiring.unit_of_work(), user.id, lang
        )
    # Only a path of this portal: never an address elsewhere (an open redirect).
    local = back.startswith("/") and not back.startswith(("//", "/\\"))
    return see_other(back if local else "/")
