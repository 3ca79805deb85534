"""The Stage 1 shortlist size: from the programme file (about 50 in the reference programme),
used when the operator gives no count of their own."""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import yaml

from grantflow import resources
from grantflow.domain.assessment import Reviewer
from grantflow.domain.errors import ConfigurationError
from grantflow.domain.programme import DEFAULT_SHORTLIST_COUNT, Programme
from grantflow.domain.ranking import Decision
from grantflow.services import lifecycle, review, selection
from grantflow.validation.programme_file import load_programme, parse_programme
from tests.unit.factories import STAGE1, add_submitted, deduction_comments, reference_programme
from tests.unit.fakes.unit_of_work import FakeUnitOfWork
from tests.unit.test_lifecycle_services import AT, OPERATOR, outline_of

# City, TERYT, points per criterion of both experts (relevance, quality, partnership,
# sustainability of the test programme): Zamość scores highest, Konin lowest.
OUTLINES = (
    ("Chełm", "0662011", (24, 24, 16, 16)),
    ("Zamość", "0664011", (27, 27, 18, 18)),
    ("Konin", "3062011", (20, 20, 13, 13)),
)


@pytest.fixture(scope="module")
def reference_data() -> dict[str, Any]:
    text = (resources.samples() / "programme.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def assessed_outlines(programme: Programme) -> FakeUnitOfWork:
    """Three Stage 1 outlines, each scored alike by its two experts."""
    uow = FakeUnitOfWork()
    with uow:
        for number, (city, teryt, _) in enumerate(OUTLINES):
            at = AT - timedelta(days=number)
            add_submitted(uow, STAGE1, city, teryt, outline_of(city, teryt), by=city, at=at)
        uow.commit()
    for code in ("R01", "R02"):
        reviewer = Reviewer(code, f"Ekspertka {code}", frozenset({"pl"}), frozenset())
        review.register_reviewer(uow, reviewer, at=AT, actor=OPERATOR)
    for application_id in (1, 2, 3):
        lifecycle.formal_check(uow, application_id, correct=True, at=AT, actor=OPERATOR)
    round_ = review.reconcile_assessment(uow, STAGE1, programme, at=AT, actor="flow:review")
    codes = [c.code for c in programme.criteria]
    for assignment in round_.assigned:
        review.declare(
            uow, assignment.application_id, assignment.reviewer_code, conflict=False, at=AT
        )
        values = OUTLINES[assignment.application_id - 1][2]
        points = {code: Decimal(v) for code, v in zip(codes, values, strict=True)}
        review.score(
            uow,
            assignment.application_id,
            assignment.reviewer_code,
            points,
            programme,
            submit=True,
            at=AT,
            comments=deduction_comments(programme),
        )
    review.reconcile_assessment(uow, STAGE1, programme, at=AT, actor="flow:review")
    return uow


def shortlisted(programme: Programme, count: int | None = None) -> list[str]:
    uow = assessed_outlines(programme)
    ranking = selection.propose_ranking(
        uow, STAGE1, programme, at=AT, actor=OPERATOR, selected_count=count
    )
    return [e.proposal.city_name for e in ranking.entries if e.decision is Decision.SELECTED]


class TestTheShortlistSize:
    def test_the_reference_programme_shortlists_fifty_outlines(self) -> None:
        assert load_programme().shortlist_count == 50

    def test_a_programme_file_without_it_gets_the_default(
        self, reference_data: dict[str, Any]
    ) -> None:
        data = copy.deepcopy(reference_data)
        del data["shortlist_count"]
        assert parse_programme(data).shortlist_count == DEFAULT_SHORTLIST_COUNT == 50

    def test_a_shortlist_of_nobody_is_refused_naming_the_key(
        self, reference_data: dict[str, Any]
    ) -> None:
        data = copy.deepcopy(reference_data)
        data["shortlist_count"] = 0
        with pytest.raises(ConfigurationError, match="shortlist_count"):
            parse_programme(data)

    def test_stage_1_shortlists_the_programmes_count_by_default(self) -> None:
        programme = reference_programme(shortlist_count=2, funded_count=1)
        assert shortlisted(programme) == ["Zamość", "Chełm"]

    def test_an_explicit_count_wins_over_the_programmes(self) -> None:
        programme = reference_programme(shortlist_count=2)
        assert shortlisted(programme, count=1) == ["Zamość"]
