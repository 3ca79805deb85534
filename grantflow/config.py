"""Settings read once at the edge (CLI, flows) and passed down as values."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path.home() / ".grantflow"
# Where `grantflow serve` listens by default; links in e-mails start here.
DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    # The portal's address as its users reach it (GRANTFLOW_PORTAL_URL).
    portal_url: str = DEFAULT_PORTAL_URL

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
    portal_url = (env.get("GRANTFLOW_PORTAL_URL") or DEFAULT_PORTAL_URL).rstrip("/")
    return Settings(home=home, database_url=url, portal_url=portal_url)
