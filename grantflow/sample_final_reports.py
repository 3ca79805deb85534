"""The domain data of the sample final reports: funded projects of the sample towns, closed.

Pure data and functions (standard library, ``grantflow.domain`` and the
outline samples of ``grantflow.sample_data``). Each report answers the
outline of its town in ``grantflow.sample_data.valid_plans()``: the same
title, the outline's indicators with what was achieved, expenditure per
budget line (line numbers, categories and currencies of the outline), the
activities with the Norwegian partner the demo gives the town, and the
lump sum spent. ``reference_final_reports`` gives the curated samples
shipped in ``samples/final_reports/``, written by ``grantflow samples
final-reports``; two of them spend less than the lump sum committed, so the
rest returns to the Programme Operator at closing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from grantflow.domain.names import slug
from grantflow.domain.outline import LUMP_SUM_CATEGORY
from grantflow.sample_data import (
    LOMZA,
    NYSA,
    SKARZYSKO,
    WALBRZYCH,
    OutlinePlan,
    Record,
    Town,
    valid_plans,
)

FinalReportValues = dict[str, Record | list[Record]]

# The time written into every sample file: the final reports' deadline after
# the programme's final eligibility date, fixed so the files never change by themselves.
REPORT_TIME = datetime(2024, 6, 28, 12, 0, 0)


@dataclass(frozen=True)
class Meeting:
    """One partnership activity as the city reports it."""

    day: date
    activity: str
    form: str  # involvement-form code
    place: str
    participants: int


@dataclass(frozen=True)
class ReportPlan:
    town: Town
    partner: str  # the donor municipality the demo partners the town with
    summary_pl: str
    summary_nb: str
    achieved: tuple[Decimal, ...]  # per indicator of the outline, in its order
    # Spent per budget line of the outline, in the line's currency; the lump-sum
    # line is reported in EUR (what the agreement committed).
    spent: tuple[Decimal, ...]
    meetings: tuple[Meeting, ...]
    lump_sum_notes: str = ""


@dataclass(frozen=True)
class FinalReportSample:
    name: str  # file name without .xlsx
    teryt: str
    partner: str
    lump_sum_spent_eur: Decimal
    values: FinalReportValues


def final_report_values(report: ReportPlan, outline: OutlinePlan) -> FinalReportValues:
    """The final-report form's values of ``report`` on the project of ``outline``."""
    if len(report.spent) != len(outline.lines) or len(report.achieved) != len(outline.targets):
        raise ValueError(f"{report.town.name}: one amount per budget line, one per indicator")
    lump_sum = next(
        amount
        for amount, line in zip(report.spent, outline.lines, strict=True)
        if line.category == LUMP_SUM_CATEGORY
    )
    lines: list[Record] = [
        {
            "line_no": number,
            "category": line.category,
            "description": (
                f"Partnerstwo z {report.partner}"
                if line.category == LUMP_SUM_CATEGORY
                else line.description
            ),
            "amount": amount,
            "currency": "EUR" if line.category == LUMP_SUM_CATEGORY else line.currency,
        }
        for number, (line, amount) in enumerate(
            zip(outline.lines, report.spent, strict=True), start=1
        )
    ]
    return {
        "Report": {
            "city_name": report.town.name,
            "teryt": report.town.teryt,
            "title": outline.title_pl,
            "start_date": outline.start,
            "end_date": outline.end,
            "summary_pl": report.summary_pl,
            "summary_nb": report.summary_nb,
        },
        "Indicators": [
            {
                "indicator": target.indicator,
                "unit": target.unit,
                "baseline": target.baseline,
                "target": target.target,
                "achieved": achieved,
                "year": target.year,
            }
            for target, achieved in zip(outline.targets, report.achieved, strict=True)
        ],
        "Expenditure": lines,
        "Partnership": [
            {
                "date": m.day,
                "activity": m.activity,
                "form": m.form,
                "place": m.place,
                "participants": m.participants,
            }
            for m in report.meetings
        ],
        "LumpSum": {"lump_sum_spent_eur": lump_sum, "lump_sum_notes": report.lump_sum_notes},
    }


def report_plans() -> tuple[ReportPlan, ...]:
    return (
        ReportPlan(
            town=NYSA,
            partner="Bergen kommune",
            summary_pl=(
                "58 z 60 kamienic w śródmieściu ogrzewa już sieć ciepłownicza; dwie "
                "przyłączymy po zakończeniu sporu z właścicielem. Fotowoltaika na szkołach i "
                "ratuszu daje 655 kWp. Z Bergen wspólnie opracowaliśmy narzędzie do "
                "zarządzania energią w budynkach miejskich."
            ),
            summary_nb=(
                "58 av 60 bygårder i sentrum er nå koblet til fjernvarmenettet, og "
                "solcelleanlegg på skoler og rådhuset gir 655 kWp. Sammen med Bergen kommune "
                "har byen utviklet et verktøy for energistyring i kommunale bygg; "
                "erfaringene fra Bergen om energiøkonomisering ble brukt gjennom hele prosjektet."
            ),
            achieved=(Decimal(58), Decimal(655)),
            spent=(
                Decimal("8712450.00"),
                Decimal("748920.00"),
                Decimal("209300.00"),
                Decimal("118640.00"),
                Decimal("150000.00"),
            ),
            meetings=(
                Meeting(
                    date(2022, 5, 16),
                    "Wizyta studyjna: sieć ciepłownicza i spalarnia w Bergen",
                    "study_visits",
                    "Bergen",
                    12,
                ),
                Meeting(
                    date(2022, 11, 8),
                    "Warsztaty: wspólne narzędzie do zarządzania energią",
                    "co_development",
                    "Nysa",
                    28,
                ),
                Meeting(
                    date(2023, 6, 20),
                    "Wymiana wiedzy: monitoring zużycia energii w szkołach",
                    "knowledge_exchange",
                    "Bergen",
                    9,
                ),
                Meeting(
                    date(2023, 10, 12),
                    "Konferencja „Ciepło bez dymu” z gośćmi z Bergen",
                    "workshops_conferences",
                    "Nysa",
                    140,
                ),
            ),
        ),
        ReportPlan(
            town=WALBRZYCH,
            partner="Bodø kommune",
            summary_pl=(
                "Wyremontowano 80 mieszkań socjalnych w kamienicach Śródmieścia i otwarto "
                "centrum usług społecznych. Program wsparcia psychicznego objął 642 młodych "
                "ludzi; zespół z Bodø pomógł wdrożyć model pracy środowiskowej z młodzieżą."
            ),
            summary_nb=(
                "80 kommunale boliger i sentrumsgårdene er pusset opp, og et senter for "
                "sosiale tjenester er åpnet. Programmet for psykisk helse nådde 642 unge; "
                "Bodø kommune bidro med sin modell for oppsøkende ungdomsarbeid og "
                "erfaring med boligsosialt arbeid."
            ),
            achieved=(Decimal(80), Decimal(642)),
            spent=(
                Decimal("3584210.00"),
                Decimal("2465300.00"),
                Decimal("771840.00"),
                Decimal("204950.00"),
                Decimal("142315.60"),
            ),
            meetings=(
                Meeting(
                    date(2022, 3, 22),
                    "Wizyta studyjna: mieszkalnictwo społeczne w Bodø",
                    "study_visits",
                    "Bodø",
                    10,
                ),
                Meeting(
                    date(2022, 9, 27),
                    "Warsztaty pracy z młodzieżą prowadzone przez zespół z Bodø",
                    "workshops_conferences",
                    "Wałbrzych",
                    46,
                ),
                Meeting(
                    date(2023, 4, 18),
                    "Wymiana wiedzy: zdrowie psychiczne młodzieży (online)",
                    "knowledge_exchange",
                    "Wałbrzych / Bodø",
                    31,
                ),
            ),
            lump_sum_notes=(
                "Druga wizyta w Bodø odbyła się online; niewykorzystane 17 684,40 EUR "
                "wraca do Operatora Programu."
            ),
        ),
        ReportPlan(
            town=SKARZYSKO,
            partner="Kongsberg kommune",
            summary_pl=(
                "Pracownie mechatroniki i spawalnictwa działają od września 2022 r.; uczy się "
                "w nich 274 uczniów. Z Kongsberg wymieniliśmy programy praktyk w przemyśle "
                "obronnym i doradztwa zawodowego."
            ),
            summary_nb=(
                "Verkstedene for mekatronikk og sveising har vært i drift siden september "
                "2022, og 274 elever får opplæring der. Med Kongsberg kommune har byen delt "
                "erfaringer med lærlingordninger i industrien og yrkesveiledning på "
                "ungdomstrinnet."
            ),
            achieved=(Decimal(274),),
            spent=(
                Decimal("1336480.00"),
                Decimal("236900.00"),
                Decimal("74210.00"),
                Decimal("149400.07"),
            ),
            meetings=(
                Meeting(
                    date(2022, 6, 7),
                    "Wizyta studyjna: szkoły zawodowe i przemysł w Kongsberg",
                    "study_visits",
                    "Kongsberg",
                    11,
                ),
                Meeting(
                    date(2023, 2, 14),
                    "Wymiana wiedzy: praktyki zawodowe w firmach",
                    "knowledge_exchange",
                    "Skarżysko-Kamienna",
                    35,
                ),
            ),
        ),
        ReportPlan(
            town=LOMZA,
            partner="Ringerike kommune",
            summary_pl=(
                "Frekwencja w budżecie obywatelskim wzrosła z 6 do 13,4 %; działają cztery "
                "domy sąsiedzkie. Z Ringerike przenieśliśmy model rad osiedlowych i "
                "spotkań „folkemøte”."
            ),
            summary_nb=(
                "Deltakelsen i det kommunale innbyggerbudsjettet økte fra 6 til 13,4 %, og "
                "fire nabolagshus er åpnet. Fra Ringerike kommune har Łomża hentet modellen "
                "for nærmiljøutvalg og folkemøter; to studiebesøk ble slått sammen til ett."
            ),
            achieved=(Decimal("13.4"), Decimal(4)),
            spent=(
                Decimal("1142800.00"),
                Decimal("684500.00"),
                Decimal("141200.00"),
                Decimal("58920.00"),
                Decimal("131870.25"),
            ),
            meetings=(
                Meeting(
                    date(2022, 4, 26),
                    "Wizyta studyjna: rady osiedlowe w Hønefoss",
                    "study_visits",
                    "Hønefoss (Ringerike)",
                    9,
                ),
                Meeting(
                    date(2022, 10, 4),
                    "Warsztaty partycypacji dla urzędników",
                    "workshops_conferences",
                    "Łomża",
                    52,
                ),
                Meeting(
                    date(2023, 5, 9),
                    "Wymiana wiedzy: budżet obywatelski i folkemøte",
                    "knowledge_exchange",
                    "Łomża",
                    24,
                ),
            ),
            lump_sum_notes=(
                "Dwie wizyty studyjne połączono w jedną; niewykorzystane 18 129,75 EUR "
                "wraca do Operatora Programu."
            ),
        ),
    )


def reference_final_reports() -> tuple[FinalReportSample, ...]:
    """Every curated final report, named after its town."""
    outlines = {plan.town.teryt: plan for plan in valid_plans()}
    samples = []
    for report in report_plans():
        values = final_report_values(report, outlines[report.town.teryt])
        lump_sum = values["LumpSum"]
        assert isinstance(lump_sum, dict)
        spent = lump_sum["lump_sum_spent_eur"]
        assert isinstance(spent, Decimal)
        samples.append(
            FinalReportSample(
                slug(report.town.name), report.town.teryt, report.partner, spent, values
            )
        )
    return tuple(samples)
