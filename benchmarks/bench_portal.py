"""The portal under load: cities uploading outlines and reviewers scoring, at the same time.

    python benchmarks/bench_portal.py [--cities 20] [--reviewers 20]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/DB] [--json FILE]

A fresh store is prepared in-process (SQLite under a temporary home by default;
with ``--database-url`` a PostgreSQL database of that server, created here and
dropped at the end): the Stage 1 call open on 3 June 2019, an account for each
of ``--cities`` eligible towns (Chełm, Hrubieszów, Zamość, ... with their TERYT),
and the outlines of further towns submitted, found formally correct and assigned
two experts each among ``--reviewers`` expert accounts (one application each).

Then ``grantflow serve`` starts in another process on loopback, and this process
drives it with one thread per person, all released together: each city signs
in, uploads its typical valid outline (from ``grantflow samples outlines``) and
reads its report; each reviewer signs in, opens its assignment, declares no
conflict, reads the application, saves a draft and submits its scores. Per
operation: count, errors (any answer but the expected one), median, p95, max.
Beside them, the same read-and-validate of the same files in this process
(``checking.check_file``), without the portal. Targets on 2 cores: median
upload-to-report under 150 ms, p95 under 500 ms, no error. The figures are printed
and written to ``benchmarks/out/portal-sqlite.json`` (or ``portal-postgresql.json``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
CALL = "stage1-outline"
OPEN_DAY = datetime(2019, 6, 3, 10, 0, tzinfo=UTC)  # Stage 1: 15 May - 30 September 2019
PASSWORD = "Ratusz-Rynek-1-2019"
FIRST_NAMES = ("Anna", "Bjørn", "Ewa", "Łukasz", "Ingrid", "Małgorzata", "Sigurd", "Żaneta")
SURNAMES = ("Nowak", "Hansen", "Łukasik", "Wójcik", "Solberg", "Kowalczyk", "Østby", "Zięba")
UPLOAD = "city: upload to report"
SERVE = [sys.executable, "-m", "grantflow.cli", "serve"]
# (operation, what the targets are) for the README's table
TARGETS = {UPLOAD: (0.150, 0.500)}


@dataclass
class Timings:
    """Seconds per operation, and the operations that got an unexpected answer."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def timed(self, operation: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        except Exception as exc:
            with self.lock:
                self.errors.setdefault(operation, []).append(f"{type(exc).__name__}: {exc}")
            raise
        finally:
            elapsed = time.perf_counter() - started
            with self.lock:
                self.seconds.setdefault(operation, []).append(elapsed)

    def summary(self) -> dict[str, dict[str, float | int]]:
        return {
            op: figures(times, len(self.errors.get(op, []))) for op, times in self.seconds.items()
        }


def figures(times: list[float], errors: int = 0) -> dict[str, float | int]:
    ordered = sorted(times)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "count": len(ordered),
        "errors": errors,
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


class Unexpected(Exception):
    """The portal answered something else than a person's next page."""


def expect(answer: httpx.Response, status: int, *, contains: str = "") -> httpx.Response:
    if answer.status_code != status or contains not in answer.text:
        raise Unexpected(f"{answer.request.method} {answer.request.url.path}: {answer.status_code}")
    return answer


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    if found is None:
        raise Unexpected("a page without a CSRF token")
    return found.group(1)


# --- the store --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    city_files: dict[str, Path]  # e-mail -> the outline that city uploads
    reviewers: tuple[str, ...]  # e-mails
    criteria: dict[str, str]  # criterion -> points a reviewer gives


def fresh_database(url: str) -> tuple[str, Callable[[], None]]:
    """A new database on the server of ``url``, and how to drop it."""
    import sqlalchemy

    name = f"bench_portal_{os.getpid()}"
    admin = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")

    def run(statement: str) -> None:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(statement))

    run(f"DROP DATABASE IF EXISTS {name}")
    run(f"CREATE DATABASE {name}")

    def drop() -> None:
        run(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()

    return url.rsplit("/", 1)[0] + f"/{name}", drop


def prepare(home: Path, database_url: str, cities: int, reviewers: int) -> Cast:
    """The call, the accounts, the outlines to upload and the assignments to score."""
    from grantflow import bootstrap, config
    from grantflow.adapters.sample_files import write_samples
    from grantflow.domain.accounts import Binding
    from grantflow.domain.assessment import Reviewer
    from grantflow.samples.generator import generate_outlines
    from grantflow.services import lifecycle, review
    from grantflow.services.accounts import add_user
    from grantflow.validation import form
    from workflows import intake as intake_flow

    settings = config.Settings(home=home, database_url=database_url)
    with bootstrap.Wiring(settings, clock=bootstrap.clock_at(OPEN_DAY)) as wiring:
        wiring.migrate()
        programme = wiring.programme
        # Two experts an application: half as many applications as experts.
        assessed = max(1, math.ceil(reviewers / 2))
        if cities + assessed > len(programme.eligible_cities):
            raise SystemExit(
                f"the programme has {len(programme.eligible_cities)} eligible towns: "
                f"{cities} cities and {assessed} assessed applications do not fit"
            )
        generated = list(generate_outlines(programme, cities + assessed, call_code=CALL))
        folder = home / "outlines"
        folder.mkdir()
        jobs = [(folder / f"{name}.xlsx", values) for name, values in generated]
        write_samples(form.load("outline"), "pl", jobs)

        def account(email: str, binding: Binding) -> None:
            add_user(
                wiring.unit_of_work(),
                wiring.passwords,
                email=email,
                binding=binding,
                password=PASSWORD,
                language="pl",
                at=OPEN_DAY,
                actor="bench",
            )

        city_files: dict[str, Path] = {}
        for town, (path, _) in zip(programme.eligible_cities[:cities], jobs, strict=False):
            email = f"urzad@um.{path.stem.split('-', 1)[1]}.pl"
            account(email, Binding("city", teryt=town.teryt))
            city_files[email] = path
        # The other towns' outlines through the intake flow's own steps (without Prefect),
        # then found formally correct by the operator.
        assessed_files = [str(path) for path, _ in jobs[cities:]]
        receipts = intake_flow.store.fn(
            intake_flow.validate.fn(assessed_files, CALL, None, None),
            settings=settings,
            call_code=CALL,
            stage=1,
            submitted_by="bench",
            as_of=OPEN_DAY,
        )
        for receipt in receipts:
            assert receipt.outcome.application_id is not None and receipt.outcome.valid
            lifecycle.formal_check(
                wiring.unit_of_work(),
                receipt.outcome.application_id,
                correct=True,
                at=OPEN_DAY,
                actor="operator:bench",
            )
        emails: list[str] = []
        for number in range(1, reviewers + 1):
            code = f"R{number:02d}"
            first = FIRST_NAMES[number % len(FIRST_NAMES)]
            last = SURNAMES[(number // len(FIRST_NAMES)) % len(SURNAMES)]
            review.register_reviewer(
                wiring.unit_of_work(),
                Reviewer(code, f"{first} {last}", frozenset({"pl", "en"})),
                at=OPEN_DAY,
                actor="operator:bench",
            )
            emails.append(f"ekspert.{code.lower()}@eksperci.pl")
            account(emails[-1], Binding("reviewer", reviewer=code))
        review.reconcile_assessment(
            wiring.unit_of_work(), CALL, programme, at=OPEN_DAY, actor="operator:bench"
        )
        # Points well inside each maximum (a comma before decimals, as a Pole types them).
        criteria = {c.code: str(c.max_points * 3 / 4).replace(".", ",") for c in programme.criteria}
    return Cast(city_files, tuple(emails), criteria)


# --- the portal -------------------------------------------------------------------------


@contextmanager
def portal(home: Path, database_url: str) -> Iterator[str]:
    """``grantflow serve`` on a free loopback port, its clock on the open call; its URL."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRANTFLOW_", "PREFECT_"))}
    env |= {"GRANTFLOW_HOME": str(home), "GRANTFLOW_DATABASE_URL": database_url}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    log = (home / "serve.log").open("w")
    server = subprocess.Popen(
        [*SERVE, "--port", str(port), "--as-of", OPEN_DAY.date().isoformat()],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(f"{url}/login", timeout=5).raise_for_status()
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"the portal did not start: see {home / 'serve.log'}"
                    ) from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


# --- the people -------------------------------------------------------------------------


def sign_in(browser: httpx.Client, email: str, timings: Timings, role: str) -> str:
    """Sign in as a person does (the form, then the home page); the session's CSRF token."""
    with timings.timed(f"{role}: sign in"):
        token = csrf_of(expect(browser.get("/login"), 200).text)
        answer = browser.post("/login", data={"email": email, "password": PASSWORD, "csrf": token})
        expect(answer, 303)
        home = expect(browser.get(answer.headers["location"]), 200)
    return csrf_of(home.text)


def city(url: str, email: str, outline: Path, timings: Timings, start: Start) -> None:
    content = outline.read_bytes()
    with httpx.Client(base_url=url, timeout=120) as browser:
        token = start.signed_in(lambda: sign_in(browser, email, timings, "city"))
        with timings.timed(UPLOAD):
            answer = browser.post(
                "/city/uploads",
                data={"csrf": token, "call": CALL},
                files={"file": (outline.name, content, "application/octet-stream")},
            )
            expect(answer, 303)
            # The report page a city reads: a valid outline, version 1.
            expect(browser.get(answer.headers["location"]), 200, contains="/versions/1/report")


def reviewer(url: str, email: str, cast: Cast, timings: Timings, start: Start) -> None:
    with httpx.Client(base_url=url, timeout=120) as browser:
        token = start.signed_in(lambda: sign_in(browser, email, timings, "reviewer"))
        with timings.timed("reviewer: open an assignment"):
            listed = expect(browser.get("/reviewer"), 200).text
            found = re.search(r'href="(/reviewer/applications/\d+)"', listed)
            if found is None:
                raise Unexpected(f"{email} has no assignment")
            expect(browser.get(found.group(1)), 200)
        page = found.group(1)
        with timings.timed("reviewer: declare no conflict"):
            answer = browser.post(f"{page}/declaration", data={"csrf": token, "conflict": "no"})
            expect(answer, 303)
        with timings.timed("reviewer: read the application"):
            expect(browser.get(page), 200, contains='name="points-')
        points = {f"points-{code}": value for code, value in cast.criteria.items()}
        # Each criterion scored below its maximum needs its comment to be submitted.
        comments = {
            f"comment-{code}": "Uzasadnienie oceny w kilku zdaniach." for code in cast.criteria
        }
        for action, operation in (("draft", "save a draft"), ("submit", "submit the scores")):
            with timings.timed(f"reviewer: {operation}"):
                answer = browser.post(
                    f"{page}/scores", data={"csrf": token, "action": action, **points, **comments}
                )
                expect(answer, 303)
                expect(browser.get(page), 200)


class Start:
    """Everybody signs in at once; once all are in, everybody works at once.

    Signing in verifies an Argon2id hash (64 MiB, three passes: slow by design, and
    both cores' worth for a moment), so the sign-ins are timed as their own storm
    and the work after them measures the pages, not the password hashing."""

    def __init__(self, people: int) -> None:
        self._sign_in = threading.Barrier(people)
        self._work = threading.Barrier(people)

    def signed_in(self, sign_in: Callable[[], str]) -> str:
        self._sign_in.wait()
        try:
            return sign_in()
        finally:
            self._work.wait()


def drive(url: str, cast: Cast) -> Timings:
    """Every city and every reviewer at once, each in its own thread with its own cookies."""
    timings = Timings()
    people: list[Callable[[Start], None]] = [
        (lambda start, e=email, f=path: city(url, e, f, timings, start))
        for email, path in cast.city_files.items()
    ] + [
        (lambda start, e=email: reviewer(url, e, cast, timings, start)) for email in cast.reviewers
    ]
    start = Start(len(people))

    def person(act: Callable[[Start], None]) -> None:
        with contextlib.suppress(Exception):  # counted in timings.errors; the others go on
            act(start)

    threads = [threading.Thread(target=person, args=(act,)) for act in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def in_process(files: list[Path]) -> dict[str, float | int]:
    """The same read-and-validate as an upload, called directly, one file after another."""
    from grantflow import checking
    from grantflow.validation.programme_file import load_programme

    programme = load_programme()
    checking.check_file(files[0], programme, CALL)  # imports and caches, as the warm portal has
    times = []
    for path in files:
        started = time.perf_counter()
        _, result = checking.check_file(path, programme, CALL)
        times.append(time.perf_counter() - started)
        assert result.report.valid, path.name
    return figures(times)


def run(cities: int, reviewers: int, database_url: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as folder:
        home = Path(folder)
        drop: Callable[[], None] = lambda: None  # noqa: E731 - SQLite: the folder goes
        url = f"sqlite:///{home / 'grantflow.db'}"
        if database_url:
            url, drop = fresh_database(database_url)
        try:
            started = time.perf_counter()
            cast = prepare(home, url, cities, reviewers)
            prepared = time.perf_counter() - started
            with portal(home, url) as address:
                timings = drive(address, cast)
            direct = in_process(list(cast.city_files.values()))
        finally:
            drop()
    return {
        "store": "postgresql" if database_url else "sqlite",
        "cities": cities,
        "reviewers": reviewers,
        "prepared_s": round(prepared, 1),
        "operations": timings.summary(),
        "errors": {op: found[:3] for op, found in timings.errors.items()},
        "validation_in_process": direct,
        "load": os.getloadavg(),
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        f"{result['store']}: {result['cities']} cities and {result['reviewers']} reviewers "
        f"at once (load {' '.join(f'{x:.2f}' for x in result['load'])})",
        f"{'operation':<34}{'count':>6}{'errors':>7}{'median':>10}{'p95':>10}{'max':>10}",
    ]
    rows = {
        **result["operations"],
        "validation in-process (no portal)": result["validation_in_process"],
    }
    for operation, f in rows.items():
        lines.append(
            f"{operation:<34}{f['count']:>6}{f['errors']:>7}"
            f"{f['median_ms']:>8.0f}ms{f['p95_ms']:>8.0f}ms{f['max_ms']:>8.0f}ms"
        )
    upload = result["operations"].get(UPLOAD)
    if upload:
        median, p95 = TARGETS[UPLOAD]
        met = (
            upload["median_ms"] < median * 1000
            and upload["p95_ms"] < p95 * 1000
            and not any(f["errors"] for f in result["operations"].values())
        )
        lines.append(
            f"targets (median < {median * 1000:.0f} ms, p95 < {p95 * 1000:.0f} ms, no error): "
            + ("met" if met else "MISSED")
        )
    for operation, found in result["errors"].items():
        lines.append(f"  {operation}: {'; '.join(found)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=20)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (postgresql+psycopg://postgres@127.0.0.1:5432/DB): "
        "a database of its own is created there and dropped; SQLite when absent",
    )
    parser.add_argument(
        "--json", type=Path, help="where the figures go (benchmarks/out/portal-STORE.json)"
    )
    args = parser.parse_args(argv)
    result = run(args.cities, args.reviewers, args.database_url)
    print(report(result))
    target = args.json or OUT / f"portal-{result['store']}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
