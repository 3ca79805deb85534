"""Intake test data built straight from the domain and report dataclasses.

Used by the intake service's unit tests (with fakes) and the store's
integration tests (SQLite and PostgreSQL), so both speak about the same
cities: Chełm (TERYT 0662011) and Hrubieszów (TERYT 0604011), both lubelskie.
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
CHELM = Applicant(teryt="0662011", city_name="Chełm")
HRUBIESZOW = Applicant(teryt="0604011", city_name="Hrubieszów")


def _eur(line_no: int, category: str, description: str, year: int, amount: str) -> BudgetLine:
    return BudgetLine(
        line_no, category, description, year, Decimal(amount), "EUR", Decimal(amount), None
    )


def outline(applicant: Applicant = CHELM, **changes: object) -> Outline:
    """A valid outline: EUR 2 800 000 in total, a lump sum of EUR 150 000 for Kristiansand."""
    base = Outline(
        city_name=applicant.city_name,
        teryt=applicant.teryt,
        voivodeship="lubelskie",
        population=60354,
        nip="5632004012",
        contact_name="Małgorzata Wójcik",
        contact_email="rozwoj@chelm.pl",
        contact_phone="+48 82 562 10 00",
        title_pl="Zielony Chełm: odnowa przestrzeni publicznych",
        title_en="Green Chełm: renewing public spaces",
        summary_pl="Odnowa parku ludowego i bulwarów nad Uherką; źródła ciepła bez niskiej emisji.",
        summary_en="Renewing the People's Park and the Uherka boulevards.",
        primary_theme="environment_energy",
        secondary_themes=("sustainable_development", "social_education"),
        start_date=date(2021, 5, 1),
        end_date=date(2023, 12, 31),
        total_budget_eur=Decimal("2800000.00"),
        requested_grant_eur=Decimal("2380000.00"),
        co_financing_eur=Decimal("420000.00"),
        budget=(
            _eur(1, "investment", "Rewitalizacja Parku Ludowego", 2022, "2100000.00"),
            BudgetLine(
                2,
                "soft",
                "Warsztaty dla mieszkańców",
                2022,
                Decimal("1289580.00"),
                "PLN",
                Decimal("300000.00"),
                Decimal("4.2986"),
            ),
            _eur(3, "management", "Zarządzanie projektem", 2021, "200000.00"),
            _eur(
                4,
                "partnership_lump_sum",
                "Ryczałt na partnerstwo z gminą norweską",
                2022,
                "150000.00",
            ),
            _eur(5, "other", "Promocja projektu", 2023, "50000.00"),
        ),
        wants_partner=True,
        preferred_country="NO",
        partner_themes=("environment_energy", "resilience_preparedness"),
        involvement_forms=("knowledge_exchange", "study_visits"),
        expectations_pl="Wymiana doświadczeń: zieleń miejska i gotowość kryzysowa.",
        expectations_en="Exchange of experience: urban green space and crisis preparedness.",
        preferred_partner="Kristiansand kommune",
        indicators=(
            Indicator(
                "Powierzchnia odnowionych terenów zielonych",
                "ha",
                Decimal("0"),
                Decimal("12.5"),
                2023,
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
