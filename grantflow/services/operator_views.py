"""What the operator's call dashboard shows: applications per state, reviewer load,
divergent pairs, the ranking with its reserve list, and the ledger; of one application,
the experts' submitted scores with their comments; and what its partnerships page shows:
each funded city's proposed or confirmed donor with the matching's reasons, the donors
with a free place, and the map of the pairs (``samples/places.yaml`` says where each lies,
as for the publication).

Built from the CLI's views (``grantflow applications``, ``grantflow ledger``),
so the portal and the command line never disagree about a call.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from grantflow.domain.assessment import Outcome, Scorecard, assess
from grantflow.domain.errors import NotFound
from grantflow.domain.lifecycle import State
from grantflow.domain.matching import CityNeeds, PairScore, remaining_capacity, score_pair
from grantflow.domain.partners import DonorMunicipality
from grantflow.domain.programme import Programme
from grantflow.services.lifecycle import current_version, in_states
from grantflow.services.lifecycle_views import (
    ReviewerLoad,
    applications_view,
    ledger_view,
    reviewer_load_view,
)
from grantflow.services.partnership import places_taken
from grantflow.services.partnership_map import PartnershipMap, partnership_map
from grantflow.services.ports.applications import Application
from grantflow.services.ports.documents import DocumentRecord
from grantflow.services.ports.partners import Partnership, PartnershipStatus
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.validation.places_file import load_places


@dataclass(frozen=True)
class CallDashboard:
    call_code: str
    applications: list[dict[str, Any]]  # ``applications_view`` rows, by id
    states: dict[str, int]  # state -> applications in it
    reviewers: list[ReviewerLoad]
    divergent: list[dict[str, Any]]  # rows whose two experts' totals diverge
    ranking: list[dict[str, Any]]  # ranked rows, by rank
    ledger: dict[str, Any]  # the call's balance (``ledger_view``'s call row, or zeros)
    reconciles: bool
    ledger_problems: list[str]


def _divergent_ids(uow: UnitOfWork, programme: Programme, ids: list[int]) -> set[int]:
    with uow:
        return {
            i
            for i in ids
            if assess(uow.scorecards.for_application(i), programme.divergence_threshold).outcome
            is Outcome.NEEDS_THIRD_EXPERT
        }


def call_dashboard(uow: UnitOfWork, programme: Programme, call_code: str) -> CallDashboard:
    rows = applications_view(uow, programme, call_code)
    divergent = _divergent_ids(uow, programme, [r["id"] for r in rows])
    ledger = ledger_view(uow)
    call_row = next((c for c in ledger["calls"] if c["call"] == call_code), None)
    return CallDashboard(
        call_code=call_code,
        applications=rows,
        states=dict(sorted(Counter(r["state"] for r in rows).items())),
        reviewers=reviewer_load_view(uow),
        divergent=[r for r in rows if r["id"] in divergent],
        ranking=sorted((r for r in rows if r["rank"] is not None), key=lambda r: r["rank"]),
        ledger=call_row or {"call": call_code, **{k: "0.00" for k in ledger["totals"]}},
        reconciles=ledger["reconciles"],
        ledger_problems=list(ledger["problems"]),
    )


def call_documents(uow: UnitOfWork, call_code: str) -> list[DocumentRecord]:
    """The newest file of each document (kind, language, format) of the call's applications."""
    with uow:
        ids = {a.id for a in uow.applications.list(call_code)}
        newest = {
            (d.application_id, d.kind, d.lang, d.fmt): d
            for d in uow.documents.list()
            if d.application_id in ids
        }
    return sorted(newest.values(), key=lambda d: (d.application_id or 0, d.kind, d.fmt))


# The states of a funded city from its partner search to its signed agreement.
PARTNERSHIP_STATES = (
    State.PARTNER_SEARCH,
    State.PARTNERSHIP_CONFIRMED,
    State.AGREEMENT_SIGNED,
    State.NO_PARTNER,
)


@dataclass(frozen=True)
class PartnershipRow:
    application: Application
    partnership: Partnership | None  # None: the matching found no donor for the city
    pair: PairScore | None  # the pair's score and reasons, as the matching scores it

    @property
    def proposed(self) -> bool:
        return (
            self.partnership is not None and self.partnership.status is PartnershipStatus.PROPOSED
        )


@dataclass(frozen=True)
class CallPartnerships:
    rows: list[PartnershipRow]
    donors: list[tuple[DonorMunicipality, int]]  # every registered donor and its free places
    # The cities and their donors, a line each: solid once signed, dashed while proposed
    # or confirmed (the operator's next step is on those).
    map: PartnershipMap


def call_partnerships(uow: UnitOfWork, call_code: str) -> CallPartnerships:
    """Each city of the call from its partner search on, with its donor and the reasons."""
    with uow:
        donors = {d.code: d for d in uow.donors.list()}
        partnerships = {p.application_id: p for p in uow.partnerships.list()}
        rows = []
        for application in in_states(uow.applications.list(call_code), *PARTNERSHIP_STATES):
            standing = partnerships.get(application.id)
            pair = None
            if standing is not None and standing.donor_code in donors:
                outline = current_version(uow, application.id).outline
                assert outline is not None  # current_version returns valid versions only
                needs = CityNeeds.from_outline(application.id, outline)
                pair = score_pair(needs, donors[standing.donor_code])
            rows.append(PartnershipRow(application, standing, pair))
        free = remaining_capacity(list(donors.values()), places_taken(uow))
    ordered = sorted(donors.values(), key=lambda d: d.code)
    pairs = [
        (row.application, donors[p.donor_code], p.status is PartnershipStatus.SIGNED)
        for row in rows
        if (p := row.partnership) is not None and p.donor_code in donors
    ]
    return CallPartnerships(
        rows,
        [(d, free[d.code]) for d in ordered],
        partnership_map([row.application for row in rows], pairs, load_places()),
    )


@dataclass(frozen=True)
class ScoredApplication:
    """An application with its experts' submitted scorecards (a draft is the expert's own
    until submitted), in the order they were submitted."""

    row: dict[str, Any]  # its ``applications_view`` row
    scorecards: tuple[Scorecard, ...]


def scored_application(
    uow: UnitOfWork, programme: Programme, call_code: str, application_id: int
) -> ScoredApplication:
    rows = [r for r in applications_view(uow, programme, call_code) if r["id"] == application_id]
    if not rows:
        raise NotFound(f"application {application_id} is not in the call {call_code}")
    with uow:
        cards = uow.scorecards.for_application(application_id)
    return ScoredApplication(rows[0], assess(cards, programme.divergence_threshold).scorecards)


def call_scores(uow: UnitOfWork, programme: Programme, call_code: str) -> list[dict[str, Any]]:
    """A row per submitted score of the call: application, city, expert, criterion, points,
    maximum and comment (the scores list the operator exports)."""
    rows: list[dict[str, Any]] = []
    for application in applications_view(uow, programme, call_code):
        with uow:
            cards = uow.scorecards.for_application(application["id"])
        for card in assess(cards, programme.divergence_threshold).scorecards:
            rows.extend(
                {
                    "id": application["id"],
                    "city": application["city"],
                    "reviewer": card.reviewer_code,
                    "criterion": criterion.code,
                    "points": card.points.get(criterion.code),
                    "max_points": criterion.max_points,
                    "comment": card.comments.get(criterion.code, ""),
                    "submitted_at": card.submitted_at,
                }
                for criterion in programme.criteria
            )
    return rows
