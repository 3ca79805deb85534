"""The demo leaves a portal ready to open: one account of each role, on its own home."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from grantflow import bootstrap
from grantflow.validation.demo_file import load_demo_cast
from grantflow.web.app import create_app
from tests.web.portal_data import csrf_of
from workflows.demo import home as demo_home
from workflows.demo.portal import PASSWORD, open_portal


def test_the_demo_makes_one_account_per_role_and_says_how_to_sign_in(tmp_path: Path) -> None:
    settings = demo_home.claim(tmp_path / "demo")
    first = open_portal(settings, load_demo_cast())
    again = open_portal(settings, load_demo_cast())  # a second demo run keeps them
    assert first == again
    assert [role for role, _ in first.accounts] == ["city", "reviewer", "operator", "donor"]
    summary = "\n".join(first.summary_lines())
    assert f"GRANTFLOW_HOME={settings.home} grantflow serve" in summary
    assert PASSWORD in summary and all(email in summary for _, email in first.accounts)
    assert len(first.summary_lines()) <= 3

    city = dict(first.accounts)["city"]
    with TestClient(create_app(bootstrap.Wiring(settings))) as browser:
        token = csrf_of(browser.get("/login").text)
        signed = browser.post("/login", data={"email": city, "password": PASSWORD, "csrf": token})
        assert signed.status_code == 200
        assert "<h1>Chełm" in signed.text
