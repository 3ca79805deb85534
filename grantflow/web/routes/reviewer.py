"""The reviewer's pages: its assignments, the declaration of conflicts, the scores.

A reviewer account is bound to its expert code; every page that takes an
application id passes it through :func:`own_assignment`, so a reviewer never
reaches an application it was not assigned. Declarations and scores go
through the use cases of ``grantflow review declare|score``
(``services.review``) with the signed-in user as the actor. A submission is
followed by the step ``grantflow run review`` names (``next:``), run here in
process: it completes the application's assessment, or assigns the third
expert a divergent pair needs.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from grantflow.domain.assessment import (
    COMMENT_MAX_LENGTH,
    AssessmentError,
    ScoresLocked,
    needs_comment,
)
from grantflow.domain.programme import Criterion
from grantflow.services import review, reviewer_views
from grantflow.services.ports.accounts import User
from grantflow.web.formats import formats
from grantflow.web.portal import owned, page_language, portal, render, require_role, see_other

router = APIRouter(prefix="/reviewer")
ReviewerUser = Annotated[User, Depends(require_role("reviewer"))]

DRAFT, SUBMIT = "draft", "submit"
# A message for the page (a msgid with {criterion} and {max}) and the criterion it is about.
Problem = tuple[str, str]


def code_of(user: User) -> str:
    return user.binding.reviewer or ""


def own_assignment(request: Request, user: User, application_id: int) -> None:
    """Pass when the application was assigned to the signed-in reviewer (403 / 404 and an
    audit entry otherwise)."""
    owned(
        request,
        user,
        f"application:{application_id}",
        lambda uow: reviewer_views.reviewers_of(uow, application_id),
        lambda reviewers: code_of(user) in reviewers,
    )


@router.get("")
def assignments(request: Request, user: ReviewerUser) -> Response:
    wiring = portal(request).wiring
    tasks = reviewer_views.reviewer_tasks(wiring.reading(), wiring.programme, code_of(user))
    return render(
        request,
        "reviewer/assignments.html.j2",
        {"tasks": tasks, "now": wiring.clock.now(), **formats(page_language(request))},
    )


def _page(
    request: Request,
    user: User,
    application_id: int,
    *,
    entered: dict[str, str] | None = None,
    said: dict[str, str] | None = None,
    problems: list[Problem] | None = None,
    status: int = 200,
) -> Response:
    """The application as the reviewer may see it; ``entered``, ``said``: the points and
    comments typed when the page comes back with ``problems`` (else the saved ones)."""
    wiring = portal(request).wiring
    task = reviewer_views.reviewer_task(
        wiring.reading(), wiring.programme, application_id, code_of(user)
    )
    lang = page_language(request)
    criteria = [(c, c.label_in(lang)) for c in wiring.programme.criteria]
    saved = {code: str(points) for code, points in (task.card.points if task.card else {}).items()}
    return render(
        request,
        "reviewer/application.html.j2",
        {
            "task": task,
            "criteria": criteria,
            "entered": entered if entered is not None else saved,
            "said": said if said is not None else dict(task.card.comments if task.card else {}),
            "comment_max": COMMENT_MAX_LENGTH,
            "now": wiring.clock.now(),
            "problems": problems or [],
            # What a problem's message names: a criterion's label and maximum ("" for none).
            "labels": {"": "", **{c.code: label for c, label in criteria}},
            "maxima": {"": "", **{c.code: c.max_points for c, _ in criteria}},
            **formats(lang),
        },
        status=status,
    )


def _told(request: Request, user: User, application_id: int, message: str, status: int) -> Response:
    """The page again, with ``message`` (a msgid) saying why nothing changed."""
    return _page(request, user, application_id, problems=[(message, "")], status=status)


@router.get("/applications/{application_id}")
def application(request: Request, user: ReviewerUser, application_id: int) -> Response:
    own_assignment(request, user, application_id)
    return _page(request, user, application_id)


@router.post("/applications/{application_id}/declaration")
def declare(
    request: Request,
    user: ReviewerUser,
    application_id: int,
    conflict: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    own_assignment(request, user, application_id)
    if conflict not in ("yes", "no"):
        return _told(
            request, user, application_id, "Choose whether you have a conflict of interest.", 400
        )
    wiring = portal(request).wiring
    try:
        review.declare(
            wiring.unit_of_work(),
            application_id,
            code_of(user),
            conflict=conflict == "yes",
            at=wiring.clock.now(),
            reason=reason.strip(),
            actor=user.actor,
        )
    except AssessmentError:
        # Declared already (another tab, a reload): the page says what stands.
        return _told(
            request,
            user,
            application_id,
            "You have declared already; your declaration stands.",
            409,
        )
    return see_other(f"/reviewer/applications/{application_id}")


def _parse(
    criteria: tuple[Criterion, ...],
    entered: dict[str, str],
    said: dict[str, str],
    *,
    complete: bool,
) -> tuple[dict[str, Decimal], list[Problem]]:
    """The points typed (a comma or a point before decimals), and a problem per bad field;
    ``complete``: every criterion has points, and a comment where the domain needs one."""
    points: dict[str, Decimal] = {}
    problems: list[Problem] = []
    for criterion in criteria:
        text = entered.get(criterion.code, "").strip().replace(",", ".")
        if len(said.get(criterion.code, "")) > COMMENT_MAX_LENGTH:
            problems.append(("{criterion}: the comment is too long.", criterion.code))
        if not text:
            if complete:
                problems.append(("Give points for {criterion}.", criterion.code))
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not (value.is_finite() and 0 <= value <= criterion.max_points):
            problems.append(("{criterion}: give a number from 0 to {max}.", criterion.code))
            continue
        points[criterion.code] = value
        if complete and needs_comment(criterion, value) and not said.get(criterion.code):
            problems.append(
                (
                    "{criterion}: say in a comment why you gave less than {max} points.",
                    criterion.code,
                )
            )
    return points, problems


@router.post("/applications/{application_id}/scores")
async def scores(request: Request, user: ReviewerUser, application_id: int) -> Response:
    own_assignment(request, user, application_id)
    wiring = portal(request).wiring
    form = await request.form()
    action = form.get("action")
    criteria = wiring.programme.criteria
    entered = {c.code: str(form.get(f"points-{c.code}", "")) for c in criteria}
    said = {c.code: str(form.get(f"comment-{c.code}", "")).strip() for c in criteria}
    points, problems = _parse(criteria, entered, said, complete=action == SUBMIT)
    if action not in (DRAFT, SUBMIT) or problems:
        return _page(
            request,
            user,
            application_id,
            entered=entered,
            said=said,
            problems=problems,
            status=400,
        )
    uow = wiring.unit_of_work()
    try:
        card = review.score(
            uow,
            application_id,
            code_of(user),
            points,
            wiring.programme,
            submit=action == SUBMIT,
            at=wiring.clock.now(),
            actor=user.actor,
            comments=said,
        )
    except ScoresLocked:
        return _told(
            request,
            user,
            application_id,
            "You submitted your scores; they can no longer change.",
            409,
        )
    except AssessmentError:
        # Not declared yet: the page shows the declaration first.
        return _told(
            request,
            user,
            application_id,
            "Declare first whether you have a conflict of interest.",
            409,
        )
    if card.submitted:
        with uow:
            call_code = uow.applications.get(application_id).call_code
        review.reconcile_assessment(
            uow, call_code, wiring.programme, at=wiring.clock.now(), actor="system:review"
        )
    return see_other(f"/reviewer/applications/{application_id}")
