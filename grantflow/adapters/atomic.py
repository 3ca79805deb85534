"""Write a whole file or nothing: a reader (or a crash) never sees half of one.

The bytes go to a temporary file in the target's folder (same file system),
are flushed to disk, and the temporary file is renamed over the target.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from grantflow.domain.errors import StorageError


def write_atomically(target: Path, content: bytes) -> None:
    """Create or replace ``target``; ``StorageError`` when it cannot be written."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise StorageError(f"cannot write {target}: {exc}") from exc
