"""The ``grantflow`` command line, one module per audience.

``forms`` (blank forms, validation, samples), ``city`` (uploads),
``operator`` (formal checks, decisions, views), ``reviewers``, ``committee``,
``partners``, ``documents`` and ``flows`` (running flows, the demo) each add
their commands in ``register``; ``common`` holds the options, exit codes and
the wiring they share. Commands parse, call a use case through the
composition root (``grantflow.bootstrap``) or start a flow, and print: no
rule of the programme lives here.
"""

from __future__ import annotations

import typer

from grantflow.cli import (
    city,
    committee,
    documents,
    flows,
    forms,
    operator,
    partners,
    reviewers,
)

app = typer.Typer(
    name="grantflow",
    help="Run a grant programme: outline forms, validation, review, ledger, documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for audience in (forms, city, operator, reviewers, committee, partners, documents, flows):
    audience.register(app)


def main() -> None:
    app()
