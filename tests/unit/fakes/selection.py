"""In-memory rankings."""

from __future__ import annotations

from grantflow.domain.ranking import Ranking
from tests.unit.fakes.tables import Tables


class FakeRankings:
    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def get(self, call_code: str) -> Ranking | None:
        return self._t.rankings.get(call_code)

    def save(self, call_code: str, ranking: Ranking) -> None:
        self._t.rankings[call_code] = ranking
