"""The partnership agreement (SPEC sections 7 and 8): one bilingual document, Polish and
Norwegian side by side.

One per confirmed or signed partnership (the city's outline, the donor, the
lump sum from the ledger), dated the day it was signed (or confirmed, for an
agreement still to sign). Its language is the leading one, Polish; the
contract wording of both columns is written in the templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from grantflow.domain.ledger import Ledger
from grantflow.domain.outline import Outline
from grantflow.domain.partners import DonorMunicipality, agreement_period
from grantflow.services.documents.kind import DocumentKind, Planned
from grantflow.services.documents.labels import bilingual
from grantflow.services.documents.sources import Sources, agreed_lump_sum, stem
from grantflow.services.ports.partners import PartnershipStatus
from grantflow.validation.form import FormDefinition


@dataclass(frozen=True)
class Signatory:
    """Who signs for a party: the city's representative from its outline (form v2);
    "" (not given, and always for the donor) leaves the templates' line to sign on
    and the usual position."""

    name: str = ""
    position: str = ""  # in the signatory's own language: "Prezydent Miasta Chełm", "ordfører"


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


@dataclass(frozen=True)
class AgreementDocument:
    terms: AgreementContext
    form: FormDefinition
    programme_name: Mapping[str, str]  # lang -> name: both columns name it


def agreement_terms(
    outline: Outline,
    donor: DonorMunicipality,
    *,
    number: str,
    lump_sum_eur: Decimal,
    final_eligibility: date,
    city_signatory: Signatory,
    donor_signatory: Signatory,
    place: str,
    signed_on: date,
) -> AgreementContext:
    """The agreement of a confirmed pair: the themes and forms both sides named.

    When the two share no form of involvement (the matching allows that),
    the city's requested forms stand; the themes follow the matching's rule
    (partner themes, else the project's own) narrowed to the donor's. It runs
    from its signature to the final eligibility date (``AgreementOutsideEligibility``
    when that would end before it begins).
    """
    period = agreement_period(signed_on, final_eligibility)
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
        starts_on=period.starts_on,
        ends_on=period.ends_on,
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
    voivodeship = bilingual(form, "voivodeships", [agreement.voivodeship])[0]
    country = bilingual(form, "countries", [agreement.donor.country])[0]
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
        "themes": bilingual(form, "themes", agreement.themes),
        "involvement_forms": bilingual(form, "involvement_forms", agreement.involvement_forms),
        "signatories": {
            "city_name": agreement.city_signatory.name,
            "city_position": agreement.city_signatory.position,
            "donor_name": agreement.donor_signatory.name,
            "donor_position": agreement.donor_signatory.position,
        },
    }


def _context(document: AgreementDocument, lang: str) -> dict[str, Any]:
    return agreement_context(document.terms, document.form, programme_name=document.programme_name)


def agreement_number(application_id: int, signed_on: date) -> str:
    return f"PART/{signed_on.year}/{application_id:04d}"


def _plan(sources: Sources) -> list[Planned[AgreementDocument]]:
    uow, programme = sources.uow, sources.programme
    pairs = [
        p
        for p in uow.partnerships.list()
        if p.status in (PartnershipStatus.CONFIRMED, PartnershipStatus.SIGNED)
    ]
    ledger = Ledger.from_entries(uow.ledger.all())
    planned = []
    for pair in sorted(pairs, key=lambda p: p.application_id):
        application = uow.applications.get(pair.application_id)
        outline = sources.outline(application.id)
        signed = pair.status is PartnershipStatus.SIGNED
        balance = ledger.balance(application.teryt, application.call_code)
        action = "transition:sign_agreement" if signed else "transition:confirm_partnership"
        day = sources.audit_days.last(application.id, [action])
        terms = agreement_terms(
            outline,
            uow.donors.get(pair.donor_code),
            number=agreement_number(application.id, day),
            # Signed: what the signature committed; to sign: what is reserved for it.
            lump_sum_eur=agreed_lump_sum(balance) if signed else balance.open,
            final_eligibility=programme.final_eligibility_date,
            # The city's representative from its outline (form v2). The donor pool does not
            # name who signs for a municipality: its column keeps the line to sign on.
            city_signatory=Signatory(outline.representative_name, outline.representative_position),
            donor_signatory=Signatory(),
            place=application.city_name,
            signed_on=day,
        )
        document = AgreementDocument(terms, sources.form, programme.name)
        planned.append(Planned(application.id, stem("agreement", application), document))
    return planned


AGREEMENT: DocumentKind[AgreementDocument] = DocumentKind(
    code="agreement",
    languages=("pl",),
    templates={"docx": "agreement/{lang}.docx", "pdf": "agreement/agreement.html.j2"},
    build_context=_context,
    plan=_plan,
)
