"""The donor municipality's page: its interest in a partnership, its match and agreement.

A donor account is bound to its donor code (``NO-4204``); it registers or
updates its own interest only, through ``donor_pool.register_donors`` (the
use case of ``grantflow partners propose``) with the signed-in user as the
actor, and then the matching runs as ``next: grantflow run partnership``
would, so a new donor is proposed to waiting cities at once. The agreement
is served through :func:`own_partnership`, so a donor never reaches
another's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from grantflow.adapters.assignment import ScipyAssignmentSolver
from grantflow.domain.accounts import check_email
from grantflow.domain.errors import GrantflowError, NotFound
from grantflow.domain.partners import DonorMunicipality
from grantflow.services import donor_pool, partnership
from grantflow.services.ports.accounts import User
from grantflow.services.ports.partners import Partnership
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.validation import form
from grantflow.web.formats import formats
from grantflow.web.portal import owned, page_language, portal, render, require_role, see_other

router = APIRouter(prefix="/donor")
DonorUser = Annotated[User, Depends(require_role("donor"))]

COUNTRIES = ("NO", "IS")
CAPACITIES = (1, 2, 3)
PDF = "application/pdf"


def code_of(user: User) -> str:
    return user.binding.donor or ""


def own_partnership(request: Request, user: User, application_id: int) -> Partnership:
    """The application's partnership, when it is with the signed-in donor (403 / 404 and
    an audit entry otherwise)."""

    def load(uow: UnitOfWork) -> Partnership | None:
        uow.applications.get(application_id)  # NotFound: no such application
        return uow.partnerships.find(application_id)

    found = owned(
        request,
        user,
        f"application:{application_id}",
        load,
        lambda pair: pair is not None and pair.donor_code == code_of(user),
    )
    assert found is not None  # ``belongs`` refused None
    return found


def _page(
    request: Request,
    user: User,
    *,
    entered: dict[str, object] | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> Response:
    wiring = portal(request).wiring
    lang = page_language(request)
    outline = form.load("outline")
    uow = wiring.unit_of_work()
    with uow:
        try:
            donor: DonorMunicipality | None = uow.donors.get(code_of(user))
        except NotFound:
            donor = None
        matches = [
            (p, uow.applications.get(p.application_id))
            for p in uow.partnerships.list()
            if p.donor_code == code_of(user)
        ]
        agreements = {
            d.application_id: d
            for p, _ in matches
            for d in uow.documents.list(p.application_id)
            if d.kind == "agreement" and d.fmt == "pdf"
        }
    saved: dict[str, object] = (
        {
            "name": donor.name,
            "country": donor.country,
            "region": donor.region,
            "themes": list(donor.themes),
            "forms": list(donor.involvement_forms),
            "capacity": str(donor.capacity),
            "contact": donor.contact,
        }
        if donor
        else {}
    )
    return render(
        request,
        "donor/interest.html.j2",
        {
            "code": code_of(user),
            "registered": donor is not None,
            "entered": entered if entered is not None else saved,
            "problems": problems or [],
            "themes": [(t.code, t.label[lang]) for t in outline.vocabularies["themes"]],
            "forms": [(t.code, t.label[lang]) for t in outline.vocabularies["involvement_forms"]],
            "countries": [
                (t.code, t.label[lang])
                for t in outline.vocabularies["countries"]
                if t.code in COUNTRIES
            ],
            "capacities": CAPACITIES,
            "matches": matches,
            "agreements": agreements,
            "saved": request.query_params.get("saved", ""),
            **formats(lang),
        },
        status=status,
    )


@router.get("")
def interest(request: Request, user: DonorUser) -> Response:
    return _page(request, user)


@router.post("")
def register_interest(
    request: Request,
    user: DonorUser,
    name: Annotated[str, Form(max_length=200)] = "",
    country: Annotated[str, Form(max_length=2)] = "",
    region: Annotated[str, Form(max_length=200)] = "",
    contact: Annotated[str, Form(max_length=254)] = "",
    capacity: Annotated[str, Form(max_length=2)] = "",
    themes: Annotated[list[str] | None, Form()] = None,
    forms: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Register or update the donor's interest; the matching then runs in process."""
    outline = form.load("outline")
    chosen_themes = [t for t in outline.codes("themes") if t in (themes or [])]
    chosen_forms = [f for f in outline.codes("involvement_forms") if f in (forms or [])]
    entered: dict[str, object] = {
        "name": name,
        "country": country,
        "region": region,
        "contact": contact,
        "capacity": capacity,
        "themes": chosen_themes,
        "forms": chosen_forms,
    }
    problems = []
    if not name.strip() or not region.strip():
        problems.append("Give the municipality's name and its county or region.")
    if country not in COUNTRIES:
        problems.append("Choose Norway or Iceland.")
    if not chosen_themes:
        problems.append("Choose at least one theme.")
    if not chosen_forms:
        problems.append("Choose at least one form of involvement.")
    if capacity not in {str(c) for c in CAPACITIES}:
        problems.append("Choose how many partnerships the municipality can take on (1 to 3).")
    try:
        email = check_email(contact)
    except GrantflowError:
        problems.append("Give the contact's e-mail address, e.g. postmottak@bodo.kommune.no.")
    if problems:
        return _page(request, user, entered=entered, problems=problems, status=400)
    wiring = portal(request).wiring
    uow = wiring.unit_of_work()
    with uow:
        try:
            languages = uow.donors.get(code_of(user)).languages
        except NotFound:
            languages = ("nb", "en") if country == "NO" else ("is", "en")
    donor = DonorMunicipality(
        code=code_of(user),
        name=name.strip(),
        country=country,
        region=region.strip(),
        themes=tuple(chosen_themes),
        involvement_forms=tuple(chosen_forms),
        capacity=int(capacity),
        contact=email,
        languages=languages,
        intermediary="KS" if country == "NO" else "Samband íslenskra sveitarfélaga",
    )
    donor_pool.register_donors(uow, [donor], at=wiring.clock.now(), actor=user.actor)
    for call in wiring.programme.calls:
        if call.stage == 2:
            partnership.reconcile_partner_search(
                uow,
                call.code,
                ScipyAssignmentSolver(),
                at=wiring.clock.now(),
                actor="system:partnership",
            )
    return see_other("/donor?saved=1")


@router.get("/agreements/{application_id}.pdf")
def agreement(request: Request, user: DonorUser, application_id: int) -> Response:
    own_partnership(request, user, application_id)
    wiring = portal(request).wiring
    uow = wiring.unit_of_work()
    with uow:
        records = [
            d
            for d in uow.documents.list(application_id)
            if d.kind == "agreement" and d.fmt == "pdf"
        ]
    path = wiring.settings.home / records[-1].path if records else None
    if path is None or not path.is_file():
        raise HTTPException(status_code=404)
    return Response(
        path.read_bytes(),
        media_type=PDF,
        headers={"Content-Disposition": f'attachment; filename="agreement-{application_id}.pdf"'},
    )
