"""Builders of in-memory test data: outline workbooks and the reference programme.

* ``chelm_outline_values()``: the per-sheet values of a valid outline of
  Chełm (TERYT 0662011, lubelskie), as a city types them into the form.
  Every call returns fresh dicts: change them freely in a test.
* ``raw_workbook_from_values(values)``: lays the values out exactly as the
  form does (key/value sheets: key in A, label in B, value in C from row 2,
  header in row 1; tables: keys in row 1, labels in row 2, data from row 3),
  as the spreadsheet adapter would hand them over.
* ``reference_programme()``: the "Local Development" programme (EEA and
  Norway Grants 2014-2021) with the figures below.
* ``add_submitted(uow, ...)``: a city's application to a call with its first
  version, as an upload leaves it (on the fakes or on a real store).

Reference programme figures (chosen to be realistic, documented here so that
tests can state expectations):

=========================  ==============================================
grant                      EUR 1 000 000.00 to 7 000 000.00
lump sum                   target 150 000.00, accepted 140 000.00-160 000.00
eligibility window         2020-01-01 to 2024-04-30 (FM 2014-2021 final date)
call ``stage1-outline``    2019-09-16 to 2019-12-16, rate month 2019-11
call ``stage2-proposal``   2020-06-01 to 2020-11-30, rate month 2020-10
EUR/PLN                    2019-11: 4.2986, 2020-10: 4.5462 (PLN per EUR)
eligible cities            Chełm, Hrubieszów, Konin, Opole
criteria (100 points)      relevance 30, quality 30, partnership 20, sustainability 20
pass mark, funded/reserve  60 points; 15 funded, 10 on the reserve list
=========================  ==============================================

The Chełm outline (call ``stage1-outline``, rate 4.2986) totals
EUR 2 800 000.00: investment 2 100 000.00, soft measures PLN 1 289 580.00
(= EUR 300 000.00), management 200 000.00, partnership lump sum 150 000.00,
other 50 000.00; grant 2 380 000.00 plus co-financing 420 000.00. It is
valid for ``reference_programme()`` only: ``samples/programme.yaml`` converts
stage 1 PLN at 4.2838, which makes the PLN line EUR 301 036.46 there.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from grantflow.domain.outline import Outline
from grantflow.domain.programme import Call, Criterion, EligibleCity, LetterTerms, Programme
from grantflow.services.ports.applications import Application, NewSubmission
from grantflow.services.ports.unit_of_work import UnitOfWork
from grantflow.validation import form as forms
from grantflow.validation.form import FormDefinition
from grantflow.validation.outline import column_letter
from grantflow.validation.report import FileReport
from grantflow.validation.workbook import Cell, CellValue, RawSheet, RawWorkbook

SheetValues = dict[str, CellValue] | list[dict[str, CellValue]]
OutlineValues = dict[str, SheetValues]

STAGE1 = "stage1-outline"
STAGE2 = "stage2-proposal"
STAGE1_RATE = Decimal("4.2986")
# What the reference programme's decision letters carry besides the decision.
LETTER_TERMS = LetterTerms(
    case_reference="DPP-II.7221.1.{number}.2019",
    place="Warszawa",
    legal_basis="art. 7.5 Regulacji w sprawie wdrażania Mechanizmu Finansowego EOG 2014-2021",
    review_days=14,
    review_body="Minister Funduszy i Polityki Regionalnej",
    review_how="na piśmie, na adres ul. Wspólna 2/4, 00-926 Warszawa",
    signatory_name="Katarzyna Wiśniewska",
    signatory_position="Zastępca Dyrektora Departamentu Programów Pomocowych",
)
CHELM_TERYT = "0662011"
CHELM_NIP = "5632004012"  # nine digits 563200401 and their check digit 2


def chelm_outline_values() -> OutlineValues:
    """A valid outline of Chełm for ``reference_programme()``, call ``stage1-outline``."""
    return {
        "Applicant": {
            "city_name": "Chełm",
            "teryt": CHELM_TERYT,
            "voivodeship": "lubelskie",
            "population": 60354,
            "nip": CHELM_NIP,
            "contact_name": "Małgorzata Wójcik",
            "contact_email": "rozwoj@chelm.pl",
            "contact_phone": "+48 82 562 10 00",
            "representative_name": "Jakub Banaszek",
            "representative_position": "Prezydent Miasta Chełm",
        },
        "Project": {
            "title_pl": "Zielony Chełm: odnowa przestrzeni publicznych i współpraca z Kristiansand",
            "title_en": "Green Chełm: renewing public spaces together with Kristiansand",
            "summary_pl": (
                "Projekt odnawia park ludowy i bulwary nad Uherką, ogranicza niską emisję "
                "i buduje kompetencje urzędu w planowaniu przestrzennym."
            ),
            "summary_en": (
                "The project renews the People's Park and the Uherka boulevards, cuts "
                "low-stack emissions and builds the city hall's spatial-planning skills."
            ),
            "primary_theme": "environment_energy",
            "secondary_themes": "sustainable_development, social_education",
            "start_date": date(2021, 5, 1),
            "end_date": date(2023, 12, 31),
            "total_budget_eur": Decimal("2800000.00"),
            "requested_grant_eur": Decimal("2380000.00"),
            "co_financing_eur": Decimal("420000.00"),
        },
        "Budget": [
            _budget_line(1, "investment", "Rewitalizacja Parku Ludowego", 2022, "2100000.00"),
            _budget_line(
                2,
                "soft",
                "Warsztaty dla mieszkańców i szkolenia urzędników",
                2022,
                "1289580.00",
                "PLN",
            ),
            _budget_line(3, "management", "Zarządzanie projektem", 2021, "200000.00"),
            _budget_line(
                4,
                "partnership_lump_sum",
                "Ryczałt na partnerstwo z gminą norweską",
                2022,
                "150000.00",
            ),
            _budget_line(5, "other", "Promocja projektu i publikacje", 2023, "50000.00"),
        ],
        "Partnership": {
            "wants_partner": "yes",
            "preferred_country": "NO",
            "partner_themes": "environment_energy, resilience_preparedness",
            "involvement_forms": "knowledge_exchange, study_visits",
            "expectations_pl": "Wymiana doświadczeń: zieleń miejska i gotowość kryzysowa.",
            "expectations_en": "Exchange of experience: urban green space and crisis preparedness.",
            "preferred_partner": "Kristiansand kommune",
        },
        "Indicators": [
            {
                "indicator": "Powierzchnia odnowionych terenów zielonych",
                "unit": "ha",
                "baseline": 0,
                "target": Decimal("12.5"),
                "year": 2023,
            },
            {
                "indicator": "Uczestnicy warsztatów (mieszkańcy)",
                "unit": "osoby",
                "baseline": 0,
                "target": 800,
                "year": 2023,
            },
        ],
    }


def chelm_proposal_values() -> OutlineValues:
    """A valid Stage 2 proposal of Chełm for ``reference_programme()``, call ``stage2-proposal``.

    Its outline sheets are Chełm's outline with the soft measures budgeted in
    euro (EUR 300 000.00: a PLN line would convert at the Stage 2 rate), the
    partnership's priorities and lump-sum line (4), and each indicator's
    objective. Two objectives; five actions, the partnership paid from the
    lump sum (line 4) and the promotion line (5).
    """
    values = chelm_outline_values()
    budget = values["Budget"]
    assert isinstance(budget, list)
    budget[1].update(amount=Decimal("300000.00"), currency="EUR")
    partnership = values["Partnership"]
    assert isinstance(partnership, dict)
    partnership.update(
        priorities_pl="Zieleń miejska, retencja wody i plany gotowości kryzysowej.",
        priorities_en="Urban green space, water retention and crisis-preparedness plans.",
        lump_sum_line=4,
    )
    indicators = values["Indicators"]
    assert isinstance(indicators, list)
    for indicator, objective in zip(indicators, (1, 2), strict=True):
        indicator["objective_no"] = objective
    values["DevelopmentPlan"] = [
        {
            "objective_no": 1,
            "problem": "Zdegradowany Park Ludowy i zaniedbane bulwary nad Uherką.",
            "objective": "Odnowione tereny zielone, otwarte dla wszystkich mieszkańców.",
            "measures": "Rewitalizacja parku, nowe nasadzenia i ścieżki wzdłuż Uherki.",
        },
        {
            "objective_no": 2,
            "problem": "Niska emisja i słabe kompetencje urzędu w planowaniu przestrzennym.",
            "objective": "Urząd planuje przestrzeń razem z mieszkańcami.",
            "measures": "Warsztaty, szkolenia i wizyty studyjne w Kristiansand.",
        },
    ]
    values["ImplementationPlan"] = [
        _action(
            1,
            "Rewitalizacja Parku Ludowego",
            1,
            "2021-09-01",
            "2023-06-30",
            "Wydział Inwestycji Miejskich",
            1,
            "2100000.00",
        ),
        _action(
            2,
            "Warsztaty dla mieszkańców i szkolenia urzędników",
            2,
            "2022-01-10",
            "2023-10-31",
            "Wydział Rozwoju Miasta",
            2,
            "300000.00",
        ),
        _action(
            3,
            "Zarządzanie projektem",
            1,
            "2021-05-01",
            "2023-12-31",
            "Biuro Projektów Międzynarodowych",
            3,
            "200000.00",
        ),
        _action(
            4,
            "Współpraca z Kristiansand kommune: wizyty studyjne i warsztaty",
            2,
            "2022-03-01",
            "2023-11-30",
            "Biuro Projektów Międzynarodowych",
            4,
            "150000.00",
        ),
        _action(
            4,
            "Współpraca z Kristiansand kommune: wizyty studyjne i warsztaty",
            2,
            "2022-03-01",
            "2023-11-30",
            "Biuro Projektów Międzynarodowych",
            5,
            "20000.00",
        ),
        _action(
            5,
            "Promocja projektu i publikacje",
            2,
            "2021-06-01",
            "2023-12-31",
            "Biuro Prasowe",
            5,
            "30000.00",
        ),
    ]
    return values


def _action(
    action_no: int,
    action: str,
    objective_no: int,
    start: str,
    end: str,
    unit: str,
    budget_line: int,
    cost: str,
) -> dict[str, CellValue]:
    return {
        "action_no": action_no,
        "action": action,
        "objective_no": objective_no,
        "start_date": date.fromisoformat(start),
        "end_date": date.fromisoformat(end),
        "responsible_unit": unit,
        "budget_line": budget_line,
        "cost_eur": Decimal(cost),
    }


def _budget_line(
    line_no: int, category: str, description: str, year: int, amount: str, currency: str = "EUR"
) -> dict[str, CellValue]:
    return {
        "line_no": line_no,
        "category": category,
        "description": description,
        "year": year,
        "amount": Decimal(amount),
        "currency": currency,
    }


def _row(number: int, values: Sequence[CellValue]) -> tuple[int, tuple[Cell, ...]]:
    """A row as the adapter gives it: cells from column A, trailing empties dropped."""
    last = max((i for i, v in enumerate(values) if v is not None), default=-1)
    return number, tuple(
        Cell(f"{column_letter(i)}{number}", v) for i, v in enumerate(values[: last + 1])
    )


def _keyvalue_sheet(
    name: str, values: Mapping[str, CellValue], form: FormDefinition, lang: str
) -> RawSheet:
    labels = _labels(form, name, lang)
    rows = [_row(1, ["key", "label", "value"])]
    rows += [
        _row(number, [key, labels.get(key, ""), value])
        for number, (key, value) in enumerate(values.items(), start=2)
    ]
    return RawSheet(name=name, rows=tuple(rows))


def _table_sheet(
    name: str, rows: Sequence[Mapping[str, CellValue]], form: FormDefinition, lang: str
) -> RawSheet:
    labels = _labels(form, name, lang)
    # Columns in the order the rows first name them (a test can reorder
    # them); an empty table gets the form's columns.
    columns = list(dict.fromkeys(key for row in rows for key in row)) or list(labels)
    laid_out = [_row(1, columns), _row(2, [labels.get(key, "") for key in columns])]
    laid_out += [
        _row(number, [row.get(key) for key in columns]) for number, row in enumerate(rows, start=3)
    ]
    return RawSheet(name=name, rows=tuple(r for r in laid_out if r[1]))


def _labels(form: FormDefinition, sheet: str, lang: str) -> dict[str, str]:
    try:
        return {f.key: f.label[lang] for f in form.sheet(sheet).fields}
    except KeyError:  # a sheet the form does not know: tests of unknown sheets
        return {}


def raw_workbook_from_values(
    values: Mapping[str, SheetValues],
    file: str = "chelm.xlsx",
    lang: str = "pl",
    form: FormDefinition | None = None,
) -> RawWorkbook:
    """A ``RawWorkbook`` with the values laid out as the blank form lays them out.

    A dict makes a key/value sheet (in the dict's order), a list of dicts a
    table; leave a sheet out of ``values`` to make it missing.
    """
    form = form or forms.load("outline")
    sheets = {
        name: _keyvalue_sheet(name, sheet, form, lang)
        if isinstance(sheet, dict)
        else _table_sheet(name, sheet, form, lang)
        for name, sheet in values.items()
    }
    return RawWorkbook(file=file, sha256="0" * 64, sheets=sheets)


def chelm_workbook() -> RawWorkbook:
    return raw_workbook_from_values(chelm_outline_values())


def _labels3(pl: str, nb: str, en: str) -> dict[str, str]:
    return {"pl": pl, "nb": nb, "en": en}


def reference_programme(**changes: object) -> Programme:
    """The reference programme; keyword arguments replace fields (``dataclasses.replace``)."""
    programme = Programme(
        code="pl-local-development-2014-2021",
        name=_labels3("Rozwój lokalny", "Lokal utvikling", "Local Development"),
        operator="Ministerstwo Funduszy i Polityki Regionalnej",
        currency="EUR",
        calls=(
            Call(STAGE1, 1, date(2019, 9, 16), date(2019, 12, 16), "2019-11", LETTER_TERMS),
            Call(
                STAGE2,
                2,
                date(2020, 6, 1),
                date(2020, 11, 30),
                "2020-10",
                LETTER_TERMS,
                form="proposal",
            ),
        ),
        exchange_rates={"2019-11": STAGE1_RATE, "2020-10": Decimal("4.5462")},
        grant_minimum=Decimal("1000000.00"),
        grant_maximum=Decimal("7000000.00"),
        lump_sum_target=Decimal("150000.00"),
        lump_sum_minimum=Decimal("140000.00"),
        lump_sum_maximum=Decimal("160000.00"),
        first_eligibility_date=date(2020, 1, 1),
        final_eligibility_date=date(2024, 4, 30),
        eligible_cities=(
            EligibleCity(CHELM_TERYT, "Chełm"),
            EligibleCity("0604011", "Hrubieszów"),
            EligibleCity("3062011", "Konin"),
            EligibleCity("1661011", "Opole"),
        ),
        criteria=(
            Criterion("relevance", _labels3("Trafność", "Relevans", "Relevance"), 30),
            Criterion("quality", _labels3("Jakość", "Kvalitet", "Quality"), 30),
            Criterion("partnership", _labels3("Partnerstwo", "Partnerskap", "Partnership"), 20),
            Criterion("sustainability", _labels3("Trwałość", "Bærekraft", "Sustainability"), 20),
        ),
        pass_mark=60,
        divergence_threshold=Decimal("0.30"),
        funded_count=15,
        reserve_count=10,
        allocation_eur=Decimal("100000000.00"),
        partner_search_deadline=date(2022, 6, 30),
    )
    return dataclasses.replace(programme, **changes)  # type: ignore[arg-type]


def deduction_comments(programme: Programme) -> dict[str, str]:
    """An expert's comment on every criterion of ``programme``: a submitted scorecard
    explains each criterion scored below its maximum, and a full score may carry one."""
    return {
        c.code: f"Kryterium „{c.label.get('pl', c.code)}”: uzasadnienie w karcie oceny."
        for c in programme.criteria
    }


def add_submitted(
    uow: UnitOfWork,
    call_code: str,
    city_name: str,
    teryt: str,
    outline: Outline | None,
    *,
    by: str,
    at: datetime,
) -> Application:
    """The city's application to ``call_code``, made by its version 1 submitted ``by`` whom
    ``at`` when: the file ``{teryt}.xlsx`` (``outline`` None: it was invalid). Added in the
    caller's open unit of work (on the fakes or a real store): the caller commits."""
    application = uow.applications.add(
        call_code=call_code,
        stage={STAGE1: 1, STAGE2: 2}[call_code],
        teryt=teryt,
        city_name=city_name,
        created_at=at,
    )
    file_name = f"{teryt}.xlsx"
    uow.submissions.add(
        NewSubmission(
            application_id=application.id,
            version_no=1,
            file_name=file_name,
            # A digest of its own per call and city, as real uploads have.
            sha256=hashlib.sha256(f"{call_code}/{file_name}".encode()).hexdigest(),
            stored_path=f"uploads/{file_name}",
            size=1,
            report=FileReport(file=file_name),
            outline=outline,
            submitted_by=by,
            submitted_at=at,
        )
    )
    return application
