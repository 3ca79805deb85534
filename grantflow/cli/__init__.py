"""The ``grantflow`` command line, one module per audience.

``forms`` (blank forms, validation, samples), ``city`` (uploads),
``operator`` (formal checks, decisions, views), ``reviewers``, ``committee``,
``partners``, ``documents``, ``flows`` (running flows, the demo) and
``portal`` (``serve``, portal accounts) each add
their commands in ``register``; ``common`` holds the options, exit codes and
the wiring they share. Commands parse, call a use case through the
composition root (``grantflow.bootstrap``) or start a flow, and print: no
rule of the programme lives here.

:func:`main` imports only the audience module that registers the command the
command line names (``grantflow validate`` needs ``forms`` alone; the
``documents`` module alone costs a tenth of a second, its ``generate``
subcommands come from the document registry). Anything else (``--help``, no
arguments, an unknown name) gets the whole application, as does ``app``.
``COMMANDS`` says which module registers which name; a test keeps it true.
"""

from __future__ import annotations

import importlib
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

AUDIENCES = (
    "forms",
    "city",
    "operator",
    "reviewers",
    "committee",
    "partners",
    "documents",
    "flows",
    "portal",
)

# Top-level command or group name -> the audience module whose ``register`` adds it.
COMMANDS = {
    "template": "forms",
    "samples": "forms",
    "validate": "forms",
    "submit": "city",
    "submit-final-report": "city",
    "formal-check": "operator",
    "decide": "operator",
    "promote": "operator",
    "applications": "operator",
    "ledger": "operator",
    "audit": "operator",
    "reviewers": "reviewers",
    "review": "reviewers",
    "selection": "committee",
    "partners": "partners",
    "generate": "documents",
    "publication": "documents",
    "run": "flows",
    "demo": "flows",
    "serve": "portal",
    "users": "portal",
}


def build_app(audiences: tuple[str, ...] = AUDIENCES) -> typer.Typer:
    """The application with the commands of ``audiences`` (modules of this package)."""
    import typer

    built = typer.Typer(
        name="grantflow",
        help="Run a grant programme: outline forms, validation, review, ledger, documents.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for audience in audiences:
        importlib.import_module(f"grantflow.cli.{audience}").register(built)
    return built


@cache
def _whole_app() -> typer.Typer:
    return build_app()


def __getattr__(name: str) -> Any:
    """``grantflow.cli.app``: the whole application, built on first use."""
    if name == "app":
        return _whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    # The top level has no options but --help, so a first word that is not an
    # option is the command's name.
    args = sys.argv[1:]
    audience = COMMANDS.get(args[0]) if args and not args[0].startswith("-") else None
    app = build_app((audience,)) if audience else _whole_app()
    app()
