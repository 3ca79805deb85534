"""The outline form's values of the curated sample outlines (``samples/outlines/``).

``outline_values`` turns a plan into the per-sheet values of the outline
form for one call, computing the totals from the lines at the call's
EUR/PLN rate so that they add up to the cent; ``reference_samples`` gives
every curated sample of ``samples/outlines.yaml``, valid ones first, then
the broken ones with the issue codes the validator must report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from grantflow.domain.money import cents
from grantflow.domain.names import slug
from grantflow.domain.programme import Programme
from grantflow.validation.sample_outlines_file import (
    BrokenOutline,
    OutlinePlan,
    PartnerWish,
    load_sample_outlines,
)

CellValue = str | int | Decimal | date
Record = dict[str, CellValue]
OutlineValues = dict[str, Record | list[Record]]


@dataclass(frozen=True)
class Sample:
    """One outline file of ``samples/outlines/``."""

    name: str  # file name without .xlsx
    values: OutlineValues
    # Issue codes the validator reports (sorted; () if valid). samples/README.md
    # explains each invalid sample.
    expected_codes: tuple[str, ...]


def _codes(codes: tuple[str, ...]) -> str:
    return ", ".join(codes)


def _partnership(partner: PartnerWish | None) -> Record:
    if partner is None:
        return {"wants_partner": "no"}
    record: Record = {
        "wants_partner": "yes",
        "preferred_country": partner.country,
        "partner_themes": _codes(partner.themes),
        "involvement_forms": _codes(partner.forms),
        "expectations_pl": partner.expectations_pl,
        "expectations_en": partner.expectations_en,
    }
    # An optional field left empty is left out, as a city leaves the cell blank.
    if partner.preferred_partner:
        record["preferred_partner"] = partner.preferred_partner
    return record


def outline_values(plan: OutlinePlan, rate: Decimal) -> OutlineValues:
    """The outline form's values of ``plan`` for a call converting PLN at ``rate``."""
    total = plan.total_eur(rate)
    co_financing = cents(total * plan.co_financing_share)
    town = plan.town
    return {
        "Applicant": {
            "city_name": town.name,
            "teryt": town.teryt,
            "voivodeship": town.voivodeship,
            "population": town.population,
            "nip": town.nip,
            "contact_name": town.contact_name,
            "contact_email": f"rozwoj@{town.email_domain}",
            "contact_phone": town.phone,
            "representative_name": town.representative_name,
            "representative_position": town.representative_position,
        },
        "Project": {
            "title_pl": plan.title_pl,
            "title_en": plan.title_en,
            "summary_pl": plan.summary_pl,
            "summary_en": plan.summary_en,
            "primary_theme": plan.primary_theme,
            "secondary_themes": _codes(plan.secondary_themes),
            "start_date": plan.start,
            "end_date": plan.end,
            "total_budget_eur": total,
            "requested_grant_eur": total - co_financing,
            "co_financing_eur": co_financing,
        },
        "Budget": [
            {
                "line_no": number,
                "category": line.category,
                "description": line.description,
                "year": line.year,
                "amount": line.amount,
                "currency": line.currency,
            }
            for number, line in enumerate(plan.lines, start=1)
        ],
        "Partnership": _partnership(plan.partner),
        "Indicators": [
            {
                "indicator": t.indicator,
                "unit": t.unit,
                "baseline": t.baseline,
                "target": t.target,
                "year": t.year,
            }
            for t in plan.targets
        ],
    }


def _record(values: OutlineValues, sheet: str) -> Record:
    record = values[sheet]
    if not isinstance(record, dict):
        raise TypeError(f"{sheet} is a table sheet")
    return record


def broken_values(broken: BrokenOutline, rate: Decimal) -> OutlineValues:
    """A broken outline's values: its plan's, the stated total off, cells typed over."""
    values = outline_values(broken.plan, rate)
    if broken.stated_total_off_by_eur:
        # Grant and co-financing still add up to the stated total: only the total is wrong.
        project = _record(values, "Project")
        stated = Decimal(str(project["total_budget_eur"])) + broken.stated_total_off_by_eur
        co_financing = Decimal(str(project["co_financing_eur"]))
        project.update(total_budget_eur=stated, requested_grant_eur=stated - co_financing)
    for sheet, cells in broken.cells.items():
        _record(values, sheet).update(cells)
    return values


def reference_samples(
    programme: Programme, call_code: str = "stage1-outline"
) -> tuple[Sample, ...]:
    """Every curated sample for ``programme``'s call ``call_code``: valid ones
    first (named after their town), then the broken ones."""
    rate = programme.rate_for(programme.call(call_code).rate_month)
    samples = load_sample_outlines()
    valid = tuple(
        Sample(slug(plan.town.name), outline_values(plan, rate), ()) for plan in samples.valid
    )
    return valid + tuple(
        Sample(broken.name, broken_values(broken, rate), broken.expected_codes)
        for broken in samples.broken
    )
