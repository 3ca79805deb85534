"""Shared fixtures of the integration tests: the outline form and a filled outline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from grantflow.validation import form as forms
from grantflow.validation.form import FormDefinition


@pytest.fixture(scope="session")
def outline_form() -> FormDefinition:
    return forms.load("outline")


@pytest.fixture
def chelm_outline() -> dict[str, Any]:
    """A complete outline of Chełm (lubelskie) that passes every rule of the reference
    programme, with a Norwegian partner wanted. Tests change what they need."""
    return {
        "Applicant": {
            "city_name": "Chełm",
            "teryt": "0662011",
            "voivodeship": "lubelskie",
            "population": 60_231,
            "nip": "5632004012",
            "contact_name": "Żaneta Łuczyńska-Dąbrowska",
            "contact_email": "rozwoj@chelm.pl",
            "contact_phone": "+48 82 562 10 00",
        },
        "Project": {
            "title_pl": "Zielony Chełm: ścieżki rowerowe i źródła ciepła",
            "title_en": "Green Chełm: cycle paths and heat sources",
            "summary_pl": "Budowa 12 km ścieżek rowerowych, modernizacja kotłowni.\n"
            "Współpraca z gminą Kristiansand (Norwegia).",
            "summary_en": "12 km of cycle paths and a modernised boiler house,\n"
            "with Kristiansand kommune (Norway) as partner.",
            "primary_theme": "environment_energy",
            "secondary_themes": ["sustainable_development", "smart_city"],
            "start_date": date(2021, 3, 1),
            "end_date": date(2023, 12, 31),
            "total_budget_eur": Decimal("1300000.00"),
            "requested_grant_eur": Decimal("1105000.00"),
            "co_financing_eur": Decimal("195000.00"),
        },
        "Budget": [
            {
                "line_no": 1,
                "category": "investment",
                "description": "Ścieżki rowerowe, 12 km",
                "year": 2022,
                "amount": Decimal("950000.00"),
                "currency": "EUR",
            },
            {
                "line_no": 2,
                "category": "soft",
                "description": "Kampania „Rowerem do pracy”",
                "year": 2022,
                "amount": Decimal("199750.50"),
                "currency": "EUR",
            },
            {
                "line_no": 3,
                "category": "management",
                "description": "Zarządzanie projektem",
                "year": 2023,
                "amount": Decimal("249.50"),
                "currency": "EUR",
            },
            {
                "line_no": 4,
                "category": "partnership_lump_sum",
                "description": "Partnerstwo z Kristiansand kommune (Agder)",
                "year": 2023,
                "amount": Decimal("150000.00"),
                "currency": "EUR",
            },
        ],
        "Partnership": {
            "wants_partner": True,
            "preferred_country": "NO",
            "partner_themes": ["environment_energy", "smart_city"],
            "involvement_forms": ["study_visits", "knowledge_exchange"],
            "expectations_pl": "Wymiana doświadczeń w zakresie ciepłownictwa; "
            "wizyty w Kristiansand.",
            "expectations_en": "Exchange on district heating; study visits to Kristiansand.",
            "preferred_partner": "Kristiansand kommune – Bærekraft og klima (Sørlandet)",
        },
        "Indicators": [
            {
                "indicator": "Długość ścieżek rowerowych",
                "unit": "km",
                "baseline": Decimal("0"),
                "target": Decimal("12.5"),
                "year": 2023,
            },
            {
                "indicator": "Redukcja emisji CO₂",
                "unit": "t CO₂/rok",
                "baseline": Decimal("0"),
                "target": Decimal("840.75"),
                "year": 2024,
            },
        ],
    }
