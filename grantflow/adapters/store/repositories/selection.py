"""Rankings over one SQLAlchemy session.

A ranking is one row whose entries are a JSON list. Entries stored before
the domain gave reason codes carry only the English reason; their code is
read back from it (``_LEGACY_REASONS``), so no migration rewrites them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from grantflow.adapters.store.models.selection import RankingRow
from grantflow.adapters.store.repositories.base import WriterLock, flush_or_conflict
from grantflow.domain.ranking import Decision, Proposal, RankedProposal, Ranking, ReasonCode


class SqlRankingRepository:
    def __init__(self, session: Session, writer: WriterLock) -> None:
        self._session = session
        self._writer = writer

    def get(self, call_code: str) -> Ranking | None:
        row = self._session.get(RankingRow, call_code)
        if row is None:
            return None
        return Ranking(tuple(_ranked(e) for e in row.entries), row.allocation_eur)

    def save(self, call_code: str, ranking: Ranking) -> None:
        self._writer.claim()
        entries = [_ranked_json(e) for e in ranking.entries]
        row = self._session.get(RankingRow, call_code)
        if row is None:
            self._session.add(
                RankingRow(
                    call_code=call_code, allocation_eur=ranking.allocation_eur, entries=entries
                )
            )
        else:
            row.allocation_eur = ranking.allocation_eur
            row.entries = entries
        flush_or_conflict(self._session, f"the ranking of {call_code}")


def _ranked_json(entry: RankedProposal) -> dict[str, Any]:
    p = entry.proposal
    return {
        "application_id": p.application_id,
        "teryt": p.teryt,
        "city_name": p.city_name,
        "final_score": str(p.final_score),
        "first_criterion": str(p.first_criterion),
        "submitted_at": p.submitted_at.isoformat(),
        "grant_eur": str(p.grant_eur),
        "rank": entry.rank,
        "decision": str(entry.decision),
        "reason_code": str(entry.reason_code),
        "reason": entry.reason,
        "justification": entry.justification,
    }


def _ranked(data: dict[str, Any]) -> RankedProposal:
    proposal = Proposal(
        application_id=data["application_id"],
        teryt=data["teryt"],
        city_name=data["city_name"],
        final_score=Decimal(data["final_score"]),
        first_criterion=Decimal(data["first_criterion"]),
        submitted_at=datetime.fromisoformat(data["submitted_at"]),
        grant_eur=Decimal(data["grant_eur"]),
    )
    decision = Decision(data["decision"])
    code = data.get("reason_code")
    return RankedProposal(
        proposal,
        rank=data["rank"],
        decision=decision,
        reason_code=_legacy_code(decision, data["reason"]) if code is None else ReasonCode(code),
        reason=data["reason"],
        justification=data["justification"],
    )


# The start of each English reason ``grantflow.domain.ranking`` wrote before it
# gave codes, with the code it stands for.
_LEGACY_REASONS = (
    ("below the pass mark", ReasonCode.BELOW_PASS_MARK),
    ("within the first", ReasonCode.WITHIN_SELECTED_COUNT),
    ("grant does not fit", ReasonCode.OUTSIDE_ALLOCATION),
    ("reserve list", ReasonCode.RESERVE_LIST),
    ("below the selected and reserve places", ReasonCode.BELOW_RESERVE_LIST),
    ("committee:", ReasonCode.COMMITTEE_CHANGE),
    ("moved up from the reserve list", ReasonCode.MOVED_UP),
    ("withdrawn", ReasonCode.WITHDRAWN),
)
# Any other text (none is known): what the decision says by itself.
_BY_DECISION = {
    Decision.SELECTED: ReasonCode.WITHIN_SELECTED_COUNT,
    Decision.RESERVE: ReasonCode.RESERVE_LIST,
    Decision.REJECTED: ReasonCode.BELOW_RESERVE_LIST,
    Decision.WITHDRAWN: ReasonCode.WITHDRAWN,
}


def _legacy_code(decision: Decision, reason: str) -> ReasonCode:
    for start, code in _LEGACY_REASONS:
        if reason.startswith(start):
            return code
    return _BY_DECISION[decision]
