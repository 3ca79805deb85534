"""A shortlisted Stage 1 outline carried into the Stage 2 call as the city's proposal.

The complete-proposal form (development and implementation plans) is not
modelled yet, so the demo lets a shortlisted city's newest valid outline
stand in for its Stage 2 proposal: the same stored file, report and outline
become version 1 of a new Stage 2 application, and the audit log says so.
Idempotent: promoting again returns the Stage 2 application already made.

Outlines go from a Stage 1 call of the programme into one of its Stage 2
calls (by default the first) that takes outlines: :func:`promotion_calls`
refuses any other pair before anything is read or written. A Stage 2 call
with the complete-proposal form takes each shortlisted city's own proposal
(``services.proposal``), never its outline in place of one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from grantflow.domain.errors import GrantflowError, IllegalTransition, NotFound
from grantflow.domain.lifecycle import State
from grantflow.domain.programme import PROPOSAL_FORM, Programme
from grantflow.services.lifecycle import current_version, in_states, record
from grantflow.services.ports.applications import Application, NewSubmission
from grantflow.services.ports.unit_of_work import UnitOfWork


class TakesProposals(GrantflowError):
    """The Stage 2 call takes complete proposals: an outline may not stand in for one."""


@dataclass(frozen=True)
class Promotion:
    call_code: str  # the Stage 2 call the outlines entered
    applications: tuple[Application, ...]  # one Stage 2 application per shortlisted outline


def promotion_calls(
    programme: Programme, outline_call: str, proposal_call: str | None = None
) -> tuple[str, str]:
    """(the Stage 1 call, the Stage 2 call) of a promotion; ``proposal_call`` defaults to the
    programme's first Stage 2 call. NotFound, naming the calls that would do, when either
    is not a call of its stage in the programme."""
    stage1, stage2 = ([c.code for c in programme.calls if c.stage == n] for n in (1, 2))
    target = proposal_call or next(iter(stage2), None)
    if outline_call not in stage1:
        raise _not_of_stage(1, outline_call, stage1)
    if target is None or target not in stage2:
        raise _not_of_stage(2, target, stage2)
    if takes_proposals(programme, target):
        raise TakesProposals(
            f"{target} takes complete proposals, not outlines: each shortlisted city "
            "downloads its proposal form pre-filled from its outline (grantflow template "
            f"proposal --application ID, or its page in the portal) and submits it to {target}"
        )
    return outline_call, target


def takes_proposals(programme: Programme, call_code: str) -> bool:
    """Whether the Stage 2 call ``call_code`` takes the complete-proposal form."""
    return programme.call(call_code).form == PROPOSAL_FORM


def _not_of_stage(stage: int, code: str | None, codes: list[str]) -> NotFound:
    if code is None:
        return NotFound(f"the programme has no Stage {stage} call")
    known = ", ".join(codes) or "none"
    return NotFound(
        f"no Stage {stage} call '{code}' in the programme (Stage {stage} calls: {known})"
    )


def promote_shortlisted(
    uow: UnitOfWork,
    programme: Programme,
    outline_call: str,
    proposal_call: str | None = None,
    *,
    at: datetime,
    actor: str,
) -> Promotion:
    """Every shortlisted outline of the Stage 1 call ``outline_call`` into the Stage 2 call
    ``proposal_call`` (see :func:`promotion_calls`); idempotent."""
    source, target = promotion_calls(programme, outline_call, proposal_call)
    with uow:
        shortlisted = in_states(uow.applications.list(source), State.SHORTLISTED)
    return Promotion(
        target, tuple(_promote(uow, a.id, target, at=at, actor=actor) for a in shortlisted)
    )


def _promote(
    uow: UnitOfWork, application_id: int, call_code: str, *, at: datetime, actor: str
) -> Application:
    with uow:
        outline_app = uow.applications.get(application_id)
        existing = uow.applications.find(call_code, outline_app.teryt)
        if existing is not None:
            return existing
        if outline_app.state != State.SHORTLISTED:
            raise IllegalTransition(
                f"application {application_id} is '{outline_app.state}': only a shortlisted "
                "outline enters Stage 2"
            )
        version = current_version(uow, application_id)
        proposal = uow.applications.add(
            call_code=call_code,
            stage=2,
            teryt=outline_app.teryt,
            city_name=outline_app.city_name,
            created_at=at,
        )
        kept = {f.name: getattr(version, f.name) for f in fields(NewSubmission)}
        uow.submissions.add(
            NewSubmission(**{**kept, "application_id": proposal.id, "version_no": 1})
        )
        record(
            uow,
            at=at,
            actor=actor,
            action="application:promote",
            subject=f"application:{proposal.id}",
            reason=f"shortlisted outline {application_id} stands in for the Stage 2 proposal",
            payload={"from_application": application_id, "submission": version.id},
        )
        uow.commit()
    return proposal
