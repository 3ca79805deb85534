"""The assignment solver behind ``grantflow.domain.matching.AssignmentSolver``: scipy.

``scipy.optimize.linear_sum_assignment`` solves the rectangular assignment
problem exactly (a modified Jonker-Volgenant algorithm), so partner matching
needs no hand-written search.
"""

from __future__ import annotations

from collections.abc import Sequence

from scipy.optimize import linear_sum_assignment

from grantflow.domain.errors import GrantflowError


class ScipyAssignmentSolver:
    def maximise(self, scores: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
        if not scores or not scores[0]:
            return []
        try:
            rows, columns = linear_sum_assignment(scores, maximize=True)
        except ValueError as exc:  # ragged or non-numeric input: a programming error upstream
            raise GrantflowError(f"the assignment problem is malformed: {exc}") from exc
        return [(int(r), int(c)) for r, c in zip(rows, columns, strict=True)]
