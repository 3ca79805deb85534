"""Settings read once at the edge (CLI, flows) and passed down as values."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path.home() / ".grantflow"


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    # A Dask scheduler (``tcp://host:8786``) that document batches run on, for
    # batches spread over several machines; None: this machine's processes.
    dask_address: str | None = None

    @property
    def uploads_dir(self) -> Path:
        return self.home / "uploads"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def documents_dir(self) -> Path:
        return self.home / "documents"


def load(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    home = Path(env.get("GRANTFLOW_HOME") or DEFAULT_HOME).expanduser().resolve()
    url = env.get("GRANTFLOW_DATABASE_URL") or f"sqlite:///{home / 'grantflow.db'}"
    dask = env.get("GRANTFLOW_DASK_ADDRESS") or None
    return Settings(home=home, database_url=url, dask_address=dask)
