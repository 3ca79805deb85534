"""The demo's Stage 2 submissions: pre-filled proposals from the shortlisted cities, and one
city left off the shortlist trying anyway.

Each shortlisted city downloads its proposal form pre-filled from its outline
(``services.proposal.carried_forward_form``, as ``grantflow template proposal
--application ID`` does), completes it with its plans from
``samples/proposals.yaml`` (Chełm also changes its budget) and saves it under
``GRANTFLOW_HOME/proposals``; the first city the Stage 1 committee did not
shortlist submits its sample proposal (``samples/proposals/``) and is refused
with ``not-shortlisted``. All of them go through the intake flow, as uploads do.
Files are written reproducibly, so running the demo again submits the same
bytes and stores nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from grantflow import config, resources
from grantflow.adapters.sample_files import write_sample
from grantflow.domain.lifecycle import State
from grantflow.domain.names import slug
from grantflow.domain.programme import PROPOSAL_FORM, Programme
from grantflow.samples.proposals import completed
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.services.proposal import carried_forward_form
from grantflow.validation import form
from grantflow.validation.demo_file import DemoCast
from grantflow.validation.sample_proposals_file import load_sample_proposals
from workflows.intake import FileSummary, intake


@dataclass(frozen=True)
class ProposalsSubmitted:
    summaries: tuple[FileSummary, ...]

    def summary_line(self) -> str:
        kept = sum(1 for s in self.summaries if s.application_id is not None)
        refused = [s.file for s in self.summaries if s.application_id is None]
        return (
            f"Stage 2: {kept} proposals pre-filled from the outlines and submitted (each "
            f"report lists what changed since the outline); refused as not shortlisted: "
            f"{', '.join(refused) or 'none'}"
        )


def submit_proposals(
    settings: config.Settings,
    uow: UnitOfWork,
    programme: Programme,
    programme_file: str,
    call_code: str,
    cast: DemoCast,
) -> ProposalsSubmitted:
    """Every shortlisted city's proposal and one refused city's, through the intake flow."""
    plans = {slug(p.outline.town.name): p for p in load_sample_proposals()}
    rate = programme.rate_for(programme.call(call_code).rate_month)
    outline_call = programme.outline_call_for(call_code).code
    with uow:
        applications = sorted(uow.applications.list(outline_call), key=lambda a: a.id)
    folder = settings.home / "proposals"
    folder.mkdir(parents=True, exist_ok=True)
    proposal_form = form.load(PROPOSAL_FORM)
    written = datetime.combine(cast.calendar.proposals_submitted, time(12))  # the file's date
    files: list[Path] = []
    for application in applications:
        if application.state != State.SHORTLISTED:
            continue
        carried = carried_forward_form(uow, programme, application.id)
        path = folder / f"{slug(application.city_name)}.xlsx"
        values = completed(carried.values, plans[slug(application.city_name)], rate)
        write_sample(proposal_form, "pl", values, path, written)
        files.append(path)
    left_out = next(
        (a for a in applications if a.state != State.SHORTLISTED and slug(a.city_name) in plans),
        None,
    )
    if left_out is not None:
        files.append(resources.samples() / "proposals" / f"{slug(left_out.city_name)}.xlsx")
    summaries = intake(
        files=[str(p) for p in files],
        call_code=call_code,
        submitted_by="demo",
        programme_file=programme_file,
        as_of=cast.calendar.at(cast.calendar.proposals_submitted),
    )
    return ProposalsSubmitted(tuple(summaries))
