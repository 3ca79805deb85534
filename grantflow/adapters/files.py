"""Files under GRANTFLOW_HOME: original uploads (content-addressed) and reports.

Every write goes to a temporary file in the target folder and is renamed
into place, so a reader (or a crash) never sees half a file, and two
writers of the same upload race harmlessly: the bytes are the same.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from grantflow.domain.errors import StorageError

_SHA256 = re.compile(r"[0-9a-f]{64}")
# Report names become file names: keep them to a portable alphabet.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class LocalFileStore:
    """Implements ``grantflow.services.ports.FileStore`` on a local folder."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def save_upload(self, sha256: str, content: bytes) -> str:
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        relative = Path("uploads") / sha256[:2] / f"{sha256}.xlsx"
        target = self.home / relative
        if not target.exists():
            _write_atomically(target, content)
        return relative.as_posix()

    def upload_path(self, stored_path: str) -> Path:
        return self.home / stored_path

    def save_report(self, name: str, suffix: str, content: bytes) -> Path:
        """``reports/<name>.<suffix>``, replaced if it exists (the newest report wins)."""
        safe = _UNSAFE.sub("-", name).strip("-.") or "report"
        target = self.home / "reports" / f"{safe}.{suffix}"
        _write_atomically(target, content)
        return target


def _write_atomically(target: Path, content: bytes) -> None:
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
