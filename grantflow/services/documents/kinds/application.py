"""The application (SPEC section 8): a city's outline as submitted, in Polish.

One per application with a valid version (its newest valid outline), dated
the day that version was submitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from grantflow.domain.outline import Outline
from grantflow.services.documents.kind import DocumentKind, Planned
from grantflow.services.documents.labels import labels
from grantflow.services.documents.rendering import Format, PdfVariant, RenderRequest
from grantflow.services.documents.sources import Sources, day_of, stem
from grantflow.validation.form import FormDefinition


@dataclass(frozen=True)
class ApplicationDocument:
    outline: Outline
    form: FormDefinition
    programme_name: Mapping[str, str]  # lang -> name
    issued: date


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
    themes = labels(form, "themes", lang)
    forms = labels(form, "involvement_forms", lang)
    categories = labels(form, "budget_categories", lang)
    countries = labels(form, "countries", lang)
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


def _context(document: ApplicationDocument, lang: str) -> dict[str, Any]:
    return application_context(
        document.outline,
        document.form,
        lang=lang,
        programme_name=document.programme_name[lang],
        issued=document.issued,
    )


def _plan(sources: Sources) -> list[Planned[ApplicationDocument]]:
    planned = []
    for application in sources.applications:
        version = sources.current_versions.get(application.id)
        if version is None or version.outline is None:  # no valid version: nothing to print
            continue
        # A proposal carried into Stage 2 keeps its outline's submission time (the ranking's
        # tie rule reads it); its document is dated the day it entered the call.
        entered = max(version.submitted_at, application.created_at)
        document = ApplicationDocument(
            version.outline, sources.form, sources.programme.name, day_of(entered)
        )
        planned.append(Planned(application.id, stem("application", application), document))
    return planned


APPLICATION: DocumentKind[ApplicationDocument] = DocumentKind(
    code="application",
    languages=("pl",),
    templates={"docx": "application/{lang}.docx", "pdf": "application/application.html.j2"},
    build_context=_context,
    plan=_plan,
)


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
    """An outline's document without the store (``grantflow generate application --outline``)."""
    document = ApplicationDocument(outline, form, {lang: programme_name}, issued)
    return APPLICATION.request(document, lang=lang, fmt=fmt, target=target, pdf_variant=pdf_variant)
