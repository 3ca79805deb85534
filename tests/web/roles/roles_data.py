"""The reviewer's, operator's and donor's test cast: a Stage 1 call under assessment.

Chełm and Zamość submitted their sample outlines on 3 June 2019 (Stage 1 is
open from 15 May to 30 September 2019); the operator found both formally
correct, and on 21 October 2019 the review flow gave each two of the three
experts, by load and code: Anna Nowak (R01) both, Bjørn Hansen (R02) Chełm,
Ewa Łukasik (R03) Zamość. Each expert has a portal account.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from grantflow import bootstrap, checking, config, resources
from grantflow.domain.accounts import Binding
from grantflow.domain.assessment import Reviewer
from grantflow.services import intake, lifecycle, review
from grantflow.services.accounts import add_user

SUBMITTED_AT = datetime(2019, 6, 3, 10, 0, tzinfo=UTC)
REVIEW_DAY = datetime(2019, 10, 21, 10, 0, tzinfo=UTC)
CALL = "stage1-outline"
PASSWORD = "Ratusz-Rynek-1-2019"

# code, name, e-mail
ANNA = ("R01", "Anna Nowak", "anna.nowak@eksperci.pl")
BJORN = ("R02", "Bjørn Hansen", "bjorn.hansen@eksperter.no")
EWA = ("R03", "Ewa Łukasik", "ewa.lukasik@eksperci.pl")
OPERATOR = "biuro@operator.example.pl"
CITIES = {"Chełm": "chelm.xlsx", "Zamość": "zamosc.xlsx"}


def settings_for(home: Path) -> config.Settings:
    return config.Settings(home=home, database_url=f"sqlite:///{home / 'grantflow.db'}")


def wiring_at(home: Path, moment: datetime) -> bootstrap.Wiring:
    return bootstrap.Wiring(settings_for(home), clock=bootstrap.clock_at(moment))


def _account(wiring: bootstrap.Wiring, email: str, binding: Binding, language: str) -> None:
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
        ids = {}
        for city, sample in CITIES.items():
            path = resources.samples() / "outlines" / sample
            read, result = checking.check_file(path, wiring.programme, CALL)
            assert read.content is not None and result.report.valid, city
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
            ids[city] = outcome.application_id
    with wiring_at(home, REVIEW_DAY) as wiring:
        for application_id in ids.values():
            lifecycle.formal_check(
                wiring.unit_of_work(),
                application_id,
                correct=True,
                at=REVIEW_DAY,
                actor=f"operator:{OPERATOR}",
            )
        for code, name, email in (ANNA, BJORN, EWA):
            review.register_reviewer(
                wiring.unit_of_work(),
                Reviewer(code, name, frozenset({"pl", "en"})),
                at=REVIEW_DAY,
                actor="operator:test",
            )
            _account(wiring, email, Binding("reviewer", reviewer=code), "pl")
        _account(wiring, OPERATOR, Binding("operator"), "pl")
        review.reconcile_assessment(
            wiring.unit_of_work(), CALL, wiring.programme, at=REVIEW_DAY, actor="operator:test"
        )
    return ids


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, email: str) -> str:
    """Sign ``email`` in on ``client``; the CSRF token of the new session."""
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/").text)
