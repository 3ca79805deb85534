"""The portal: ``grantflow serve`` starts it, ``grantflow users add`` makes its accounts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from grantflow.cli.common import AsOfOption, ProgrammeOption, moment, refusals, store, usage

users_app = typer.Typer(help="Portal accounts.", no_args_is_help=True)


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    programme: ProgrammeOption = None,
    as_of: AsOfOption = None,
) -> None:
    """Start the portal (uvicorn) on the configured home and store.

    --as-of stops the portal's clock at that moment (a demo on the programme's
    calendar); without it the portal lives in the present.
    """
    import uvicorn

    from grantflow import bootstrap
    from grantflow.web.app import create_app

    at = moment(as_of)
    with refusals():
        wiring = bootstrap.build(programme_file=programme, as_of=at)
        wiring.programme  # noqa: B018  (a broken programme file fails before listening)
    typer.echo(f"grantflow portal on http://{host}:{port} (home {wiring.settings.home})")
    # proxy_headers: behind a reverse proxy on this machine, X-Forwarded-Proto makes
    # the session cookie Secure and the client's address the throttle's.
    uvicorn.run(create_app(wiring), host=host, port=port, proxy_headers=True, log_level="info")


@users_app.command("add")
def add_user(
    email: Annotated[str, typer.Argument(help="The user's e-mail address (signs in with it).")],
    role: Annotated[str, typer.Option(help="city, reviewer, operator or donor.")],
    teryt: Annotated[str | None, typer.Option(help="A city account's TERYT.")] = None,
    reviewer: Annotated[str | None, typer.Option(help="A reviewer account's expert code.")] = None,
    donor: Annotated[str | None, typer.Option(help="A donor account's municipality code.")] = None,
    lang: Annotated[str, typer.Option("--lang", help="The account's language: pl, nb, en.")] = "pl",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    by: Annotated[str, typer.Option("--by", help="Who adds it (audit log).")] = "cli",
    as_of: AsOfOption = None,
) -> None:
    """Add a portal account bound to its city, expert or donor municipality."""
    from grantflow.domain.accounts import Binding
    from grantflow.services.accounts import add_user as add

    if not password_stdin:
        raise usage("give the password on standard input with --password-stdin")
    password = sys.stdin.readline().rstrip("\r\n")
    with store(as_of=as_of) as built, refusals():
        user = add(
            built.unit_of_work(),
            built.passwords,
            email=email,
            binding=Binding(role=role, teryt=teryt, reviewer=reviewer, donor=donor),
            password=password,
            language=lang,
            at=built.clock.now(),
            actor=by,
        )
    typer.echo(f"account {user.id}: {user.email} ({user.role})")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(users_app, name="users")
