"""Rankings over one SQLAlchemy session."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from grantflow.adapters.store.models.selection import RankingRow
from grantflow.adapters.store.repositories.base import WriterLock, flush_or_conflict
from grantflow.domain.ranking import Decision, Proposal, RankedProposal, Ranking


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
    return RankedProposal(
        proposal, data["rank"], Decision(data["decision"]), data["reason"], data["justification"]
    )
