"""Where the original bytes of an upload are kept."""

from __future__ import annotations

from typing import Protocol


class FileStore(Protocol):
    def save_upload(self, sha256: str, content: bytes) -> str:
        """Keep the original bytes (idempotent); return where, relative to the home."""
        ...
