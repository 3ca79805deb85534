"""Read-only views of the lifecycle for people and machines (CLI, artifacts, the demo).

Each view is plain JSON-ready data (Decimals as text, so amounts keep their
cents in any consumer); renderers turn it into text, JSON or a workbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from grantflow.domain.assessment import assess, reviewer_load
from grantflow.domain.ledger import CityBalance, Ledger, LedgerTotals
from grantflow.domain.programme import Programme
from grantflow.domain.ranking import Ranking
from grantflow.services.ledger import current_ledger
from grantflow.services.ports.unit_of_work import UnitOfWork


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _score(value: Decimal | None) -> str | None:
    """``81``, ``80.5``: a score as people write it (``Decimal(100).normalize()`` is ``1E+2``)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())


def applications_view(
    uow: UnitOfWork, programme: Programme, call_code: str | None = None
) -> list[dict[str, Any]]:
    """Each application: state, scores per reviewer, final score, rank and decision."""
    with uow:
        applications = uow.applications.list(call_code)
        assignments = uow.assignments.list()
        rankings: dict[str, Ranking | None] = {}
        rows = []
        for application in applications:
            if application.call_code not in rankings:
                rankings[application.call_code] = uow.rankings.get(application.call_code)
            ranking = rankings[application.call_code]
            ranked = next(
                (
                    e
                    for e in (ranking.entries if ranking else ())
                    if e.application_id == application.id
                ),
                None,
            )
            cards = {c.reviewer_code: c for c in uow.scorecards.for_application(application.id)}
            assessment = assess(cards.values(), programme.divergence_threshold)
            reviewers = [
                {
                    "reviewer": a.reviewer_code,
                    "declaration": str(a.declaration),
                    "total": _score(cards[a.reviewer_code].total)
                    if a.reviewer_code in cards
                    else None,
                    "submitted": a.reviewer_code in cards and cards[a.reviewer_code].submitted,
                }
                for a in assignments
                if a.application_id == application.id
            ]
            rows.append(
                {
                    "id": application.id,
                    "call": application.call_code,
                    "stage": application.stage,
                    "city": application.city_name,
                    "teryt": application.teryt,
                    "state": application.state,
                    "scores": reviewers,
                    "final_score": _score(assessment.final_score),
                    "rank": None if ranked is None else ranked.rank,
                    "decision": None if ranked is None else str(ranked.decision),
                    "justification": None if ranked is None else ranked.justification or None,
                }
            )
    return rows


MONEY_FIELDS = ("reserved", "released", "committed", "spent", "returned", "open")


def _amounts(sums: CityBalance | LedgerTotals) -> dict[str, str]:
    return {name: _money(getattr(sums, name)) for name in MONEY_FIELDS}


def ledger_view(uow: UnitOfWork) -> dict[str, Any]:
    """The programme's ledger as :func:`view_of_ledger` shows it."""
    return view_of_ledger(current_ledger(uow))


def view_of_ledger(ledger: Ledger) -> dict[str, Any]:
    """Entries in booking order, the balance of every account (call and city), the totals
    of every call and of the programme, broken rules, and whether it all reconciles
    (``Ledger.reconciles``: what every reader of the view goes by)."""
    return {
        "currency": "EUR",
        "entries": [
            {
                "key": e.key,
                "call": e.call,
                "city": e.city,
                "kind": str(e.kind),
                "amount": _money(e.amount),
                "at": e.at.isoformat(),
                "actor": e.actor,
                "reason": e.reason,
            }
            for e in ledger.entries
        ],
        "cities": [{"call": b.call, "city": b.city, **_amounts(b)} for b in ledger.balances()],
        "calls": [{"call": call, **_amounts(ledger.totals(call))} for call in ledger.calls()],
        "totals": _amounts(ledger.totals()),
        "problems": ledger.problems(),
        "reconciles": ledger.reconciles(),
    }


def ledger_summary(view: dict[str, Any]) -> str:
    """One line for people (the CLI, the flow's artifact, the demo): entries, and whether
    the ledger reconciles."""
    state = "reconcile to the cent" if view["reconciles"] else "DO NOT reconcile"
    return f"{len(view['entries'])} entries; totals {state}"


@dataclass(frozen=True)
class ReviewerLoad:
    reviewer: str
    active: int  # assignments that count (all but declared conflicts)
    declared_conflicts: int
    submitted: int


def reviewer_load_view(uow: UnitOfWork) -> list[ReviewerLoad]:
    with uow:
        reviewers = uow.reviewers.list()
        assignments = uow.assignments.list()
        submitted = {
            (c.application_id, c.reviewer_code)
            for a in {a.application_id for a in assignments}
            for c in uow.scorecards.for_application(a)
            if c.submitted
        }
    load = reviewer_load(assignments)
    return [
        ReviewerLoad(
            r.code,
            load[r.code],
            sum(1 for a in assignments if a.reviewer_code == r.code and not a.active),
            sum(
                1
                for a in assignments
                if a.reviewer_code == r.code and (a.application_id, r.code) in submitted
            ),
        )
        for r in reviewers
    ]
