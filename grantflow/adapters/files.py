"""Files under GRANTFLOW_HOME: original uploads (content-addressed) and reports.

Every write is atomic (``grantflow.adapters.atomic``), so a reader (or a
crash) never sees half a file, and two writers of the same upload race
harmlessly: the bytes are the same.
"""

from __future__ import annotations

import re
from pathlib import Path

from grantflow.adapters.atomic import write_atomically

_SHA256 = re.compile(r"[0-9a-f]{64}")
# Report names become file names: keep them to a portable alphabet.
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class LocalFileStore:
    """Implements ``grantflow.services.ports.files.FileStore`` on a local folder."""

    def __init__(self, home: Path) -> None:
        self.home = home

    def save_upload(self, sha256: str, content: bytes) -> str:
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        relative = Path("uploads") / sha256[:2] / f"{sha256}.xlsx"
        target = self.home / relative
        if not target.exists():
            write_atomically(target, content)
        return relative.as_posix()

    def upload_path(self, stored_path: str) -> Path:
        return self.home / stored_path

    def save_report(self, name: str, suffix: str, content: bytes) -> Path:
        """``reports/<name>.<suffix>``, replaced if it exists (the newest report wins)."""
        safe = _UNSAFE.sub("-", name).strip("-.") or "report"
        target = self.home / "reports" / f"{safe}.{suffix}"
        write_atomically(target, content)
        return target
