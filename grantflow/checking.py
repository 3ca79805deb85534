"""Checking upload files: read safely, validate, report. Part of the composition root.

Pure local work (no database, no Prefect), used by ``grantflow validate`` and
by the intake flow. Many files are spread over worker processes, one per
core, each loading the programme once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from grantflow.adapters.spreadsheet import Upload, read_upload
from grantflow.domain.programme import Programme
from grantflow.validation.outline import ValidationResult, validate_outline
from grantflow.validation.programme_file import load_programme
from grantflow.validation.report import FileReport, Report

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


def check_file(path: Path, programme: Programme, call_code: str) -> tuple[Upload, ValidationResult]:
    """The file read once (its bytes, to keep them as checked) and its validation."""
    upload = read_upload(path)
    return upload, validate_outline(upload.workbook, programme, call_code)


# Worker-process state: the programme is loaded once per process, not per file.
_worker_programme: Programme | None = None
_worker_call: str = ""


def _init_worker(programme_path: Path | None, call_code: str) -> None:
    global _worker_programme, _worker_call
    _worker_programme = programme_for(programme_path, call_code)
    _worker_call = call_code


def _check_in_worker(path: Path) -> FileReport:
    assert _worker_programme is not None, "worker not initialised"
    return check_file(path, _worker_programme, _worker_call)[1].report


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
            reports.append(check_file(path, programme, call_code)[1].report)
            if progress:
                progress(done, len(paths))
        return Report(reports)
    chunksize = max(1, min(32, len(paths) // (workers * 4)))
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_init_worker, initargs=(programme_path, call_code)
    ) as pool:
        for done, report in enumerate(
            pool.map(_check_in_worker, paths, chunksize=chunksize), start=1
        ):
            reports.append(report)
            if progress:
                progress(done, len(paths))
    return Report(reports)
