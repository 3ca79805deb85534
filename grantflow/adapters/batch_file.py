"""A batch of work handed to a flow by reference: pickled in a file under the home.

Prefect's server refuses a flow run whose parameters serialise to more than
512 KiB, and the documents of a call are more than that: an application's
render request carries its whole outline (about 3.4 KB), so 150 applications
pass the limit. A flow takes such a batch as the path of a batch file instead.

Pickle, not JSON: a request's context holds Decimal amounts and dates, which
JSON would turn into floats and strings, and a document made from a batch
file must come out byte for byte as one made in process. Unpickling runs
code the file names, so only a file inside the batch folder the caller names
(the home's) is read: a flow run's parameter cannot point it anywhere else.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grantflow.adapters.atomic import write_atomically
from grantflow.domain.errors import StorageError


def write_batch(folder: Path, items: Sequence[object], *, kind: str) -> Path:
    """``items`` pickled whole in ``folder``, named by their content
    (``<kind>-<SHA-256 prefix>.pickle``); its path."""
    content = pickle.dumps(list(items), protocol=pickle.HIGHEST_PROTOCOL)
    target = folder / f"{kind}-{hashlib.sha256(content).hexdigest()[:16]}.pickle"
    write_atomically(target, content)
    return target


def read_batch(folder: Path, path: Path) -> list[Any]:
    """The items of the batch file ``path``, which must lie in ``folder``."""
    if not path.resolve().is_relative_to(folder.resolve()):
        raise StorageError(f"a batch file is read only from {folder}, not {path}")
    try:
        items = pickle.loads(path.read_bytes())  # noqa: S301  (written by write_batch, above)
    except (OSError, pickle.UnpicklingError, EOFError) as exc:
        raise StorageError(f"cannot read the batch file {path}: {exc}") from exc
    if not isinstance(items, list):
        raise StorageError(f"{path} is not a batch file")
    return items
