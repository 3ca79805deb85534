"""``manifest.json``: the list of generated files next to them, each with its SHA-256.

One manifest per output folder. Recording merges by file name, so documents
generated one after another (or re-generated) end up in one list, and the
file itself is stable: entries sorted by name, no timestamps, written to a
temporary file and renamed so a reader never sees half a manifest.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grantflow.adapters.atomic import write_atomically
from grantflow.domain.errors import DocumentError, StorageError
from grantflow.services.documents.rendering import GeneratedDocument

MANIFEST = "manifest.json"


def entry(document: GeneratedDocument, folder: Path) -> dict[str, Any]:
    return {
        "file": document.path.resolve().relative_to(folder).as_posix(),
        "kind": document.kind,
        "lang": document.lang,
        "format": document.fmt,
        "sha256": document.sha256,
        "size": document.size,
    }


def read(folder: Path) -> list[dict[str, Any]]:
    path = folder / MANIFEST
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files: list[dict[str, Any]] = data["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DocumentError(f"unreadable manifest {path}: {exc}") from exc
    return files


class JsonManifest:
    """The ``DocumentLog`` port as ``<folder>/manifest.json``.

    Documents must lie inside ``folder`` (their path is stored relative to it).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()

    def record(self, documents: Sequence[GeneratedDocument]) -> None:
        try:
            entries = {e["file"]: e for e in read(self.folder)}
            for document in documents:
                new = entry(document, self.folder)
                entries[new["file"]] = new
        except ValueError as exc:  # a document outside the folder
            raise DocumentError(f"cannot record outside {self.folder}: {exc}") from exc
        text = json.dumps(
            {"files": [entries[name] for name in sorted(entries)]},
            indent=2,
            ensure_ascii=False,
            sort_keys=True,
        )
        try:
            write_atomically(self.folder / MANIFEST, (text + "\n").encode("utf-8"))
        except StorageError as exc:
            raise DocumentError(f"cannot write {MANIFEST} in {self.folder}: {exc}") from exc
