"""Partner matching (SPEC section 7): score city-donor pairs, propose the best assignment.

A pair's score: ``theme`` points per theme both name, ``form`` points per form
of involvement the donor offers and the city asks for, and ``country``
points when the donor is in the city's preferred country ("any" or no
preference earns nothing either way). A pair without a shared theme scores
0 whatever else matches: the SPEC asks for a partner matching the city's
priorities, and a pair scored 0 is never proposed.

The assignment maximises the total score, each donor taking at most its
remaining capacity. The optimisation itself is behind the
:class:`AssignmentSolver` port (``grantflow.adapters.assignment`` uses
scipy): this module expands each donor into one column per free place, so
the solver sees a plain rectangular assignment problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from grantflow.domain.outline import Outline
from grantflow.domain.partners import DonorMunicipality

NO_PREFERENCE = "any"


@dataclass(frozen=True)
class CityNeeds:
    """What a funded city asks of a partner (the outline's Partnership sheet)."""

    application_id: int
    teryt: str
    city_name: str
    themes: tuple[str, ...]
    involvement_forms: tuple[str, ...]
    preferred_country: str | None  # "NO", "IS", "any" or None

    @classmethod
    def from_outline(cls, application_id: int, outline: Outline) -> CityNeeds:
        """Partner themes when the city named them, else the project's own themes."""
        return cls(
            application_id=application_id,
            teryt=outline.teryt,
            city_name=outline.city_name,
            themes=outline.partner_themes or outline.themes,
            involvement_forms=outline.involvement_forms,
            preferred_country=outline.preferred_country,
        )


@dataclass(frozen=True)
class MatchWeights:
    theme: int = 3
    form: int = 2
    country: int = 1


@dataclass(frozen=True)
class PairScore:
    city: CityNeeds
    donor: DonorMunicipality
    matched_themes: tuple[str, ...]  # in the city's order
    matched_forms: tuple[str, ...]
    preferred_country: bool
    score: int

    def explanation(self) -> str:
        """Why this pair (English; documents render the same facts in their language)."""
        if not self.matched_themes:
            return f"{self.city.city_name} – {self.donor.name}: no shared theme"
        parts = [f"shared themes: {', '.join(self.matched_themes)}"]
        if self.matched_forms:
            parts.append(f"forms of involvement: {', '.join(self.matched_forms)}")
        if self.preferred_country:
            parts.append(f"preferred country {self.donor.country}")
        return (
            f"{self.city.city_name} – {self.donor.name} ({self.donor.country}): "
            f"{'; '.join(parts)}; score {self.score}"
        )


def score_pair(
    city: CityNeeds, donor: DonorMunicipality, weights: MatchWeights = MatchWeights()
) -> PairScore:
    themes = tuple(t for t in city.themes if t in donor.themes)
    forms = tuple(f for f in city.involvement_forms if f in donor.involvement_forms)
    preferred = city.preferred_country not in (None, NO_PREFERENCE) and (
        city.preferred_country == donor.country
    )
    score = (
        weights.theme * len(themes) + weights.form * len(forms) + weights.country * preferred
        if themes
        else 0
    )
    return PairScore(city, donor, themes, forms, preferred, score)


class AssignmentSolver(Protocol):
    def maximise(self, scores: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
        """(row, column) pairs, each row and column used at most once, maximising the sum.

        ``scores`` is rectangular (any shape, possibly with no columns).
        """
        ...


def remaining_capacity(
    donors: Sequence[DonorMunicipality], taken: Mapping[str, int]
) -> dict[str, int]:
    """Free places per donor code, given partnerships already confirmed per donor."""
    return {d.code: max(0, d.capacity - taken.get(d.code, 0)) for d in donors}


def propose_matches(
    cities: Sequence[CityNeeds],
    donors: Sequence[DonorMunicipality],
    solver: AssignmentSolver,
    *,
    taken: Mapping[str, int] | None = None,
    weights: MatchWeights = MatchWeights(),
) -> tuple[PairScore, ...]:
    """The proposed pairs maximising the total score within the donors' free places.

    Cities left out had no donor with a shared theme and a free place. The
    result is ordered by city TERYT, so the same inputs read the same way.
    """
    free = remaining_capacity(donors, taken or {})
    slots = [donor for donor in donors for _ in range(free[donor.code])]
    matrix = [[score_pair(city, donor, weights).score for donor in slots] for city in cities]
    proposals = [
        score_pair(cities[row], slots[column], weights)
        for row, column in solver.maximise(matrix)
        if matrix[row][column] > 0
    ]
    return tuple(sorted(proposals, key=lambda p: p.city.teryt))
