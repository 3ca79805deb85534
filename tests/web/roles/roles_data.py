"""The reviewer's, operator's and donor's test cast: a Stage 1 call under assessment.

Krasnystaw and Wałbrzych submitted their sample outlines on 3 June 2019 (Stage 1 is
open from 15 May to 30 September 2019); the operator found both formally
correct, and on 21 October 2019 the review flow gave each two of the three
experts, by load and code: Anna Nowak (R01) both, Bjørn Hansen (R02) Krasnystaw,
Ewa Łukasik (R03) Wałbrzych. Each expert has a portal account.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from grantflow import bootstrap, checking, resources
from grantflow.domain.accounts import Binding
from grantflow.domain.assessment import Reviewer
from grantflow.services import donor_pool, intake, lifecycle, review, selection
from grantflow.services.accounts import add_user
from grantflow.validation.donors_file import load_donors
from grantflow.validation.outline import validate_outline
from tests.unit.factories import STAGE1, add_submitted, chelm_workbook, reference_programme
from tests.web.portal_data import PASSWORD, wiring_at

SUBMITTED_AT = datetime(2019, 6, 3, 10, 0, tzinfo=UTC)
REVIEW_DAY = datetime(2019, 10, 21, 10, 0, tzinfo=UTC)
CALL = "stage1-outline"

# code, name, e-mail
ANNA = ("R01", "Anna Nowak", "anna.nowak@eksperci.pl")
BJORN = ("R02", "Bjørn Hansen", "bjorn.hansen@eksperter.no")
EWA = ("R03", "Ewa Łukasik", "ewa.lukasik@eksperci.pl")
EXPERTS = (ANNA, BJORN, EWA)
OPERATOR = "operator@eog.example.pl"  # not the city cast's: both casts may share a home
CITIES = {"Krasnystaw": "krasnystaw.xlsx", "Wałbrzych": "walbrzych.xlsx"}


def add_account(wiring: bootstrap.Wiring, email: str, binding: Binding, language: str) -> None:
    add_user(
        wiring.unit_of_work(),
        wiring.passwords,
        email=email,
        binding=binding,
        password=PASSWORD,
        language=language,
        at=wiring.clock.now(),
        actor="test",
    )


def call_under_assessment(home: Path) -> dict[str, int]:
    """Make the cast in ``home``; the application ids by city."""
    with wiring_at(home, SUBMITTED_AT) as wiring:
        wiring.migrate()
    ids = {city: submit_sample(home, sample) for city, sample in CITIES.items()}
    with wiring_at(home, REVIEW_DAY) as wiring:
        found_correct(wiring, ids.values(), at=REVIEW_DAY)
        for code, name, email in EXPERTS:
            review.register_reviewer(
                wiring.unit_of_work(),
                Reviewer(code, name, frozenset({"pl", "en"})),
                at=REVIEW_DAY,
                actor="operator:test",
            )
            add_account(wiring, email, Binding("reviewer", reviewer=code), "pl")
        add_account(wiring, OPERATOR, Binding("operator"), "pl")
        review.reconcile_assessment(
            wiring.unit_of_work(), CALL, wiring.programme, at=REVIEW_DAY, actor="operator:test"
        )
    return ids


def found_correct(wiring: bootstrap.Wiring, ids: Iterable[int], *, at: datetime) -> None:
    """The operator's formal check finds each application correct."""
    for application_id in ids:
        lifecycle.formal_check(
            wiring.unit_of_work(), application_id, correct=True, at=at, actor=f"operator:{OPERATOR}"
        )


def submit_sample(home: Path, sample: str) -> int:
    """A sample outline submitted through the intake on the day Krasnystaw's was; its id."""
    with wiring_at(home, SUBMITTED_AT) as wiring:
        path = resources.samples() / "outlines" / sample
        read, result = checking.check_file(path, wiring.programme, CALL)
        assert read.content is not None and result.report.valid, sample
        outcome = intake.submit(
            wiring.unit_of_work(),
            wiring.files,
            intake.Upload(
                call_code=CALL,
                stage=1,
                file_name=sample,
                content=read.content,
                result=result,
                applicant=intake.identify(result),
                submitted_by="test",
            ),
            at=SUBMITTED_AT,
        )
    assert outcome.application_id is not None
    return outcome.application_id


# code, municipality, e-mail of the donor municipalities' accounts
BODO = ("NO-1804", "Bodø kommune", "postmottak@bodo.kommune.no")
TROMSO = ("NO-5501", "Tromsø kommune", "postmottak@tromso.kommune.no")


def add_donor_accounts(home: Path, language: str = "nb") -> None:
    """Bodø's and Tromsø's accounts (their interest is theirs to register)."""
    with wiring_at(home, REVIEW_DAY) as wiring:
        wiring.migrate()
        for code, _, email in (BODO, TROMSO):
            add_account(wiring, email, Binding("donor", donor=code), language)


# Stage 2: complete proposals submitted by 30 October 2020, assessed and decided by the
# committee in January 2021; agreements signed in June 2021 (the search closes at the end
# of 2021).
STAGE2 = "stage2-proposal"
PROPOSED_AT = datetime(2020, 10, 28, 10, 0, tzinfo=UTC)
DECIDED_AT = datetime(2021, 1, 27, 10, 0, tzinfo=UTC)
SIGNING_DAY = datetime(2021, 6, 14, 10, 0, tzinfo=UTC)
# Chełm's and Konin's proposals (Chełm's own workbook, Konin's with its name and TERYT):
# both ask for a Norwegian partner in environment and energy through knowledge exchange.
PROPOSALS = {"Chełm": "0662011", "Konin": "3062011"}


def submit_proposals(home: Path, proposals: dict[str, str] = PROPOSALS) -> dict[str, int]:
    """Stage 2 proposals (Chełm's and Konin's unless ``proposals`` names other cities by
    TERYT), submitted and waiting for the formal check."""
    with wiring_at(home, PROPOSED_AT) as wiring:
        wiring.migrate()
        chelm = validate_outline(chelm_workbook(), reference_programme(), STAGE1).outline
        assert chelm is not None
        ids = {}
        with wiring.unit_of_work() as uow:
            for number, (city, teryt) in enumerate(proposals.items()):
                outline = dataclasses.replace(chelm, city_name=city, teryt=teryt)
                at = PROPOSED_AT - timedelta(days=number)
                ids[city] = add_submitted(uow, STAGE2, city, teryt, outline, by="test", at=at).id
            uow.commit()
    return ids


def proposals_selected(home: Path, proposals: dict[str, str] = PROPOSALS) -> dict[str, int]:
    """The proposals submitted, found formally correct and selected for funding, and the
    sample pool of donor municipalities registered (as ``grantflow partners propose``
    does); nobody searched for partners yet. The application ids by city."""
    ids = submit_proposals(home, proposals)
    with wiring_at(home, DECIDED_AT) as wiring:
        found_correct(wiring, ids.values(), at=DECIDED_AT)
        donor_pool.register_donors(
            wiring.unit_of_work(), load_donors(), at=DECIDED_AT, actor="operator:test"
        )
    select_proposals(home, ids)
    return ids


def select_proposals(home: Path, ids: dict[str, int]) -> None:
    """The experts' and the committee's steps on formally correct proposals: each assigned
    expert declares no conflict and submits 80 points, and the committee approves the
    ranking as proposed (every proposal is selected, its lump sum reserved)."""
    with wiring_at(home, DECIDED_AT) as wiring:
        programme = wiring.programme
        review.reconcile_assessment(
            wiring.unit_of_work(), STAGE2, programme, at=DECIDED_AT, actor="flow:review"
        )
        with wiring.unit_of_work() as uow:
            assigned = [a for a in uow.assignments.list() if a.application_id in ids.values()]
        for assignment in assigned:
            review.declare(
                wiring.unit_of_work(),
                assignment.application_id,
                assignment.reviewer_code,
                conflict=False,
                at=DECIDED_AT,
            )
            scale = Decimal(80) / programme.max_score
            points = {
                c.code: (c.max_points * scale).to_integral_value() for c in programme.criteria
            }
            review.score(
                wiring.unit_of_work(),
                assignment.application_id,
                assignment.reviewer_code,
                points,
                programme,
                submit=True,
                at=DECIDED_AT,
                comments=DEDUCTIONS,
            )
        review.reconcile_assessment(
            wiring.unit_of_work(), STAGE2, programme, at=DECIDED_AT, actor="flow:review"
        )
        selection.propose_ranking(
            wiring.unit_of_work(), STAGE2, programme, at=DECIDED_AT, actor="flow:selection"
        )
        selection.approve_ranking(
            wiring.unit_of_work(), STAGE2, [], at=DECIDED_AT, actor="committee:komisja"
        )


SCORED_DAY = datetime(2019, 11, 4, 10, 0, tzinfo=UTC)
# The experts' points (relevance, plan_quality, feasibility, partnership, budget) by city:
# Krasnystaw ranks first, Wałbrzych second; both above the pass mark.
SCORES = {"Krasnystaw": (27, 22, 18, 13, 9), "Wałbrzych": (24, 20, 15, 12, 8)}
# Every criterion is below its maximum, so each has its comment; one holds markup.
DEDUCTIONS = {
    "relevance": "Diagnoza bez danych o seniorach.",
    "plan_quality": "Brak wskaźników <b>rezultatu</b>.",
    "feasibility": "Zespół liczy dwie osoby.",
    "partnership": "Rola partnera z Bodø opisana ogólnie.",
    "budget": "Koszty promocji zawyżone.",
}


def call_assessed(home: Path) -> dict[str, int]:
    """The cast's call with both outlines scored by their two experts (with comments),
    assessed and ranked (not yet approved); the application ids by city."""
    ids = call_under_assessment(home)
    with wiring_at(home, SCORED_DAY) as wiring:
        programme = wiring.programme
        uow = wiring.unit_of_work()
        with uow:
            assignments = uow.assignments.list()
        for city, application_id in ids.items():
            points = dict(
                zip((c.code for c in programme.criteria), map(Decimal, SCORES[city]), strict=True)
            )
            for assignment in (a for a in assignments if a.application_id == application_id):
                review.declare(
                    uow, application_id, assignment.reviewer_code, conflict=False, at=SCORED_DAY
                )
                review.score(
                    uow,
                    application_id,
                    assignment.reviewer_code,
                    points,
                    programme,
                    submit=True,
                    at=SCORED_DAY,
                    comments=DEDUCTIONS,
                )
        review.reconcile_assessment(uow, CALL, programme, at=SCORED_DAY, actor="system:review")
        selection.propose_ranking(uow, CALL, programme, at=SCORED_DAY, actor="operator:test")
    return ids
