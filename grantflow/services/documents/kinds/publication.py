"""The publication (SPEC section 8): the programme's summary of bilateral cooperation.

Programme-wide, in two editions, Polish and Norwegian (``publication-pl``,
``publication-nb``): applications per stage and state, funded projects per
theme, the partnerships, the lump sums from the ledger, and a page per
funded project from its final report once it is in, and a map of the
partnerships, from where the towns and municipalities lie
(``samples/places.yaml``). Dated by the caller (``Sources.issued``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from grantflow.domain.final_report import FinalReport
from grantflow.domain.ledger import Ledger, LedgerEntry, LedgerTotals
from grantflow.domain.lifecycle import STAGE_3_STATES, Stage, State
from grantflow.domain.outline import Outline
from grantflow.domain.partners import DonorMunicipality
from grantflow.domain.places import Place
from grantflow.services.documents.kind import DocumentKind, Planned
from grantflow.services.documents.labels import labels
from grantflow.services.documents.sources import Sources, agreed_lump_sum, final_reports
from grantflow.services.partnership_map import PartnershipMap, partnership_map
from grantflow.services.ports.applications import Application
from grantflow.services.ports.partners import Partnership, PartnershipStatus
from grantflow.validation.form import FormDefinition
from grantflow.validation.places_file import load_places

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
class LumpSum:
    """A project's partnership lump sum from the ledger, in EUR."""

    agreed: Decimal  # committed by the signed agreement (0 without one)
    spent: Decimal
    returned: Decimal  # to the Programme Operator: unspent, or never committed


@dataclass(frozen=True)
class ProjectPage:
    """A funded project's page: its outline, its partner, its lump sum, and its final
    report when in."""

    application_id: int
    city_name: str
    title_pl: str
    title_en: str
    primary_theme: str
    partner: str  # donor municipality's name; "" without a partnership
    report: FinalReport | None
    lump_sum: LumpSum


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
    map: PartnershipMap


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
    places: Mapping[str, Place],
) -> PublicationContext:
    """Summarise the programme from plain domain values (the store wiring reads them).

    ``outlines``: the current valid outline of each application by id;
    ``final_reports``: the accepted final report of each funded project by id;
    ``places``: where towns (by TERYT) and donor municipalities (by code) lie.
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
    ledger_value = Ledger.from_entries(ledger)
    projects = tuple(
        ProjectPage(
            application_id=a.id,
            city_name=a.city_name,
            title_pl=outlines[a.id].title_pl if a.id in outlines else "",
            title_en=outlines[a.id].title_en if a.id in outlines else "",
            primary_theme=outlines[a.id].primary_theme if a.id in outlines else "",
            partner=by_donor[pairs[a.id].donor_code].name if a.id in pairs else "",
            report=final_reports.get(a.id),
            lump_sum=_lump_sum(ledger_value, a.teryt),
        )
        for a in funded
    )
    shown = [
        (
            by_application[p.application_id],
            by_donor[p.donor_code],
            p.status is PartnershipStatus.SIGNED,
        )
        for p in pairs.values()
        if p.application_id in by_application
    ]
    published = tuple(
        sorted(
            (
                PublishedPartnership(town.city_name, donor.name, donor.country, signed)
                for town, donor, signed in shown
            ),
            key=lambda p: (p.city_name, p.donor_name),
        )
    )
    return PublicationContext(
        programme_name=dict(programme_name),
        issued=issued,
        stages=stages,
        submitted={int(stage): sum(1 for a in applications if a.stage == stage) for stage in Stage},
        themes=tuple((code, theme_count.get(code, 0)) for code in form.codes("themes")),
        partnerships=published,
        totals=ledger_value.totals(),
        projects=projects,
        map=partnership_map(funded, shown, places),
    )


def _lump_sum(ledger: Ledger, teryt: str) -> LumpSum:
    balance = ledger.balance(teryt)
    return LumpSum(agreed_lump_sum(balance), balance.spent, balance.returned)


def publication_title(publication: PublicationContext, lang: str) -> str:
    heading = {"pl": "Współpraca dwustronna", "nb": "Bilateralt samarbeid"}[lang]
    return f"{publication.programme_name[lang]}: {heading}"


def publication_document_context(
    publication: PublicationContext, form: FormDefinition, lang: str
) -> dict[str, Any]:
    """The edition in ``lang`` (pl or nb): labels from the form's vocabularies."""
    themes = labels(form, "themes", lang)
    countries = labels(form, "countries", lang)
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
        "projects": [
            _project_page(page, themes, labels(form, "involvement_forms", lang), lang)
            for page in publication.projects
        ],
        "map": publication.map.chart(),
    }


def _project_page(
    page: ProjectPage, themes: Mapping[str, str], forms: Mapping[str, str], lang: str
) -> dict[str, Any]:
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
        "lump_sum": {
            "agreed": page.lump_sum.agreed,
            "spent": page.lump_sum.spent,
            "returned": page.lump_sum.returned,
        },
        "activities": []
        if report is None
        else [
            {
                "day": a.day,
                "activity": a.activity,
                "form": forms.get(a.form, a.form),
                "place": a.place,
                "participants": a.participants,
            }
            for a in report.activities
        ],
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


@dataclass(frozen=True)
class PublicationDocument:
    publication: PublicationContext
    form: FormDefinition


def _context(document: PublicationDocument, lang: str) -> dict[str, Any]:
    return publication_document_context(document.publication, document.form, lang)


def _plan(sources: Sources) -> list[Planned[PublicationDocument]]:
    uow = sources.uow
    publication = publication_context(
        programme_name=sources.programme.name,
        issued=sources.issued,
        form=sources.form,
        applications=sources.applications,
        outlines=sources.outlines,
        partnerships=uow.partnerships.list(),
        donors=uow.donors.list(),
        ledger=uow.ledger.all(),
        final_reports={k: report for k, (report, _) in final_reports(uow).items()},
        places=load_places(),
    )
    # One plan for both editions: the file name takes the language.
    return [
        Planned(None, "publication/publication", PublicationDocument(publication, sources.form))
    ]


PUBLICATION: DocumentKind[PublicationDocument] = DocumentKind(
    code="publication",
    languages=("pl", "nb"),
    templates={"docx": "publication/{lang}.docx", "pdf": "publication/publication.html.j2"},
    build_context=_context,
    plan=_plan,
    programme_wide=True,
)
