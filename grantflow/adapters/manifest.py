"""A manifest: a batch of files named in a file, one path per line.

Prefect's server refuses a flow run whose parameters serialise to more than
512 KiB, and 10,000 upload paths are more than that; a manifest passes such a
batch by reference. The format is the plainest one a shell can write too
(``printf '%s\\n' /srv/incoming/*.xlsx > batch.txt``): UTF-8, a path per
line, blank lines ignored, a relative path read from the manifest's folder.
Names are kept exactly, byte for byte: Polish letters as they are, and a
name that is not valid UTF-8 through Python's ``surrogateescape``, as
``os.fsencode`` does.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from grantflow.adapters.atomic import write_atomically
from grantflow.domain.errors import StorageError

ENCODING, ERRORS = "utf-8", "surrogateescape"


def write_manifest(folder: Path, paths: Sequence[str], *, kind: str) -> Path:
    """The manifest of ``paths``, written whole in ``folder``; its path.

    Named by its content (``<kind>-<SHA-256 prefix>.txt``): the same batch
    again rewrites the same manifest rather than adding one."""
    broken = [p for p in paths if "\n" in p]
    if broken:
        raise ValueError(f"a manifest has a path per line; these names hold a line break: {broken}")
    content = "".join(f"{p}\n" for p in paths).encode(ENCODING, ERRORS)
    target = folder / f"{kind}-{hashlib.sha256(content).hexdigest()[:16]}.txt"
    write_atomically(target, content)
    return target


def read_manifest(manifest: Path) -> list[str]:
    """The paths ``manifest`` names, in its order; ``StorageError`` when it cannot be read."""
    try:
        text = manifest.read_bytes().decode(ENCODING, ERRORS)
    except OSError as exc:
        raise StorageError(f"cannot read the manifest {manifest}: {exc}") from exc
    # Split on line feeds only: str.splitlines() would also split a name at characters
    # such as U+2028 or U+001C, which are legal in a file name.
    # os.path.join, not Path: an absolute line comes back exactly as written.
    return [os.path.join(manifest.parent, line) for line in text.split("\n") if line]
