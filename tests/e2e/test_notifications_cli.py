"""Commands deliver what they recorded after their commit, and a refused command sends
nothing: the operator's formal check as a subprocess on a SQLite home, the Maildir read back."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from grantflow import bootstrap, config
from grantflow.services import intake
from grantflow.services.intake import Applicant, Upload
from tests.intake_data import STAGE1, valid_result
from tests.integration.clients import read_maildir
from tests.unit.fakes.files import FakeFileStore

ZAMOSC = Applicant(teryt="0664011", city_name="Zamość")


def grantflow(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "GRANTFLOW_HOME": str(home),
        "GRANTFLOW_DATABASE_URL": f"sqlite:///{home / 'grantflow.db'}",
        "GRANTFLOW_PORTAL_URL": "https://portal.lokalnyrozwoj.example",
    }
    command = [sys.executable, "-m", "grantflow.cli", *args]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)


def test_a_return_for_correction_reaches_the_city_and_a_refused_check_sends_nothing(
    grantflow_home: Path,
) -> None:
    with bootstrap.build(settings=config.load()) as wired:
        wired.migrate()
        outcome = intake.submit(
            wired.unit_of_work(),
            FakeFileStore(),
            Upload(
                STAGE1,
                1,
                "zamosc.xlsx",
                b"PK zamosc",
                valid_result("zamosc.xlsx", ZAMOSC),
                ZAMOSC,
                "portal",
            ),
            at=datetime(2019, 9, 20, 9, 0, tzinfo=UTC),
        )
    application = str(outcome.application_id)
    returned = grantflow(
        grantflow_home,
        *("formal-check", application, "--return-until", "2019-12-16"),
        *("--reason", "brak podpisu", "--as-of", "2019-12-02"),
    )
    assert returned.returncode == 0, returned.stderr
    outbox = read_maildir(grantflow_home / "outbox")
    # The report-ready message recorded at intake goes out with the command's own.
    assert sorted(m["Subject"] for m in outbox) == [
        "Raport z walidacji dla Zamość: wersja 1 jest poprawna",
        "Zamość: wniosek zwrócony do poprawy do dnia 16 grudnia 2019",
    ]
    letter = next(m for m in outbox if "zwrócony" in m["Subject"])
    assert letter["Date"] == "Mon, 02 Dec 2019 11:00:00 +0000"  # midday in Warsaw
    text = letter.get_body(("plain",)).get_content()
    assert f"https://portal.lokalnyrozwoj.example/city/applications/{application}" in text
    refused = grantflow(grantflow_home, "formal-check", application, "--correct")
    assert refused.returncode == 1 and "refused" in refused.stderr
    assert len(read_maildir(grantflow_home / "outbox")) == 2
