"""Stage 2 complete proposals: who may submit one, and the form a shortlisted city starts from.

Where the programme gives a Stage 2 call a proposal form of its own
(``form: proposal`` in the programme file), a city takes part only if the
Stage 1 call that the Stage 2 call follows shortlisted it
(``Programme.outline_call_for``). :func:`shortlist` reads those cities and
their outlines, for the proposal's validation (``not-shortlisted``, and what
the city changed since its outline). :func:`carried_forward_form` gives the
values of the proposal form pre-filled with what a shortlisted city's valid
outline said, for the city's download (``grantflow template proposal
--application ID``, later the portal). Programmes without a proposal form
carry outlines over with ``grantflow promote`` (``services.promotion``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grantflow.domain.errors import IllegalTransition, NotFound
from grantflow.domain.lifecycle import State
from grantflow.domain.programme import PROPOSAL_FORM, Call, Programme
from grantflow.services.lifecycle import current_version, in_states
from grantflow.services.ports.applications import Application
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.validation.carried_forward import proposal_values
from grantflow.validation.proposal import Shortlist


def shortlist(uow: UnitOfWork, programme: Programme, proposal_call: str) -> Shortlist:
    """The cities shortlisted in the Stage 1 call ``proposal_call`` follows, with the
    newest valid version of each one's outline."""
    outline_call = programme.outline_call_for(proposal_call).code
    with uow:
        applications = in_states(uow.applications.list(outline_call), State.SHORTLISTED)
        outlines = {}
        for application in applications:
            outline = current_version(uow, application.id).outline
            assert outline is not None  # current_version gives valid versions only
            outlines[application.teryt] = outline
    return Shortlist(outline_call, outlines)


@dataclass(frozen=True)
class CarriedForward:
    """A shortlisted city's proposal form, pre-filled from its outline."""

    application: Application  # the city's Stage 1 application
    proposal_call: Call  # the Stage 2 call the proposal goes to
    values: dict[str, Any]  # the proposal form's values by sheet (``formgen.build_filled``)


def proposal_call_after(programme: Programme, outline_call: str) -> Call:
    """The Stage 2 call with a proposal form that follows the Stage 1 call ``outline_call``;
    NotFound when the programme has none (its outlines go on with ``promote``)."""
    for call in programme.calls:
        if (
            call.stage == 2
            and call.form == PROPOSAL_FORM
            and programme.outline_call_for(call.code).code == outline_call
        ):
            return call
    raise NotFound(
        f"no Stage 2 call with a proposal form follows the call '{outline_call}': "
        "its shortlisted outlines enter Stage 2 with grantflow promote"
    )


def carried_forward_form(
    uow: UnitOfWork, programme: Programme, application_id: int
) -> CarriedForward:
    """The proposal form of the shortlisted Stage 1 application ``application_id``, filled
    with what its newest valid outline said. NotFound for an unknown application or one
    without a valid outline; IllegalTransition for a city that was not shortlisted."""
    with uow:
        application = uow.applications.get(application_id)
        if application.stage != 1:
            raise IllegalTransition(
                f"application {application_id} is a Stage {application.stage} application: "
                "a proposal is pre-filled from the city's Stage 1 outline"
            )
        call = proposal_call_after(programme, application.call_code)
        if application.state != State.SHORTLISTED:
            raise IllegalTransition(
                f"application {application_id} ({application.city_name}) is "
                f"'{application.state}': only a shortlisted city submits a Stage 2 proposal"
            )
        outline = current_version(uow, application_id).outline
        assert outline is not None
    return CarriedForward(application, call, proposal_values(outline))
