"""The programme's documents from the store: which files exist, what each says, where it goes.

For every kind of SPEC section 8 a builder reads the store through the
``UnitOfWork`` port and returns ``RenderRequest``s (the contexts of
``grantflow.services.documents``), so the flow and the CLI only choose what
to render and where:

- application: each application with a valid version (its newest valid
  outline), dated the day that version was submitted;
- decision: each application the committee decided on (its ranking entry:
  decision, final score, rank), dated the day of the decision;
- agreement: each confirmed or signed partnership (the city's outline, the
  donor, the lump sum from the ledger), dated the day it was signed (or
  confirmed, for an agreement still to sign);
- final_report: each project's newest valid stored final report, with the
  commitment from the ledger and the partner;
- publication: the pl and nb editions, from everything.

Every date comes from the store, so generating again from unchanged data
gives byte-identical files; only the publication is dated by the caller.
Files go to ``<folder>/<kind>/<call>/<city>.<fmt>`` (the publication to
``<folder>/publication/publication-<lang>.<fmt>``). ``StoreDocumentLog`` is the
``DocumentLog`` port on the store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from grantflow.domain.audit import AuditEntry
from grantflow.domain.errors import NotFound
from grantflow.domain.final_report import FinalReport
from grantflow.domain.ledger import CityBalance, Ledger
from grantflow.domain.lifecycle import Stage, State
from grantflow.domain.names import slug
from grantflow.domain.outline import Outline
from grantflow.domain.programme import Programme
from grantflow.domain.ranking import Decision, RankedProposal
from grantflow.services import documents
from grantflow.services.documents import (
    FORMATS,
    KINDS,
    LANGUAGES,
    AgreementContext,
    DecisionLetter,
    Format,
    GeneratedDocument,
    Kind,
    RenderRequest,
    Signatory,
)
from grantflow.services.lifecycle import current_version
from grantflow.services.ports.applications import Application
from grantflow.services.ports.clock import Clock
from grantflow.services.ports.documents import DocumentRecord
from grantflow.services.ports.partners import PartnershipStatus
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.services.retry import retry_on_conflict
from grantflow.validation.form import FormDefinition

# A request for one language and format, written to the given target.
Build = Callable[[str, Format, Path], RenderRequest]

# The lines where the parties sign by hand: the store knows the city and the
# municipality, not who holds the pen on the day.
SIGNATURE_LINE = "……………………………………"
CITY_SIGNATORY_POSITION = "osoba upoważniona do reprezentowania miasta"
DONOR_SIGNATORY_POSITION = "ordfører eller den ordføreren gir fullmakt"

# Audit actions that decide an application (``grantflow.services.selection``).
_DECIDING = frozenset(
    f"transition:{action}"
    for action in ("shortlist", "select", "put_on_reserve", "reject", "promote_from_reserve")
)


@dataclass(frozen=True)
class Planned:
    """A document to make, before its language and format are chosen."""

    kind: Kind
    application_id: int | None
    stem: str  # the file's path below the output folder, without the suffix
    build: Build


@dataclass(frozen=True)
class Selection:
    """Which documents to make: ``None`` means all (every application, language, format)."""

    kinds: tuple[Kind, ...] = KINDS
    application_id: int | None = None
    lang: str | None = None
    fmt: Format | None = None


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _stem(kind: Kind, application: Application) -> str:
    return f"{kind}/{application.call_code}/{slug(application.city_name)}"


def _outlines(uow: UnitOfWork, applications: Iterable[Application]) -> dict[int, Outline]:
    """The newest valid outline of each application that has one."""
    found = {}
    for application in applications:
        try:
            outline = current_version(uow, application.id).outline
        except NotFound:
            continue
        if outline is not None:
            found[application.id] = outline
    return found


def _final_reports(uow: UnitOfWork) -> dict[int, tuple[FinalReport, date]]:
    """The newest valid final report of each project, with the day it came in."""
    found = {}
    for stored in uow.final_reports.list():  # by application, then version
        if stored.final_report is not None:
            found[stored.application_id] = (stored.final_report, _day(stored.submitted_at))
    return found


def _last_entry(log: Sequence[AuditEntry], application_id: int, actions: Iterable[str]) -> date:
    wanted = set(actions)
    subject = f"application:{application_id}"
    days = [_day(e.at) for e in log if e.subject == subject and e.action in wanted]
    if not days:
        raise NotFound(f"the audit log has no {' or '.join(sorted(wanted))} of {subject}")
    return days[-1]


def agreed_lump_sum(balance: CityBalance) -> Decimal:
    """What the city's signed agreement committed, also after its closing return
    (the balance's ``committed`` is net of what went back)."""
    return balance.committed + balance.returned_from_commitment


# --- application ---------------------------------------------------------------


def _application_build(
    outline: Outline, issued: date, programme: Programme, form: FormDefinition
) -> Build:
    def build(lang: str, fmt: Format, target: Path) -> RenderRequest:
        return documents.application_request(
            outline,
            form=form,
            programme_name=programme.name[lang],
            lang=lang,
            fmt=fmt,
            target=target,
            issued=issued,
        )

    return build


def application_documents(
    uow: UnitOfWork, programme: Programme, form: FormDefinition
) -> list[Planned]:
    planned = []
    for application in uow.applications.list():
        try:
            version = current_version(uow, application.id)
        except NotFound:  # no valid version: nothing to print
            continue
        assert version.outline is not None  # current_version returns valid versions only
        build = _application_build(version.outline, _day(version.submitted_at), programme, form)
        planned.append(
            Planned("application", application.id, _stem("application", application), build)
        )
    return planned


# --- decision letter -------------------------------------------------------------


def decision_wording(application: Application, entry: RankedProposal) -> str:
    """The code of ``DECISION_WORDING``: a Stage 1 selection is a shortlisting."""
    if entry.decision is Decision.SELECTED:
        return "shortlisted" if application.stage == Stage.OUTLINE else "selected"
    return str(entry.decision)


def polish_score(score: Decimal) -> str:
    """``81``, ``80,5``: a score as a Polish letter writes it."""
    text = str(score.quantize(Decimal(1))) if score == score.to_integral_value() else str(score)
    return text.replace(".", ",")


def decision_justification(entry: RankedProposal, programme: Programme) -> str:
    """Why, in Polish (the letter's language): the committee's own words when it
    changed the proposal, otherwise what the ranking rule decided."""
    if entry.justification:
        return entry.justification
    score = polish_score(entry.proposal.final_score)
    if entry.decision is Decision.REJECTED and entry.proposal.final_score < programme.pass_mark:
        return (
            f"Ocena końcowa ({score} pkt) jest niższa od progu "
            f"{programme.pass_mark} pkt wymaganego przez program."
        )
    if entry.decision is Decision.REJECTED:
        return (
            f"Wniosek zajął {entry.rank}. miejsce na liście rankingowej, "
            "poza miejscami na dofinansowanie i na liście rezerwowej."
        )
    if entry.decision is Decision.RESERVE:
        return (
            f"Wniosek zajął {entry.rank}. miejsce na liście rankingowej; zostanie "
            "dofinansowany, jeśli zwolnią się środki programu."
        )
    return (
        f"Wniosek zajął {entry.rank}. miejsce na liście rankingowej z oceną końcową "
        f"{score} pkt i mieści się w liczbie wniosków oraz w alokacji programu."
    )


def _decision_build(letter: DecisionLetter, programme: Programme) -> Build:
    def build(lang: str, fmt: Format, target: Path) -> RenderRequest:
        return documents.decision_request(
            letter, programme_name=programme.name[lang], fmt=fmt, target=target
        )

    return build


def decision_documents(uow: UnitOfWork, programme: Programme) -> list[Planned]:
    applications = uow.applications.list()
    outlines = _outlines(uow, applications)
    log = uow.audit.all()
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
        outline = outlines.get(application.id)
        letter = DecisionLetter(
            city=application.city_name,
            title=outline.title_pl if outline is not None else "",
            decision=decision_wording(application, entry),
            score=entry.proposal.final_score,
            max_score=programme.max_score,
            rank=entry.rank,
            decided_on=_last_entry(log, application.id, _DECIDING),
            justification=decision_justification(entry, programme),
        )
        build = _decision_build(letter, programme)
        planned.append(Planned("decision", application.id, _stem("decision", application), build))
    return planned


# --- partnership agreement ---------------------------------------------------------


def agreement_number(application_id: int, signed_on: date) -> str:
    return f"PART/{signed_on.year}/{application_id:04d}"


def _agreement_build(terms: AgreementContext, programme: Programme, form: FormDefinition) -> Build:
    names = {lang: programme.name[lang] for lang in ("pl", "nb")}

    def build(lang: str, fmt: Format, target: Path) -> RenderRequest:
        return documents.agreement_request(
            terms, form=form, programme_name=names, fmt=fmt, target=target
        )

    return build


def agreement_documents(
    uow: UnitOfWork, programme: Programme, form: FormDefinition
) -> list[Planned]:
    pairs = [
        p
        for p in uow.partnerships.list()
        if p.status in (PartnershipStatus.CONFIRMED, PartnershipStatus.SIGNED)
    ]
    ledger = Ledger.from_entries(uow.ledger.all())
    log = uow.audit.all()
    planned = []
    for pair in sorted(pairs, key=lambda p: p.application_id):
        application = uow.applications.get(pair.application_id)
        outline = current_version(uow, application.id).outline
        assert outline is not None  # current_version returns valid versions only
        signed = pair.status is PartnershipStatus.SIGNED
        balance = ledger.balance(application.teryt, application.call_code)
        action = "transition:sign_agreement" if signed else "transition:confirm_partnership"
        day = _last_entry(log, application.id, [action])
        terms = documents.agreement_terms(
            outline,
            uow.donors.get(pair.donor_code),
            number=agreement_number(application.id, day),
            # Signed: what the signature committed; to sign: what is reserved for it.
            lump_sum_eur=agreed_lump_sum(balance) if signed else balance.open,
            ends_on=programme.final_eligibility_date,
            city_signatory=Signatory(SIGNATURE_LINE, CITY_SIGNATORY_POSITION),
            donor_signatory=Signatory(SIGNATURE_LINE, DONOR_SIGNATORY_POSITION),
            place=application.city_name,
            signed_on=day,
        )
        build = _agreement_build(terms, programme, form)
        planned.append(Planned("agreement", application.id, _stem("agreement", application), build))
    return planned


# --- final report ---------------------------------------------------------------------


def _final_report_build(
    report: FinalReport,
    received: date,
    committed: Decimal,
    partner: str,
    programme: Programme,
    form: FormDefinition,
) -> Build:
    def build(lang: str, fmt: Format, target: Path) -> RenderRequest:
        return documents.final_report_request(
            report,
            form=form,
            programme_name=programme.name[lang],
            issued=received,
            committed_eur=committed,
            partner=partner,
            fmt=fmt,
            target=target,
        )

    return build


def final_report_documents(
    uow: UnitOfWork, programme: Programme, form: FormDefinition
) -> list[Planned]:
    ledger = Ledger.from_entries(uow.ledger.all())
    partners = {
        p.application_id: uow.donors.get(p.donor_code).name
        for p in uow.partnerships.list()
        if p.status is PartnershipStatus.SIGNED
    }
    planned = []
    for application_id, (report, received) in sorted(_final_reports(uow).items()):
        application = uow.applications.get(application_id)
        build = _final_report_build(
            report,
            received,
            agreed_lump_sum(ledger.balance(application.teryt, application.call_code)),
            partners.get(application_id, ""),
            programme,
            form,
        )
        planned.append(
            Planned("final_report", application_id, _stem("final_report", application), build)
        )
    return planned


# --- publication ------------------------------------------------------------------------


def publication_documents(
    uow: UnitOfWork, programme: Programme, form: FormDefinition, issued: date
) -> list[Planned]:
    applications = uow.applications.list()
    publication = documents.publication_context(
        programme_name=programme.name,
        issued=issued,
        form=form,
        applications=applications,
        outlines=_outlines(uow, applications),
        partnerships=uow.partnerships.list(),
        donors=uow.donors.list(),
        ledger=uow.ledger.all(),
        final_reports={k: report for k, (report, _) in _final_reports(uow).items()},
    )

    def build(lang: str, fmt: Format, target: Path) -> RenderRequest:
        return documents.publication_request(
            publication, form=form, lang=lang, fmt=fmt, target=target
        )

    # One plan for both editions: the file name takes the language (``programme_requests``).
    return [Planned("publication", None, "publication/publication", build)]


# --- the batch ----------------------------------------------------------------------------


def programme_requests(
    uow: UnitOfWork,
    *,
    programme: Programme,
    form: FormDefinition,
    folder: Path,
    selection: Selection,
    issued: date,
) -> list[RenderRequest]:
    """Every document ``selection`` asks for, read from the store in one transaction.

    ``issued``: the publication's date. With ``selection.application_id``
    only that application's documents (never the publication). NotFound for
    an unknown application.
    """
    with uow:
        if selection.application_id is not None:
            uow.applications.get(selection.application_id)  # NotFound for an unknown id
        planned: list[Planned] = []
        for kind in selection.kinds:
            if kind == "application":
                planned += application_documents(uow, programme, form)
            elif kind == "decision":
                planned += decision_documents(uow, programme)
            elif kind == "agreement":
                planned += agreement_documents(uow, programme, form)
            elif kind == "final_report":
                planned += final_report_documents(uow, programme, form)
            elif selection.application_id is None:  # the publication: programme-wide
                planned += publication_documents(uow, programme, form, issued)
    requests = []
    for plan in planned:
        if selection.application_id not in (None, plan.application_id):
            continue
        for lang in LANGUAGES[plan.kind]:
            if selection.lang not in (None, lang):
                continue
            # A document in one language keeps its plain name; the publication's
            # editions are told apart by theirs.
            stem = plan.stem if len(LANGUAGES[plan.kind]) == 1 else f"{plan.stem}-{lang}"
            for fmt in FORMATS:
                if selection.fmt not in (None, fmt):
                    continue
                request = plan.build(lang, fmt, folder / f"{stem}.{fmt}")
                requests.append(dataclasses.replace(request, application_id=plan.application_id))
    return requests


# --- recording in the store ------------------------------------------------------------------


def stored_path(path: Path, home: Path) -> str:
    """Relative to the home when the file lies inside it (the home can move), else absolute."""
    absolute, root = path.resolve(), home.resolve()
    return (
        absolute.relative_to(root).as_posix()
        if absolute.is_relative_to(root)
        else absolute.as_posix()
    )


def record_documents(
    uow: UnitOfWork,
    generated: Sequence[GeneratedDocument],
    *,
    home: Path,
    at: datetime,
) -> int:
    """Record each file with its SHA-256 in one transaction; how many were new.

    A race is only with another recorder of the same bytes: the retry finds its rows.
    """
    records = [
        DocumentRecord(
            kind=d.kind,
            lang=d.lang,
            fmt=d.fmt,
            application_id=d.application_id,
            path=stored_path(d.path, home),
            sha256=d.sha256,
            size=d.size,
            generated_at=at,
        )
        for d in generated
    ]
    return retry_on_conflict(uow, lambda uow: sum(uow.documents.add(r) for r in records))


class StoreDocumentLog:
    """The ``DocumentLog`` port on the store (paths relative to ``home``)."""

    def __init__(self, uow: UnitOfWork, home: Path, clock: Clock) -> None:
        self._uow, self._home, self._clock = uow, home, clock
        self.new = 0  # records added so far (identical bytes recorded before are not)

    def record(self, documents: Sequence[GeneratedDocument]) -> None:
        self.new += record_documents(self._uow, documents, home=self._home, at=self._clock.now())
