"""How the store-reading paths grow with the programme: 100, 1,000 and 10,000 items.

    python benchmarks/bench_scaling.py [--sizes 100 1000 10000] [--paths planning ...]

Each line is one path at one size, best of three, wall clock:

1. **Ledger replay** (``Ledger.from_entries``): every reservation, commitment
   and spending of N cities' lump sums, as every ledger view and booking
   replays it from the store.
2. **Correction re-check** (``correction.recheck``): a corrected upload of an
   application returned for correction, in a SQLite store whose audit log
   holds about N entries of other applications.
3. **Dating documents** (``sources.AuditDays``): the day of each of N
   applications' decision, as the decision letters and agreements read it
   from an audit log of 3N entries.
4. **Planning the programme's documents** (``programme_requests``, every
   kind, what the ``programme-documents`` flow does before rendering): N
   applications with a valid outline each, in a SQLite store.

Linear paths keep the time per item flat across the sizes; a quadratic one
multiplies it by ten at each step. Results are printed and written to
benchmarks/out/scaling.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grantflow.adapters.store.engine import make_engine  # noqa: E402
from grantflow.adapters.store.migrate import upgrade  # noqa: E402
from grantflow.adapters.store.unit_of_work import SqlUnitOfWork  # noqa: E402
from grantflow.domain.audit import AuditEntry, next_entry  # noqa: E402
from grantflow.domain.ledger import EntryKind, Ledger, LedgerEntry  # noqa: E402
from grantflow.services import correction, intake, lifecycle  # noqa: E402
from grantflow.services.documents.generation import Selection, programme_requests  # noqa: E402
from grantflow.services.documents.sources import AuditDays  # noqa: E402
from grantflow.services.intake import Applicant  # noqa: E402
from grantflow.validation import form as forms  # noqa: E402
from grantflow.validation.programme_file import load_programme  # noqa: E402
from tests.intake_data import CHELM, STAGE1, valid_result  # noqa: E402
from tests.unit.fakes.files import FakeFileStore  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
START = datetime(2020, 3, 2, 10, 0, tzinfo=UTC)
LUMP_SUM = Decimal("150000.00")


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def ledger_entries(count: int) -> list[LedgerEntry]:
    """``count`` entries: a reservation, a commitment and a spending per city, in order."""
    entries = []
    for n in range(count):
        city, step = f"{n // 3:07d}", n % 3
        kind = (EntryKind.RESERVE, EntryKind.COMMIT, EntryKind.SPEND)[step]
        amount = LUMP_SUM if step < 2 else Decimal("149250.50")
        entries.append(
            LedgerEntry(
                key=f"{kind}:stage2-proposal:{city}",
                city=city,
                kind=kind,
                amount=amount,
                at=START + timedelta(minutes=n),
                call="stage2-proposal",
            )
        )
    return entries


def audit_log(count: int, subjects: int) -> list[AuditEntry]:
    """A hash-chained log of ``count`` transitions spread over ``subjects`` applications."""
    log: list[AuditEntry] = []
    for n in range(count):
        log.append(
            next_entry(
                log[-1] if log else None,
                at=START + timedelta(minutes=n),
                actor="operator",
                action="transition:decide_selected" if n % 3 == 2 else "transition:formal_check",
                subject=f"application:{n % subjects + 1}",
                reason="",
                payload={},
            )
        )
    return log


def bench_ledger(size: int) -> float:
    entries = ledger_entries(size)
    return best_of(3, lambda: Ledger.from_entries(entries))


def bench_audit_days(size: int) -> float:
    log = audit_log(3 * size, size)

    def date_every_application() -> None:
        days = AuditDays(log)
        for application_id in range(1, size + 1):
            days.last(application_id, ["transition:decide_selected"])

    return best_of(3, date_every_application)


def chelm_upload(uow: SqlUnitOfWork, content: bytes, at: datetime) -> intake.SubmissionOutcome:
    upload = intake.Upload(
        call_code=STAGE1,
        stage=1,
        file_name="chelm.xlsx",
        content=content,
        result=valid_result(),
        applicant=CHELM,
        submitted_by="urząd@chełm.pl",
    )
    return intake.submit(uow, FakeFileStore(), upload, at=at)


def bench_recheck(size: int, folder: Path) -> float:
    """A late correction of Chełm's outline re-checked in a store whose audit log holds
    ``size`` entries of other applications (a late one: re-checking it again records nothing,
    so every repeat does the same work)."""
    folder.mkdir(exist_ok=True)
    engine = make_engine(f"sqlite:///{folder / f'recheck-{size}.db'}")
    upgrade(engine)
    uow = SqlUnitOfWork(engine)
    first = chelm_upload(uow, b"PK\x03\x04 Chelm v1", datetime(2019, 11, 28, 10, 0, tzinfo=UTC))
    assert first.application_id is not None
    lifecycle.return_for_correction(
        uow,
        first.application_id,
        deadline=date(2019, 12, 16),
        at=datetime(2019, 12, 2, 14, 0, tzinfo=UTC),
        actor="operator:anna.nowak",
        reason="brak podpisu burmistrza na oświadczeniu",
    )
    with uow:
        for n in range(size):
            lifecycle.record(
                uow,
                at=datetime(2019, 12, 3, tzinfo=UTC) + timedelta(seconds=n),
                actor="operator:anna.nowak",
                action="transition:formal_check",
                subject=f"application:{n + 1000}",
            )
        uow.commit()
    late = chelm_upload(uow, b"PK\x03\x04 Chelm v2", datetime(2019, 12, 20, 10, 0, tzinfo=UTC))
    at = datetime(2019, 12, 21, tzinfo=UTC)
    assert late.application_id is not None
    application_id = late.application_id
    return best_of(
        3,
        lambda: correction.recheck(uow, application_id, late.submission_id, at=at, actor="intake"),
    )


def planning_store(size: int, folder: Path) -> SqlUnitOfWork:
    """A SQLite store of ``size`` Stage 1 applications with one valid outline each, made
    once in ``folder`` (a run of the benchmark on other code may plan from the same file)."""
    path = folder / f"planning-{size}.db"
    made = path.exists()
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    uow = SqlUnitOfWork(engine)
    for n in range(0 if made else size):
        city = Applicant(teryt=f"{n + 1:07d}", city_name=f"Chełm {n + 1}")
        upload = intake.Upload(
            call_code=STAGE1,
            stage=1,
            file_name=f"miasto-{n + 1}.xlsx",
            content=f"PK\x03\x04 outline {n + 1}".encode(),
            result=valid_result(f"miasto-{n + 1}.xlsx", city),
            applicant=city,
            submitted_by="urząd@chełm.pl",
        )
        intake.submit(uow, FakeFileStore(), upload, at=START + timedelta(minutes=n))
    return uow


def bench_planning(size: int, folder: Path) -> float:
    """Every document the store holds planned (not rendered) for ``size`` applications."""
    folder.mkdir(parents=True, exist_ok=True)
    uow = planning_store(size, folder)
    programme, form = load_programme(), forms.load("outline")

    def plan() -> None:
        requests = programme_requests(
            uow, programme=programme, form=form, folder=folder, selection=Selection(),
            issued=date(2024, 6, 28),
        )  # fmt: skip
        assert len(requests) >= 2 * size  # an application's docx and PDF, and the publication

    return best_of(3, plan)


PATHS = ("ledger", "audit_days", "recheck", "planning")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--paths", nargs="+", choices=PATHS, default=list(PATHS))
    parser.add_argument("--stores", type=Path, help="keep the stores made here, and reuse them")
    args = parser.parse_args()
    results: dict[str, dict[int, float]] = {path: {} for path in args.paths}
    with tempfile.TemporaryDirectory() as scratch:
        stores = Path(args.stores or scratch)
        bench_recheck(100, Path(scratch) / "warm-up")  # SQLAlchemy compiles its statements once
        runs: dict[str, Callable[[int], float]] = {
            "ledger": bench_ledger,
            "audit_days": bench_audit_days,
            "recheck": lambda size: bench_recheck(size, Path(scratch)),
            "planning": lambda size: bench_planning(size, stores),
        }
        for size in args.sizes:
            for path in args.paths:
                results[path][size] = runs[path](size)
    for path, figures in results.items():
        print(f"{path:<11}", "  ".join(f"{n:>6}: {t * 1000:9.2f} ms" for n, t in figures.items()))
    OUT.mkdir(exist_ok=True)
    (OUT / "scaling.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
