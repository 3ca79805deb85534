"""Checking upload files: read safely, validate, report. Part of the composition root.

Pure local work (no database, no Prefect), used by ``grantflow validate`` and
by the intake flow (which passes a proposal call's shortlist, read from the
store). Many files are spread over worker processes, one per core, each
loading the programme once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from grantflow.adapters.spreadsheet import Upload, read_upload
from grantflow.domain.programme import PROPOSAL_FORM, Programme
from grantflow.validation.outline import ValidationResult, validate_outline
from grantflow.validation.programme_file import load_programme
from grantflow.validation.proposal import Shortlist, validate_proposal
from grantflow.validation.report import FileReport, Issue, Report

if TYPE_CHECKING:
    from concurrent.futures import Future

# Spreadsheet-like files picked up from a folder. Files given by name are
# always checked, whatever their extension: a renamed .ods gets its report.
FOLDER_PATTERNS = ("*.xlsx", "*.xlsm")
# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 8


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, folders replaced by their spreadsheets in name order."""
    result: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = {p for pattern in FOLDER_PATTERNS for p in path.glob(pattern)}
            result.extend(sorted(found))
        else:
            result.append(path)
    return result


def programme_for(programme_path: Path | None, call_code: str) -> Programme:
    """The programme whose call ``call_code`` the files go to; ConfigurationError when the
    file is broken or has no such call."""
    programme = load_programme(programme_path)
    programme.call(call_code)
    return programme


def check_file(
    path: Path, programme: Programme, call_code: str, shortlist: Shortlist | None = None
) -> tuple[Upload, ValidationResult]:
    """The file read once (its bytes, to keep them as checked) and its validation by the
    call's form. ``shortlist``: for a proposal call, the cities that may submit (from the
    store; None in a local check, which then leaves the shortlist unchecked)."""
    upload = read_upload(path)
    if programme.call(call_code).form == PROPOSAL_FORM:
        return upload, validate_proposal(upload.workbook, programme, call_code, shortlist)
    return upload, validate_outline(upload.workbook, programme, call_code)


def report_for(path: Path, programme: Programme, call_code: str) -> FileReport:
    """The file's report, whatever happens: one file's failure never costs a batch its reports.

    The reader already turns every problem with a file into an issue; this is
    the last line of defence, should anything else fail on a strange file.
    """
    try:
        return check_file(path, programme, call_code)[1].report
    except Exception:
        return unchecked_report(path)


def unchecked_report(path: Path) -> FileReport:
    """The report of a file that could not be checked at all."""
    reason = "the workbook's structure is damaged"  # a reason the catalogs translate
    return FileReport(file=path.name, issues=[Issue("file-unreadable", params={"reason": reason})])


# Worker-process state: the programme is loaded once per process, not per file.
_worker_programme: Programme | None = None
_worker_call: str = ""


def _init_worker(programme_path: Path | None, call_code: str) -> None:
    global _worker_programme, _worker_call
    _worker_programme = programme_for(programme_path, call_code)
    _worker_call = call_code


def _check_in_worker(path: Path) -> FileReport:
    assert _worker_programme is not None, "worker not initialised"
    return report_for(path, _worker_programme, _worker_call)


def check_files(
    paths: Sequence[Path],
    *,
    programme_path: Path | None = None,
    call_code: str = "stage1-outline",
    jobs: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Validate every file; reports come back in the order of ``paths``."""
    programme = programme_for(programme_path, call_code)  # fail fast on a bad programme file
    workers = jobs or os.cpu_count() or 1
    reports: list[FileReport] = []
    if workers == 1 or len(paths) < PARALLEL_THRESHOLD:
        for done, path in enumerate(paths, start=1):
            reports.append(report_for(path, programme, call_code))
            if progress:
                progress(done, len(paths))
        return Report(reports)
    # Imported here: checking a few files (``grantflow validate FILE``) needs no pool.
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(programme_path, call_code)
    ) as pool:
        futures = [pool.submit(_check_in_worker, path) for path in paths]
        for done, (path, future) in enumerate(zip(paths, futures, strict=True), start=1):
            reports.append(_report_of(future, path, programme_path, call_code))
            if progress:
                progress(done, len(paths))
    return Report(reports)


def _report_of(
    future: Future[FileReport], path: Path, programme_path: Path | None, call_code: str
) -> FileReport:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        # A worker died (killed, out of memory, a crash in native code) and took
        # the pool with it: every file not yet done is checked again, each in a
        # process of its own, so only the file that kills it goes unchecked.
        return _isolated_report(path, programme_path, call_code)
    except Exception:
        return unchecked_report(path)


def _isolated_report(path: Path, programme_path: Path | None, call_code: str) -> FileReport:
    from concurrent.futures import ProcessPoolExecutor

    try:
        with ProcessPoolExecutor(
            max_workers=1, initializer=_init_worker, initargs=(programme_path, call_code)
        ) as pool:
            return pool.submit(_check_in_worker, path).result()
    except Exception:
        return unchecked_report(path)
