"""The operator's pages: the call dashboard, formal checks (one or many), the expert pool,
the committee's approval of the ranking, an application's scores with the experts'
comments, exports of its lists, and the audit chain.

Every decision goes through the use cases of ``grantflow formal-check``,
``grantflow reviewers register`` and ``grantflow selection approve`` with the
signed-in user as the actor. After a Stage 2 approval the partner search
opens as ``next: grantflow run partnership`` would have it. After
a formal check found applications correct, and after an expert joined the
pool, the step their ``next:`` line names (``grantflow run review``) runs
here in process: it starts the assessments and assigns the experts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from grantflow.adapters.assignment import ScipyAssignmentSolver
from grantflow.adapters.list_workbook import list_xlsx
from grantflow.domain.assessment import AssessmentError, Reviewer
from grantflow.domain.deadlines import operator_day
from grantflow.domain.errors import ConfigurationError, Conflict, NotFound
from grantflow.domain.lifecycle import State
from grantflow.domain.programme import Call
from grantflow.domain.ranking import (
    CommitteeChange,
    Decision,
    JustificationRequired,
    RankingDecided,
    SelectionError,
)
from grantflow.services import lifecycle, operator_views, partnership, review, selection
from grantflow.services.documents.generation import Selection, programme_requests, render_batch
from grantflow.services.documents.recording import record_documents
from grantflow.services.documents.registry import DOCUMENT_KINDS
from grantflow.services.ports.accounts import User
from grantflow.services.ports.applications import Application
from grantflow.validation import form
from grantflow.web.formats import formats
from grantflow.web.portal import owned, page_language, portal, render, require_role, see_other

router = APIRouter(prefix="/operator")
OperatorUser = Annotated[User, Depends(require_role("operator"))]

DECISIONS = ("correct", "reject", "return")
# What the committee may decide for a ranked application.
RANKING_DECISIONS = (Decision.SELECTED, Decision.RESERVE, Decision.REJECTED)
JUSTIFICATION_MAX_LENGTH = 2000
LANGUAGES = ("pl", "nb", "en")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# The documents of a call's applications (the publication is the programme's, not a call's).
CALL_DOCUMENTS = tuple(k.code for k in DOCUMENT_KINDS if not k.programme_wide)
# Where the portal writes the documents it generates, under GRANTFLOW_HOME.
DOCUMENTS_FOLDER = "documents"


def own_call(request: Request, user: User, call_code: str) -> Call:
    """The programme's call (404 and an audit entry when there is none): every call is
    the operator's."""

    def load(_: object) -> Call:
        try:
            return portal(request).wiring.programme.call(call_code)
        except ConfigurationError as exc:
            raise NotFound(str(exc)) from exc

    return owned(request, user, f"call:{call_code}", load, lambda _: True)


@router.get("")
def calls(request: Request, user: OperatorUser) -> Response:
    programme = portal(request).wiring.programme
    return render(
        request,
        "operator/calls.html.j2",
        {"calls": programme.calls, **formats(page_language(request))},
    )


# A message for the dashboard: a msgid, or a msgid with its {placeholders}' values.
Problem = str | tuple[str, Mapping[str, object]]


def _dashboard(
    request: Request,
    call: Call,
    *,
    problems: Sequence[Problem] | None = None,
    entered: Mapping[str, object] | None = None,
    status: int = 200,
) -> Response:
    wiring = portal(request).wiring
    board = operator_views.call_dashboard(wiring.reading(), wiring.programme, call.code)
    states = {a["id"]: a["state"] for a in board.applications}
    return render(
        request,
        "operator/call.html.j2",
        {
            "call": call,
            "board": board,
            "waiting": [a for a in board.applications if a["state"] == State.SUBMITTED],
            # The ranking still waits for its approval while a ranked application is assessed.
            "approvable": any(states[r["id"]] == State.ASSESSED for r in board.ranking),
            "decisions": RANKING_DECISIONS,
            "approved": request.query_params.get("approved", ""),
            "problems": problems or [],
            "entered": entered or {},
            "done": request.query_params.get("done", ""),
            "made": request.query_params.get("made", ""),
            "document_kinds": CALL_DOCUMENTS,
            "documents": operator_views.call_documents(wiring.reading(), call.code),
            "cities": {a["id"]: a["city"] for a in board.applications},
            **formats(page_language(request)),
        },
        status=status,
    )


@router.get("/calls/{call_code}")
def dashboard(request: Request, user: OperatorUser, call_code: str) -> Response:
    return _dashboard(request, own_call(request, user, call_code))


def _run_review(request: Request, call_code: str) -> None:
    """The step ``next: grantflow run review`` names, in process."""
    wiring = portal(request).wiring
    review.reconcile_assessment(
        wiring.unit_of_work(),
        call_code,
        wiring.programme,
        at=wiring.clock.now(),
        actor="system:review",
    )


def _applications(request: Request, call_code: str) -> list[Application]:
    uow = portal(request).wiring.unit_of_work()
    with uow:
        return uow.applications.list(call_code)


@router.post("/calls/{call_code}/formal-checks")
def formal_checks(
    request: Request,
    user: OperatorUser,
    call_code: str,
    decision: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    deadline: Annotated[str, Form(max_length=40)] = "",
    application: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """The formal check of every application ticked: correct, rejected with a reason, or
    returned for correction until a deadline with what to correct."""
    call = own_call(request, user, call_code)
    wiring = portal(request).wiring
    chosen = sorted(set(application or []))
    waiting = {
        a.id for a in lifecycle.in_states(_applications(request, call_code), State.SUBMITTED)
    }
    problems = []
    if not chosen:
        problems.append("Choose at least one application.")
    if any(i not in waiting for i in chosen):
        problems.append("Only applications waiting for the formal check can be checked.")
    if decision not in DECISIONS:
        problems.append("Choose a decision.")
    if decision in ("reject", "return") and not reason.strip():
        problems.append("Give the reason: the letter to the city says it.")
    until: date | None = None
    if decision == "return":
        try:
            until = date.fromisoformat(deadline.strip())
        except ValueError:
            problems.append("Give the correction deadline as a date, e.g. 2019-10-31.")
    if problems:
        entered = {"decision": decision, "reason": reason, "deadline": deadline, "chosen": chosen}
        return _dashboard(request, call, problems=problems, entered=entered, status=400)
    for application_id in chosen:
        if until is not None:
            lifecycle.return_for_correction(
                wiring.unit_of_work(),
                application_id,
                deadline=until,
                at=wiring.clock.now(),
                actor=user.actor,
                reason=reason.strip(),
            )
        else:
            lifecycle.formal_check(
                wiring.unit_of_work(),
                application_id,
                correct=decision == "correct",
                at=wiring.clock.now(),
                actor=user.actor,
                reason=reason.strip(),
            )
    if decision == "correct":
        _run_review(request, call_code)
    return see_other(f"/operator/calls/{call_code}?done={len(chosen)}")


@router.post("/calls/{call_code}/reviewers")
def register_reviewer(
    request: Request,
    user: OperatorUser,
    call_code: str,
    code: Annotated[str, Form(max_length=20)] = "",
    name: Annotated[str, Form(max_length=200)] = "",
    conflicts: Annotated[str, Form(max_length=2000)] = "",
    languages: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Add an expert to the pool; the review flow's step then gives it applications."""
    call = own_call(request, user, call_code)
    wiring = portal(request).wiring
    entered = {"code": code, "name": name, "conflicts": conflicts, "languages": languages or []}
    problems = []
    if not code.strip() or not name.strip():
        problems.append("Give the expert's code and full name.")
    if not set(languages or []) & set(LANGUAGES):
        problems.append("Choose the languages the expert assesses in.")
    if not problems:
        reviewer = Reviewer(
            code.strip(),
            name.strip(),
            frozenset(set(languages or []) & set(LANGUAGES)),
            frozenset(c.strip() for c in conflicts.split(",") if c.strip()),
        )
        try:
            review.register_reviewer(
                wiring.unit_of_work(), reviewer, at=wiring.clock.now(), actor=user.actor
            )
        except (Conflict, AssessmentError):
            problems.append("An expert with this code is registered already.")
    if problems:
        return _dashboard(request, call, problems=problems, entered=entered, status=400)
    _run_review(request, call_code)
    return see_other(f"/operator/calls/{call_code}#reviewers")


@router.post("/calls/{call_code}/ranking")
async def approve_ranking(request: Request, user: OperatorUser, call_code: str) -> Response:
    """The committee's decision, as ``grantflow selection approve`` records it: the
    proposed ranking as computed, or with applications moved, each move with its
    justification; then the step its ``next:`` line names."""
    call = own_call(request, user, call_code)
    wiring = portal(request).wiring
    form = await request.form()
    uow = wiring.unit_of_work()
    with uow:
        proposed = uow.rankings.get(call_code)
    if proposed is None:
        return _dashboard(
            request, call, problems=["There is no ranking to approve yet."], status=400
        )
    changes: list[CommitteeChange] = []
    problems: list[Problem] = []
    entered: dict[str, object] = {}
    for entry in proposed.entries:
        number = entry.application_id
        chosen = str(form.get(f"decision-{number}", entry.decision))
        justification = str(form.get(f"justification-{number}", "")).strip()
        entered[f"decision-{number}"], entered[f"justification-{number}"] = chosen, justification
        if chosen == entry.decision:
            continue
        city = {"city": entry.proposal.city_name}
        if chosen not in RANKING_DECISIONS:
            problems.append(("Choose a decision for {city}.", city))
        elif not justification:
            problems.append(("Give the justification for moving {city}.", city))
        elif len(justification) > JUSTIFICATION_MAX_LENGTH:
            problems.append(("The justification for {city} is too long.", city))
        else:
            changes.append(CommitteeChange(number, Decision(chosen), justification))
    if not problems:
        try:
            selection.approve_ranking(
                uow, call_code, changes, at=wiring.clock.now(), actor=user.actor
            )
        except JustificationRequired:
            problems.append("Give the justification for every application moved.")
        except RankingDecided:
            problems.append("The ranking was approved meanwhile; the page shows the decisions.")
            entered = {}
        except SelectionError:
            problems.append("The selected grants would exceed the call's allocation.")
    if problems:
        return _dashboard(request, call, problems=problems, entered=entered, status=400)
    _run_partnership(request, call)
    return see_other(f"/operator/calls/{call_code}?approved=1#ranking")


def _run_partnership(request: Request, call: Call) -> None:
    """The step ``next: grantflow run partnership`` names after a Stage 2 approval, in
    process: the partner search opens for the funded cities (a Stage 1 approval hands on to
    the promotion, an operator's step of its own)."""
    if call.stage != 2:
        return
    wiring = portal(request).wiring
    partnership.reconcile(
        wiring.unit_of_work(),
        call.code,
        wiring.programme,
        ScipyAssignmentSolver(),
        today=wiring.clock.today(),
        at=wiring.clock.now(),
        actor="system:partnership",
    )


# The lists of a call's dashboard an operator can take away: name -> (columns, rows).
EXPORT_COLUMNS = {
    "applications": [
        ("id", "id"),
        ("city", "city"),
        ("teryt", "teryt"),
        ("state", "state"),
        ("final_score", "final_score"),
        ("rank", "rank"),
        ("decision", "decision"),
    ],
    "reviewers": [
        ("reviewer", "reviewer"),
        ("active", "active"),
        ("declared_conflicts", "declared_conflicts"),
        ("submitted", "submitted"),
    ],
}
EXPORT_COLUMNS["ranking"] = [*EXPORT_COLUMNS["applications"], ("justification", "justification")]
EXPORT_COLUMNS["scores"] = [
    ("id", "application"),
    ("city", "city"),
    ("reviewer", "reviewer"),
    ("criterion", "criterion"),
    ("points", "points"),
    ("max_points", "max_points"),
    ("comment", "comment"),
    ("submitted_at", "submitted_at"),
]
EXPORT_COLUMNS["divergent"] = EXPORT_COLUMNS["applications"]


@router.get("/calls/{call_code}/lists/{name}.xlsx")
def export(request: Request, user: OperatorUser, call_code: str, name: str) -> Response:
    call = own_call(request, user, call_code)
    if name not in EXPORT_COLUMNS:
        raise HTTPException(status_code=404)
    wiring = portal(request).wiring
    rows: list[dict[str, Any]]
    if name == "scores":
        rows = operator_views.call_scores(wiring.reading(), wiring.programme, call.code)
    else:
        board = operator_views.call_dashboard(wiring.reading(), wiring.programme, call.code)
        rows = {
            "applications": board.applications,
            "ranking": board.ranking,
            "divergent": board.divergent,
            "reviewers": [vars(r) for r in board.reviewers],
        }[name]
    return Response(
        list_xlsx(name, EXPORT_COLUMNS[name], rows),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{call.code}-{name}.xlsx"'},
    )


def own_application(request: Request, user: User, call_code: str, application_id: int) -> None:
    """Pass when the application is one of the call's (404 / 403 and an audit entry
    otherwise)."""
    own_call(request, user, call_code)
    owned(
        request,
        user,
        f"application:{application_id}",
        lambda uow: uow.applications.get(application_id),
        lambda application: application.call_code == call_code,
    )


@router.get("/calls/{call_code}/applications/{application_id}")
def application(
    request: Request, user: OperatorUser, call_code: str, application_id: int
) -> Response:
    """One application's experts' scores with their comments, and its place in the ranking."""
    own_application(request, user, call_code, application_id)
    wiring = portal(request).wiring
    lang = page_language(request)
    scored = operator_views.scored_application(
        wiring.unit_of_work(), wiring.programme, call_code, application_id
    )
    return render(
        request,
        "operator/application.html.j2",
        {
            "call_code": call_code,
            "scored": scored,
            # The day at the operator's seat each expert submitted on.
            "submitted_on": {
                c.reviewer_code: operator_day(c.submitted_at)
                for c in scored.scorecards
                if c.submitted_at is not None
            },
            "criteria": [(c, c.label_in(lang)) for c in wiring.programme.criteria],
            **formats(lang),
        },
    )


@router.get("/audit")
def audit(request: Request, user: OperatorUser) -> Response:
    """Check the audit chain, as ``grantflow audit verify`` does."""
    checked, broken = lifecycle.verify_audit(portal(request).wiring.reading())
    return render(
        request,
        "operator/audit.html.j2",
        {"checked": checked, "broken": broken, **formats(page_language(request))},
    )


def make_documents(request: Request, call_code: str, selection: Selection) -> tuple[int, int]:
    """Render and record (with its SHA-256) every document of the call ``selection`` asks
    for, as ``grantflow generate`` does; how many were made and how many failed."""
    wiring = portal(request).wiring
    in_call = {a.id for a in _applications(request, call_code)}
    requests = [
        r
        for r in programme_requests(
            wiring.unit_of_work(),
            programme=wiring.programme,
            form=form.load("outline"),
            folder=wiring.settings.home / DOCUMENTS_FOLDER,
            selection=selection,
            issued=wiring.clock.today(),
        )
        if r.application_id in in_call
    ]
    done, failed = render_batch(requests, wiring.renderer)
    record_documents(wiring.unit_of_work(), done, home=wiring.settings.home, at=wiring.clock.now())
    return len(done), len(failed)


@router.post("/calls/{call_code}/documents")
def generate_documents(
    request: Request,
    user: OperatorUser,
    call_code: str,
    kind: Annotated[str, Form()] = "",
    fmt: Annotated[str, Form()] = "",
) -> Response:
    """Render every document of ``kind`` the call's applications have reached, as
    ``grantflow generate KIND --all`` does, and record each with its SHA-256."""
    call = own_call(request, user, call_code)
    if kind not in CALL_DOCUMENTS or fmt not in DOCUMENT_TYPES:
        problems = ["Choose the kind of document and its format."]
        return _dashboard(request, call, problems=problems, status=400)
    done, failed = make_documents(request, call_code, Selection((kind,), None, None, fmt))
    if failed:
        problems = ["Some documents could not be made; the others were kept."]
        return _dashboard(request, call, problems=problems, status=500)
    return see_other(f"/operator/calls/{call_code}?made={done}#documents")


@router.get("/calls/{call_code}/documents/{application_id}/{kind}/{lang}.{fmt}")
def document(
    request: Request,
    user: OperatorUser,
    call_code: str,
    application_id: int,
    kind: str,
    lang: str,
    fmt: str,
) -> Response:
    call = own_call(request, user, call_code)
    wiring = portal(request).wiring
    record = next(
        (
            d
            for d in operator_views.call_documents(wiring.reading(), call.code)
            if (d.application_id, d.kind, d.lang, d.fmt) == (application_id, kind, lang, fmt)
        ),
        None,
    )
    path = wiring.settings.home / record.path if record is not None else None
    if record is None or fmt not in DOCUMENT_TYPES or path is None or not path.is_file():
        raise HTTPException(status_code=404)
    return Response(
        path.read_bytes(),
        media_type=DOCUMENT_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{kind}-{application_id}.{fmt}"'},
    )
