"""Intake test data built straight from the domain and report dataclasses.

Used by the intake service's unit tests (with fakes), the store's
integration tests (SQLite and PostgreSQL) and the document tests, so all
speak about the same cities: Chełm (TERYT 0662011) and Hrubieszów (TERYT
0604011), both lubelskie.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from grantflow.domain.outline import BudgetLine, Indicator, Outline
from grantflow.services.intake import Applicant
from grantflow.validation.outline import ValidationResult
from grantflow.validation.report import FileReport, Issue

STAGE1 = "stage1-outline"
RATE = Decimal("4.2986")  # PLN per EUR in the call's rate month
CHELM = Applicant(teryt="0662011", city_name="Chełm")
HRUBIESZOW = Applicant(teryt="0604011", city_name="Hrubieszów")


def _line(
    no: int, category: str, text: str, year: int, eur: str, pln: str | None = None
) -> BudgetLine:
    if pln is None:
        return BudgetLine(no, category, text, year, Decimal(eur), "EUR", Decimal(eur), None)
    return BudgetLine(no, category, text, year, Decimal(pln), "PLN", Decimal(eur), RATE)


def outline(applicant: Applicant = CHELM, **changes: object) -> Outline:
    """Chełm's outline once validated: EUR 2 800 000.00 in total, the soft-measures
    line typed in PLN and converted at 4.2986, a lump sum of EUR 150 000 for a
    Norwegian partner, and every Polish and Norwegian letter somewhere in its text."""
    base = Outline(
        city_name=applicant.city_name,
        teryt=applicant.teryt,
        voivodeship="lubelskie",
        population=60354,
        nip="5632004012",
        contact_name="Małgorzata Wójcik",
        contact_email="rozwoj@chelm.pl",
        contact_phone="+48 82 562 10 00",
        title_pl="Zielony Chełm: odnowa przestrzeni publicznych i współpraca z Kristiansand",
        title_en="Green Chełm: renewing public spaces together with Kristiansand",
        summary_pl=(
            "Projekt odnawia park ludowy i bulwary nad Uherką, ogranicza niską emisję "
            "i buduje kompetencje urzędu. Zażółć gęślą jaźń."
        ),
        summary_en="The project renews the People's Park and the Uherka boulevards.",
        primary_theme="environment_energy",
        secondary_themes=("sustainable_development", "social_education"),
        start_date=date(2021, 5, 1),
        end_date=date(2023, 12, 31),
        total_budget_eur=Decimal("2800000.00"),
        requested_grant_eur=Decimal("2380000.00"),
        co_financing_eur=Decimal("420000.00"),
        budget=(
            _line(1, "investment", "Rewitalizacja Parku Ludowego", 2022, "2100000.00"),
            _line(
                2,
                "soft",
                "Warsztaty dla mieszkańców i szkolenia urzędników",
                2022,
                "300000.00",
                pln="1289580.00",
            ),
            _line(3, "management", "Zarządzanie projektem", 2021, "200000.00"),
            _line(
                4,
                "partnership_lump_sum",
                "Ryczałt na partnerstwo z gminą norweską",
                2022,
                "150000.00",
            ),
            _line(5, "other", "Promocja projektu i publikacje", 2023, "50000.00"),
        ),
        wants_partner=True,
        preferred_country="NO",
        partner_themes=("environment_energy", "resilience_preparedness"),
        involvement_forms=("knowledge_exchange", "study_visits"),
        expectations_pl=(
            "Wymiana doświadczeń w zarządzaniu zielenią miejską; wizyty w Tromsø, "
            "Ålesund, Bærum i Råde."
        ),
        expectations_en=(
            "Exchange of experience in urban green space; "
            "visits to Tromsø, Ålesund, Bærum and Råde."
        ),
        preferred_partner="Ringerike kommune, Hønefoss",
        indicators=(
            Indicator(
                "Powierzchnia odnowionych terenów zielonych",
                "ha",
                Decimal("0"),
                Decimal("12.5"),
                2023,
            ),
            Indicator(
                "Uczestnicy warsztatów (mieszkańcy)", "osoby", Decimal("0"), Decimal("800"), 2023
            ),
        ),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def valid_result(file: str = "chelm.xlsx", applicant: Applicant = CHELM) -> ValidationResult:
    return ValidationResult(report=FileReport(file=file), outline=outline(applicant))


def invalid_result(file: str = "chelm.xlsx") -> ValidationResult:
    """A wrong NIP check digit and a warning about a key that is not in the form."""
    issues = [
        Issue("nip-checksum", sheet="Applicant", cell="C6", field="nip", value="5632004013"),
        Issue("unknown-field", "warning", "Applicant", "A11", None, "uwagi"),
    ]
    return ValidationResult(report=FileReport(file=file, issues=issues), outline=None)


def unreadable_result(file: str = "zepsuty.xlsx") -> ValidationResult:
    issue = Issue("file-unreadable", params={"reason": "File is not a zip file"})
    return ValidationResult(report=FileReport(file=file, issues=[issue]), outline=None)
