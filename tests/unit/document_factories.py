"""Validated outlines and decisions for the document tests, built as domain objects.

``chelm_outline()`` is the Chełm outline of ``tests/unit/factories.py`` once
validated (same figures: EUR 2 800 000.00 in total, the soft-measures line
typed in PLN and converted at 4.2986), with a Norwegian preferred partner
and expectations naming Tromsø, Ålesund, Bærum and Råde, so every Polish and
Norwegian letter reaches the documents.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from grantflow.domain.outline import BudgetLine, Indicator, Outline
from grantflow.services.documents import DecisionLetter

RATE = Decimal("4.2986")
ISSUED = date(2019, 12, 20)
PROGRAMME_NAME = "Rozwój lokalny"
HOSTILE_CITY = "Chełm & <b>Synowie</b> {{ 7*7 }}"
HOSTILE_IMAGE = '<img src="file:///etc/passwd">'


def _line(
    no: int, category: str, text: str, year: int, eur: str, pln: str | None = None
) -> BudgetLine:
    if pln is None:
        return BudgetLine(no, category, text, year, Decimal(eur), "EUR", Decimal(eur), None)
    return BudgetLine(no, category, text, year, Decimal(pln), "PLN", Decimal(eur), RATE)


def chelm_outline(**changes: object) -> Outline:
    outline = Outline(
        city_name="Chełm",
        teryt="0662011",
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
            _line(2, "soft", "Warsztaty dla mieszkańców i szkolenia urzędników", 2022,
                  "300000.00", pln="1289580.00"),
            _line(3, "management", "Zarządzanie projektem", 2021, "200000.00"),
            _line(4, "partnership_lump_sum", "Ryczałt na partnerstwo z gminą norweską", 2022,
                  "150000.00"),
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
            Indicator("Powierzchnia odnowionych terenów zielonych", "ha", Decimal("0"),
                      Decimal("12.5"), 2023),
            Indicator("Uczestnicy warsztatów (mieszkańcy)", "osoby", Decimal("0"),
                      Decimal("800"), 2023),
        ),
    )
    return dataclasses.replace(outline, **changes)  # type: ignore[arg-type]


def hostile_outline() -> Outline:
    """User text that would break a document if it were not escaped."""
    return chelm_outline(
        city_name=HOSTILE_CITY,
        summary_pl=(
            f"Zobacz {HOSTILE_IMAGE} & <script>alert(1)</script> {{% if true %}}x{{% endif %}}"
        ),
        preferred_partner="Ringerike kommune </w:t><w:t> & Hønefoss",
    )


def chelm_decision(**changes: object) -> DecisionLetter:
    letter = DecisionLetter(
        city="Chełm",
        title="Zielony Chełm: odnowa przestrzeni publicznych",
        decision="shortlisted",
        score=Decimal("82.5"),
        max_score=100,
        rank=3,
        decided_on=date(2020, 3, 16),
        justification=(
            "Projekt spójny z celami programu; partnerstwo z Ringerike (Hønefoss) dobrze opisane."
        ),
    )
    return dataclasses.replace(letter, **changes)  # type: ignore[arg-type]
