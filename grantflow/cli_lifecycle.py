"""Commands for every human step of the programme lifecycle, and its machine-readable views.

Operator: ``formal-check``, ``decide``, ``promote``, ``partners confirm|reopen|sign|close-search``;
reviewer: ``review declare|score``; committee: ``selection approve``; and the
views ``applications``, ``ledger``, ``audit verify``. Each command records
one decision in the store and ends (ARCHITECTURE.md, "Long-running human
steps"); the flows pick up from there. A refused operation prints one line
and exits 1; a usage error (unknown application, bad option) exits 2.

Registered on the main app by ``grantflow.cli`` (``register(app)``). Like
``cli.py``, adapters are imported inside the commands so the CLI starts fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
    from grantflow.domain.programme import Programme

EXIT_REFUSED, EXIT_USAGE = 1, 2

review_app = typer.Typer(
    help="Reviewer steps: declare conflicts of interest, score.", no_args_is_help=True
)
reviewers_app = typer.Typer(help="The expert pool.", no_args_is_help=True)
selection_app = typer.Typer(help="Ranking and the committee's decision.", no_args_is_help=True)
partners_app = typer.Typer(help="Partner matching, confirmation, signing.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)

ByOption = Annotated[str, typer.Option("--by", help="Who acts (recorded in the audit log).")]
CallOption = Annotated[str, typer.Option("--call", help="The call.")]
ProgrammeOption = Annotated[
    Path | None,
    typer.Option("--programme", help="Programme file (default: the reference programme)."),
]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log).")]


class ViewFormat(StrEnum):
    text = "text"
    json = "json"


class LedgerFormat(StrEnum):
    text = "text"
    json = "json"
    xlsx = "xlsx"


def _now() -> datetime:
    return datetime.now(UTC)


def _usage(message: str) -> typer.Exit:
    typer.echo(f"grantflow: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


@contextmanager
def _store() -> Iterator[SqlUnitOfWork]:
    """The lifecycle unit of work on the configured store; errors become one line and an exit.

    Unknown things and broken configuration are usage errors (2); an
    operation the rules refuse (an illegal transition, over-committed money,
    locked scores) is exit 1.
    """
    from grantflow import config
    from grantflow.adapters.store import make_engine, migrate
    from grantflow.adapters.store.unit_of_work import SqlUnitOfWork

    with refusals():
        settings = config.load()
        migrate(settings.database_url)
        engine = make_engine(settings.database_url)
        try:
            yield SqlUnitOfWork(engine)
        finally:
            engine.dispose()


@contextmanager
def refusals() -> Iterator[None]:
    """Unknown things and broken configuration exit 2, a refused operation exits 1: one line."""
    from grantflow.domain.errors import ConfigurationError, GrantflowError, NotFound

    try:
        yield
    except (NotFound, ConfigurationError) as exc:
        raise _usage(str(exc)) from exc
    except GrantflowError as exc:
        typer.echo(f"grantflow: refused: {exc}", err=True)
        raise typer.Exit(EXIT_REFUSED) from exc


def _programme(path: Path | None) -> Programme:
    from grantflow.domain.errors import ConfigurationError
    from grantflow.validation.programme_file import load_programme

    try:
        return load_programme(path)
    except ConfigurationError as exc:
        raise _usage(str(exc)) from exc


def _echo_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def next_step(what: str) -> None:
    """Say what moves the programme on after this command (README, "Running a call").

    A command records one decision and ends; the flow that picks it up is
    run by the operator (``grantflow run ...``) or by a Prefect deployment.
    """
    typer.echo(f"next: {what}")


# --- operator: formal check and decisions ---------------------------------------


def formal_check(
    application_id: Annotated[int, typer.Argument(help="Application id.")],
    correct: Annotated[bool, typer.Option("--correct", help="Formally correct.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Formally rejected.")] = False,
    return_until: Annotated[
        str | None, typer.Option("--return-until", help="Return for correction until DATE.")
    ] = None,
    reason: ReasonOption = "",
    by: ByOption = "operator",
) -> None:
    """Record the operator's formal check: --correct, --reject, or --return-until DATE."""
    from grantflow.services import lifecycle

    chosen = [correct, reject, return_until is not None]
    if sum(chosen) != 1:
        raise _usage("give exactly one of --correct, --reject, --return-until DATE")
    deadline = None
    if return_until is not None:
        try:
            deadline = date.fromisoformat(return_until)
        except ValueError as exc:
            raise _usage(f"--return-until: {exc}") from exc
    with _store() as uow:
        if deadline is not None:
            changed = lifecycle.return_for_correction(
                uow,
                application_id,
                deadline=deadline,
                at=_now(),
                actor=f"operator:{by}",
                reason=reason,
            )
        else:
            changed = lifecycle.formal_check(
                uow,
                application_id,
                correct=correct,
                at=_now(),
                actor=f"operator:{by}",
                reason=reason,
            )
    typer.echo(f"application {changed.id} ({changed.city_name}): {changed.state}")
    if deadline is not None:
        next_step(
            f"the city uploads a corrected version by {deadline} "
            f"(grantflow submit --call {changed.call_code} FILE); it re-enters the check"
        )
    elif correct:
        next_step(f"grantflow run review --call {changed.call_code}  (assigns the experts)")


# What to use instead of ``decide`` for the actions that book money, change a ranking or
# belong to a flow (``grantflow.services.decisions.DIRECT_ACTIONS`` are the rest).
ELSEWHERE = {
    "accept_formally": "grantflow formal-check APP --correct",
    "reject_formally": 'grantflow formal-check APP --reject --reason "..."',
    "return_for_correction": 'grantflow formal-check APP --return-until DATE --reason "..."',
    "start_assessment": "grantflow run review --call CALL",
    "complete_assessment": "grantflow run review --call CALL (once the experts scored)",
    "shortlist": "grantflow selection approve --call CALL",
    "select": "grantflow selection approve --call CALL (reserves the lump sum)",
    "put_on_reserve": "grantflow selection approve --call CALL --change APP=reserve",
    "reject": "grantflow selection approve --call CALL --change APP=rejected",
    "promote_from_reserve": (
        "a reserve moves up when a funded city withdraws: "
        'grantflow decide APP withdraw --reason "..."'
    ),
    "open_partner_search": "grantflow run partnership --call CALL",
    "confirm_partnership": "grantflow partners confirm APP DONOR",
    "reopen_partner_search": 'grantflow partners reopen APP --reason "..."',
    "sign_agreement": "grantflow partners sign APP --call CALL (commits the lump sum)",
    "close_partner_search": "grantflow run partnership --call CALL (at the deadline)",
    "submit_final_report": "grantflow submit-final-report FILE --application APP",
}


def decide(
    application_id: Annotated[int, typer.Argument(help="Application id.")],
    action: Annotated[
        str,
        typer.Argument(help="resubmit, withdraw, start_implementation or close."),
    ],
    reason: ReasonOption = "",
    by: ByOption = "operator",
) -> None:
    """Record an operator's direct decision: resubmit, withdraw, start_implementation, close.

    A withdrawal releases the city's open lump sum, gives up its partnership
    and moves the first fitting reserve up; a project starts once none of its
    lump sum is still reserved. Other actions have their own command (named
    when refused): they book money, change a ranking or are a flow's step.
    """
    from grantflow.domain.lifecycle import Action
    from grantflow.services import decisions

    if action not in Action.__members__.values():
        raise _usage(f"unknown action '{action}'; actions: {', '.join(Action)}")
    with _store() as uow:
        try:
            decided = decisions.decide(
                uow,
                application_id,
                Action(action),
                at=_now(),
                actor=f"operator:{by}",
                reason=reason,
            )
        except decisions.NotADirectDecision as exc:
            raise _usage(f"'{action}' is not decided here; use: {ELSEWHERE[action]}") from exc
    changed = decided.application
    typer.echo(f"application {changed.id} ({changed.city_name}): {changed.state}")
    if decided.promoted is not None:
        promoted = decided.promoted
        typer.echo(
            f"application {promoted.id} ({promoted.city_name}) moved up from the reserve list"
        )
        next_step(f"grantflow run partnership --call {promoted.call_code}")


# --- reviewers -----------------------------------------------------------------


@reviewers_app.command("register")
def reviewers_register(
    code: Annotated[str, typer.Argument(help="Reviewer code, e.g. R07.")],
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    languages: Annotated[str, typer.Option("--languages", help="e.g. pl,en")] = "pl",
    conflicts: Annotated[
        str, typer.Option("--conflicts", help="TERYT codes of cities the expert has ties with.")
    ] = "",
    by: ByOption = "operator",
) -> None:
    """Register an expert with the languages they read and their declared ties."""
    from grantflow.domain.assessment import Reviewer
    from grantflow.services import review

    reviewer = Reviewer(code, name, _codes(languages), _codes(conflicts))
    with _store() as uow:
        review.register_reviewer(uow, reviewer, at=_now(), actor=f"operator:{by}")
    typer.echo(f"reviewer {code} registered ({', '.join(sorted(reviewer.languages))})")
    next_step("grantflow run review --call CALL  (assigns experts where some are missing)")


def _codes(text: str) -> frozenset[str]:
    return frozenset(part.strip() for part in text.split(",") if part.strip())


@review_app.command("declare")
def review_declare(
    application_id: Annotated[int, typer.Argument(help="Application id.")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="Your reviewer code.")],
    conflict: Annotated[
        bool | None,
        typer.Option("--conflict/--no-conflict", help="Declare a conflict of interest, or none."),
    ] = None,
    reason: ReasonOption = "",
) -> None:
    """Declare a conflict of interest (you are replaced) or its absence (you may score)."""
    from grantflow.services import review

    if conflict is None:
        raise _usage("give --conflict or --no-conflict")
    with _store() as uow:
        declared = review.declare(
            uow, application_id, reviewer, conflict=conflict, at=_now(), reason=reason
        )
        with uow:
            call_code = uow.applications.get(application_id).call_code
    typer.echo(f"reviewer {reviewer} on application {application_id}: {declared.declaration}")
    if conflict:
        next_step(f"grantflow run review --call {call_code}  (if no replacement was free)")
    else:
        next_step(f"grantflow review score {application_id} --reviewer {reviewer} --points ...")


def _points(text: str) -> dict[str, Decimal]:
    points: dict[str, Decimal] = {}
    for part in (p.strip() for p in text.split(",")):
        code, sep, value = part.partition("=")
        try:
            if not sep or not code.strip():
                raise InvalidOperation
            points[code.strip()] = Decimal(value.strip())
        except InvalidOperation as exc:
            raise _usage(f"--points: '{part}' is not criterion=points") from exc
    return points


@review_app.command("score")
def review_score(
    application_id: Annotated[int, typer.Argument(help="Application id.")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="Your reviewer code.")],
    points: Annotated[
        str, typer.Option("--points", help="criterion=points,... e.g. relevance=25,quality=20")
    ],
    submit: Annotated[bool, typer.Option("--submit", help="Lock the scores (final).")] = False,
    programme: ProgrammeOption = None,
) -> None:
    """Record points per criterion (a draft), or with --submit lock them."""
    from grantflow.services import review

    loaded = _programme(programme)
    parsed = _points(points)
    with _store() as uow:
        card = review.score(uow, application_id, reviewer, parsed, loaded, submit=submit, at=_now())
        with uow:
            call_code = uow.applications.get(application_id).call_code
    state = "submitted (locked)" if card.submitted else "draft"
    typer.echo(f"application {application_id}, reviewer {reviewer}: total {card.total}, {state}")
    if card.submitted:
        next_step(f"grantflow run review --call {call_code}  (completes or arbitrates)")


# --- committee -----------------------------------------------------------------


def _print_ranking(ranking: Any) -> None:
    for entry in ranking.entries:
        p = entry.proposal
        note = f"  ({entry.justification})" if entry.justification else ""
        typer.echo(
            f"{entry.rank:>3}  {p.city_name:<28} {p.final_score:>6}  {entry.decision:<9}"
            f" EUR {p.grant_eur:>13,.2f}{note}"
        )


@selection_app.command("propose")
def selection_propose(
    call: CallOption = "stage2-proposal",
    shortlist: Annotated[
        int | None, typer.Option("--shortlist", help="Stage 1: how many to shortlist.")
    ] = None,
    programme: ProgrammeOption = None,
    by: ByOption = "operator",
) -> None:
    """Rank the call's assessed applications: the proposal the committee approves or changes."""
    from grantflow.services import selection

    loaded = _programme(programme)
    with _store() as uow:
        ranking = selection.propose_ranking(
            uow, call, loaded, at=_now(), actor=f"operator:{by}", selected_count=shortlist
        )
    _print_ranking(ranking)


@selection_app.command("approve")
def selection_approve(
    call: CallOption = "stage2-proposal",
    change: Annotated[
        list[str] | None,
        typer.Option("--change", help="APP_ID=selected|reserve|rejected (repeatable)."),
    ] = None,
    justification: Annotated[
        str, typer.Option("--justification", help="The committee's reasons for the changes.")
    ] = "",
    by: ByOption = "committee",
) -> None:
    """The committee approves the proposed ranking, with justified changes if any."""
    from grantflow.domain.ranking import CommitteeChange, Decision
    from grantflow.services import selection

    changes = []
    for item in change or []:
        app_id, _, decision = item.partition("=")
        if not app_id.strip().isdigit() or decision not in Decision.__members__.values():
            raise _usage(f"--change: '{item}' is not APP_ID=selected|reserve|rejected")
        changes.append(CommitteeChange(int(app_id), Decision(decision), justification))
    with _store() as uow:
        ranking = selection.approve_ranking(uow, call, changes, at=_now(), actor=f"committee:{by}")
        with uow:
            stages = {uow.applications.get(e.application_id).stage for e in ranking.entries}
    _print_ranking(ranking)
    if stages == {1}:
        next_step(f"grantflow promote --call {call}  (the shortlisted outlines enter Stage 2)")
    elif ranking.selected:
        next_step(f"grantflow run partnership --call {call}  (opens the partner search)")


def promote(
    call: Annotated[str, typer.Option("--call", help="The Stage 1 call.")] = "stage1-outline",
    into: Annotated[
        str | None,
        typer.Option("--into", help="The Stage 2 call (default: the programme's first)."),
    ] = None,
    programme: ProgrammeOption = None,
    by: ByOption = "operator",
) -> None:
    """Carry every shortlisted outline of a Stage 1 call into Stage 2 as the city's proposal."""
    from grantflow.services import promotion

    loaded = _programme(programme)
    with _store() as uow:
        promoted = promotion.promote_shortlisted(
            uow, loaded, call, into, at=_now(), actor=f"operator:{by}"
        )
    target = promoted.call_code
    for application in promoted.applications:
        typer.echo(f"application {application.id} ({application.city_name}): {target}")
    typer.echo(f"{len(promoted.applications)} shortlisted outlines in {target}")
    if promoted.applications:
        next_step(f"grantflow formal-check APP --correct  (each proposal of {target})")


# --- partners --------------------------------------------------------------------


@partners_app.command("propose")
def partners_propose(
    call: CallOption = "stage2-proposal",
    donors: Annotated[
        Path | None, typer.Option("--donors", help="Donor pool file (default: the samples').")
    ] = None,
    by: ByOption = "operator",
) -> None:
    """Register the donor pool and propose partners (maximum total score within capacities)."""
    from grantflow.adapters.assignment import ScipyAssignmentSolver
    from grantflow.domain.errors import ConfigurationError
    from grantflow.services import donor_pool, partnership
    from grantflow.validation.donors_file import load_donors

    try:
        pool = load_donors(donors)
    except ConfigurationError as exc:
        raise _usage(str(exc)) from exc
    with _store() as uow:
        donor_pool.register_donors(uow, pool, at=_now(), actor=f"operator:{by}")
        proposals = partnership.reconcile_partner_search(
            uow, call, ScipyAssignmentSolver(), at=_now(), actor=f"operator:{by}"
        )
    for pair in proposals:
        typer.echo(f"application {pair.city.application_id}: {pair.explanation()}")
    typer.echo(f"{len(proposals)} proposals")


@partners_app.command("confirm")
def partners_confirm(
    application_id: Annotated[int, typer.Argument(help="Application id.")],
    donor: Annotated[str, typer.Argument(help="Donor code, e.g. NO-4204.")],
    justification: Annotated[
        str, typer.Option("--justification", help="Needed when overriding the proposal.")
    ] = "",
    by: ByOption = "operator",
) -> None:
    """Confirm the proposed donor, or override it with another (with a justification)."""
    from grantflow.services import partnership

    with _store() as uow:
        confirmed = partnership.confirm_partner(
            uow,
            application_id,
            donor,
            at=_now(),
            actor=f"operator:{by}",
            justification=justification,
        )
    typer.echo(f"application {application_id}: {confirmed.status} with {confirmed.donor_code}")
    next_step(f"grantflow partners sign {application_id}  (once the agreement is signed)")


@partners_app.command("sign")
def partners_sign(
    application_id: Annotated[int, typer.Argument(help="Application id.")],
    call: CallOption = "stage2-proposal",
    by: ByOption = "operator",
) -> None:
    """The partnership agreement is signed: the city's lump sum is committed."""
    from grantflow.services import partnership

    with _store() as uow:
        signed = partnership.sign_agreement(
            uow, call, application_id, at=_now(), actor=f"operator:{by}"
        )
    typer.echo(f"application {application_id}: {signed.status} with {signed.donor_code}")


@partners_app.command("reopen")
def partners_reopen(
    application_id: Annotated[int, typer.Argument(help="Application id.")],
    reason: ReasonOption = "",
    by: ByOption = "operator",
) -> None:
    """A confirmed partnership fell through before signing: back to the partner search."""
    from grantflow.services import partnership

    with _store() as uow:
        reopened = partnership.reopen_search(
            uow, application_id, at=_now(), actor=f"operator:{by}", reason=reason
        )
    typer.echo(f"application {application_id} ({reopened.city_name}): {reopened.state}")
    next_step(f"grantflow run partnership --call {reopened.call_code}  (proposes again)")


@partners_app.command("close-search")
def partners_close_search(call: CallOption = "stage2-proposal", by: ByOption = "operator") -> None:
    """The partner-search deadline: unsigned funded cities get their lump sum returned."""
    from grantflow.services import partnership

    with _store() as uow:
        closed = partnership.close_partner_search(uow, call, at=_now(), actor=f"operator:{by}")
    typer.echo(f"partner search closed; no partner: {', '.join(map(str, closed)) or 'none'}")


# --- views -------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain of the audit log; exit 1 naming the first broken entry."""
    from grantflow.services import lifecycle

    with _store() as uow:
        checked, broken = lifecycle.verify_audit(uow)
    if broken is not None:
        typer.echo(
            f"audit log BROKEN at entry {broken.seq} ({broken.at.isoformat()} {broken.actor} "
            f"{broken.action} {broken.subject}): edited, inserted or deleted",
            err=True,
        )
        raise typer.Exit(EXIT_REFUSED)
    typer.echo(f"audit log intact: {checked} entries")


def applications(
    fmt: Annotated[ViewFormat, typer.Option("--format", "-f")] = ViewFormat.text,
    call: Annotated[str | None, typer.Option("--call", help="Only this call.")] = None,
    programme: ProgrammeOption = None,
) -> None:
    """Each application's state, scores per reviewer, final score and rank."""
    from grantflow.services.lifecycle_views import applications_view

    loaded = _programme(programme)
    with _store() as uow:
        rows = applications_view(uow, loaded, call)
    if fmt is ViewFormat.json:
        _echo_json({"applications": rows})
        return
    for row in rows:
        scores = " ".join(
            f"{s['reviewer']}={s['total'] if s['submitted'] else '…'}"
            for s in row["scores"]
            if s["declaration"] != "conflict"
        )
        typer.echo(
            f"{row['id']:>4}  {row['call']:<16} {row['city']:<28} {row['state']:<22} "
            f"final {row['final_score'] or '-':>5}  rank {row['rank'] or '-':>3}  {scores}"
        )


def ledger(
    fmt: Annotated[LedgerFormat, typer.Option("--format", "-f")] = LedgerFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE.")] = None,
) -> None:
    """The lump-sum ledger: entries, per-city balances and programme totals."""
    from grantflow.services.lifecycle_views import ledger_view

    if fmt is LedgerFormat.xlsx and output is None:
        raise _usage("--format xlsx needs --output FILE")
    with _store() as uow:
        view = ledger_view(uow)
    if fmt is LedgerFormat.xlsx:
        from grantflow.adapters.ledger_workbook import ledger_xlsx

        assert output is not None
        output.write_bytes(ledger_xlsx(view))
        typer.echo(str(output))
        return
    data = (
        json.dumps(view, ensure_ascii=False, indent=2) + "\n"
        if fmt is LedgerFormat.json
        else _ledger_text(view)
    )
    if output is None:
        sys.stdout.write(data)
    else:
        output.write_text(data, encoding="utf-8")
    if not view["reconciles"]:
        raise typer.Exit(EXIT_REFUSED)


def _ledger_text(view: dict[str, Any]) -> str:
    from grantflow.services.lifecycle_views import ledger_summary

    columns = ("reserved", "released", "committed", "spent", "returned", "open")
    lines = [f"{'call':<18}{'city':<10}" + "".join(f"{c:>16}" for c in columns)]
    rows = [
        *view["cities"],
        *({**row, "city": "(call)"} for row in view["calls"]),
        {"call": "programme", "city": "", **view["totals"]},
    ]
    for row in rows:
        lines.append(
            f"{row['call']:<18}{row['city']:<10}"
            + "".join(f"{Decimal(row[c]):>16,.2f}" for c in columns)
        )
    lines.append(f"{ledger_summary(view)} (EUR)")
    lines.extend(f"problem: {p}" for p in view["problems"])
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    """Add the lifecycle commands to the ``grantflow`` app."""
    app.command("formal-check")(formal_check)
    app.command("decide")(decide)
    app.command("promote")(promote)
    app.command("applications")(applications)
    app.command("ledger")(ledger)
    app.add_typer(review_app, name="review")
    app.add_typer(reviewers_app, name="reviewers")
    app.add_typer(selection_app, name="selection")
    app.add_typer(partners_app, name="partners")
    app.add_typer(audit_app, name="audit")
    # Imported here: cli_run builds on this module's helpers.
    from grantflow import cli_run

    app.add_typer(cli_run.run_app, name="run")
