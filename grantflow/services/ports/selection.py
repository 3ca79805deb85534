"""Each call's ranking, as proposed and as the committee approved it."""

from __future__ import annotations

from typing import Protocol

from grantflow.domain.ranking import Ranking


class RankingRepository(Protocol):
    def get(self, call_code: str) -> Ranking | None: ...

    def save(self, call_code: str, ranking: Ranking) -> None:
        """Replace the call's ranking (its history is in the audit log)."""
        ...
