"""The decision letter (SPEC section 8): the committee's decision on an application, in Polish.

One per application the committee decided on (its ranking entry), dated the
day of the decision. What an administrative letter carries besides the
decision (case reference, legal basis, how to ask for a review, who signs)
is the call's ``LetterTerms`` from the programme file; the addressee is the
city and the contact its outline names. The letter carries codes, not sentences: the decision
(``selected``, ``shortlisted``, ``reserve``, ``rejected``) and the reason
the ranking gave (``grantflow.domain.ranking.ReasonCode``); the templates
word them, through the gettext catalogs for the PDF.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from grantflow.domain.lifecycle import Stage, State
from grantflow.domain.outline import Outline
from grantflow.domain.programme import LetterTerms, Programme
from grantflow.domain.ranking import Decision, RankedProposal, ReasonCode
from grantflow.services.documents.kind import DocumentKind, Planned
from grantflow.services.documents.sources import Sources, stem
from grantflow.services.ports.applications import Application

# What a letter may announce: a Stage 1 selection is a shortlisting.
LETTER_DECISIONS = ("selected", "shortlisted", "reserve", "rejected")

# Audit actions that decide an application (``grantflow.services.selection``).
_DECIDING = frozenset(
    f"transition:{action}"
    for action in ("shortlist", "select", "put_on_reserve", "reject", "promote_from_reserve")
)


@dataclass(frozen=True)
class DecisionLetter:
    """What a decision letter states; the planner fills it from a committee decision."""

    city: str
    contact_name: str  # the addressee's block: the city, for the attention of its contact
    contact_email: str
    case_reference: str  # the call's case reference with the application's number
    terms: LetterTerms  # the call's: place, legal basis, review, signatory
    title: str  # the project's title
    decision: str  # one of LETTER_DECISIONS
    reason: ReasonCode  # why, as the ranking decided it
    stage: int  # 1 outline, 2 complete proposal
    score: Decimal
    max_score: int
    pass_mark: int
    rank: int | None  # None when the application was not ranked (formally rejected)
    decided_on: date
    justification: str  # the committee's words when it changed the proposal, else ""


@dataclass(frozen=True)
class DecisionDocument:
    letter: DecisionLetter
    programme_name: Mapping[str, str]  # lang -> name
    operator: str  # the programme operator, who sends the letter


def letter_decision(stage: int, decision: Decision) -> str:
    """The letter's decision: a Stage 1 selection is a shortlisting."""
    if decision is Decision.SELECTED and stage == Stage.OUTLINE:
        return "shortlisted"
    return str(decision)


def decision_title(letter: DecisionLetter) -> str:
    return f"Decyzja: {letter.title} ({letter.city})"


def decision_context(
    letter: DecisionLetter, *, programme_name: str, operator: str
) -> dict[str, Any]:
    if letter.decision not in LETTER_DECISIONS:
        raise ValueError(f"unknown decision {letter.decision!r}")
    terms = letter.terms
    return {
        "document": {"title": decision_title(letter), "issued_on": letter.decided_on, "lang": "pl"},
        "programme": {"name": programme_name},
        "letter": {
            "operator": operator,
            "place": terms.place,
            "case_reference": letter.case_reference,
            "legal_basis": terms.legal_basis,
            "review_days": terms.review_days,
            "review_body": terms.review_body,
            "review_how": terms.review_how,
            "signatory_name": terms.signatory_name,
            "signatory_position": terms.signatory_position,
        },
        "addressee": {
            "city": letter.city,
            "contact_name": letter.contact_name,
            "contact_email": letter.contact_email,
        },
        "decision": {
            "city": letter.city,
            "title": letter.title,
            "code": letter.decision,
            "reason": str(letter.reason),
            "stage": letter.stage,
            "score": letter.score,
            "max_score": letter.max_score,
            "pass_mark": letter.pass_mark,
            "rank": letter.rank,
            "decided_on": letter.decided_on,
            "justification": letter.justification,
        },
    }


def _context(document: DecisionDocument, lang: str) -> dict[str, Any]:
    return decision_context(
        document.letter, programme_name=document.programme_name[lang], operator=document.operator
    )


def _letter(
    programme: Programme,
    application: Application,
    entry: RankedProposal,
    outline: Outline | None,
    day: date,
) -> DecisionLetter:
    terms = programme.call(application.call_code).letters
    return DecisionLetter(
        city=application.city_name,
        contact_name=outline.contact_name if outline else "",
        contact_email=outline.contact_email if outline else "",
        case_reference=terms.case_number(application.id),
        terms=terms,
        title=outline.title_pl if outline else "",
        decision=letter_decision(application.stage, entry.decision),
        reason=entry.reason_code,
        stage=application.stage,
        score=entry.proposal.final_score,
        max_score=programme.max_score,
        pass_mark=programme.pass_mark,
        rank=entry.rank,
        decided_on=day,
        justification=entry.justification,
    )


def _plan(sources: Sources) -> list[Planned[DecisionDocument]]:
    uow = sources.uow
    applications = sources.applications
    outline_of = sources.outlines
    rankings = {call: uow.rankings.get(call) for call in {a.call_code for a in applications}}
    planned = []
    for application in applications:
        ranking = rankings[application.call_code]
        # Still ``assessed``: the ranking is only proposed, the committee has not decided.
        if ranking is None or application.state == State.ASSESSED:
            continue
        entry = next((e for e in ranking.entries if e.application_id == application.id), None)
        if entry is None or entry.decision is Decision.WITHDRAWN:
            continue
        day = sources.audit_days.last(application.id, _DECIDING)
        outline = outline_of.get(application.id)
        letter = _letter(sources.programme, application, entry, outline, day)
        document = DecisionDocument(letter, sources.programme.name, sources.programme.operator)
        planned.append(Planned(application.id, stem("decision", application), document))
    return planned


DECISION: DocumentKind[DecisionDocument] = DocumentKind(
    code="decision",
    languages=("pl",),
    templates={"docx": "decision/{lang}.docx", "pdf": "decision/decision.html.j2"},
    build_context=_context,
    plan=_plan,
)
