"""The portal's test cast and its forms: two Lublin-region cities, an operator, filled forms.

Chełm, Zamość, Hrubieszów and Łomża each have a city account; the clock stands on 3 June 2019,
while the Stage 1 call (15 May - 30 September 2019) is open. Forms are
filled the way a city fills them: the blank form the portal hands out,
opened in openpyxl, its value cells typed in (values taken from the sample
outline of the same city).
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
from fastapi.testclient import TestClient

from grantflow import bootstrap, config, resources
from grantflow.domain.accounts import Binding
from grantflow.services.accounts import add_user

OPEN_DAY = datetime(2019, 6, 3, 10, 0, tzinfo=UTC)  # Stage 1 is open
AFTER_DEADLINE = datetime(2019, 10, 7, 10, 0, tzinfo=UTC)  # closed on 30 September 2019
PASSWORD = "Ratusz-Rynek-1-2019"

CHELM = ("urzad@chelm.pl", "0662011", "Chełm")
ZAMOSC = ("urzad@zamosc.pl", "0664011", "Zamość")
HRUBIESZOW = ("urzad@hrubieszow.pl", "0604011", "Hrubieszów")
LOMZA = ("urzad@um.lomza.pl", "2062011", "Łomża")
OPERATOR = "biuro@operator.example.pl"
SAMPLES = {
    "0662011": "chelm.xlsx",
    "0664011": "zamosc.xlsx",
    "0604011": "hrubieszow.xlsx",
    "2062011": "lomza.xlsx",
}
# A NIP whose checksum fails: the outline's error a city then corrects.
BAD_NIP = "5066201008"


def settings_for(home: Path) -> config.Settings:
    return config.Settings(home=home, database_url=f"sqlite:///{home / 'grantflow.db'}")


def wiring_at(home: Path, moment: datetime) -> bootstrap.Wiring:
    return bootstrap.Wiring(settings_for(home), clock=bootstrap.clock_at(moment))


def add_cast(wiring: bootstrap.Wiring) -> None:
    wiring.migrate()
    for email, teryt, _ in (CHELM, ZAMOSC, HRUBIESZOW, LOMZA):
        add_user(
            wiring.unit_of_work(),
            wiring.passwords,
            email=email,
            binding=Binding("city", teryt=teryt),
            password=PASSWORD,
            language="pl",
            at=wiring.clock.now(),
            actor="test",
        )
    add_user(
        wiring.unit_of_work(),
        wiring.passwords,
        email=OPERATOR,
        binding=Binding("operator"),
        password=PASSWORD,
        language="pl",
        at=wiring.clock.now(),
        actor="test",
    )


def fill_blank(blank: bytes, teryt: str, changes: dict[str, object] | None = None) -> bytes:
    """The blank form with the sample outline's values of the city typed into its value
    cells (``changes``: field key -> another value)."""
    sample = openpyxl.load_workbook(resources.samples() / "outlines" / SAMPLES[teryt])
    book = openpyxl.load_workbook(io.BytesIO(blank))
    for ws in book.worksheets:
        if ws.title not in sample.sheetnames or ws.title == "Lists":
            continue
        source = sample[ws.title]
        if ws["A1"].value == source["A1"].value and ws.max_column == 3:
            # key | label | value, one field a row
            keys = {source.cell(r, 1).value: source.cell(r, 3).value for r in range(2, 100)}
            for row in range(2, ws.max_row + 1):
                key = ws.cell(row, 1).value
                if key in keys:
                    ws.cell(row, 3).value = (changes or {}).get(key, keys[key])
        else:
            # a table: keys in row 1, labels in row 2, one item a row from row 3
            for row in source.iter_rows(min_row=3):
                for cell in row:
                    ws.cell(cell.row, cell.column).value = cell.value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sample_bytes(teryt: str) -> bytes:
    return (resources.samples() / "outlines" / SAMPLES[teryt]).read_bytes()


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, email: str) -> str:
    """Sign ``email`` in on ``client``; the CSRF token of the new session."""
    token = csrf_of(client.get("/login").text)
    answer = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/").text)


def upload(
    client: TestClient,
    token: str,
    content: bytes,
    name: str = "zarys.xlsx",
    call: str = "stage1-outline",
) -> object:
    return client.post(
        "/city/uploads",
        data={"csrf": token, "call": call},
        files={"file": (name, content, "application/octet-stream")},
        follow_redirects=False,
    )
