"""A shortlisted Stage 1 outline carried into the Stage 2 call as the city's proposal.

The complete-proposal form (development and implementation plans) is not
modelled yet, so the demo lets a shortlisted city's newest valid outline
stand in for its Stage 2 proposal: the same stored file, report and outline
become version 1 of a new Stage 2 application, and the audit log says so.
Idempotent: promoting again returns the Stage 2 application already made.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from grantflow.domain.errors import IllegalTransition
from grantflow.domain.lifecycle import State
from grantflow.services.lifecycle import current_version, in_states, record
from grantflow.services.ports.applications import Application, NewSubmission
from grantflow.services.ports.unit_of_work import UnitOfWork


def promote_to_stage2(
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
        fields = {f.name: getattr(version, f.name) for f in dataclasses.fields(NewSubmission)}
        uow.submissions.add(
            NewSubmission(**{**fields, "application_id": proposal.id, "version_no": 1})
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


def promote_shortlisted(
    uow: UnitOfWork, outline_call: str, proposal_call: str, *, at: datetime, actor: str
) -> list[Application]:
    """Every shortlisted outline of ``outline_call`` into ``proposal_call`` (idempotent)."""
    with uow:
        shortlisted = in_states(uow.applications.list(outline_call), State.SHORTLISTED)
    return [promote_to_stage2(uow, a.id, proposal_call, at=at, actor=actor) for a in shortlisted]
