"""Invitations: the operator invites someone by e-mail, the invitee follows the mail's
one-time link, chooses a password, and is signed in to the new account.

The use cases are ``accounts.invite`` and ``accounts.accept_invitation`` (the password
policy of ``grantflow users add``); the mail goes out through the outbox after the
response, as every other message of the portal. A link that is unknown, used or
expired gets a page saying so and what to do, never a form.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from grantflow.domain.accounts import (
    INVITATION_LIFETIME,
    LANGUAGES,
    MIN_PASSWORD_LENGTH,
    ROLES,
    AccountRefused,
    Binding,
    InvitationRefused,
    check_binding,
    check_email,
)
from grantflow.services import accounts
from grantflow.services.ports.accounts import User
from grantflow.web.portal import portal, render, require_role, see_other, session, set_session
from grantflow.web.routes.account import home_of

router = APIRouter()
OperatorUser = Annotated[User, Depends(require_role("operator"))]

# A refused link's status: unknown (404); used or expired (410: it existed, it is gone).
REFUSED_STATUS = {"unknown": 404, "used": 410, "expired": 410}


def _form(
    request: Request,
    *,
    entered: dict[str, str] | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "operator/invite.html.j2",
        {
            "roles": ROLES,
            "account_languages": LANGUAGES,
            "entered": entered or {},
            "problems": problems or [],
            "sent": request.query_params.get("sent", ""),
            "days": INVITATION_LIFETIME.days,
        },
        status=status,
    )


@router.get("/operator/invitations")
def invitation_form(request: Request, user: OperatorUser) -> Response:
    return _form(request)


@router.post("/operator/invitations")
def invite(
    request: Request,
    user: OperatorUser,
    email: Annotated[str, Form(max_length=254)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
    binding: Annotated[str, Form(max_length=64)] = "",
    lang: Annotated[str, Form(max_length=2)] = "",
) -> Response:
    """Invite ``email`` as ``role`` bound to ``binding`` (a TERYT, an expert's or a donor's
    code; nothing for an operator), writing to them in ``lang``."""
    entered = {"email": email, "role": role, "binding": binding, "lang": lang}
    problems = []
    try:
        check_email(email)
    except AccountRefused:
        problems.append("Give the invitee's e-mail address, e.g. sekretariat@um.chelm.pl.")
    bound = binding.strip() or None
    wanted = Binding(
        role,
        teryt=bound if role == "city" else None,
        reviewer=bound if role == "reviewer" else None,
        donor=bound if role == "donor" else None,
    )
    if role not in ROLES:
        problems.append("Choose the role.")
    else:
        try:
            check_binding(wanted)
        except AccountRefused:
            problems.append(BINDING_PROBLEM[role])
        if role == "operator" and bound:
            problems.append("An operator's account is bound to nothing: leave the binding empty.")
    if lang not in LANGUAGES:
        problems.append("Choose the language the invitee reads.")
    if not problems:
        wiring = portal(request).wiring
        try:
            accounts.invite(
                wiring.unit_of_work(),
                email=email,
                binding=wanted,
                language=lang,
                at=wiring.clock.now(),
                actor=user.actor,
            )
        except AccountRefused:
            problems.append("This e-mail address has an account already: nobody was invited.")
    if problems:
        return _form(request, entered=entered, problems=problems, status=400)
    return see_other(f"/operator/invitations?sent={check_email(email)}")


BINDING_PROBLEM = {
    "city": "A city's account is bound to its TERYT code: give its 7 digits, e.g. 0662011.",
    "reviewer": "An expert's account is bound to the expert's code, e.g. R07.",
    "donor": "A donor municipality's account is bound to its code, e.g. NO-1804.",
}


def _refused(request: Request, exc: InvitationRefused) -> Response:
    return render(
        request,
        "invitation_refused.html.j2",
        {"why": exc.why},
        status=REFUSED_STATUS[exc.why],
    )


def _accept_form(
    request: Request, token: str, email: str, *, error: str = "", status: int = 200
) -> Response:
    return render(
        request,
        "invitation.html.j2",
        {"token": token, "email": email, "error": error, "min_length": MIN_PASSWORD_LENGTH},
        status=status,
    )


@router.get("/invitations/{token}")
def invitation(request: Request, token: str) -> Response:
    wiring = portal(request).wiring
    try:
        found = accounts.open_invitation(wiring.unit_of_work(), token, at=wiring.clock.now())
    except InvitationRefused as exc:
        return _refused(request, exc)
    if session(request).lang is None:
        # The page speaks the language the operator chose for the invitee, until the
        # invitee picks another with the language switch.
        set_session(request, session(request).with_lang(found.language))
    return _accept_form(request, token, found.email)


@router.post("/invitations/{token}")
def accept(
    request: Request,
    token: str,
    password: Annotated[str, Form(max_length=1024)] = "",
    repeated: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """The invitee's password: the account is made and signed in, the link used up."""
    wiring = portal(request).wiring
    try:
        found = accounts.open_invitation(wiring.unit_of_work(), token, at=wiring.clock.now())
    except InvitationRefused as exc:
        return _refused(request, exc)
    if password != repeated:
        error = "The two passwords differ: type the same password twice."
        return _accept_form(request, token, found.email, error=error, status=400)
    try:
        user = accounts.accept_invitation(
            wiring.unit_of_work(),
            wiring.passwords,
            token,
            password=password,
            at=wiring.clock.now(),
        )
    except InvitationRefused as exc:
        return _refused(request, exc)
    except AccountRefused:
        if len(password) < MIN_PASSWORD_LENGTH:
            error = "A password needs at least {count} characters."
            return _accept_form(request, token, found.email, error=error, status=400)
        error = "This e-mail address has an account already: sign in with it."
        return _accept_form(request, token, found.email, error=error, status=409)
    set_session(request, session(request).signed_in(user.id))
    request.state.user = user
    return see_other(home_of(user.role))
