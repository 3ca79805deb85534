"""Write sample outline workbooks reproducibly: same values, same bytes.

openpyxl stamps every save with the current time, so two runs of the sample
generator would give different files and a changed checksum for unchanged
samples: the form is filled by ``formgen`` and saved through
``reproducible.workbook_bytes`` with one fixed time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from grantflow.adapters import formgen
from grantflow.adapters.reproducible import workbook_bytes
from grantflow.validation.form import FormDefinition

# The time written into every sample: the Stage 1 outline deadline of the
# reference programme's history, fixed so that samples never change by themselves.
SAMPLE_TIME = datetime(2019, 9, 30, 12, 0, 0)


def write_sample(
    form: FormDefinition,
    lang: str,
    values: Mapping[str, Any],
    path: Path,
    when: datetime = SAMPLE_TIME,
) -> None:
    """Write the filled form to ``path``; equal arguments give equal bytes."""
    book = formgen.build_filled(form, lang, values)
    book.properties.creator = "grantflow"
    path.write_bytes(workbook_bytes(book, when))


Job = tuple[Path, Mapping[str, Any]]  # where to write, the form's values


def _write_batch(form: FormDefinition, lang: str, batch: Sequence[Job]) -> int:
    for path, values in batch:
        write_sample(form, lang, values, path)
    return len(batch)


def write_samples(form: FormDefinition, lang: str, jobs: Sequence[Job], workers: int = 0) -> None:
    """Write many samples, spread over ``workers`` processes (0: one per core).

    Filling and saving a form is CPU-bound openpyxl work (about 0.1 s a file),
    so a thousand benchmark outlines are written in one batch per process.
    """
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        _write_batch(form, lang, jobs)
        return
    batches = [jobs[i::workers] for i in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        for future in [pool.submit(_write_batch, form, lang, batch) for batch in batches]:
            future.result()
