"""Partnerships: matching donors, the operator's confirmation, signing, the search's end."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from grantflow.cli.common import (
    AsOfOption,
    ByOption,
    CallOption,
    ProgrammeOption,
    ReasonOption,
    next_flow,
    next_step,
    store,
    usage,
)

partners_app = typer.Typer(help="Partner matching, confirmation, signing.", no_args_is_help=True)


@partners_app.command("propose")
def partners_propose(
    call: CallOption = "stage2-proposal",
    donors: Annotated[
        Path | None, typer.Option("--donors", help="Donor pool file (default: the samples').")
    ] = None,
    by: ByOption = "operator",
    as_of: AsOfOption = None,
) -> None:
    """Register the donor pool and propose partners (maximum total score within capacities)."""
    from grantflow.adapters.assignment import ScipyAssignmentSolver
    from grantflow.domain.errors import ConfigurationError
    from grantflow.services import donor_pool, partnership
    from grantflow.validation.donors_file import load_donors

    try:
        pool = load_donors(donors)
    except ConfigurationError as exc:
        raise usage(str(exc)) from exc
    with store(as_of=as_of) as built:
        uow = built.unit_of_work()
        donor_pool.register_donors(uow, pool, at=built.clock.now(), actor=f"operator:{by}")
        proposals = partnership.reconcile_partner_search(
            uow, call, ScipyAssignmentSolver(), at=built.clock.now(), actor=f"operator:{by}"
        )
    for pair in proposals:
        typer.echo(f"application {pair.city.application_id}: {pair.explanation()}")
    typer.echo(f"{len(proposals)} proposals")


@partners_app.command("confirm")
def partners_confirm(
    application_id: Annotated[int, typer.Argument(help="Application id.")],
    donor: Annotated[str, typer.Argument(help="Donor code, e.g. NO-4204.")],
    justification: Annotated[
        str, typer.Option("--justification", help="Needed when overriding the proposal.")
    ] = "",
    programme: ProgrammeOption = None,
    by: ByOption = "operator",
    as_of: AsOfOption = None,
) -> None:
    """Confirm the proposed donor, or override it with another (with a justification)."""
    from grantflow.services import partnership

    with store(programme, as_of) as built:
        confirmed = partnership.confirm_partner(
            built.unit_of_work(),
            application_id,
            donor,
            built.programme,
            at=built.clock.now(),
            actor=f"operator:{by}",
            justification=justification,
        )
    typer.echo(f"application {application_id}: {confirmed.status} with {confirmed.donor_code}")
    next_step(f"grantflow partners sign {application_id}  (once the agreement is signed)")


@partners_app.command("sign")
def partners_sign(
    application_id: Annotated[int, typer.Argument(help="Application id.")],
    call: CallOption = "stage2-proposal",
    programme: ProgrammeOption = None,
    by: ByOption = "operator",
    as_of: AsOfOption = None,
) -> None:
    """The partnership agreement is signed (on the day ``--as-of`` gives, default today):
    the city's lump sum is committed.

    Refused for a day still to come, and after the programme's final eligibility date.
    """
    from grantflow.adapters.clock import SystemClock
    from grantflow.services import partnership

    with store(programme, as_of) as built:
        signed = partnership.sign_agreement(
            built.unit_of_work(),
            call,
            application_id,
            built.programme,
            at=built.clock.now(),
            actor=f"operator:{by}",
            # --as-of stands the command's clock on the day of the signature: the day that
            # cannot have come yet is the system's.
            today=SystemClock().today(),
        )
    typer.echo(f"application {application_id}: {signed.status} with {signed.donor_code}")


@partners_app.command("reopen")
def partners_reopen(
    application_id: Annotated[int, typer.Argument(help="Application id.")],
    reason: ReasonOption = "",
    by: ByOption = "operator",
    as_of: AsOfOption = None,
) -> None:
    """A confirmed partnership fell through before signing: back to the partner search."""
    from grantflow.services import partnership

    with store(as_of=as_of) as built:
        uow = built.unit_of_work()
        reopened = partnership.reopen_search(
            uow, application_id, at=built.clock.now(), actor=f"operator:{by}", reason=reason
        )
    typer.echo(f"application {application_id} ({reopened.city_name}): {reopened.state}")
    next_flow("partnership", reopened.call_code, "proposes again", as_of)


@partners_app.command("close-search")
def partners_close_search(
    call: CallOption = "stage2-proposal", by: ByOption = "operator", as_of: AsOfOption = None
) -> None:
    """The partner-search deadline: unsigned funded cities get their lump sum returned."""
    from grantflow.services import partnership

    with store(as_of=as_of) as built:
        uow = built.unit_of_work()
        closed = partnership.close_partner_search(
            uow, call, at=built.clock.now(), actor=f"operator:{by}"
        )
    typer.echo(f"partner search closed; no partner: {', '.join(map(str, closed)) or 'none'}")


def register(app: typer.Typer) -> None:
    app.add_typer(partners_app, name="partners")
