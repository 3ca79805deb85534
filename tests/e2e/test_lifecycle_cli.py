"""The lifecycle commands as a subprocess on a small SQLite store: the applications text view,
the ledger workbook against formula injection, audit verify on a fresh store, the reviewers'
languages, and `grantflow run` picking up where a human step's `next:` line points."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from grantflow import resources
from grantflow.adapters.assignment import ScipyAssignmentSolver
from grantflow.adapters.store import make_engine, migrate
from grantflow.adapters.store.unit_of_work import SqlUnitOfWork
from grantflow.domain.assessment import Reviewer
from grantflow.domain.ledger import EntryKind
from grantflow.domain.programme import Programme
from grantflow.services import donor_pool, lifecycle, partnership, review, selection
from grantflow.services.ledger import book
from grantflow.services.ports.applications import NewSubmission
from grantflow.validation.donors_file import load_donors
from grantflow.validation.programme_file import load_programme
from grantflow.validation.report import FileReport
from tests.unit.factories import add_submitted, deduction_comments
from tests.unit.test_lifecycle_services import outline_of

CALL = "stage2-proposal"
AT = datetime(2020, 12, 1, 9, 0, tzinfo=UTC)
OPERATOR = "operator:anna.nowak"
# A city name that a spreadsheet program would run as a formula (the ledger's reasons start
# with the city's name), and an actor and reasons starting with the other triggers.
HOSTILE_CITY = '=HYPERLINK("http://evil.example","Konin")'
HOSTILE = {
    "actor": "@operator:mallory",
    "commit": "+48 82 562 10 00: umowa podpisana telefonicznie",
    "release": "-5% korekta ryczałtu",
}
CITIES = (("Chełm", "0662011", 82), (HOSTILE_CITY, "3062011", 75), ("Hrubieszów", "0605011", 0))
REVIEWERS = (
    ("R01", "Agnieszka Wróbel", "pl,en"),
    ("R02", "Bartłomiej Łęcki", "pl"),
    ("R03", "Ingrid Sæther", "nb,en"),  # reads no Polish: never assigned a Polish proposal
)


def cli(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **(env or {}), "GRANTFLOW_HOME": str(home)}
    environment["GRANTFLOW_DATABASE_URL"] = f"sqlite:///{home / 'grantflow.db'}"
    command = [sys.executable, "-m", "grantflow.cli", *args]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=180)


def store(home: Path) -> Iterator[SqlUnitOfWork]:
    url = f"sqlite:///{home / 'grantflow.db'}"
    migrate(url)
    engine = make_engine(url)
    try:
        yield SqlUnitOfWork(engine)
    finally:
        engine.dispose()


def submitted_call(uow: SqlUnitOfWork) -> None:
    """The three proposals, submitted, and the expert pool."""
    with uow:
        for number, (city, teryt, _) in enumerate(CITIES):
            at = AT - timedelta(days=number)
            add_submitted(uow, CALL, city, teryt, outline_of(city, teryt), by=OPERATOR, at=at)
        uow.commit()
    for code, name, languages in REVIEWERS:
        reviewer = Reviewer(code, name, frozenset(languages.split(",")), frozenset())
        review.register_reviewer(uow, reviewer, at=AT, actor=OPERATOR)


def points(programme: Programme, total: int) -> dict[str, Decimal]:
    """``total`` spread over the criteria: whole points, the rest on the first one."""
    spread = {
        c.code: Decimal(c.max_points * total // programme.max_score) for c in programme.criteria
    }
    first = programme.criteria[0].code
    spread[first] += total - sum(spread.values())
    return spread


def decided_call(uow: SqlUnitOfWork) -> None:
    """Chełm and the hostile city assessed by both Polish readers, selected, lump sums moved."""
    programme = load_programme()
    for application_id in (1, 2):
        lifecycle.formal_check(uow, application_id, correct=True, at=AT, actor=OPERATOR)
    round_ = review.reconcile_assessment(uow, CALL, programme, at=AT, actor="flow:review")
    for assignment in round_.assigned:
        review.declare(
            uow, assignment.application_id, assignment.reviewer_code, conflict=False, at=AT
        )
        total = CITIES[assignment.application_id - 1][2]
        review.score(
            uow,
            assignment.application_id,
            assignment.reviewer_code,
            points(programme, total),
            programme,
            submit=True,
            at=AT,
            comments=deduction_comments(programme),
        )
    review.reconcile_assessment(uow, CALL, programme, at=AT, actor="flow:review")
    selection.propose_ranking(uow, CALL, programme, at=AT, actor=OPERATOR)
    selection.approve_ranking(uow, CALL, [], at=AT, actor="committee:komisja")
    with uow:
        for kind, amount in ((EntryKind.COMMIT, "100000.00"), (EntryKind.RELEASE, "1000.50")):
            book(
                uow,
                key=f"{kind}:{CALL}:1",
                call=CALL,
                city="0662011",
                kind=kind,
                amount=Decimal(amount),
                at=AT,
                actor=HOSTILE["actor"],
                reason=HOSTILE[str(kind)],
            )
        uow.commit()


@pytest.fixture(scope="module")
def decided(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose Stage 2 call is decided (Hrubieszów still waits for its formal check)."""
    home = tmp_path_factory.mktemp("decided") / "home"
    for uow in store(home):
        submitted_call(uow)
        decided_call(uow)
    return home


class TestTheApplicationsView:
    def test_the_text_shows_state_final_score_rank_and_each_reviewers_total(
        self, decided: Path
    ) -> None:
        shown = cli(decided, "applications", "--call", CALL)
        assert shown.returncode == 0, shown.stderr
        lines = shown.stdout.splitlines()
        assert lines == [
            f"   1  {CALL:<16} {'Chełm':<28} {'selected':<22} final    82  rank   1  R01=82 R02=82",
            f"   2  {CALL:<16} {HOSTILE_CITY:<28} {'selected':<22} final    75  rank   2  "
            "R01=75 R02=75",
            f"   3  {CALL:<16} {'Hrubieszów':<28} {'submitted':<22} final     -  rank   -  ",
        ]

    def test_a_reviewer_without_polish_is_never_assigned_a_polish_proposal(
        self, decided: Path
    ) -> None:
        shown = cli(decided, "applications", "--format", "json", "--call", CALL)
        rows = json.loads(shown.stdout)["applications"]
        reviewers = {s["reviewer"] for row in rows for s in row["scores"]}
        assert reviewers == {"R01", "R02"}


class TestTheLedgerWorkbook:
    def test_text_that_starts_like_a_formula_reads_back_as_text(
        self, decided: Path, tmp_path: Path
    ) -> None:
        target = tmp_path / "księga.xlsx"
        written = cli(decided, "ledger", "--format", "xlsx", "-o", str(target))
        assert written.returncode == 0, written.stderr
        sheet = openpyxl.load_workbook(target)["Entries"]
        header = [c.value for c in sheet[1]]
        rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
        cells = {
            (row["key"].value, name): row[name] for row in rows for name in ("actor", "reason")
        }
        expected = {
            (f"reserve:{CALL}:2", "reason"): f"{HOSTILE_CITY}: Stage 2 proposal selected",
            (f"commit:{CALL}:1", "actor"): HOSTILE["actor"],
            (f"commit:{CALL}:1", "reason"): HOSTILE["commit"],
            (f"release:{CALL}:1", "reason"): HOSTILE["release"],
        }
        for place, text in expected.items():
            cell = cells[place]
            assert (cell.value, cell.data_type) == (text, "s"), place
            assert cell.quotePrefix, place  # editing the cell keeps it text
        amounts = {row["key"].value: row["amount"].value for row in rows}
        assert amounts[f"release:{CALL}:1"] == pytest.approx(1000.50)  # numbers stay numbers


class TestAuditVerify:
    def test_a_fresh_store_is_intact(self, tmp_path: Path) -> None:
        verified = cli(tmp_path / "fresh", "audit", "verify")
        assert verified.returncode == 0, verified.stderr
        assert verified.stdout == "audit log intact: 0 entries\n"


class TestRegisteringReviewers:
    def test_an_expert_who_reads_no_language_is_refused_by_the_service(
        self, tmp_path: Path
    ) -> None:
        home = tmp_path / "home"
        refused = cli(
            home, "reviewers", "register", "R07", "--name", "Zofia Kędzierska", "--languages", " , "
        )
        assert refused.returncode == 1
        assert refused.stderr == (
            "grantflow: refused: reviewer R07 (Zofia Kędzierska) reads no language: "
            "register the languages they assess in (pl, nb, en)\n"
        )
        assert cli(home, "audit", "verify").stdout == "audit log intact: 0 entries\n"


@pytest.mark.slow
class TestRunningTheNextFlow:
    def test_a_formal_check_names_the_review_flow_and_running_it_assigns_experts(
        self, prefect_server: None, tmp_path: Path
    ) -> None:
        from prefect.settings import PREFECT_API_URL

        home = tmp_path / "home"
        for uow in store(home):
            submitted_call(uow)
        checked = cli(home, "formal-check", "3", "--correct")
        assert checked.returncode == 0, checked.stderr
        assert checked.stdout.splitlines() == [
            "application 3 (Hrubieszów): formally_correct",
            f"next: grantflow run review --call {CALL}  (assigns the experts)",
        ]
        command = checked.stdout.splitlines()[1].removeprefix("next: grantflow ").split("  ")[0]
        server = {"PREFECT_API_URL": str(PREFECT_API_URL.value())}
        ran = cli(home, *command.split(), env=server)
        assert ran.returncode == 0, ran.stderr
        assert ran.stdout.splitlines()[0] == (
            f"review of {CALL}: 1 started, 2 experts assigned, 0 assessed"
        )
        assert "next: the experts declare and score" in ran.stdout
        again = cli(home, *command.split(), env=server)
        assert again.stdout.splitlines()[0] == (
            f"review of {CALL}: 0 started, 0 experts assigned, 0 assessed"
        )

    def test_a_formal_check_keeps_its_decision_when_the_named_server_is_down(
        self, tmp_path: Path
    ) -> None:
        home = tmp_path / "home"
        for uow in store(home):
            submitted_call(uow)
        with socket.socket() as closed:  # a port nothing listens on
            closed.bind(("127.0.0.1", 0))
            api = f"http://127.0.0.1:{closed.getsockname()[1]}/api"
        checked = cli(home, "formal-check", "3", "--correct", env={"PREFECT_API_URL": api})
        assert checked.returncode == 0, checked.stderr
        assert checked.stdout.splitlines() == [
            "application 3 (Hrubieszów): formally_correct",
            f"next: grantflow run review --call {CALL}  (assigns the experts)",
        ]
        assert checked.stderr.startswith(
            f"grantflow: warning: the Prefect server at {api} did not start review/review: "
        )
        for uow in store(home):
            with uow:
                assert uow.applications.get(3).state == "formally_correct"

    def test_an_unknown_call_is_a_usage_error_before_prefect_starts(self, tmp_path: Path) -> None:
        refused = cli(tmp_path / "home", "run", "selection", "--call", "stage9")
        assert refused.returncode == 2
        assert refused.stderr == (
            "grantflow: no call 'stage9' in the programme (calls: stage1-outline, "
            "stage2-proposal)\n"
        )
        assert not (tmp_path / "home" / "prefect").exists()


@pytest.fixture
def fresh_decided(tmp_path: Path) -> Path:
    """The decided call in a home of its own (these tests change it)."""
    home = tmp_path / "home"
    for uow in store(home):
        submitted_call(uow)
        decided_call(uow)
    return home


def ledger_json(home: Path) -> Any:
    shown = cli(home, "ledger", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


class TestScoringWithComments:
    def test_a_deduction_without_its_comment_is_refused_and_with_it_the_scores_lock(
        self, tmp_path: Path
    ) -> None:
        home = tmp_path / "home"
        for uow in store(home):
            submitted_call(uow)
            lifecycle.formal_check(uow, 1, correct=True, at=AT, actor=OPERATOR)
            review.reconcile_assessment(uow, CALL, load_programme(), at=AT, actor="flow:review")
            review.declare(uow, 1, "R01", conflict=False, at=AT)
        full = "relevance=30,plan_quality=25,feasibility=16,partnership=15,budget=10"
        refused = cli(
            home, "review", "score", "1", "--reviewer", "R01", "--points", full, "--submit"
        )
        assert refused.returncode == 1
        assert "'feasibility': 16 of 20 points needs a comment saying why" in refused.stderr
        why = "feasibility=Brak harmonogramu zamówień dla Chełma"
        sent = cli(
            home, "review", "score", "1", "--reviewer", "R01", "--points", full,
            "--comment", why, "--submit",
        )  # fmt: skip
        assert sent.returncode == 0, sent.stderr
        assert "application 1, reviewer R01: total 96, submitted (locked)" in sent.stdout
        for uow in store(home):
            with uow:
                card = uow.scorecards.find(1, "R01")
        assert card is not None and card.comments == {
            "feasibility": "Brak harmonogramu zamówień dla Chełma"
        }

    def test_a_comment_not_written_criterion_equals_text_is_a_usage_error(
        self, tmp_path: Path
    ) -> None:
        answer = cli(
            tmp_path / "home", "review", "score", "1", "--reviewer", "R01",
            "--points", "relevance=30", "--comment", "brak harmonogramu",
        )  # fmt: skip
        assert answer.returncode == 2
        assert "--comment: 'brak harmonogramu' is not criterion=comment" in answer.stderr


class TestDecide:
    @pytest.mark.parametrize(
        ("action", "instead"),
        [
            (
                "promote_from_reserve",
                "a reserve moves up when a funded city withdraws: "
                'grantflow decide APP withdraw --reason "..."',
            ),
            ("open_partner_search", "grantflow run partnership --call CALL"),
            ("sign_agreement", "grantflow partners sign APP --call CALL (commits the lump sum)"),
        ],
    )
    def test_an_action_that_moves_money_is_refused_with_the_command_to_use(
        self, decided: Path, action: str, instead: str
    ) -> None:
        refused = cli(decided, "decide", "2", action)
        assert refused.returncode == 2
        assert refused.stderr == f"grantflow: '{action}' is not decided here; use: {instead}\n"

    def test_a_withdrawal_releases_the_whole_open_lump_sum_of_its_call(
        self, fresh_decided: Path
    ) -> None:
        withdrawn = cli(fresh_decided, "decide", "2", "withdraw", "--reason", "rada miasta")
        assert withdrawn.returncode == 0, withdrawn.stderr
        assert withdrawn.stdout == f"application 2 ({HOSTILE_CITY}): withdrawn\n"
        view = ledger_json(fresh_decided)
        konin = next(row for row in view["cities"] if row["city"] == "3062011")
        assert (konin["call"], konin["released"], konin["open"]) == (CALL, "150000.00", "0.00")
        assert view["problems"] == [] and view["reconciles"]

    def test_a_formal_rejection_without_a_reason_is_refused_by_the_service(
        self, tmp_path: Path
    ) -> None:
        home = tmp_path / "home"
        for uow in store(home):
            submitted_call(uow)
        refused = cli(home, "formal-check", "3", "--reject")
        assert refused.returncode == 1
        assert refused.stderr == (
            "grantflow: refused: a formal rejection of application 3 needs a reason\n"
        )


class TestPromote:
    def test_shortlisted_outlines_enter_stage_2_once(self, tmp_path: Path) -> None:
        home = tmp_path / "home"
        for uow in store(home):
            with uow:
                outline = uow.applications.add(
                    call_code="stage1-outline",
                    stage=1,
                    teryt="0662011",
                    city_name="Chełm",
                    created_at=AT,
                )
                uow.submissions.add(
                    NewSubmission(
                        application_id=outline.id,
                        version_no=1,
                        file_name="chelm.xlsx",
                        sha256="c" * 64,
                        stored_path="uploads/chelm.xlsx",
                        size=1,
                        report=FileReport(file="chelm.xlsx"),
                        outline=outline_of("Chełm", "0662011"),
                        submitted_by=OPERATOR,
                        submitted_at=AT,
                    )
                )
                uow.applications.set_state(outline.id, "shortlisted")
                uow.commit()
        refused = cli(home, "promote", "--call", "stage1-outline")
        assert refused.returncode == 1
        assert refused.stderr.startswith(
            f"grantflow: refused: {CALL} takes complete proposals, not outlines: "
        )
        # A programme whose Stage 2 call takes outlines (no proposal form) promotes them.
        outlines_only = tmp_path / "programme.yaml"
        data = yaml.safe_load((resources.samples() / "programme.yaml").read_text("utf-8"))
        for call in data["calls"]:
            call.pop("form", None)
        outlines_only.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
        promote = ("promote", "--call", "stage1-outline", "--programme", str(outlines_only))
        first = cli(home, *promote)
        again = cli(home, *promote)
        assert first.returncode == again.returncode == 0, first.stderr
        assert first.stdout.splitlines()[:2] == [
            f"application 2 (Chełm): {CALL}",
            f"1 shortlisted outlines in {CALL}",
        ]
        assert again.stdout.splitlines()[:2] == first.stdout.splitlines()[:2]
        shown = json.loads(cli(home, "applications", "--format", "json").stdout)
        assert [(a["call"], a["state"]) for a in shown["applications"]] == [
            ("stage1-outline", "shortlisted"),
            (CALL, "submitted"),
        ]

    def test_a_stage_2_call_cannot_be_promoted_from(self, tmp_path: Path) -> None:
        refused = cli(tmp_path / "home", "promote", "--call", CALL)
        assert refused.returncode == 2
        assert refused.stderr == (
            f"grantflow: no Stage 1 call '{CALL}' in the programme "
            "(Stage 1 calls: stage1-outline)\n"
        )


def confirmed_partnership(home: Path) -> tuple[str, str]:
    """The donors proposed by the flow, and one city's proposal confirmed on 17 May 2021 by
    ``grantflow partners confirm``: its application id and donor code, as typed."""
    for uow in store(home):
        donor_pool.register_donors(uow, load_donors(), at=AT, actor=OPERATOR)
        proposals = partnership.reconcile_partner_search(
            uow, CALL, ScipyAssignmentSolver(), at=AT, actor="flow:partnership"
        )
    pair = next(p for p in proposals if p.city.application_id != 1)  # 1 booked by hand
    app, donor = str(pair.city.application_id), pair.donor.code
    confirmed = cli(home, "partners", "confirm", app, donor, "--as-of", "2021-05-17")
    assert confirmed.returncode == 0, confirmed.stderr
    return app, donor


def audit_log(home: Path) -> list[Any]:
    for uow in store(home):
        with uow:
            return uow.audit.all()
    raise AssertionError("unreachable: store() yields once")


class TestAsOf:
    def test_a_human_step_is_recorded_at_the_moment_given(self, tmp_path: Path) -> None:
        home = tmp_path / "home"
        for uow in store(home):
            submitted_call(uow)
        checked = cli(home, "formal-check", "3", "--correct", "--as-of", "2020-11-09T10:15")
        assert checked.returncode == 0, checked.stderr
        entry = audit_log(home)[-1]
        # 10:15 in Warsaw in November is 09:15 UTC.
        assert (entry.action, entry.at) == (
            "transition:accept_formally",
            datetime(2020, 11, 9, 9, 15, tzinfo=UTC),
        )

    def test_a_malformed_moment_is_a_usage_error_and_records_nothing(self, tmp_path: Path) -> None:
        home = tmp_path / "home"
        for uow in store(home):
            submitted_call(uow)
        before = audit_log(home)
        refused = cli(home, "formal-check", "3", "--correct", "--as-of", "9.11.2020")
        assert refused.returncode == 2
        assert refused.stderr == (
            "grantflow: --as-of: '9.11.2020' is not a date (2021-06-14) "
            "or a date and time (2021-06-14T09:30)\n"
        )
        assert audit_log(home) == before

    def test_an_agreement_signed_after_the_final_eligibility_date_is_refused(
        self, fresh_decided: Path
    ) -> None:
        app, donor = confirmed_partnership(fresh_decided)

        late = cli(fresh_decided, "partners", "sign", app, "--as-of", "2024-04-02")
        assert late.returncode == 1
        assert late.stderr == (
            "grantflow: refused: an agreement dated 2024-04-02 would end before it begins: "
            "partnerships last until the final eligibility date, 2024-03-31\n"
        )
        signed = cli(fresh_decided, "partners", "sign", app, "--as-of", "2021-06-14")
        assert signed.returncode == 0, signed.stderr
        assert signed.stdout == f"application {app}: signed with {donor}\n"
        assert audit_log(fresh_decided)[-1].at == datetime(2021, 6, 14, 10, 0, tzinfo=UTC)

    def test_an_agreement_dated_on_a_day_still_to_come_is_refused_and_commits_nothing(
        self, fresh_decided: Path
    ) -> None:
        app, _ = confirmed_partnership(fresh_decided)
        ledger, audit = ledger_json(fresh_decided), audit_log(fresh_decided)
        # --as-of stands the command's clock on the signature's day: a year from the
        # machine's today is still to come, whatever day the suite runs on.
        next_year = (datetime.now(UTC) + timedelta(days=365)).date().isoformat()

        early = cli(fresh_decided, "partners", "sign", app, "--as-of", next_year)
        assert early.returncode == 1
        assert re.fullmatch(
            f"grantflow: refused: an agreement cannot be dated {next_year}: that day has not "
            r"come yet \(today is \d{4}-\d{2}-\d{2}\)\n",
            early.stderr,
        ), early.stderr
        assert ledger_json(fresh_decided) == ledger
        assert audit_log(fresh_decided) == audit
