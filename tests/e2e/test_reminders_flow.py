"""The reminders flow under Prefect on a SQLite home: each reminder goes out once however
often the flow runs, into the Maildir at GRANTFLOW_HOME/outbox, in each reader's language;
and ``grantflow run reminders --as-of`` runs it by hand."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from grantflow import bootstrap, config
from grantflow.domain.assessment import Reviewer
from grantflow.services import intake, lifecycle, review
from grantflow.services.intake import Upload
from tests.intake_data import CHELM, HRUBIESZOW, STAGE1, valid_result
from tests.integration.clients import read_maildir
from tests.unit.fakes.files import FakeFileStore

OPERATOR = "operator:anna.nowak"
REVIEWERS = (
    Reviewer("R01", "Agnieszka Wróbel", frozenset({"pl", "en"}), email="a.wrobel@ekspert.pl"),
    Reviewer(
        "R05",
        "Ingrid Sæther-Nowak",
        frozenset({"pl", "nb", "en"}),
        email="ingrid@saether.no",
        language="nb",
    ),
)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


@pytest.fixture
def stage1_home(grantflow_home: Path) -> Path:
    """Chełm under assessment by R01 and R05 (scores due 29 November 2019, the reference
    programme's review deadline); Hrubieszów returned for correction until 25 November."""
    settings = config.load()
    with bootstrap.build(settings=settings) as wired:
        wired.migrate()
        uow = wired.unit_of_work()
        for applicant, name in ((CHELM, "chelm.xlsx"), (HRUBIESZOW, "hrubieszow.xlsx")):
            intake.submit(
                uow,
                FakeFileStore(),
                Upload(
                    STAGE1,
                    1,
                    name,
                    name.encode(),
                    valid_result(name, applicant),
                    applicant,
                    "portal",
                ),
                at=at(date(2019, 9, 16)),
            )
        for reviewer in REVIEWERS:
            review.register_reviewer(uow, reviewer, at=at(date(2019, 10, 1)), actor=OPERATOR)
        with uow:
            ids = {a.city_name: a.id for a in uow.applications.list(STAGE1)}
        lifecycle.formal_check(
            uow, ids["Chełm"], correct=True, at=at(date(2019, 10, 8)), actor=OPERATOR
        )
        lifecycle.return_for_correction(
            uow,
            ids["Hrubieszów"],
            deadline=date(2019, 11, 25),
            at=at(date(2019, 11, 12)),
            actor=OPERATOR,
            reason="brak podpisu burmistrza",
        )
        review.reconcile_assessment(
            uow, STAGE1, wired.programme, at=at(date(2019, 10, 21)), actor="flow:review"
        )
        # Before the reminders' day: two reports ready, a return for correction and two
        # experts assigned.
        assert wired.deliver_outbox().sent == 5
    return grantflow_home


@pytest.mark.slow
def test_the_reminder_flow_run_twice_on_the_same_day_sends_nothing_the_second_time(
    prefect_server: None, stage1_home: Path
) -> None:
    from workflows.notifications import reminders

    before = len(read_maildir(stage1_home / "outbox"))
    recorded, delivered = reminders(as_of=at(date(2019, 11, 22)))
    after_first = read_maildir(stage1_home / "outbox")
    again, delivered_again = reminders(as_of=at(date(2019, 11, 22)))
    assert (recorded, delivered.sent, delivered.failed) == (3, 3, {})
    assert (again, delivered_again.sent) == (0, 0)
    assert len(read_maildir(stage1_home / "outbox")) == len(after_first) == before + 3
    reminders_sent = {
        m["To"]: m
        for m in after_first
        if "Przypomnienie" in m["Subject"] or "Påminnelse" in m["Subject"]
    }
    assert set(reminders_sent) == {"a.wrobel@ekspert.pl", "ingrid@saether.no", "rozwoj@chelm.pl"}
    assert reminders_sent["ingrid@saether.no"]["Subject"] == "Påminnelse: frist 29. november 2019"
    ingrid = reminders_sent["ingrid@saether.no"].get_body(("plain",)).get_content()
    assert "Din vurdering av søknaden fra Chełm skal leveres innen 29. november 2019." in ingrid
    city = reminders_sent["rozwoj@chelm.pl"].get_body(("plain",)).get_content()
    assert "Termin poprawy wniosku miasta Hrubieszów upływa 25 listopada 2019." in city


@pytest.mark.slow
def test_grantflow_run_reminders_as_of_a_date_sends_that_days_reminders(
    stage1_home: Path,
) -> None:
    environment = {
        **os.environ,
        "GRANTFLOW_HOME": str(stage1_home),
        "GRANTFLOW_DATABASE_URL": f"sqlite:///{stage1_home / 'grantflow.db'}",
    }
    command = [sys.executable, "-m", "grantflow.cli", "run", "reminders", "--as-of", "2019-11-28"]
    run = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr
    # The day before the review deadline: both experts; the correction deadline has passed.
    assert "reminders: 2 recorded; messages: 2 sent" in run.stdout
    subjects = sorted(
        m["Subject"] for m in read_maildir(stage1_home / "outbox") if "29" in m["Subject"]
    )
    assert subjects == [
        "Przypomnienie: termin 29 listopada 2019",
        "Påminnelse: frist 29. november 2019",
    ]
