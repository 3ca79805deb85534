"""The operator's steps and views: formal checks, decisions, promotion, the ledger, audit."""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from grantflow.cli.common import (
    EXIT_REFUSED,
    AsOfOption,
    ByOption,
    ProgrammeOption,
    ReasonOption,
    echo_json,
    next_flow,
    next_step,
    store,
    usage,
)

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


class ViewFormat(StrEnum):
    text = "text"
    json = "json"


class LedgerFormat(StrEnum):
    text = "text"
    json = "json"
    xlsx = "xlsx"


def formal_check(
    application_id: Annotated[int, typer.Argument(help="Application id.")],
    correct: Annotated[bool, typer.Option("--correct", help="Formally correct.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Formally rejected.")] = False,
    return_until: Annotated[
        str | None, typer.Option("--return-until", help="Return for correction until DATE.")
    ] = None,
    reason: ReasonOption = "",
    by: ByOption = "operator",
    as_of: AsOfOption = None,
) -> None:
    """Record the operator's formal check: --correct, --reject, or --return-until DATE."""
    from grantflow.services import lifecycle

    chosen = [correct, reject, return_until is not None]
    if sum(chosen) != 1:
        raise usage("give exactly one of --correct, --reject, --return-until DATE")
    deadline = None
    if return_until is not None:
        try:
            deadline = date.fromisoformat(return_until)
        except ValueError as exc:
            raise usage(f"--return-until: {exc}") from exc
    with store(as_of=as_of) as built:
        uow = built.unit_of_work()
        if deadline is not None:
            changed = lifecycle.return_for_correction(
                uow,
                application_id,
                deadline=deadline,
                at=built.clock.now(),
                actor=f"operator:{by}",
                reason=reason,
            )
        else:
            changed = lifecycle.formal_check(
                uow,
                application_id,
                correct=correct,
                at=built.clock.now(),
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
        next_flow("review", changed.call_code, "assigns the experts", as_of)


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
    as_of: AsOfOption = None,
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
        raise usage(f"unknown action '{action}'; actions: {', '.join(Action)}")
    with store(as_of=as_of) as built:
        uow = built.unit_of_work()
        try:
            decided = decisions.decide(
                uow,
                application_id,
                Action(action),
                at=built.clock.now(),
                actor=f"operator:{by}",
                reason=reason,
            )
        except decisions.NotADirectDecision as exc:
            raise usage(f"'{action}' is not decided here; use: {ELSEWHERE[action]}") from exc
    changed = decided.application
    typer.echo(f"application {changed.id} ({changed.city_name}): {changed.state}")
    if decided.promoted is not None:
        promoted = decided.promoted
        typer.echo(
            f"application {promoted.id} ({promoted.city_name}) moved up from the reserve list"
        )
        next_flow("partnership", promoted.call_code, "proposes its partners", as_of)


def promote(
    call: Annotated[str, typer.Option("--call", help="The Stage 1 call.")] = "stage1-outline",
    into: Annotated[
        str | None,
        typer.Option("--into", help="The Stage 2 call (default: the programme's first)."),
    ] = None,
    programme: ProgrammeOption = None,
    by: ByOption = "operator",
    as_of: AsOfOption = None,
) -> None:
    """Carry every shortlisted outline of a Stage 1 call into Stage 2 as the city's proposal."""
    from grantflow.services import promotion

    with store(programme, as_of) as built:
        promoted = promotion.promote_shortlisted(
            built.unit_of_work(),
            built.programme,
            call,
            into,
            at=built.clock.now(),
            actor=f"operator:{by}",
        )
    target = promoted.call_code
    for application in promoted.applications:
        typer.echo(f"application {application.id} ({application.city_name}): {target}")
    typer.echo(f"{len(promoted.applications)} shortlisted outlines in {target}")
    if promoted.applications:
        next_step(f"grantflow formal-check APP --correct  (each proposal of {target})")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the hash chain of the audit log; exit 1 naming the first broken entry."""
    from grantflow.services import lifecycle

    with store() as built:
        uow = built.unit_of_work()
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

    with store(programme) as built:
        uow, loaded = built.unit_of_work(), built.programme
        rows = applications_view(uow, loaded, call)
    if fmt is ViewFormat.json:
        echo_json({"applications": rows})
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
        raise usage("--format xlsx needs --output FILE")
    with store() as built:
        uow = built.unit_of_work()
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
    from grantflow.services.lifecycle_views import MONEY_FIELDS, ledger_summary

    lines = [f"{'call':<18}{'city':<10}" + "".join(f"{c:>16}" for c in MONEY_FIELDS)]
    rows = [
        *view["cities"],
        *({**row, "city": "(call)"} for row in view["calls"]),
        {"call": "programme", "city": "", **view["totals"]},
    ]
    for row in rows:
        lines.append(
            f"{row['call']:<18}{row['city']:<10}"
            + "".join(f"{Decimal(row[c]):>16,.2f}" for c in MONEY_FIELDS)
        )
    lines.append(f"{ledger_summary(view)} (EUR)")
    lines.extend(f"problem: {p}" for p in view["problems"])
    return "\n".join(lines) + "\n"


def register(app: typer.Typer) -> None:
    app.command("formal-check")(formal_check)
    app.command("decide")(decide)
    app.command("promote")(promote)
    app.command("applications")(applications)
    app.command("ledger")(ledger)
    app.add_typer(audit_app, name="audit")
