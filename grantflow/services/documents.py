"""Generate documents: what each document says (its context) and the ports that render it.

A context is plain data (dicts, lists, ``str``, ``Decimal``, ``date``):
labels come from the form's vocabularies, amounts stay ``Decimal`` and dates
stay ``date`` so the templates format them per locale (filters
``format_money``, ``format_number``, ``format_date``). The variables each
template may use are documented in ``templates/variables.yaml``; a test
checks that list against the contexts built here.

Rendering (docx through docxtpl, PDF through WeasyPrint) and the manifest
are adapters behind the ``DocumentRenderer`` and ``DocumentLog`` ports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Protocol

from grantflow.domain.errors import DocumentError
from grantflow.domain.final_report import FinalReport, lump_sum_split
from grantflow.domain.ledger import Ledger, LedgerEntry, LedgerTotals
from grantflow.domain.lifecycle import STAGE_3_STATES, Stage, State
from grantflow.domain.outline import Outline
from grantflow.domain.partners import DonorMunicipality
from grantflow.services.ports.applications import Application
from grantflow.services.ports.partners import Partnership, PartnershipStatus
from grantflow.validation.form import FormDefinition

Kind = Literal["application", "decision", "agreement", "final_report", "publication"]
Format = Literal["docx", "pdf"]
# Accessible PDF/UA by default; PDF/A-3b (archiving) on request, still tagged.
PdfVariant = Literal["pdf/ua-1", "pdf/a-3b"]

FORMATS: tuple[Format, ...] = ("docx", "pdf")
KINDS: tuple[Kind, ...] = ("application", "decision", "agreement", "final_report", "publication")
# Languages each document exists in (SPEC section 8): a docx template per
# language, the HTML template translated through the gettext catalogs. The
# agreement is one bilingual document (Polish and Norwegian side by side):
# its language is the leading one, Polish; the Norwegian column carries its
# own language tag. The final report is Polish with the Norwegian summary.
# Every kind exists in every format of FORMATS.
LANGUAGES: dict[Kind, tuple[str, ...]] = {
    "application": ("pl",),
    "decision": ("pl",),
    "agreement": ("pl",),
    "final_report": ("pl",),
    "publication": ("pl", "nb"),
}


@dataclass(frozen=True)
class GeneratedDocument:
    """A file written by a renderer, identified by its content hash."""

    path: Path
    kind: str
    lang: str
    fmt: str
    sha256: str
    size: int
    application_id: int | None = None  # the application it is about; None: programme-wide


@dataclass(frozen=True)
class RenderRequest:
    kind: Kind
    lang: str
    fmt: Format
    context: Mapping[str, Any]
    title: str  # the document's title in its metadata (PDF /Title, docx core title)
    issued: date  # creation and modification date in the metadata: fixed, so output is stable
    target: Path
    pdf_variant: PdfVariant = "pdf/ua-1"
    # The stored application the document is about, recorded with the file;
    # None for a programme-wide document or a preview made without the store.
    application_id: int | None = None


class DocumentRenderer(Protocol):
    def render(self, request: RenderRequest) -> GeneratedDocument:
        """Write ``request.target``; raise ``DocumentError`` when it cannot."""


class DocumentLog(Protocol):
    """Where generated files are recorded (the manifest next to them, the store)."""

    def record(self, documents: Sequence[GeneratedDocument]) -> None: ...


@dataclass(frozen=True)
class DecisionLetter:
    """What a decision letter states; the lifecycle fills it from a committee decision."""

    city: str
    title: str  # the project's title
    decision: str  # selected, shortlisted, reserve or rejected
    score: Decimal
    max_score: int
    rank: int | None  # None when the application was not ranked (formally rejected)
    decided_on: date
    justification: str


# Polish wording of each committee decision (the letter exists in Polish only).
DECISION_WORDING: dict[str, str] = {
    "selected": "wniosek został wybrany do dofinansowania",
    "shortlisted": "zarys projektu został zakwalifikowany do drugiego etapu",
    "reserve": "wniosek został umieszczony na liście rezerwowej",
    "rejected": "wniosek został odrzucony",
}


def _labels(form: FormDefinition, vocabulary: str, lang: str) -> dict[str, str]:
    return {term.code: term.label[lang] for term in form.vocabularies[vocabulary]}


def _check_lang(kind: Kind, lang: str) -> None:
    if lang not in LANGUAGES[kind]:
        raise ValueError(f"the {kind} exists in {', '.join(LANGUAGES[kind])}, not {lang!r}")


def _check(kind: Kind, lang: str, fmt: str) -> None:
    _check_lang(kind, lang)
    if fmt not in FORMATS:
        raise ValueError(f"documents exist as {', '.join(FORMATS)}, not {fmt!r}")


def _request(
    kind: Kind,
    context: dict[str, Any],
    *,
    fmt: Format,
    target: Path,
    pdf_variant: PdfVariant,
) -> RenderRequest:
    """The request of every kind: language, title and date are the context's ``document``,
    so the metadata always say what the page says."""
    document = context["document"]
    _check(kind, document["lang"], fmt)
    return RenderRequest(
        kind=kind,
        lang=document["lang"],
        fmt=fmt,
        context=context,
        title=document["title"],
        issued=document["issued_on"],
        target=target,
        pdf_variant=pdf_variant,
    )


def _bilingual(form: FormDefinition, vocabulary: str, codes: Iterable[str]) -> list[dict[str, str]]:
    """Labels of ``codes`` in Polish and Norwegian, for documents showing both."""
    terms = {term.code: term.label for term in form.vocabularies[vocabulary]}
    return [
        {"pl": terms[code]["pl"], "nb": terms[code]["nb"]}
        if code in terms
        else {"pl": code, "nb": code}
        for code in codes
    ]


def application_title(outline: Outline) -> str:
    return f"Wniosek: {outline.title_pl} ({outline.city_name})"


def application_context(
    outline: Outline,
    form: FormDefinition,
    *,
    lang: str,
    programme_name: str,
    issued: date,
) -> dict[str, Any]:
    """Everything the application templates may show, labels in ``lang``."""
    _check_lang("application", lang)  # before the labels: an unknown language has none
    themes = _labels(form, "themes", lang)
    forms = _labels(form, "involvement_forms", lang)
    categories = _labels(form, "budget_categories", lang)
    countries = _labels(form, "countries", lang)
    lines = [
        {
            "line_no": line.line_no,
            "category": categories.get(line.category, line.category),
            "description": line.description,
            "year": line.year,
            "amount": line.amount,
            "currency": line.currency,
            "amount_eur": line.amount_eur,
            "rate": line.rate,
        }
        for line in sorted(outline.budget, key=lambda b: b.line_no)
    ]
    return {
        "document": {"title": application_title(outline), "issued_on": issued, "lang": lang},
        "programme": {"name": programme_name},
        "applicant": {
            "city_name": outline.city_name,
            "teryt": outline.teryt,
            "voivodeship": outline.voivodeship,
            "population": outline.population,
            "nip": outline.nip,
            "contact_name": outline.contact_name,
            "contact_email": outline.contact_email,
            "contact_phone": outline.contact_phone,
        },
        "project": {
            "title_pl": outline.title_pl,
            "title_en": outline.title_en,
            "summary_pl": outline.summary_pl,
            "summary_en": outline.summary_en,
            "primary_theme": themes.get(outline.primary_theme, outline.primary_theme),
            "secondary_themes": [themes.get(t, t) for t in outline.secondary_themes],
            "start_date": outline.start_date,
            "end_date": outline.end_date,
            "total_budget_eur": outline.total_budget_eur,
            "requested_grant_eur": outline.requested_grant_eur,
            "co_financing_eur": outline.co_financing_eur,
        },
        "budget": {
            "lines": lines,
            "total_eur": sum((line.amount_eur for line in outline.budget), Decimal(0)),
            # Each distinct EUR/PLN rate the PLN lines were converted at, shown
            # under the table so the reader can redo the conversion.
            "rates": sorted({line.rate for line in outline.budget if line.rate is not None}),
            "lump_sum_eur": outline.lump_sum_eur,
        },
        "partnership": {
            "wants_partner": outline.wants_partner,
            "preferred_country": countries.get(outline.preferred_country or "", ""),
            "themes": [themes.get(t, t) for t in outline.partner_themes],
            "involvement_forms": [forms.get(f, f) for f in outline.involvement_forms],
            "expectations_pl": outline.expectations_pl,
            "expectations_en": outline.expectations_en,
            "preferred_partner": outline.preferred_partner,
        },
        "indicators": [
            {
                "indicator": i.indicator,
                "unit": i.unit,
                "baseline": i.baseline,
                "target": i.target,
                "year": i.year,
            }
            for i in outline.indicators
        ],
    }


def decision_title(letter: DecisionLetter) -> str:
    return f"Decyzja: {letter.title} ({letter.city})"


def decision_context(letter: DecisionLetter, *, programme_name: str) -> dict[str, Any]:
    if letter.decision not in DECISION_WORDING:
        raise ValueError(f"unknown decision {letter.decision!r}")
    return {
        "document": {"title": decision_title(letter), "issued_on": letter.decided_on, "lang": "pl"},
        "programme": {"name": programme_name},
        "decision": {
            "city": letter.city,
            "title": letter.title,
            "code": letter.decision,
            "wording": DECISION_WORDING[letter.decision],
            "score": letter.score,
            "max_score": letter.max_score,
            "rank": letter.rank,
            "decided_on": letter.decided_on,
            "justification": letter.justification,
        },
    }


def application_request(
    outline: Outline,
    *,
    form: FormDefinition,
    programme_name: str,
    lang: str,
    fmt: Format,
    target: Path,
    issued: date,
    pdf_variant: PdfVariant = "pdf/ua-1",
) -> RenderRequest:
    context = application_context(
        outline, form, lang=lang, programme_name=programme_name, issued=issued
    )
    return _request("application", context, fmt=fmt, target=target, pdf_variant=pdf_variant)


def decision_request(
    letter: DecisionLetter,
    *,
    programme_name: str,
    fmt: Format,
    target: Path,
    pdf_variant: PdfVariant = "pdf/ua-1",
) -> RenderRequest:
    """The decision letter (Polish), dated the day of the decision."""
    context = decision_context(letter, programme_name=programme_name)
    return _request("decision", context, fmt=fmt, target=target, pdf_variant=pdf_variant)


def render_batch(
    requests: Sequence[RenderRequest], renderer: DocumentRenderer
) -> tuple[list[GeneratedDocument], list[tuple[RenderRequest, str]]]:
    """Render each request; (documents, failures with their reason) — one failure loses no other.

    Only ``DocumentError`` (a document that cannot be made) is a failure; a
    programming error still raises.
    """
    done: list[GeneratedDocument] = []
    failed: list[tuple[RenderRequest, str]] = []
    for request in requests:
        try:
            done.append(renderer.render(request))
        except DocumentError as exc:
            failed.append((request, str(exc)))
    return done, failed


# --- partnership agreement ----------------------------------------------------


@dataclass(frozen=True)
class Signatory:
    name: str
    position: str  # in the signatory's own language: "Prezydent Miasta Chełm", "ordfører"


@dataclass(frozen=True)
class AgreementContext:
    """What a partnership agreement states (SPEC section 7): a confirmed city-donor pair."""

    number: str  # the operator's reference, e.g. "LD/PART/2021/003"
    city_name: str
    teryt: str
    nip: str
    voivodeship: str  # code of the outline form's vocabulary
    donor: DonorMunicipality
    themes: tuple[str, ...]  # theme codes the partnership works on
    involvement_forms: tuple[str, ...]  # involvement-form codes the donor contributes
    lump_sum_eur: Decimal
    starts_on: date
    ends_on: date  # the programme's final eligibility date
    city_signatory: Signatory
    donor_signatory: Signatory
    place: str
    signed_on: date


def agreement_terms(
    outline: Outline,
    donor: DonorMunicipality,
    *,
    number: str,
    lump_sum_eur: Decimal,
    ends_on: date,
    city_signatory: Signatory,
    donor_signatory: Signatory,
    place: str,
    signed_on: date,
) -> AgreementContext:
    """The agreement of a confirmed pair: the themes and forms both sides named.

    When the two share no form of involvement (the matching allows that),
    the city's requested forms stand; the themes follow the matching's rule
    (partner themes, else the project's own) narrowed to the donor's.
    """
    city_themes = outline.partner_themes or outline.themes
    themes = tuple(t for t in city_themes if t in donor.themes) or city_themes
    forms = tuple(f for f in outline.involvement_forms if f in donor.involvement_forms)
    return AgreementContext(
        number=number,
        city_name=outline.city_name,
        teryt=outline.teryt,
        nip=outline.nip,
        voivodeship=outline.voivodeship,
        donor=donor,
        themes=themes,
        involvement_forms=forms or outline.involvement_forms,
        lump_sum_eur=lump_sum_eur,
        starts_on=signed_on,
        ends_on=ends_on,
        city_signatory=city_signatory,
        donor_signatory=donor_signatory,
        place=place,
        signed_on=signed_on,
    )


def agreement_title(agreement: AgreementContext) -> str:
    return (
        f"Umowa partnerska / Partnerskapsavtale {agreement.number}: "
        f"{agreement.city_name} – {agreement.donor.name}"
    )


def agreement_context(
    agreement: AgreementContext, form: FormDefinition, *, programme_name: Mapping[str, str]
) -> dict[str, Any]:
    """Both columns of the agreement: every label in Polish and in Norwegian."""
    voivodeship = _bilingual(form, "voivodeships", [agreement.voivodeship])[0]
    country = _bilingual(form, "countries", [agreement.donor.country])[0]
    return {
        "document": {
            "title": agreement_title(agreement),
            "issued_on": agreement.signed_on,
            "lang": "pl",
        },
        "programme": {"name": programme_name["pl"], "name_nb": programme_name["nb"]},
        "agreement": {
            "number": agreement.number,
            "place": agreement.place,
            "signed_on": agreement.signed_on,
            "starts_on": agreement.starts_on,
            "ends_on": agreement.ends_on,
            "lump_sum_eur": agreement.lump_sum_eur,
        },
        "city": {
            "name": agreement.city_name,
            "teryt": agreement.teryt,
            "nip": agreement.nip,
            "voivodeship_pl": voivodeship["pl"],
            "voivodeship_nb": voivodeship["nb"],
        },
        "donor": {
            "name": agreement.donor.name,
            "country_pl": country["pl"],
            "country_nb": country["nb"],
            "region": agreement.donor.region,
        },
        "themes": _bilingual(form, "themes", agreement.themes),
        "involvement_forms": _bilingual(form, "involvement_forms", agreement.involvement_forms),
        "signatories": {
            "city_name": agreement.city_signatory.name,
            "city_position": agreement.city_signatory.position,
            "donor_name": agreement.donor_signatory.name,
            "donor_position": agreement.donor_signatory.position,
        },
    }


def agreement_request(
    agreement: AgreementContext,
    *,
    form: FormDefinition,
    programme_name: Mapping[str, str],
    fmt: Format,
    target: Path,
    pdf_variant: PdfVariant = "pdf/ua-1",
) -> RenderRequest:
    context = agreement_context(agreement, form, programme_name=programme_name)
    return _request("agreement", context, fmt=fmt, target=target, pdf_variant=pdf_variant)


# --- final report ---------------------------------------------------------------


def final_report_title(report: FinalReport) -> str:
    return f"Raport końcowy: {report.title} ({report.city_name})"


def final_report_context(
    report: FinalReport,
    form: FormDefinition,
    *,
    programme_name: str,
    issued: date,
    committed_eur: Decimal,
    partner: str,
) -> dict[str, Any]:
    """The final report in Polish with the Norwegian summary; ``partner``: "" without one."""
    categories = _labels(form, "budget_categories", "pl")
    forms = _labels(form, "involvement_forms", "pl")
    return {
        "document": {"title": final_report_title(report), "issued_on": issued, "lang": "pl"},
        "programme": {"name": programme_name},
        "report": {
            "city_name": report.city_name,
            "teryt": report.teryt,
            "title": report.title,
            "start_date": report.start_date,
            "end_date": report.end_date,
            "summary_pl": report.summary_pl,
            "summary_nb": report.summary_nb,
            "partner": partner,
            "indicators_reached": report.indicators_reached,
        },
        "indicators": [
            {
                "indicator": i.indicator,
                "unit": i.unit,
                "baseline": i.baseline,
                "target": i.target,
                "achieved": i.achieved,
                "attainment": i.attainment,
                "year": i.year,
            }
            for i in report.indicators
        ],
        "expenditure": {
            "lines": [
                {
                    "line_no": e.line_no,
                    "category": categories.get(e.category, e.category),
                    "description": e.description,
                    "amount": e.amount,
                    "currency": e.currency,
                }
                for e in sorted(report.expenditure, key=lambda e: e.line_no)
            ],
            "totals": [
                {"currency": currency, "amount": amount}
                for currency, amount in report.expenditure_totals().items()
            ],
        },
        "activities": [
            {
                "day": a.day,
                "activity": a.activity,
                "form": forms.get(a.form, a.form),
                "place": a.place,
                "participants": a.participants,
            }
            for a in sorted(report.activities, key=lambda a: a.day)
        ],
        "lump_sum": {
            "committed_eur": committed_eur,
            "spent_eur": report.lump_sum_spent_eur,
            "returned_eur": lump_sum_split(report.lump_sum_spent_eur, committed_eur)[1],
            "notes": report.lump_sum_notes,
        },
    }


def final_report_request(
    report: FinalReport,
    *,
    form: FormDefinition,
    programme_name: str,
    issued: date,
    committed_eur: Decimal,
    partner: str,
    fmt: Format,
    target: Path,
    pdf_variant: PdfVariant = "pdf/ua-1",
) -> RenderRequest:
    context = final_report_context(
        report,
        form,
        programme_name=programme_name,
        issued=issued,
        committed_eur=committed_eur,
        partner=partner,
    )
    return _request("final_report", context, fmt=fmt, target=target, pdf_variant=pdf_variant)


# --- publication ------------------------------------------------------------------

# Stage 2 states of a funded project: selected, and everything of Stage 3 but
# the withdrawn (a withdrawn project is no longer funded).
FUNDED_STATES = frozenset({State.SELECTED, *STAGE_3_STATES})


@dataclass(frozen=True)
class StageCount:
    stage: int
    state: str
    count: int


@dataclass(frozen=True)
class PublishedPartnership:
    city_name: str
    donor_name: str
    donor_country: str  # "NO" or "IS"
    signed: bool


@dataclass(frozen=True)
class ProjectPage:
    """A funded project's page: its outline, its partner, and its final report when in."""

    application_id: int
    city_name: str
    title_pl: str
    title_en: str
    primary_theme: str
    partner: str  # donor municipality's name; "" without a partnership
    report: FinalReport | None


@dataclass(frozen=True)
class PublicationContext:
    """The programme's summary of bilateral cooperation, before choosing the edition's language."""

    programme_name: Mapping[str, str]  # lang -> name
    issued: date
    stages: tuple[StageCount, ...]  # stage, then state, in table order
    submitted: Mapping[int, int]  # stage -> applications
    themes: tuple[tuple[str, int], ...]  # theme code -> funded projects (primary theme)
    partnerships: tuple[PublishedPartnership, ...]
    totals: LedgerTotals
    projects: tuple[ProjectPage, ...]


def publication_context(
    *,
    programme_name: Mapping[str, str],
    issued: date,
    form: FormDefinition,
    applications: Sequence[Application],
    outlines: Mapping[int, Outline],
    partnerships: Sequence[Partnership],
    donors: Sequence[DonorMunicipality],
    ledger: Iterable[LedgerEntry],
    final_reports: Mapping[int, FinalReport],
) -> PublicationContext:
    """Summarise the programme from plain domain values (the store wiring reads them).

    ``outlines``: the current valid outline of each application by id;
    ``final_reports``: the accepted final report of each funded project by id.
    A ledger that breaks a rule is a ``LedgerError``: the publication never
    prints figures that do not reconcile.
    """
    state_order = {state: i for i, state in enumerate(State)}
    per_state = Counter((a.stage, a.state) for a in applications)
    stages = tuple(
        StageCount(stage, state, count)
        for (stage, state), count in sorted(
            per_state.items(), key=lambda item: (item[0][0], state_order.get(State(item[0][1]), 99))
        )
    )
    funded = sorted(
        (a for a in applications if a.stage == Stage.PROPOSAL and a.state in FUNDED_STATES),
        key=lambda a: a.city_name,
    )
    by_donor = {d.code: d for d in donors}
    by_application = {a.id: a for a in applications}
    pairs = {
        p.application_id: p
        for p in partnerships
        if p.status is not PartnershipStatus.PROPOSED and p.donor_code in by_donor
    }
    theme_count = Counter(outlines[a.id].primary_theme for a in funded if a.id in outlines)
    projects = tuple(
        ProjectPage(
            application_id=a.id,
            city_name=a.city_name,
            title_pl=outlines[a.id].title_pl if a.id in outlines else "",
            title_en=outlines[a.id].title_en if a.id in outlines else "",
            primary_theme=outlines[a.id].primary_theme if a.id in outlines else "",
            partner=by_donor[pairs[a.id].donor_code].name if a.id in pairs else "",
            report=final_reports.get(a.id),
        )
        for a in funded
    )
    return PublicationContext(
        programme_name=dict(programme_name),
        issued=issued,
        stages=stages,
        submitted={int(stage): sum(1 for a in applications if a.stage == stage) for stage in Stage},
        themes=tuple((code, theme_count.get(code, 0)) for code in form.codes("themes")),
        partnerships=tuple(
            sorted(
                (
                    PublishedPartnership(
                        by_application[p.application_id].city_name,
                        by_donor[p.donor_code].name,
                        by_donor[p.donor_code].country,
                        p.status is PartnershipStatus.SIGNED,
                    )
                    for p in pairs.values()
                    if p.application_id in by_application
                ),
                key=lambda p: (p.city_name, p.donor_name),
            )
        ),
        totals=Ledger.from_entries(ledger).totals(),
        projects=projects,
    )


def publication_title(publication: PublicationContext, lang: str) -> str:
    heading = {"pl": "Współpraca dwustronna", "nb": "Bilateralt samarbeid"}[lang]
    return f"{publication.programme_name[lang]}: {heading}"


def publication_document_context(
    publication: PublicationContext, form: FormDefinition, lang: str
) -> dict[str, Any]:
    """The edition in ``lang`` (pl or nb): labels from the form's vocabularies."""
    _check_lang("publication", lang)  # before the labels: no other language has a title
    themes = _labels(form, "themes", lang)
    countries = _labels(form, "countries", lang)
    totals = publication.totals
    lump_sums = [
        ("committed", totals.committed),
        ("spent", totals.spent),
        ("returned", totals.returned),
        ("released", totals.released),
        ("open", totals.open),
    ]
    return {
        "document": {
            "title": publication_title(publication, lang),
            "issued_on": publication.issued,
            "lang": lang,
        },
        "programme": {"name": publication.programme_name[lang]},
        "stages": [
            {"stage": s.stage, "state": s.state, "count": s.count} for s in publication.stages
        ],
        "submitted": {
            "outlines": publication.submitted.get(Stage.OUTLINE, 0),
            "proposals": publication.submitted.get(Stage.PROPOSAL, 0),
            "funded": len(publication.projects),
        },
        "themes": [
            {"label": themes.get(code, code), "count": count} for code, count in publication.themes
        ],
        "partnerships": [
            {
                "city_name": p.city_name,
                "donor_name": p.donor_name,
                "donor_country": countries.get(p.donor_country, p.donor_country),
                "signed": p.signed,
            }
            for p in publication.partnerships
        ],
        "lump_sums": {
            "reserved": totals.reserved,
            "rows": [{"code": code, "amount": amount} for code, amount in lump_sums],
        },
        "projects": [_project_page(page, themes, lang) for page in publication.projects],
    }


def _project_page(page: ProjectPage, themes: Mapping[str, str], lang: str) -> dict[str, Any]:
    report = page.report
    return {
        "city_name": page.city_name,
        # The project's title exists in Polish and English; the Norwegian
        # edition shows the English one.
        "title": page.title_pl if lang == "pl" else page.title_en,
        "theme": themes.get(page.primary_theme, page.primary_theme),
        "partner": page.partner,
        "reported": report is not None,
        "summary": ""
        if report is None
        else report.summary_pl
        if lang == "pl"
        else report.summary_nb,
        "start_date": None if report is None else report.start_date,
        "end_date": None if report is None else report.end_date,
        "lump_sum_spent_eur": None if report is None else report.lump_sum_spent_eur,
        "activities": 0 if report is None else len(report.activities),
        "indicators": []
        if report is None
        else [
            {
                "indicator": i.indicator,
                "unit": i.unit,
                "target": i.target,
                "achieved": i.achieved,
                "attainment": i.attainment,
            }
            for i in report.indicators
        ],
    }


def publication_request(
    publication: PublicationContext,
    *,
    form: FormDefinition,
    lang: str,
    target: Path,
    fmt: Format = "pdf",  # the edition to publish; the docx is for editing it
    pdf_variant: PdfVariant = "pdf/ua-1",
) -> RenderRequest:
    context = publication_document_context(publication, form, lang)
    return _request("publication", context, fmt=fmt, target=target, pdf_variant=pdf_variant)


def generate(
    request: RenderRequest, *, renderer: DocumentRenderer, log: DocumentLog | None = None
) -> GeneratedDocument:
    """Render one request (made by an ``*_request`` function) and record it in ``log``."""
    _check(request.kind, request.lang, request.fmt)
    document = renderer.render(request)
    if log is not None:
        log.record([document])
    return document
