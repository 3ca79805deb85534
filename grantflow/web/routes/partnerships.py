"""The operator's partnerships page of a call: the matching's proposals, confirming them
(one or many), overriding one with a justification, and recording a signature.

Every step goes through the use cases of ``grantflow partners confirm|sign`` with the
signed-in operator as the actor (each is written to the audit chain). A map above the
cities shows each pair, drawn by the publication's chart code, with the pairs' table
under it as its text alternative. "Search for partners" runs the step ``next: grantflow
run partnership`` names, in process: it opens the search for newly selected cities and
proposes donors (or, from the partner-search deadline on, closes the search). A
confirmation and a signature each make the partnership agreement (PDF and docx), so the
operator can download it at once.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from grantflow.adapters.assignment import ScipyAssignmentSolver
from grantflow.adapters.documents.charts.partnership_map import SCREEN_STEP, partnership_map
from grantflow.domain.deadlines import parse_moment
from grantflow.domain.errors import NotFound
from grantflow.domain.lifecycle import State
from grantflow.domain.partners import AgreementOutsideEligibility, SignatureInTheFuture
from grantflow.domain.programme import Call
from grantflow.services import operator_views, partnership
from grantflow.services.documents.generation import Selection
from grantflow.services.ports.accounts import User
from grantflow.services.ports.applications import Application
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.validation import form
from grantflow.web.formats import formats
from grantflow.web.portal import owned, page_language, portal, render, require_role, see_other
from grantflow.web.routes.operator import make_documents, own_call

router = APIRouter(prefix="/operator")
OperatorUser = Annotated[User, Depends(require_role("operator"))]

AGREEMENT = "agreement"
# A problem shown on the page: its msgid, and the city it is about ("" for the whole form).
Problem = tuple[str, str]


def _page(
    request: Request,
    call: Call,
    *,
    problems: list[Problem] | None = None,
    entered: dict[str, object] | None = None,
    status: int = 200,
) -> Response:
    wiring = portal(request).wiring
    lang = page_language(request)
    board = operator_views.call_partnerships(wiring.unit_of_work(), call.code)
    documents = [
        d
        for d in operator_views.call_documents(wiring.unit_of_work(), call.code)
        if d.kind == AGREEMENT
    ]
    outline = form.load("outline")
    return render(
        request,
        "operator/partnerships.html.j2",
        {
            "call": call,
            "board": board,
            "proposals": [r for r in board.rows if r.proposed],
            "agreements": documents,
            "involvement": {
                t.code: t.label[lang] for t in outline.vocabularies["involvement_forms"]
            },
            "countries": {t.code: t.label[lang] for t in outline.vocabularies["countries"]},
            "partnership_map": partial(partnership_map, outline_step=SCREEN_STEP),
            "problems": problems or [],
            "entered": entered or {},
            "done": {
                k: request.query_params.get(k, "") for k in ("searched", "confirmed", "signed")
            },
            "today": wiring.clock.today().isoformat(),
            **formats(lang),
        },
        status=status,
    )


@router.get("/calls/{call_code}/partnerships")
def partnerships(request: Request, user: OperatorUser, call_code: str) -> Response:
    return _page(request, own_call(request, user, call_code))


@router.post("/calls/{call_code}/partnerships/search")
def search(request: Request, user: OperatorUser, call_code: str) -> Response:
    """The partnership flow's step, in process: propose donors, or close the search."""
    own_call(request, user, call_code)
    wiring = portal(request).wiring
    found = partnership.reconcile(
        wiring.unit_of_work(),
        call_code,
        wiring.programme,
        ScipyAssignmentSolver(),
        today=wiring.clock.today(),
        at=wiring.clock.now(),
        actor=user.actor,
    )
    outcome = "closed" if found.closed_search else str(len(found.proposals))
    return see_other(f"/operator/calls/{call_code}/partnerships?searched={outcome}")


def _refusal(exc: Exception) -> Problem:
    """A use case's refusal as the operator reads it."""
    if isinstance(exc, SignatureInTheFuture):
        return ("The day of the signature cannot be in the future.", "")
    if isinstance(exc, AgreementOutsideEligibility):
        return ("Partnerships last until the final eligibility date: it has passed.", "")
    if isinstance(exc, partnership.PartnershipError):
        return ("The donor municipality has no free place left.", "")
    return ("The city is not where this step can be taken any more: reload the page.", "")


REFUSED = (
    partnership.PartnershipError,
    AgreementOutsideEligibility,
    SignatureInTheFuture,
    NotFound,
)


@router.post("/calls/{call_code}/partnerships/confirm")
def confirm(
    request: Request,
    user: OperatorUser,
    call_code: str,
    application: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """Confirm the matching's proposal for every city ticked."""
    call = own_call(request, user, call_code)
    wiring = portal(request).wiring
    chosen = sorted(set(application or []))
    proposals = {
        r.application.id: r
        for r in operator_views.call_partnerships(wiring.unit_of_work(), call_code).rows
        if r.proposed
    }
    problems: list[Problem] = []
    if not chosen:
        problems.append(("Choose at least one proposal.", ""))
    if any(i not in proposals for i in chosen):
        problems.append(("Only proposals waiting for the operator can be confirmed.", ""))
    if problems:
        return _page(request, call, problems=problems, entered={"chosen": chosen}, status=400)
    confirmed = 0
    for application_id in chosen:
        row = proposals[application_id]
        assert row.partnership is not None  # a proposal has its donor
        try:
            partnership.confirm_partner(
                wiring.unit_of_work(),
                application_id,
                row.partnership.donor_code,
                wiring.programme,
                at=wiring.clock.now(),
                actor=user.actor,
            )
        except REFUSED as exc:
            problems.append((_refusal(exc)[0], row.application.city_name))
            continue
        make_documents(request, call_code, Selection((AGREEMENT,), application_id))
        confirmed += 1
    if problems:
        return _page(request, call, problems=problems, status=409)
    return see_other(f"/operator/calls/{call_code}/partnerships?confirmed={confirmed}")


def _city(request: Request, user: User, call: Call, application_id: int) -> Application:
    """The call's application (404 and an audit entry when the call has no such one)."""

    def load(uow: UnitOfWork) -> Application:
        return uow.applications.get(application_id)

    return owned(
        request,
        user,
        f"application:{application_id}",
        load,
        lambda found: found.call_code == call.code,
    )


@router.post("/calls/{call_code}/partnerships/{application_id}/override")
def override(
    request: Request,
    user: OperatorUser,
    call_code: str,
    application_id: int,
    donor: Annotated[str, Form(max_length=64)] = "",
    justification: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Confirm another donor than the matching proposed: the justification is required."""
    call = own_call(request, user, call_code)
    city = _city(request, user, call, application_id)
    wiring = portal(request).wiring
    with wiring.reading() as uow:
        donors = {d.code for d in uow.donors.list()}
    problems: list[Problem] = []
    if city.state != State.PARTNER_SEARCH:
        problems.append(("Only a city still looking for a partner can be given another.", ""))
    if donor not in donors:
        problems.append(("Choose the donor municipality.", ""))
    if not justification.strip():
        problems.append(
            ("Give the justification: the audit keeps why the proposal was changed.", "")
        )
    entered = {"override": application_id, "donor": donor, "justification": justification}
    if problems:
        return _page(request, call, problems=problems, entered=entered, status=400)
    try:
        partnership.confirm_partner(
            wiring.unit_of_work(),
            application_id,
            donor,
            wiring.programme,
            at=wiring.clock.now(),
            actor=user.actor,
            justification=justification.strip(),
        )
    except REFUSED as exc:
        return _page(request, call, problems=[_refusal(exc)], entered=entered, status=409)
    make_documents(request, call_code, Selection((AGREEMENT,), application_id))
    return see_other(f"/operator/calls/{call_code}/partnerships?confirmed=1")


@router.post("/calls/{call_code}/partnerships/{application_id}/sign")
def sign(
    request: Request,
    user: OperatorUser,
    call_code: str,
    application_id: int,
    signed_on: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Record the day the agreement was signed, as ``grantflow partners sign --as-of DAY``:
    the city's lump sum is committed and the agreement is made, dated that day."""
    call = own_call(request, user, call_code)
    city = _city(request, user, call, application_id)
    wiring = portal(request).wiring
    entered = {"sign": application_id, "signed_on": signed_on}
    problems: list[Problem] = []
    if city.state != State.PARTNERSHIP_CONFIRMED:
        problems.append(("Only a confirmed partnership can be signed.", ""))
    try:
        date.fromisoformat(signed_on.strip())
    except ValueError:
        problems.append(("Give the day the agreement was signed as a date, e.g. 2021-06-14.", ""))
    if problems:
        return _page(request, call, problems=problems, entered=entered, status=400)
    try:
        partnership.sign_agreement(
            wiring.unit_of_work(),
            call_code,
            application_id,
            wiring.programme,
            at=parse_moment(signed_on),
            actor=user.actor,
            today=wiring.clock.today(),
        )
    except REFUSED as exc:
        # A day still to come is the form's mistake; the others conflict with the call's state.
        status = 400 if isinstance(exc, SignatureInTheFuture) else 409
        return _page(request, call, problems=[_refusal(exc)], entered=entered, status=status)
    make_documents(request, call_code, Selection((AGREEMENT,), application_id))
    return see_other(f"/operator/calls/{call_code}/partnerships?signed=1")
