"""``grantflow validate`` loads only what checking a file needs.

``grantflow.cli.main`` imports only the audience module that registers the
command named on the command line; ``COMMANDS`` must say truly which one that is.
"""

from __future__ import annotations

import json
import subprocess
import sys

import typer.main

from grantflow import cli, resources

SAMPLE = resources.samples() / "outlines" / "chelm.xlsx"

# Runs ``grantflow validate`` in a fresh interpreter and prints the modules it loaded.
VALIDATE_IN_PROCESS = """
import json, sys
from grantflow.cli import main
sys.argv = ["grantflow", "validate", sys.argv[1]]
try:
    main()
except SystemExit as done:
    code = done.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def names(app: typer.Typer) -> set[str]:
    return set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


class TestValidateStartup:
    def test_validate_does_not_load_flows_database_pdf_templates_or_other_audiences(self) -> None:
        done = subprocess.run(
            [sys.executable, "-c", VALIDATE_IN_PROCESS, str(SAMPLE)],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(done.stdout.splitlines()[-1])
        assert result["code"] == 0
        loaded = set(result["modules"])
        heavy = {"prefect", "sqlalchemy", "weasyprint", "jinja2", "docxtpl", "psycopg"}
        assert heavy.isdisjoint(loaded), heavy & loaded
        others = {f"grantflow.cli.{a}" for a in cli.AUDIENCES if a != "forms"}
        assert others.isdisjoint(loaded), others & loaded
        assert "grantflow.services.documents.registry" not in loaded
        # No use case either: validation needs the form and the programme, not the store's
        # services (the Stage 2 form's name, imported from them, cost validate 150 ms).
        assert not {m for m in loaded if m.startswith("grantflow.services")}, loaded


class TestCommandTable:
    def test_each_audience_alone_registers_exactly_the_names_the_table_gives_it(self) -> None:
        for audience in cli.AUDIENCES:
            expected = {name for name, owner in cli.COMMANDS.items() if owner == audience}
            assert names(cli.build_app((audience,))) == expected, audience

    def test_the_table_covers_every_command_of_the_whole_application(self) -> None:
        assert names(cli.app) == set(cli.COMMANDS)
