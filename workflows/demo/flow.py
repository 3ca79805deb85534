"""The demo: the programme's story on a fresh home, step by step, through the real flows.

Each step is a function of the demo's state, run in order by the ``demo``
flow; later issues add steps (formal check, review, selection, ledger,
partners, documents) to ``STEPS`` without changing the rest. Which folder
the demo may use is decided in ``workflows.demo.home``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field

from prefect import flow, get_run_logger

from grantflow import config
from grantflow.config import Settings
from grantflow.validation.demo_file import DemoCast, load_demo_cast
from workflows import progress
from workflows.demo.closing import (
    ClosingResult,
    DocumentsDemoResult,
    generate_every_document,
    submit_final_reports,
)
from workflows.demo.home import sample_outlines
from workflows.demo.mail import MailDemoResult, deliver_story_mail
from workflows.demo.portal import PortalDemoResult, open_portal
from workflows.demo.programme import ProgrammeDemoResult, run_programme_demo
from workflows.intake import FileSummary, intake


@dataclass
class DemoState:
    settings: Settings
    cast: DemoCast
    intake: list[FileSummary] = field(default_factory=list)
    programme: ProgrammeDemoResult | None = None
    closing: ClosingResult | None = None
    documents: DocumentsDemoResult | None = None
    mail: MailDemoResult | None = None
    portal: PortalDemoResult | None = None


Step = Callable[[DemoState], None]


def submit_samples(state: DemoState) -> None:
    """Stage 1: every sample outline uploaded, validated, stored, its report published."""
    calendar = state.cast.calendar
    state.intake = intake(
        files=[str(p) for p in sample_outlines()],
        submitted_by="demo",
        as_of=calendar.at(calendar.outlines_submitted),
    )


def run_programme(state: DemoState) -> None:
    """Stages 1-3: formal check, experts, selection, lump sums, partners, the ledger."""
    state.programme = run_programme_demo(state.settings, state.cast)


def close_projects(state: DemoState) -> None:
    """Stage 3: the partnered projects' final reports; lump sums spent and returned."""
    assert state.programme is not None, "the programme step runs first"
    state.closing = submit_final_reports(state.settings, state.cast, state.programme.programme_file)
    # The summary shows the ledger as the demo leaves it: a second run, which
    # finds the reports booked, then prints the same totals as the first.
    state.programme = dataclasses.replace(state.programme, ledger=state.closing.ledger)


def generate_documents(state: DemoState) -> None:
    """Every document of the programme, into GRANTFLOW_HOME/documents."""
    assert state.programme is not None, "the programme step runs first"
    state.documents = generate_every_document(
        state.settings, state.programme.programme_file, state.cast.calendar
    )


def deliver_mail(state: DemoState) -> None:
    """The story's notifications and reminders, delivered (the Maildir GRANTFLOW_HOME/outbox)."""
    state.mail = deliver_story_mail(state.settings)


def make_portal_accounts(state: DemoState) -> None:
    """A portal account for each role, to try the demo's data in a browser."""
    state.portal = open_portal(state.settings, state.cast)


STEPS: tuple[tuple[str, Step], ...] = (
    ("Submit the sample outlines", submit_samples),
    ("Review, select, reserve lump sums and match partners", run_programme),
    ("Submit the final reports of the partnered projects", close_projects),
    ("Generate every document of the programme", generate_documents),
    ("Deliver the notifications and reminders", deliver_mail),
    ("Open the portal to one person of each role", make_portal_accounts),
)


@flow(name="demo")
def demo() -> DemoState:
    """Run every step of the demo on the home in ``GRANTFLOW_HOME``, each on the day the
    cast's calendar gives it."""
    state = DemoState(settings=config.load(), cast=load_demo_cast())
    logger = get_run_logger()
    for number, (title, step) in enumerate(STEPS, start=1):
        logger.info("Step %d/%d: %s", number, len(STEPS), title)
        progress.step(f"{number}/{len(STEPS)} {title}")
        step(state)
    return state
