"""Ranking and selection (SPEC section 5): who is funded, who waits, who is not.

The tie rule, in order: the higher final score; then the higher mean score on
the programme's first criterion (the one the programme weighs first); then
the earlier submission of the final version; then the TERYT code, so two
rankings of the same data are always identical.

Walking down the ranking: a proposal under the pass mark is rejected; the
next ones are selected while fewer than N are selected and their grant fits
the allocation still free. A proposal whose grant does not fit is skipped,
not funded partially: it goes to the reserve list (it is the best candidate
should money free up) and the walk goes on with the next proposal, whose
smaller grant may fit. Once N are selected, the next M passing proposals
form the reserve list in rank order; the rest are rejected.

The same rule shortlists Stage 1 outlines: there is no allocation then
(``allocation_eur=None``) and ``selected`` reads "shortlisted".

The committee may change any decision with a recorded justification, as long
as the selected grants still fit the allocation. A selected city that
withdraws lets the first reserve whose grant fits the freed money move up.

Every entry says why it got its decision twice: ``reason_code``, a stable
``ReasonCode`` a decision letter words in its own language, and ``reason``,
the same in English with its figures for the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from grantflow.domain.errors import GrantflowError, NotFound


class SelectionError(GrantflowError):
    """A selection step that would break the programme's rules."""


class JustificationRequired(SelectionError):
    """The committee changed the proposed ranking without saying why."""


class RankingDecided(SelectionError):
    """A change to an application the committee has decided otherwise already."""


class Decision(StrEnum):
    SELECTED = "selected"  # funded (Stage 2) or shortlisted (Stage 1)
    RESERVE = "reserve"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class ReasonCode(StrEnum):
    """Why an entry got its decision: the rule of the walk, or what happened since."""

    WITHIN_SELECTED_COUNT = "within_selected_count"  # among the first N (and, given, fits)
    OUTSIDE_ALLOCATION = "outside_allocation"  # reserve: the grant does not fit what is left
    RESERVE_LIST = "reserve_list"  # reserve: one of the next M after the N selected
    BELOW_PASS_MARK = "below_pass_mark"  # noqa: S105 - the programme's pass mark, not a secret
    BELOW_RESERVE_LIST = "below_reserve_list"  # rejected: past the selected and reserve places
    COMMITTEE_CHANGE = "committee_change"  # the committee's justification says why
    MOVED_UP = "moved_up"  # from the reserve list, after a selected city withdrew
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Proposal:
    application_id: int
    teryt: str
    city_name: str
    final_score: Decimal
    first_criterion: Decimal  # mean points on the programme's first criterion
    submitted_at: datetime  # of the version that was assessed
    grant_eur: Decimal


@dataclass(frozen=True)
class RankedProposal:
    proposal: Proposal
    rank: int  # 1 = best
    decision: Decision
    reason_code: ReasonCode
    reason: str  # the reason in English with its figures (the audit trail's)
    justification: str = ""  # the committee's, when it changed the proposed decision

    @property
    def application_id(self) -> int:
        return self.proposal.application_id


@dataclass(frozen=True)
class Ranking:
    entries: tuple[RankedProposal, ...]  # in rank order
    allocation_eur: Decimal | None

    def _with(self, decision: Decision) -> tuple[RankedProposal, ...]:
        return tuple(e for e in self.entries if e.decision is decision)

    @property
    def selected(self) -> tuple[RankedProposal, ...]:
        return self._with(Decision.SELECTED)

    @property
    def reserve(self) -> tuple[RankedProposal, ...]:
        return self._with(Decision.RESERVE)

    @property
    def rejected(self) -> tuple[RankedProposal, ...]:
        return self._with(Decision.REJECTED)

    @property
    def allocated_eur(self) -> Decimal:
        return sum((e.proposal.grant_eur for e in self.selected), Decimal(0))

    @property
    def remaining_eur(self) -> Decimal | None:
        return None if self.allocation_eur is None else self.allocation_eur - self.allocated_eur

    def entry(self, application_id: int) -> RankedProposal:
        for entry in self.entries:
            if entry.application_id == application_id:
                return entry
        raise NotFound(f"application {application_id} is not in the ranking")

    def fits(self, grant: Decimal) -> bool:
        remaining = self.remaining_eur
        return remaining is None or grant <= remaining

    def with_entry(self, changed: RankedProposal) -> Ranking:
        entries = tuple(
            changed if e.application_id == changed.application_id else e for e in self.entries
        )
        return replace(self, entries=entries)


def rank_key(proposal: Proposal) -> tuple[Decimal, Decimal, datetime, str]:
    """The documented tie rule as a sort key (ascending = better first)."""
    return (-proposal.final_score, -proposal.first_criterion, proposal.submitted_at, proposal.teryt)


def rank(
    proposals: Iterable[Proposal],
    *,
    selected_count: int,
    reserve_count: int,
    pass_mark: Decimal | int,
    allocation_eur: Decimal | None,
) -> Ranking:
    """The proposed ranking the committee approves or changes (see the module docstring)."""
    entries: list[RankedProposal] = []
    remaining = allocation_eur
    selected = reserved = 0
    for position, proposal in enumerate(sorted(proposals, key=rank_key), start=1):
        fits = remaining is None or proposal.grant_eur <= remaining
        if proposal.final_score < pass_mark:
            decision, code = Decision.REJECTED, ReasonCode.BELOW_PASS_MARK
            reason = f"below the pass mark of {pass_mark}"
        elif selected < selected_count and fits:
            decision, code = Decision.SELECTED, ReasonCode.WITHIN_SELECTED_COUNT
            reason = f"within the first {selected_count}"
            selected += 1
            if remaining is not None:
                remaining -= proposal.grant_eur
        elif reserved < reserve_count and selected < selected_count:
            decision, code = Decision.RESERVE, ReasonCode.OUTSIDE_ALLOCATION
            reason = f"grant does not fit the remaining allocation of EUR {remaining}"
            reserved += 1
        elif reserved < reserve_count:
            decision, code, reason = Decision.RESERVE, ReasonCode.RESERVE_LIST, "reserve list"
            reserved += 1
        else:
            decision, code = Decision.REJECTED, ReasonCode.BELOW_RESERVE_LIST
            reason = "below the selected and reserve places"
        entries.append(RankedProposal(proposal, position, decision, code, reason))
    return Ranking(tuple(entries), allocation_eur)


@dataclass(frozen=True)
class CommitteeChange:
    application_id: int
    decision: Decision
    justification: str


def apply_committee_changes(ranking: Ranking, changes: Sequence[CommitteeChange]) -> Ranking:
    """The ranking with the committee's changes; each needs a justification.

    Refused as a whole (nothing applied) when a justification is blank, when a
    change withdraws a city (only the city can) or when the selected grants
    would exceed the allocation.
    """
    for change in changes:
        if not change.justification.strip():
            raise JustificationRequired(
                f"changing application {change.application_id} to '{change.decision}' "
                "needs the committee's justification"
            )
        if change.decision is Decision.WITHDRAWN:
            raise SelectionError("only the city can withdraw its application")
    changed = ranking
    for change in changes:
        entry = changed.entry(change.application_id)
        changed = changed.with_entry(
            replace(
                entry,
                decision=change.decision,
                reason_code=ReasonCode.COMMITTEE_CHANGE,
                reason=f"committee: {entry.decision} -> {change.decision}",
                justification=change.justification.strip(),
            )
        )
    remaining = changed.remaining_eur
    if remaining is not None and remaining < 0:
        raise SelectionError(
            f"the selected grants (EUR {changed.allocated_eur}) exceed the allocation "
            f"of EUR {changed.allocation_eur}"
        )
    return changed


@dataclass(frozen=True)
class Withdrawal:
    ranking: Ranking
    promoted: int | None  # the reserve application that moved up, if any


def withdraw(ranking: Ranking, application_id: int) -> Withdrawal:
    """A city withdraws; if it was selected, the first reserve that fits moves up."""
    entry = ranking.entry(application_id)
    if entry.decision not in (Decision.SELECTED, Decision.RESERVE):
        raise SelectionError(
            f"application {application_id} is '{entry.decision}': only a selected or "
            "reserve application can withdraw from the ranking"
        )
    after = ranking.with_entry(
        replace(
            entry,
            decision=Decision.WITHDRAWN,
            reason_code=ReasonCode.WITHDRAWN,
            reason="withdrawn",
        )
    )
    if entry.decision is not Decision.SELECTED:
        return Withdrawal(after, None)
    for candidate in after.reserve:
        if after.fits(candidate.proposal.grant_eur):
            moved = replace(
                candidate,
                decision=Decision.SELECTED,
                reason_code=ReasonCode.MOVED_UP,
                reason=f"moved up from the reserve list: application {application_id} withdrew",
            )
            return Withdrawal(after.with_entry(moved), candidate.application_id)
    return Withdrawal(after, None)
