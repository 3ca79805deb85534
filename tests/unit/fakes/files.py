"""An in-memory file store."""

from __future__ import annotations


class FakeFileStore:
    def __init__(self) -> None:
        self.uploads: dict[str, bytes] = {}

    def save_upload(self, sha256: str, content: bytes) -> str:
        self.uploads[sha256] = content
        return f"uploads/{sha256[:2]}/{sha256}.xlsx"
