"""Settings read once at the edge (CLI, flows) and passed down as values."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path.home() / ".grantflow"
# Where `grantflow serve` listens by default; links in e-mails start here.
DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"
DEFAULT_MAIL_FROM = "Grantflow <grantflow@localhost>"


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    # Links in notifications point here (GRANTFLOW_PORTAL_URL).
    portal_url: str = DEFAULT_PORTAL_URL
    # GRANTFLOW_SMTP_URL (grantflow.adapters.mail); None: the Maildir under home/outbox.
    smtp_url: str | None = None
    mail_from: str = DEFAULT_MAIL_FROM  # GRANTFLOW_MAIL_FROM
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
    def manifests_dir(self) -> Path:
        """Big intake batches, each named in a file (``grantflow.adapters.manifest``)."""
        return self.home / "manifests"

    @property
    def batches_dir(self) -> Path:
        """Big document batches, pickled for the flow (``grantflow.adapters.batch_file``)."""
        return self.home / "batches"

    @property
    def documents_dir(self) -> Path:
        return self.home / "documents"

    @property
    def outbox_dir(self) -> Path:
        """The Maildir messages go to when no SMTP server is configured."""
        return self.home / "outbox"


def load(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    home = Path(env.get("GRANTFLOW_HOME") or DEFAULT_HOME).expanduser().resolve()
    url = env.get("GRANTFLOW_DATABASE_URL") or f"sqlite:///{home / 'grantflow.db'}"
    return Settings(
        home=home,
        database_url=url,
        portal_url=env.get("GRANTFLOW_PORTAL_URL") or DEFAULT_PORTAL_URL,
        smtp_url=env.get("GRANTFLOW_SMTP_URL") or None,
        mail_from=env.get("GRANTFLOW_MAIL_FROM") or DEFAULT_MAIL_FROM,
        dask_address=env.get("GRANTFLOW_DASK_ADDRESS") or None,
    )
