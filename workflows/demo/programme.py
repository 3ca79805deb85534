"""The demo's programme after intake: both stages, the ledger and the partners, end to end.

Runs on a store where the sample outlines went through intake (``workflows.demo.flow``),
with simulated experts whose scores are a deterministic function of the city
and the reviewer, so every run gives the same ranking. What the people do is
done through the same services the CLI calls; what the flows do is done by
running the flows. Along the way the story shows:

- Stage 1: the formal check (a city with a valid version is correct, one
  without is rejected), expert assessment with one reviewer declaring a
  conflict of interest (replaced) and one divergent pair (a third expert
  arbitrates), shortlisting;
- Stage 2: each shortlisted outline stands in for the city's complete
  proposal (``grantflow.services.promotion``: the proposal form is not
  modelled yet), assessment again, ranking, funding and a reserve list
  scaled to the sample (funded = half of the valid outlines, reserve = a
  quarter), lump sums reserved;
- Stage 3: partners proposed from ``samples/donors.yaml``, confirmed and
  signed (lump sums committed) except for one city, whose lump sum returns
  when the partner search closes at the deadline.

Every step checks the store first, so running the demo again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from grantflow import config, resources
from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
from grantflow.domain.assessment import Assignment, Reviewer
from grantflow.domain.lifecycle import State
from grantflow.domain.programme import Programme
from grantflow.domain.ranking import Ranking
from grantflow.services import (
    lifecycle,
)
from grantflow.services import (
    partnership as partnership_service,
)
from grantflow.services import (
    review as review_service,
)
from grantflow.services.lifecycle import in_states
from grantflow.services.lifecycle_views import ledger_view
from grantflow.services.ports.partners import PartnershipStatus
from grantflow.services.promotion import promote_shortlisted
from workflows.lifecycle_store import lifecycle_uow, now, programme_of
from workflows.partnership import partnership
from workflows.review import review
from workflows.selection import selection

STAGE1, STAGE2 = "stage1-outline", "stage2-proposal"
OPERATOR, COMMITTEE = "operator:demo", "committee:demo"
# The expert pool: (code, name, languages, TERYT codes declared at registration).
REVIEWERS = (
    ("R01", "Agnieszka Wróbel", "pl,en", "0662011"),  # ties with Chełm: never assigned to it
    ("R02", "Bartłomiej Łęcki", "pl,en", ""),
    ("R03", "Dorota Żmijewska", "pl", ""),
    ("R04", "Grzegorz Ślusarczyk", "pl,nb", ""),
    ("R05", "Ingrid Sæther-Nowak", "pl,nb,en", ""),
    ("R06", "Małgorzata Kość", "pl", ""),
)
MAX_REVIEW_ROUNDS = 5  # assign, score, arbitrate, complete: three rounds suffice


@dataclass(frozen=True)
class ProgrammeDemoResult:
    shortlist: Ranking
    ranking: Ranking
    ledger: dict[str, Any]  # grantflow.services.lifecycle_views.ledger_view
    conflicts: tuple[tuple[int, str], ...]  # (application, reviewer) declared conflicts
    third_experts: tuple[int, ...]  # applications that needed arbitration
    returned: tuple[int, ...]  # funded applications left without a partner
    programme_file: str  # the demo's programme (funding scaled to the sample)

    def summary_lines(self) -> list[str]:
        """What the demo prints: the ranking and ledger totals that reconcile to the cent."""
        lines = ["", "Stage 2 ranking:"]
        for e in self.ranking.entries:
            lines.append(
                f"  {e.rank:>2}. {e.proposal.city_name:<26} "
                f"{e.proposal.final_score:>5}  {e.decision}"
            )
        totals = self.ledger["totals"]
        lines.append("")
        lines.append(
            "Lump sums (EUR): "
            + ", ".join(
                f"{k} {Decimal(totals[k]):,.2f}"
                for k in ("reserved", "committed", "returned", "open")
            )
        )
        state = (
            "reconcile to the cent"
            if totals["reconciles"] and not self.ledger["problems"]
            else "DO NOT reconcile"
        )
        lines.append(f"Ledger: {len(self.ledger['entries'])} entries; totals {state}.")
        return lines


def demo_programme_file(home: Path, valid_outlines: int) -> Path:
    """The reference programme with the shortlist, funding and reserve scaled to the sample
    size: all valid outlines but two go on to Stage 2."""
    data = yaml.safe_load((resources.samples() / "programme.yaml").read_text(encoding="utf-8"))
    data["shortlist_count"] = max(1, valid_outlines - 2)
    data["funded_count"] = max(1, valid_outlines // 2)
    data["reserve_count"] = max(1, valid_outlines // 4)
    path = home / "demo-programme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _register_reviewers(uow: SqlUnitOfWork) -> None:
    with uow:
        known = {r.code for r in uow.reviewers.list()}
    for code, name, languages, conflicts in REVIEWERS:
        if code not in known:
            reviewer = Reviewer(
                code, name, frozenset(languages.split(",")), frozenset(filter(None, [conflicts]))
            )
            review_service.register_reviewer(uow, reviewer, at=now(), actor=OPERATOR)


def _formal_check(uow: SqlUnitOfWork, call_code: str) -> None:
    """The operator's check, led by the automatic part: a valid version or none."""
    with uow:
        waiting = [
            (a.id, any(s.valid for s in uow.submissions.for_application(a.id)))
            for a in in_states(uow.applications.list(call_code), State.SUBMITTED)
        ]
    for application_id, has_valid in waiting:
        lifecycle.formal_check(
            uow,
            application_id,
            correct=has_valid,
            at=now(),
            actor=OPERATOR,
            reason="" if has_valid else "no version passes validation",
        )


def _total(teryt: str, reviewer: str, number: int, divergent: bool) -> int:
    """A simulated expert's total: the city's merit, the reviewer's temperament, and for
    the divergent application a second expert far below the first (a third then arbitrates)."""
    merit = 58 + int(teryt) % 35
    temperament = sum(map(ord, reviewer)) % 5 - 2
    if divergent and number == 1:
        return merit * 55 // 100
    if divergent and number == 2:
        return merit - 4
    return max(0, min(100, merit + temperament))


def _points(programme: Programme, total: int) -> dict[str, Decimal]:
    """``total`` spread over the criteria in proportion to their maxima (whole points)."""
    scale = Decimal(total) / programme.max_score
    points = {
        c.code: min(Decimal(c.max_points), (c.max_points * scale).to_integral_value())
        for c in programme.criteria
    }
    return points


def _simulate_experts(
    uow: SqlUnitOfWork, call_code: str, programme: Programme
) -> tuple[bool, list[tuple[int, str]]]:
    """Every assigned expert declares and scores; (anything done, conflicts declared)."""
    with uow:
        call = {a.id: a for a in uow.applications.list(call_code)}
        teryt = {a.id: a.teryt for a in in_states(call.values(), State.UNDER_ASSESSMENT)}
        in_call = [a for a in uow.assignments.list() if a.application_id in call]
        cards = {
            (c.application_id, c.reviewer_code): c
            for application_id in teryt
            for c in uow.scorecards.for_application(application_id)
        }
    if not teryt:
        return False, []
    # Chosen among the call's assessed applications, so the choice holds in every round:
    # the first expert ever asked about the first one knows its mayor, and the
    # second one gets a divergent pair of scores.
    assessed = sorted({a.application_id for a in in_call})
    first = next(a for a in in_call if a.application_id == assessed[0])
    divergent = assessed[1] if len(assessed) > 1 else None
    assignments = [a for a in in_call if a.application_id in teryt]
    acted, conflicts = False, []
    active: dict[int, list[Assignment]] = {}
    for assignment in assignments:
        if assignment.declaration == "pending":
            conflict = assignment == first
            assignment = review_service.declare(
                uow,
                assignment.application_id,
                assignment.reviewer_code,
                conflict=conflict,
                at=now(),
                reason="zna burmistrza prywatnie" if conflict else "",
            )
            acted = True
            if conflict:
                conflicts.append((assignment.application_id, assignment.reviewer_code))
        if assignment.declaration == "no_conflict":
            active.setdefault(assignment.application_id, []).append(assignment)
    for application_id, experts in active.items():
        for number, assignment in enumerate(experts):
            card = cards.get((application_id, assignment.reviewer_code))
            if card is not None and card.submitted:
                continue
            total = _total(
                teryt[application_id], assignment.reviewer_code, number, application_id == divergent
            )
            review_service.score(
                uow,
                application_id,
                assignment.reviewer_code,
                _points(programme, total),
                programme,
                submit=True,
                at=now(),
            )
            acted = True
    return acted, conflicts


def _assess(
    uow: SqlUnitOfWork, call_code: str, programme_file: str
) -> tuple[list[tuple[int, str]], list[int]]:
    """Review flow and experts in turns until nothing is left to do; (conflicts, arbitrated)."""
    programme = programme_of(programme_file)
    conflicts: list[tuple[int, str]] = []
    for _ in range(MAX_REVIEW_ROUNDS):
        review(call_code=call_code, programme_file=programme_file)
        acted, declared = _simulate_experts(uow, call_code, programme)
        conflicts.extend(declared)
        if not acted:
            break
    with uow:
        arbitrated = [
            a.id
            for a in uow.applications.list(call_code)
            if sum(1 for c in uow.scorecards.for_application(a.id) if c.submitted) > 2
        ]
    return conflicts, arbitrated


def _partners(uow: SqlUnitOfWork, programme: Programme, programme_file: str) -> list[int]:
    """Propose, confirm and sign all but one proposal; close the search at the deadline."""
    deadline = programme.partner_search_deadline
    partnership(call_code=STAGE2, programme_file=programme_file, as_of=deadline - timedelta(days=1))
    with uow:
        proposals = sorted(
            (p for p in uow.partnerships.list() if p.status is PartnershipStatus.PROPOSED),
            key=lambda p: p.application_id,
        )
        confirmed = [p for p in uow.partnerships.list() if p.status is PartnershipStatus.CONFIRMED]
    # The last proposed city and its donor do not agree on the terms in time.
    for proposal in proposals[:-1]:
        confirmed.append(
            partnership_service.confirm_partner(
                uow, proposal.application_id, proposal.donor_code, at=now(), actor=OPERATOR
            )
        )
    for pair in confirmed:
        partnership_service.sign_agreement(
            uow, STAGE2, pair.application_id, at=now(), actor=OPERATOR
        )
    return partnership(call_code=STAGE2, programme_file=programme_file, as_of=deadline)


def run_programme_demo(settings: config.Settings) -> ProgrammeDemoResult:
    """Both stages and the partner search on the demo home's store (after intake)."""
    with lifecycle_uow(settings) as uow:
        with uow:
            outlines = uow.applications.list(STAGE1)
            valid = sum(
                1 for a in outlines if any(s.valid for s in uow.submissions.for_application(a.id))
            )
        programme_file = str(demo_programme_file(settings.home, valid))
        programme = programme_of(programme_file)
        _register_reviewers(uow)

        _formal_check(uow, STAGE1)
        conflicts, arbitrated = _assess(uow, STAGE1, programme_file)
        shortlist = selection(
            call_code=STAGE1, programme_file=programme_file, approve=True, approved_by=COMMITTEE
        )
        promote_shortlisted(uow, STAGE1, STAGE2, at=now(), actor=OPERATOR)

        _formal_check(uow, STAGE2)
        more_conflicts, more_arbitrated = _assess(uow, STAGE2, programme_file)
        ranking = selection(
            call_code=STAGE2, programme_file=programme_file, approve=True, approved_by=COMMITTEE
        )
        returned = _partners(uow, programme, programme_file)
        ledger = ledger_view(uow)
    assert shortlist is not None and ranking is not None  # both calls had assessed applications
    return ProgrammeDemoResult(
        shortlist=shortlist,
        ranking=ranking,
        ledger=ledger,
        conflicts=tuple(conflicts + more_conflicts),
        third_experts=tuple(arbitrated + more_arbitrated),
        returned=tuple(returned),
        programme_file=programme_file,
    )
