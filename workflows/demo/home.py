"""The demo's folder, samples and cast: checked before Prefect is imported (a refusal is instant).

The demo runs on its own home only: an empty (or new) folder, which it
marks as a demo home, or one it marked before (running it again is safe:
every flow is idempotent and reports that nothing new was stored). It
refuses a folder holding anything else, so it never mixes sample cities
into a real programme's data. It always uses the embedded store (SQLite in
that home), whatever ``GRANTFLOW_DATABASE_URL`` says.
"""

from __future__ import annotations

import os
from pathlib import Path

from grantflow import resources
from grantflow.config import Settings
from grantflow.domain.errors import ConfigurationError
from grantflow.validation.demo_file import load_demo_cast

MARKER = ".grantflow-demo"


def sample_outlines() -> list[Path]:
    """The broken samples first: a city that uploads a faulty outline and then the
    corrected one ends with the valid file as its newest version, as in real life."""
    files = (resources.samples() / "outlines").glob("*.xlsx")
    return sorted(files, key=lambda p: (not p.name.startswith("invalid-"), p.name))


def claim(home: Path) -> Settings:
    """Mark ``home`` as the demo's and export its settings for the flows.

    ConfigurationError if it is a file or holds data that is not a demo's, or if
    ``samples/demo.yaml`` is broken.
    """
    home = home.expanduser().resolve()
    if home.exists() and not home.is_dir():
        raise ConfigurationError(f"{home} is a file, not a folder")
    if home.is_dir() and any(home.iterdir()) and not (home / MARKER).exists():
        raise ConfigurationError(
            f"{home} is not empty and is not a demo home; "
            "run the demo with --home and a new or empty folder"
        )
    if not sample_outlines():
        raise ConfigurationError(f"no sample outlines in {resources.samples() / 'outlines'}")
    load_demo_cast()
    home.mkdir(parents=True, exist_ok=True)
    (home / MARKER).write_text("This folder was made by `grantflow demo`.\n", encoding="utf-8")
    settings = Settings(home=home, database_url=f"sqlite:///{home / 'grantflow.db'}")
    # The flows read their settings from the environment, as they do when a
    # Prefect worker runs them.
    os.environ["GRANTFLOW_HOME"] = str(settings.home)
    os.environ["GRANTFLOW_DATABASE_URL"] = settings.database_url
    return settings
