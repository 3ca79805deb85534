"""``grantflow users add`` and ``grantflow serve`` as a person runs them: subprocesses."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from tests.web.browser.conftest import free_port
from tests.web.portal_data import PASSWORD


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRANTFLOW_", "PREFECT_"))}
    env["GRANTFLOW_HOME"] = str(home)
    return env


def users_add(home: Path, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grantflow.cli", "users", "add", *args, "--password-stdin"],
        input=f"{password}\n",
        env=environment(home),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_an_account_added_on_the_command_line_signs_in_to_the_served_portal(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    added = users_add(
        home, "Urzad@Chelm.pl", "--role", "city", "--teryt", "0662011", password=PASSWORD
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "account 1: urzad@chelm.pl (city)"
    refused = users_add(home, "biuro@bodo.kommune.no", "--role", "donor", password=PASSWORD)
    assert refused.returncode == 1
    assert refused.stderr.strip() == "grantflow: refused: a donor account needs --donor"

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "grantflow.cli",
            "serve",
            "--port",
            str(port),
            "--as-of",
            "2019-06-03",
        ],
        env=environment(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        with httpx2.Client(base_url=url) as browser:
            while True:
                try:
                    page = browser.get("/login")
                    break
                except httpx2.ConnectError:
                    assert server.poll() is None and time.monotonic() < deadline, "no portal"
                    time.sleep(0.2)
            token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
            assert token
            signed = browser.post(
                "/login",
                data={"email": "urzad@chelm.pl", "password": PASSWORD, "csrf": token.group(1)},
                follow_redirects=True,
            )
            assert signed.status_code == 200 and "<h1>Chełm" in signed.text
            # The clock stands on 3 June 2019: Stage 1 is open, so it is the call offered.
            assert '<option value="stage1-outline" selected>' in signed.text
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert f"grantflow portal on http://127.0.0.1:{port}" in output
