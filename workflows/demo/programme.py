"""The demo's programme after intake: both stages, the ledger and the partners, end to end.

Runs on a store where the sample outlines went through intake (``workflows.demo.flow``),
with the people ``samples/demo.yaml`` casts (``workflows.demo.cast``): simulated
experts whose scores are a deterministic function of the city and the
expert, so every run gives the same ranking. What the people do is done
through the same services the CLI calls; what the flows do is done by
running the flows. Along the way the story shows:

- Stage 1: the formal check (a city with a valid version is correct, one
  without is rejected), expert assessment with one expert declaring a
  conflict of interest (replaced) and one divergent pair (a third expert
  arbitrates), shortlisting;
- Stage 2: each shortlisted city submits its proposal, pre-filled from its
  outline and completed with its plans, and a city left off the shortlist
  is refused (``workflows.demo.proposals``); assessment again, ranking,
  funding and a reserve list scaled to the sample by the cast, lump sums
  reserved;
- Stage 3: partners proposed from ``samples/donors.yaml``, confirmed and
  signed (lump sums committed) except for the city the cast names, whose
  lump sum returns when the partner search closes at the deadline.

Every step checks the store first, so running the demo again changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from grantflow import bootstrap, config, resources
from grantflow.domain.assessment import Assignment
from grantflow.domain.errors import ConfigurationError
from grantflow.domain.lifecycle import State
from grantflow.domain.programme import Programme
from grantflow.domain.ranking import Decision, Ranking, ReasonCode
from grantflow.services import (
    lifecycle,
)
from grantflow.services import (
    partnership as partnership_service,
)
from grantflow.services import (
    review as review_service,
)
from grantflow.services.lifecycle import current_version, in_states
from grantflow.services.lifecycle_views import ledger_summary, ledger_view
from grantflow.services.ports.partners import PartnershipStatus
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.validation.demo_file import DemoCast
from workflows.demo import cast as people
from workflows.demo.proposals import ProposalsSubmitted, submit_proposals
from workflows.notifications import reminders
from workflows.partnership import partnership
from workflows.review import review
from workflows.selection import selection

STAGE1, STAGE2 = "stage1-outline", "stage2-proposal"
# The experts declare and score a few days after the review flow assigned them.
EXPERTS_TAKE = timedelta(days=3)


@dataclass(frozen=True)
class ProgrammeDemoResult:
    shortlist: Ranking
    ranking: Ranking
    ledger: dict[str, Any]  # grantflow.services.lifecycle_views.ledger_view
    conflicts: tuple[tuple[int, str], ...]  # (application, reviewer) declared conflicts
    third_experts: tuple[int, ...]  # applications that needed arbitration
    returned: tuple[int, ...]  # funded applications left without a partner
    programme_file: str  # the demo's programme (funding scaled to the sample)
    proposals: ProposalsSubmitted
    # application -> the donor it signed a partnership agreement with
    partners: Mapping[int, str] = field(default_factory=dict)
    # applications whose proposal asked for no partner: no lump sum set aside, none matched
    no_partner_wanted: frozenset[int] = frozenset()
    shortlist_places: int = 0  # the programme's Stage 1 shortlist count

    def shortlist_line(self) -> str:
        """How many shortlist places were filled, and who fell below the pass mark: a
        place stays empty rather than go to an outline under it, so the Stage 2 call
        reminders go to fewer cities than there are places."""
        chosen = [e for e in self.shortlist.entries if e.decision is Decision.SELECTED]
        below = [
            e.proposal.city_name
            for e in self.shortlist.entries
            if e.reason_code is ReasonCode.BELOW_PASS_MARK
        ]
        line = f"Stage 1 shortlist: {len(chosen)} of {self.shortlist_places} places filled"
        return f"{line}; below the pass mark: {', '.join(below)}" if below else line

    def summary_lines(self) -> list[str]:
        """What the demo prints: the Stage 2 proposals, the ranking with each project's
        partner, and ledger totals that reconcile to the cent."""
        lines = [
            "",
            self.shortlist_line(),
            self.proposals.summary_line(),
            "",
            "Stage 2 ranking (score, decision, partnership agreement):",
        ]
        for e in self.ranking.entries:
            partner = self.partners.get(e.application_id)
            if partner is None and e.application_id in self.returned:
                partner = "no partner: lump sum returned"
            elif e.decision is Decision.SELECTED and e.application_id in self.no_partner_wanted:
                partner = "no partner wanted: no lump sum set aside"
            lines.append(
                f"  {e.rank:>2}. {e.proposal.city_name:<26} "
                f"{e.proposal.final_score:>5}  {e.decision!s:<9} {partner or ''}".rstrip()
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
        lines.append(f"Ledger: {ledger_summary(self.ledger)}.")
        return lines


def demo_programme_file(home: Path, cast: DemoCast) -> Path:
    """The reference programme with the shortlist, funding and reserve the cast scales to
    the samples."""
    data = yaml.safe_load((resources.samples() / "programme.yaml").read_text(encoding="utf-8"))
    data.update(cast.programme)
    path = home / "demo-programme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _register_experts(uow: UnitOfWork, cast: DemoCast) -> None:
    at = cast.calendar.at(cast.calendar.experts_registered)
    with uow:
        known = {r.code for r in uow.reviewers.list()}
    for expert in cast.experts:
        if expert.reviewer.code not in known:
            review_service.register_reviewer(uow, expert.reviewer, at=at, actor=cast.operator)


def _formal_check(uow: UnitOfWork, call_code: str, operator: str, at: datetime) -> None:
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
            at=at,
            actor=operator,
            reason="" if has_valid else "no version passes validation",
        )


def _assessed(cities: Mapping[int, str], assessed: set[int], city: str, where: str) -> int:
    """The application of ``city`` (the cast names it at ``where``) among ``assessed``."""
    for application_id, name in cities.items():
        if name == city and application_id in assessed:
            return application_id
    raise ConfigurationError(f"demo.yaml: {where}: {city} is not assessed in this call")


def _simulate_experts(
    uow: UnitOfWork, call_code: str, programme: Programme, cast: DemoCast, at: datetime
) -> tuple[bool, list[tuple[int, str]]]:
    """Every assigned expert declares and scores; (anything done, conflicts declared)."""
    with uow:
        call = {a.id: a for a in uow.applications.list(call_code)}
        city = {a.id: a.city_name for a in in_states(call.values(), State.UNDER_ASSESSMENT)}
        in_call = [a for a in uow.assignments.list() if a.application_id in call]
        cards = {
            (c.application_id, c.reviewer_code): c
            for application_id in city
            for c in uow.scorecards.for_application(application_id)
        }
    if not city:
        return False, []
    # Chosen among the call's assessed applications, so the choice holds in every round:
    # the first expert ever asked about the cast's city knows its mayor, and another
    # city gets a divergent pair of scores.
    script = people.script(cast, call_code)
    assessed = {a.application_id for a in in_call}
    names = {a.id: a.city_name for a in call.values()}
    where = f"assessment.{call_code}"
    known = _assessed(names, assessed, script.conflict_city, f"{where}.conflict_of_interest")
    first = next(a for a in in_call if a.application_id == known)
    divergent = _assessed(names, assessed, script.divergent_city, f"{where}.divergent_pair")
    assignments = [a for a in in_call if a.application_id in city]
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
                at=at,
                reason=script.conflict_reason if conflict else "",
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
            total = people.total(
                cast,
                city[application_id],
                assignment.reviewer_code,
                number,
                application_id == divergent,
            )
            points = people.points(programme, total)
            review_service.score(
                uow,
                application_id,
                assignment.reviewer_code,
                points,
                programme,
                submit=True,
                at=at,
                comments=people.comments(programme, points, script.deduction_comment),
            )
            acted = True
    return acted, conflicts


def _assess(
    uow: UnitOfWork, call_code: str, programme: Programme, programme_file: str, cast: DemoCast
) -> tuple[list[tuple[int, str]], list[int]]:
    """Review flow and experts in turns until nothing is left to do, a round a week (the
    experts act a few days after the flow assigned them); (conflicts, arbitrated)."""
    conflicts: list[tuple[int, str]] = []
    for round_no in range(cast.calendar.review_rounds):
        assigned_at = cast.calendar.assessment(call_code, round_no)
        review(call_code=call_code, programme_file=programme_file, as_of=assigned_at)
        acted, declared = _simulate_experts(
            uow, call_code, programme, cast, assigned_at + EXPERTS_TAKE
        )
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


def _partners(
    uow: UnitOfWork, programme: Programme, programme_file: str, cast: DemoCast
) -> list[int]:
    """Propose, confirm and sign all proposals but the cast's one; close the search at
    the deadline."""
    calendar = cast.calendar
    partnership(
        call_code=STAGE2, programme_file=programme_file, as_of=calendar.at(calendar.partner_search)
    )
    with uow:
        city = {a.id: a.city_name for a in uow.applications.list(STAGE2)}
        proposals = sorted(
            (p for p in uow.partnerships.list() if p.status is PartnershipStatus.PROPOSED),
            key=lambda p: p.application_id,
        )
        confirmed = [p for p in uow.partnerships.list() if p.status is PartnershipStatus.CONFIRMED]
    if proposals and cast.no_agreement not in {city[p.application_id] for p in proposals}:
        raise ConfigurationError(
            f"demo.yaml: partners.no_agreement: {cast.no_agreement} has no partner proposal"
        )
    # The cast's city and its donor do not agree on the terms in time.
    for proposal in proposals:
        if city[proposal.application_id] != cast.no_agreement:
            confirmed.append(
                partnership_service.confirm_partner(
                    uow,
                    proposal.application_id,
                    proposal.donor_code,
                    programme,
                    at=calendar.at(calendar.partners_confirmed),
                    actor=cast.operator,
                )
            )
    for pair in confirmed:
        partnership_service.sign_agreement(
            uow,
            STAGE2,
            pair.application_id,
            programme,
            at=calendar.at(calendar.agreements_signed),
            actor=cast.operator,
            today=calendar.agreements_signed,
        )
    # A week before the deadline, the city still searching is reminded of it.
    reminders(
        programme_file=programme_file,
        as_of=calendar.at(programme.partner_search_deadline - timedelta(days=7)),
    )
    closing = partnership(
        call_code=STAGE2,
        programme_file=programme_file,
        as_of=calendar.at(programme.partner_search_deadline),
    )
    return list(closing.no_partner)


def _stage(
    uow: UnitOfWork, call_code: str, programme: Programme, programme_file: str, cast: DemoCast
) -> tuple[Ranking, list[tuple[int, str]], list[int]]:
    """One call: the formal check, the experts, and the committee approving the ranked list;
    (ranking, conflicts, arbitrated)."""
    calendar = cast.calendar
    first = call_code == STAGE1
    checked_on = calendar.stage1_formal_check if first else calendar.stage2_formal_check
    _formal_check(uow, call_code, cast.operator, calendar.at(checked_on))
    conflicts, arbitrated = _assess(uow, call_code, programme, programme_file, cast)
    selected_on = calendar.stage1_selection if first else calendar.stage2_selection
    ranking = selection(
        call_code=call_code,
        programme_file=programme_file,
        approve=True,
        approved_by=cast.committee,
        as_of=calendar.at(selected_on),
    )
    assert ranking is not None, f"{call_code} had assessed applications"
    return ranking, conflicts, arbitrated


def run_programme_demo(settings: config.Settings, cast: DemoCast) -> ProgrammeDemoResult:
    """Both stages and the partner search on the demo home's store (after intake)."""
    programme_file = str(demo_programme_file(settings.home, cast))
    with bootstrap.build(settings=settings, programme_file=programme_file) as wired:
        uow, programme = wired.unit_of_work(), wired.programme
        _register_experts(uow, cast)

        shortlist, conflicts, arbitrated = _stage(uow, STAGE1, programme, programme_file, cast)
        # The shortlisted cities are reminded of the Stage 2 deadline before they submit.
        reminders(
            programme_file=programme_file,
            as_of=cast.calendar.at(cast.calendar.proposals_submitted),
        )
        proposals = submit_proposals(settings, uow, programme, programme_file, STAGE2, cast)
        ranking, more_conflicts, more_arbitrated = _stage(
            uow, STAGE2, programme, programme_file, cast
        )
        returned = _partners(uow, programme, programme_file, cast)
        ledger = ledger_view(uow)
        with uow:
            partners = {
                p.application_id: uow.donors.get(p.donor_code).name
                for p in uow.partnerships.list()
                if p.status is PartnershipStatus.SIGNED
            }
            outlines = {
                e.application_id: current_version(uow, e.application_id).outline
                for e in ranking.entries
            }
            no_partner_wanted = frozenset(
                a
                for a, outline in outlines.items()
                if outline is not None and not outline.wants_partner
            )
    return ProgrammeDemoResult(
        shortlist=shortlist,
        ranking=ranking,
        ledger=ledger,
        conflicts=tuple(conflicts + more_conflicts),
        third_experts=tuple(arbitrated + more_arbitrated),
        returned=tuple(returned),
        programme_file=programme_file,
        partners=partners,
        proposals=proposals,
        no_partner_wanted=no_partner_wanted,
        shortlist_places=programme.shortlist_count,
    )
