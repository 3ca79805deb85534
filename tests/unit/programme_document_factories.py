"""Agreements, final reports and publications for the document tests, as domain values.

Builds on ``document_factories.chelm_outline()``: Chełm partners with
Kristiansand kommune (Agder), EUR 150 000.00 lump sum, the programme's final
eligibility date 30 April 2024; Hrubieszów is funded without a partner and
Konin is on the reserve list. Every Polish and Norwegian letter appears.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal

from grantflow.domain.final_report import Activity, Expenditure, FinalReport, IndicatorResult
from grantflow.domain.ledger import EntryKind, LedgerEntry
from grantflow.domain.partners import DonorMunicipality
from grantflow.domain.places import Place
from grantflow.services.documents.kinds.agreement import (
    AgreementContext,
    Signatory,
    agreement_terms,
)
from grantflow.services.documents.kinds.publication import PublicationContext, publication_context
from grantflow.services.ports.applications import Application
from grantflow.services.ports.partners import Partnership, PartnershipStatus
from grantflow.validation import form as forms
from grantflow.validation.places_file import load_places
from tests.unit.document_factories import HOSTILE_CITY, chelm_outline

PROGRAMME_NAMES = {"pl": "Rozwój lokalny", "nb": "Lokal utvikling", "en": "Local Development"}
FINAL_ELIGIBILITY = date(2024, 4, 30)
SIGNED = date(2021, 6, 14)
LUMP_SUM = Decimal("150000.00")
SPENT = Decimal("138250.40")
AT = datetime(2021, 6, 14, 10, 0, tzinfo=UTC)

KRISTIANSAND = DonorMunicipality(
    code="NO-4204",
    name="Kristiansand kommune",
    country="NO",
    region="Agder",
    themes=(
        "resilience_preparedness",
        "smart_city",
        "sustainable_development",
        "environment_energy",
    ),
    involvement_forms=("knowledge_exchange", "study_visits", "workshops_conferences"),
    capacity=2,
    languages=("nb", "en"),
    intermediary="KS",
)


def chelm_agreement(**changes: object) -> AgreementContext:
    agreement = agreement_terms(
        chelm_outline(),
        KRISTIANSAND,
        number="LD/PART/2021/003",
        lump_sum_eur=LUMP_SUM,
        final_eligibility=FINAL_ELIGIBILITY,
        city_signatory=Signatory("Jakub Banaszek", "Prezydent Miasta Chełm"),
        donor_signatory=Signatory("Mathias Bernander", "ordfører, i nærvær av KS"),
        place="Chełm, Stara Łaźnia",
        signed_on=SIGNED,
    )
    return dataclasses.replace(agreement, **changes)  # type: ignore[arg-type]


def hostile_agreement() -> AgreementContext:
    return chelm_agreement(
        city_name=HOSTILE_CITY,
        place='Chełm <img src="file:///etc/passwd">',
        donor=dataclasses.replace(KRISTIANSAND, name="Kristiansand & <i>Søgne</i> {{ 7*7 }}"),
    )


def chelm_final_report(**changes: object) -> FinalReport:
    report = FinalReport(
        city_name="Chełm",
        teryt="0662011",
        title="Zielony Chełm: odnowa przestrzeni publicznych",
        start_date=date(2021, 5, 1),
        end_date=date(2023, 12, 31),
        summary_pl="Odnowiono Park Ludowy i bulwary nad Uherką; zażółć gęślą jaźń.",
        summary_nb=(
            "Folkeparken og strandpromenadene langs Uherka er fornyet; blåbærsyltetøy på ærfuglegg."
        ),
        indicators=(
            IndicatorResult(
                "Powierzchnia odnowionych terenów zielonych",
                "ha",
                Decimal("0"),
                Decimal("12.5"),
                Decimal("13.2"),
                2023,
            ),
            IndicatorResult(
                "Uczestnicy warsztatów (mieszkańcy)",
                "osoby",
                Decimal("0"),
                Decimal("800"),
                Decimal("640"),
                2023,
            ),
        ),
        expenditure=(
            Expenditure(
                1, "investment", "Rewitalizacja Parku Ludowego", Decimal("2098000.00"), "EUR"
            ),
            Expenditure(2, "partnership_lump_sum", "Wizyty w Kristiansand i Ålesund", SPENT, "EUR"),
            Expenditure(3, "soft", "Warsztaty dla mieszkańców", Decimal("1250000.00"), "PLN"),
        ),
        activities=(
            Activity(
                date(2022, 9, 12),
                "Wizyta studyjna: zielona infrastruktura",
                "study_visits",
                "Kristiansand",
                14,
            ),
            Activity(
                date(2022, 4, 5), "Warsztaty o retencji wody", "workshops_conferences", "Chełm", 45
            ),
        ),
        lump_sum_spent_eur=SPENT,
        lump_sum_notes="Niewykorzystana część ryczałtu wraca do Operatora Programu.",
    )
    return dataclasses.replace(report, **changes)  # type: ignore[arg-type]


def _application(number: int, stage: int, city: str, teryt: str, state: str) -> Application:
    return Application(number, f"stage{stage}", stage, teryt, city, state, AT)


def programme_publication(
    places: Mapping[str, Place] | None = None, **changes: object
) -> PublicationContext:
    """Three Stage 1 outlines, three Stage 2 proposals: Chełm (partner), Hrubieszów, Konin;
    where they lie from ``places`` (the shipped places without)."""
    applications = [
        _application(1, 1, "Chełm", "0662011", "shortlisted"),
        _application(2, 1, "Hrubieszów", "0604011", "shortlisted"),
        _application(3, 1, "Konin", "3062011", "shortlisted"),
        _application(4, 2, "Chełm", "0662011", "final_report_submitted"),
        _application(5, 2, "Hrubieszów", "0604011", "implementation"),
        _application(6, 2, "Konin", "3062011", "reserve"),
    ]
    outlines = {
        4: chelm_outline(),
        5: chelm_outline(
            city_name="Hrubieszów",
            teryt="0604011",
            title_pl="Hrubieszów: młodzież zostaje w mieście",
            title_en="Hrubieszów: young people stay",
            primary_theme="entrepreneurship",
        ),
    }
    ledger = [
        LedgerEntry("reserve:stage2:4", "0662011", EntryKind.RESERVE, LUMP_SUM, AT),
        LedgerEntry("reserve:stage2:5", "0604011", EntryKind.RESERVE, LUMP_SUM, AT),
        LedgerEntry("commit:stage2:4", "0662011", EntryKind.COMMIT, LUMP_SUM, AT),
        LedgerEntry("return:stage2:5:no-partner", "0604011", EntryKind.RETURN, LUMP_SUM, AT),
        LedgerEntry("spend:4:v1", "0662011", EntryKind.SPEND, SPENT, AT),
        LedgerEntry("return:4:v1", "0662011", EntryKind.RETURN, LUMP_SUM - SPENT, AT),
    ]
    publication = publication_context(
        programme_name=PROGRAMME_NAMES,
        issued=date(2024, 6, 3),
        form=forms.load("outline"),
        applications=applications,
        outlines=outlines,
        partnerships=[Partnership(4, "NO-4204", PartnershipStatus.SIGNED, 11, "themes: …")],
        donors=[KRISTIANSAND],
        ledger=ledger,
        final_reports={4: chelm_final_report()},
        places=load_places() if places is None else places,
    )
    return dataclasses.replace(publication, **changes)  # type: ignore[arg-type]
