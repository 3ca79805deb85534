"""The domain data of the sample outlines: real Polish towns and their projects.

Pure data and functions (standard library and ``grantflow.domain`` only). An
outline is described as an ``OutlinePlan`` (the town, the project, budget
lines as a city types them, in EUR or PLN); ``outline_values`` turns a plan
into the per-sheet values of the outline form for one call, computing the
totals from the lines at the call's EUR/PLN rate so that they add up to the
cent. ``reference_samples`` gives the curated samples shipped in
``samples/outlines/`` (valid ones, and invalid ones with the issue codes the
validator must report); ``grantflow.sample_generator`` makes many more.

The NIPs are synthetic (derived from the TERYT code, with a valid check
digit): real tax numbers of city halls do not belong in test data.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from grantflow.domain.identifiers import nip_checksum, voivodeship_of
from grantflow.domain.money import cents, to_eur
from grantflow.domain.names import slug
from grantflow.domain.outline import LUMP_SUM_CATEGORY
from grantflow.domain.programme import Programme

CellValue = str | int | Decimal | date
Record = dict[str, CellValue]
OutlineValues = dict[str, Record | list[Record]]


def synthetic_nip(teryt: str, variant: int = 0) -> str:
    """A valid, deterministic NIP for a town: ``5`` + the TERYT's first six
    digits + a two-digit counter, then the check digit (nine digits whose
    check digit would be 10 have no valid NIP: the counter moves on)."""
    counter = variant
    while True:
        stem = f"5{teryt[:6]}{counter % 100:02d}"
        check = nip_checksum(stem)
        if check != 10:
            return f"{stem}{check}"
        counter += 1


@dataclass(frozen=True)
class Town:
    name: str
    teryt: str
    population: int
    domain: str  # the city hall's e-mail domain
    phone: str
    contact_name: str

    @property
    def voivodeship(self) -> str:
        name = voivodeship_of(self.teryt)
        if name is None:
            raise ValueError(f"{self.teryt} ({self.name}) has no voivodeship prefix")
        return name

    @property
    def nip(self) -> str:
        return synthetic_nip(self.teryt)


@dataclass(frozen=True)
class Line:
    """A budget line as the city types it (amount in ``currency``)."""

    category: str
    description: str
    year: int
    amount: Decimal
    currency: str = "EUR"


@dataclass(frozen=True)
class Target:
    indicator: str
    unit: str
    baseline: Decimal
    target: Decimal
    year: int


@dataclass(frozen=True)
class PartnerWish:
    country: str  # "NO", "IS" or "any"
    themes: tuple[str, ...]
    forms: tuple[str, ...]
    expectations_pl: str
    expectations_en: str
    preferred_partner: str = ""


@dataclass(frozen=True)
class OutlinePlan:
    town: Town
    primary_theme: str
    secondary_themes: tuple[str, ...]
    title_pl: str
    title_en: str
    summary_pl: str
    summary_en: str
    start: date
    end: date
    lines: tuple[Line, ...]
    co_financing_share: Decimal  # part of the total the city pays itself
    partner: PartnerWish | None  # None: the city does not want a partner
    targets: tuple[Target, ...]

    def total_eur(self, rate: Decimal) -> Decimal:
        """The budget lines in EUR, each converted and rounded as the validator does."""
        return sum((to_eur(line.amount, line.currency, rate) for line in self.lines), Decimal(0))


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
            "contact_email": f"rozwoj@{town.domain}",
            "contact_phone": town.phone,
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


def _lump(year: int, amount: str, currency: str = "EUR") -> Line:
    return Line(
        LUMP_SUM_CATEGORY,
        "Ryczałt na partnerstwo z gminą z Norwegii lub Islandii",
        year,
        Decimal(amount),
        currency,
    )


_WINDOW_START = date(2021, 4, 1)
_WINDOW_END = date(2024, 3, 31)
_SHARE = Decimal("0.15")

# --- the towns -------------------------------------------------------------------

CHELM = Town("Chełm", "0662011", 60354, "chelm.pl", "+48 82 562 10 00", "Małgorzata Wójcik")
HRUBIESZOW = Town(
    "Hrubieszów", "0604011", 17680, "miasto.hrubieszow.pl", "+48 84 696 26 81", "Paweł Dąbrowski"
)
KONIN = Town("Konin", "3062011", 72396, "konin.pl", "+48 63 240 11 11", "Paweł Figurski")
ZAMOSC = Town("Zamość", "0664011", 62021, "zamosc.pl", "+48 84 639 20 01", "Agnieszka Sołtys")
BRZEG = Town("Brzeg", "1601011", 35037, "brzeg.pl", "+48 77 416 06 56", "Łukasz Śliwiński")
NYSA = Town("Nysa", "1607054", 43411, "www.nysa.pl", "+48 77 408 49 00", "Joanna Kołodziej")
KEDZIERZYN_KOZLE = Town(
    "Kędzierzyn-Koźle", "1603011", 60513, "kedzierzynkozle.pl", "+48 77 405 03 00", "Tomasz Żak"
)
BIALA_PODLASKA = Town(
    "Biała Podlaska", "0661011", 56498, "bialapodlaska.pl", "+48 83 341 61 00", "Ewa Jóźwiak"
)
OSTROWIEC = Town(
    "Ostrowiec Świętokrzyski", "2607011", 68383, "um.ostrowiec.pl", "+48 41 267 60 00",
    "Grzegorz Łęcki",
)
HAJNOWKA = Town("Hajnówka", "2005011", 20264, "hajnowka.pl", "+48 85 682 20 91", "Anna Kuźmiuk")
WALBRZYCH = Town(
    "Wałbrzych", "0265011", 110603, "um.walbrzych.pl", "+48 74 665 50 00", "Michał Stępień"
)
LOMZA = Town("Łomża", "2062011", 62711, "um.lomza.pl", "+48 86 215 68 00", "Katarzyna Ćwik")
KRASNYSTAW = Town(
    "Krasnystaw", "0606011", 18546, "krasnystaw.pl", "+48 82 576 21 91", "Dorota Świątek"
)
SKARZYSKO = Town(
    "Skarżysko-Kamienna", "2610011", 45143, "um.skarzysko.pl", "+48 41 252 01 01",
    "Jarosław Mąka",
)
# Not on the eligible list of the reference programme (the city-not-eligible sample).
SANDOMIERZ = Town("Sandomierz", "2609011", 23231, "um.sandomierz.pl", "+48 15 815 41 00",
                  "Halina Woźniak")

# --- the valid outlines -----------------------------------------------------------

_STUDY = "study_visits"
_KNOWLEDGE = "knowledge_exchange"
_WORKSHOPS = "workshops_conferences"


def valid_plans() -> tuple[OutlinePlan, ...]:
    """The curated valid outlines: real towns on the reference eligible list."""
    return (
        OutlinePlan(
            town=CHELM,
            primary_theme="environment_energy",
            secondary_themes=("sustainable_development", "social_education"),
            title_pl="Czyste powietrze w Chełmie: termomodernizacja i zielona infrastruktura",
            title_en="Clean air in Chełm: energy retrofits and green infrastructure",
            summary_pl=(
                "Chełm walczy z niską emisją z ogrzewania domów jednorodzinnych. Projekt "
                "obejmuje termomodernizację szkół, wymianę źródeł ciepła, sieć czujników "
                "jakości powietrza i odnowę zieleni wzdłuż rzeki Uherki."
            ),
            summary_en=(
                "Chełm suffers from low-stack emissions from household heating. The project "
                "retrofits schools, replaces heat sources, installs an air-quality sensor "
                "network and renews the green corridor along the Uherka river."
            ),
            start=_WINDOW_START,
            end=date(2023, 12, 31),
            lines=(
                Line("investment", "Termomodernizacja czterech szkół podstawowych", 2022,
                     Decimal("2100000.00")),
                Line("investment", "Wymiana pieców węglowych w budynkach komunalnych", 2022,
                     Decimal("3450000.00"), "PLN"),
                Line("soft", "Kampania „Czyste powietrze” i warsztaty dla mieszkańców", 2022,
                     Decimal("385000.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("180000.00")),
                _lump(2022, "150000.00"),
                Line("other", "Sieć czujników jakości powietrza", 2021, Decimal("95000.00")),
            ),
            co_financing_share=_SHARE,
            partner=PartnerWish(
                "NO",
                ("environment_energy", "resilience_preparedness"),
                (_KNOWLEDGE, _STUDY),
                "Wymiana doświadczeń: miejskie sieci ciepłownicze i monitoring powietrza.",
                "Exchange of experience: district heating and air-quality monitoring.",
                "Kristiansand kommune",
            ),
            targets=(
                Target("Budynki po termomodernizacji", "szt.", Decimal(0), Decimal(4), 2023),
                Target("Spadek stężenia PM10 (średnia roczna)", "µg/m³", Decimal("38.5"),
                       Decimal("30.0"), 2023),
            ),
        ),
        OutlinePlan(
            town=HRUBIESZOW,
            primary_theme="entrepreneurship",
            secondary_themes=("social_education",),
            title_pl="Hrubieszów dla młodych: inkubator przedsiębiorczości i mieszkania na start",
            title_en="Hrubieszów for the young: a business incubator and starter flats",
            summary_pl=(
                "Miasto traci co roku około 1% mieszkańców, głównie młodych. Powstanie "
                "inkubator przedsiębiorczości w dawnym młynie, program mikrograntów dla "
                "absolwentów i 24 mieszkania na wynajem dla młodych rodzin."
            ),
            summary_en=(
                "The town loses about 1% of its population every year, mostly young people. "
                "A business incubator in the old mill, micro-grants for graduates and 24 "
                "rental flats for young families will be created."
            ),
            start=date(2021, 6, 1),
            end=date(2024, 3, 31),
            lines=(
                Line("investment", "Adaptacja młyna na inkubator przedsiębiorczości", 2022,
                     Decimal("1250000.00")),
                Line("investment", "Budowa 24 mieszkań na wynajem", 2023,
                     Decimal("4200000.00"), "PLN"),
                Line("soft", "Mikrogranty i doradztwo dla młodych przedsiębiorców", 2022,
                     Decimal("640000.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("110000.00")),
                _lump(2022, "645000.00", "PLN"),
            ),
            co_financing_share=Decimal("0.10"),
            partner=PartnerWish(
                "any",
                ("entrepreneurship", "social_education"),
                ("advisory", _STUDY),
                "Doradztwo w zatrzymywaniu młodych w mieście; wizyty studyjne w inkubatorach.",
                "Advice on keeping young people in town; study visits to incubators.",
            ),
            targets=(
                Target("Nowe firmy w inkubatorze", "szt.", Decimal(0), Decimal(18), 2024),
                Target("Mieszkania oddane młodym rodzinom", "szt.", Decimal(0), Decimal(24), 2024),
            ),
        ),
        OutlinePlan(
            town=KONIN,
            primary_theme="resilience_preparedness",
            secondary_themes=("governance_civil_society", "smart_city"),
            title_pl="Bezpieczny Konin: współpraca służb i mieszkańców w sytuacjach kryzysowych",
            title_en="Safe Konin: cooperation of services and residents in crises",
            summary_pl=(
                "Konin łączy zarządzanie kryzysowe miasta, powiatu i instytucji w jednym "
                "centrum, uruchamia system powiadamiania mieszkańców i szkoli wolontariuszy "
                "z osiedli. Wzorem jest norweska koncepcja całościowej gotowości."
            ),
            summary_en=(
                "Konin brings the crisis management of the city, the county and its "
                "institutions into one centre, launches a resident alert system and trains "
                "neighbourhood volunteers, after the Norwegian idea of total preparedness."
            ),
            start=_WINDOW_START,
            end=date(2024, 2, 29),
            lines=(
                Line("investment", "Miejskie centrum zarządzania kryzysowego", 2022,
                     Decimal("1850000.00")),
                Line("investment", "System powiadamiania mieszkańców (SMS, syreny)", 2022,
                     Decimal("1720000.00"), "PLN"),
                Line("soft", "Szkolenia wolontariuszy osiedlowych", 2023,
                     Decimal("296500.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("125000.00")),
                _lump(2022, "155000.00"),
            ),
            co_financing_share=_SHARE,
            partner=PartnerWish(
                "NO",
                ("resilience_preparedness", "governance_civil_society"),
                (_KNOWLEDGE, _WORKSHOPS, _STUDY),
                "Chcemy poznać norweskie planowanie gotowości kryzysowej na poziomie gminy.",
                "We want to learn Norwegian municipal crisis-preparedness planning.",
                "Ringerike kommune",
            ),
            targets=(
                Target("Mieszkańcy w systemie powiadamiania", "osoby", Decimal(4200),
                       Decimal(30000), 2024),
                Target("Przeszkoleni wolontariusze", "osoby", Decimal(0), Decimal(240), 2023),
            ),
        ),
        OutlinePlan(
            town=ZAMOSC,
            primary_theme="culture_tourism",
            secondary_themes=("sustainable_development",),
            title_pl="Zamość – miasto idealne dla mieszkańców: nowe życie Starego Miasta",
            title_en="Zamość – the ideal town for its residents: new life for Old Town spaces",
            summary_pl=(
                "Renesansowe Stare Miasto (UNESCO) przyciąga turystów, ale mieszkańcy z niego "
                "odchodzą. Projekt odnawia podwórza i bastiony jako miejsca spotkań, tworzy "
                "program kulturalny z organizacjami pozarządowymi i szlak dla rowerzystów."
            ),
            summary_en=(
                "The Renaissance Old Town (UNESCO) draws tourists, but residents are leaving "
                "it. The project turns courtyards and bastions into meeting places, runs a "
                "culture programme with NGOs and opens a cycling trail."
            ),
            start=_WINDOW_START,
            end=date(2023, 10, 31),
            lines=(
                Line("investment", "Rewitalizacja podwórzy i bastionu VII", 2022,
                     Decimal("2400000.00")),
                Line("soft", "Program kulturalny z organizacjami pozarządowymi", 2022,
                     Decimal("512000.00"), "PLN"),
                Line("investment", "Szlak rowerowy wokół twierdzy", 2023,
                     Decimal("980000.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("140000.00")),
                _lump(2022, "150000.00"),
                Line("other", "Promocja i dokumentacja", 2023, Decimal("84700.00"), "PLN"),
            ),
            co_financing_share=_SHARE,
            partner=PartnerWish(
                "any",
                ("culture_tourism", "sustainable_development"),
                (_KNOWLEDGE, _WORKSHOPS),
                "Partner z doświadczeniem w ożywianiu historycznych centrów miast.",
                "A partner experienced in reviving historic town centres.",
            ),
            targets=(
                Target("Odnowione podwórza", "szt.", Decimal(0), Decimal(6), 2023),
                Target("Długość szlaku rowerowego", "km", Decimal(0), Decimal("7.4"), 2023),
            ),
        ),
        OutlinePlan(
            town=BRZEG,
            primary_theme="sustainable_development",
            secondary_themes=("environment_energy",),
            title_pl="Brzeg na rowerze: sieć dróg rowerowych i bulwary nad Odrą",
            title_en="Brzeg by bike: a cycle network and the Oder boulevards",
            summary_pl=(
                "Spójna sieć dróg rowerowych łącząca osiedla, dworzec i szkoły, parkingi "
                "rowerowe i odnowione bulwary nad Odrą ograniczą ruch samochodowy w centrum."
            ),
            summary_en=(
                "A connected cycle network linking the estates, the station and schools, "
                "bike parking and renewed Oder boulevards will cut car traffic downtown."
            ),
            start=date(2021, 5, 1),
            end=date(2023, 11, 30),
            lines=(
                Line("investment", "Drogi rowerowe (12 km)", 2022, Decimal("1650000.00")),
                Line("investment", "Bulwary nad Odrą", 2023, Decimal("2250000.00"), "PLN"),
                Line("soft", "Kampania „Rowerem do szkoły”", 2022, Decimal("120000.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("90000.00")),
                _lump(2022, "148500.00"),
            ),
            co_financing_share=Decimal("0.20"),
            partner=PartnerWish(
                "NO",
                ("sustainable_development",),
                (_STUDY, "advisory"),
                "Doradztwo przy planowaniu ruchu rowerowego; wizyta w mieście z tradycją rowerową.",
                "Advice on cycle-traffic planning; a visit to a town with a cycling tradition.",
            ),
            targets=(
                Target("Długość dróg rowerowych", "km", Decimal("4.2"), Decimal("16.2"), 2023),
                Target("Udział podróży rowerem", "%", Decimal("4"), Decimal("9"), 2023),
            ),
        ),
        OutlinePlan(
            town=NYSA,
            primary_theme="environment_energy",
            secondary_themes=("smart_city",),
            title_pl="Nysa oddycha: ciepło z sieci zamiast kopciuchów",
            title_en="Nysa breathes: district heat instead of smoky stoves",
            summary_pl=(
                "Przyłączenie 60 kamienic w śródmieściu do sieci ciepłowniczej, "
                "fotowoltaika na budynkach publicznych i inteligentne zarządzanie energią."
            ),
            summary_en=(
                "Connecting 60 downtown tenement houses to district heating, solar panels "
                "on public buildings and smart energy management."
            ),
            start=_WINDOW_START,
            end=date(2024, 3, 31),
            lines=(
                Line("investment", "Przyłącza ciepłownicze do 60 kamienic", 2022,
                     Decimal("8900000.00"), "PLN"),
                Line("investment", "Fotowoltaika na budynkach publicznych", 2023,
                     Decimal("760000.00")),
                Line("soft", "Doradztwo energetyczne dla mieszkańców", 2022,
                     Decimal("215000.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("120000.00")),
                _lump(2022, "150000.00"),
            ),
            co_financing_share=_SHARE,
            partner=PartnerWish(
                "NO",
                ("environment_energy", "smart_city"),
                ("co_development", _KNOWLEDGE),
                "Wspólne opracowanie narzędzia do zarządzania energią w budynkach miejskich.",
                "Co-developing an energy-management tool for municipal buildings.",
            ),
            targets=(
                Target("Kamienice przyłączone do sieci", "szt.", Decimal(0), Decimal(60), 2024),
                Target("Moc zainstalowanej fotowoltaiki", "kWp", Decimal(40), Decimal(640), 2024),
            ),
        ),
        OutlinePlan(
            town=KEDZIERZYN_KOZLE,
            primary_theme="smart_city",
            secondary_themes=("sustainable_development", "governance_civil_society"),
            title_pl="Kędzierzyn-Koźle łączy: cyfrowe usługi i inteligentny transport",
            title_en="Kędzierzyn-Koźle connects: digital services and smart transport",
            summary_pl=(
                "Miasto złożone z kilku dzielnic potrzebuje sprawnego transportu. Projekt "
                "wdraża dynamiczną informację pasażerską, aplikację e-urzędu i otwarte dane."
            ),
            summary_en=(
                "A town made of several districts needs efficient transport. The project "
                "deploys real-time passenger information, an e-office app and open data."
            ),
            start=date(2021, 7, 1),
            end=date(2024, 1, 31),
            lines=(
                Line("investment", "Dynamiczna informacja pasażerska (48 przystanków)", 2022,
                     Decimal("980000.00")),
                Line("investment", "Platforma e-usług i otwartych danych", 2022,
                     Decimal("2870000.00"), "PLN"),
                Line("soft", "Szkolenia cyfrowe dla seniorów", 2023, Decimal("158000.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("85000.00")),
                _lump(2022, "152000.00"),
            ),
            co_financing_share=_SHARE,
            partner=PartnerWish(
                "NO",
                ("smart_city",),
                ("co_development", _WORKSHOPS),
                "Partner z doświadczeniem w cyfryzacji transportu publicznego.",
                "A partner experienced in digitalising public transport.",
                "Stavanger kommune",
            ),
            targets=(
                Target("Przystanki z informacją dynamiczną", "szt.", Decimal(0), Decimal(48), 2023),
                Target("Usługi urzędu dostępne online", "szt.", Decimal(12), Decimal(45), 2024),
            ),
        ),
        OutlinePlan(
            town=BIALA_PODLASKA,
            primary_theme="social_education",
            secondary_themes=("entrepreneurship",),
            title_pl="Biała Podlaska kształci zawodowo: centrum kompetencji logistycznych",
            title_en="Biała Podlaska trains: a logistics skills centre",
            summary_pl=(
                "Przy granicy z Białorusią rozwija się logistyka. Centrum kształcenia "
                "zawodowego z symulatorami i staże w firmach dadzą młodzieży pracę na miejscu."
            ),
            summary_en=(
                "Logistics is growing at the Belarusian border. A vocational training centre "
                "with simulators and company internships will give young people local jobs."
            ),
            start=_WINDOW_START,
            end=date(2023, 12, 31),
            lines=(
                Line("investment", "Centrum kształcenia zawodowego", 2022, Decimal("1900000.00")),
                Line("investment", "Symulatory i wyposażenie pracowni", 2022,
                     Decimal("1345000.00"), "PLN"),
                Line("soft", "Staże w firmach logistycznych", 2023, Decimal("430000.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("105000.00")),
                _lump(2022, "150000.00"),
            ),
            co_financing_share=_SHARE,
            partner=PartnerWish(
                "any",
                ("social_education",),
                (_KNOWLEDGE, _STUDY),
                "Wymiana doświadczeń w kształceniu zawodowym we współpracy z pracodawcami.",
                "Exchange of experience in vocational training with employers.",
            ),
            targets=(
                Target("Absolwenci kursów zawodowych", "osoby", Decimal(0), Decimal(420), 2023),
                Target("Stażyści zatrudnieni po stażu", "osoby", Decimal(0), Decimal(90), 2023),
            ),
        ),
        OutlinePlan(
            town=OSTROWIEC,
            primary_theme="entrepreneurship",
            secondary_themes=("sustainable_development", "environment_energy"),
            title_pl="Ostrowiec po hucie: tereny poprzemysłowe dla nowych firm",
            title_en="Ostrowiec after the steelworks: brownfield land for new businesses",
            summary_pl=(
                "Uzbrojenie 14 ha terenów poprzemysłowych, centrum obsługi inwestora i "
                "program wsparcia dla lokalnych firm ograniczą odpływ mieszkańców."
            ),
            summary_en=(
                "Servicing 14 ha of brownfield land, an investor service centre and a "
                "support programme for local firms will slow the outflow of residents."
            ),
            start=_WINDOW_START,
            end=date(2024, 3, 31),
            lines=(
                Line("investment", "Uzbrojenie terenów poprzemysłowych (14 ha)", 2022,
                     Decimal("3200000.00")),
                Line("investment", "Drogi dojazdowe do strefy", 2023, Decimal("3150000.00"), "PLN"),
                Line("soft", "Centrum obsługi inwestora", 2022, Decimal("265000.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("160000.00")),
                _lump(2022, "150000.00"),
                Line("other", "Analizy środowiskowe", 2021, Decimal("45000.00")),
            ),
            co_financing_share=Decimal("0.18"),
            partner=PartnerWish(
                "NO",
                ("entrepreneurship", "environment_energy"),
                ("advisory",),
                "Doradztwo w przyciąganiu inwestorów na tereny poprzemysłowe.",
                "Advice on attracting investors to brownfield sites.",
            ),
            targets=(
                Target("Uzbrojone tereny inwestycyjne", "ha", Decimal(0), Decimal(14), 2024),
                Target("Nowe miejsca pracy", "etaty", Decimal(0), Decimal(350), 2024),
            ),
        ),
        OutlinePlan(
            town=HAJNOWKA,
            primary_theme="culture_tourism",
            secondary_themes=("environment_energy", "entrepreneurship"),
            title_pl="Hajnówka – brama Puszczy Białowieskiej: turystyka przyjazna przyrodzie",
            title_en="Hajnówka – gateway to the Białowieża Forest: nature-friendly tourism",
            summary_pl=(
                "Centrum informacji o puszczy, trasy rowerowe i program dla lokalnych "
                "przewodników i gospodarstw agroturystycznych zatrzymają turystów dłużej."
            ),
            summary_en=(
                "A forest information centre, cycle routes and a programme for local guides "
                "and farm stays will keep visitors longer."
            ),
            start=date(2021, 5, 1),
            end=date(2023, 9, 30),
            lines=(
                Line("investment", "Centrum informacji o Puszczy Białowieskiej", 2022,
                     Decimal("820000.00")),
                Line("investment", "Trasy rowerowe do puszczy", 2022,
                     Decimal("1540000.00"), "PLN"),
                Line("soft", "Szkolenia przewodników i gospodarzy", 2023,
                     Decimal("182000.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("70000.00")),
                _lump(2022, "150000.00"),
            ),
            co_financing_share=Decimal("0.12"),
            partner=PartnerWish(
                "IS",
                ("culture_tourism", "environment_energy"),
                (_KNOWLEDGE, _STUDY),
                "Islandzkie doświadczenia w zrównoważonej turystyce przyrodniczej.",
                "Icelandic experience in sustainable nature tourism.",
                "Akureyrarbær",
            ),
            targets=(
                Target("Średnia długość pobytu turysty", "noce", Decimal("1.4"), Decimal("2.2"),
                       2023),
                Target("Przeszkoleni przewodnicy", "osoby", Decimal(0), Decimal(45), 2023),
            ),
        ),
        OutlinePlan(
            town=WALBRZYCH,
            primary_theme="social_education",
            secondary_themes=("sustainable_development",),
            title_pl="Wałbrzych dla wszystkich: mieszkania społeczne i pomoc sąsiedzka",
            title_en="Wałbrzych for everyone: social housing and neighbourly help",
            summary_pl=(
                "Remont 80 mieszkań socjalnych w kamienicach Śródmieścia, centrum usług "
                "społecznych i program wsparcia zdrowia psychicznego młodzieży."
            ),
            summary_en=(
                "Renovating 80 social flats in downtown tenements, a social services centre "
                "and a youth mental-health support programme."
            ),
            start=_WINDOW_START,
            end=date(2024, 3, 31),
            lines=(
                Line("investment", "Remont 80 mieszkań socjalnych", 2022, Decimal("3600000.00")),
                Line("investment", "Centrum usług społecznych", 2023, Decimal("2480000.00"), "PLN"),
                Line("soft", "Wsparcie zdrowia psychicznego młodzieży", 2022,
                     Decimal("760000.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("210000.00")),
                _lump(2022, "160000.00"),
            ),
            co_financing_share=_SHARE,
            partner=PartnerWish(
                "NO",
                ("social_education",),
                (_KNOWLEDGE, _WORKSHOPS),
                "Norweskie modele mieszkalnictwa społecznego i pracy z młodzieżą.",
                "Norwegian models of social housing and youth work.",
            ),
            targets=(
                Target("Wyremontowane mieszkania socjalne", "szt.", Decimal(0), Decimal(80), 2024),
                Target("Młodzież objęta wsparciem", "osoby", Decimal(0), Decimal(600), 2024),
            ),
        ),
        OutlinePlan(
            town=LOMZA,
            primary_theme="governance_civil_society",
            secondary_themes=("social_education",),
            title_pl="Łomża współdecyduje: budżet obywatelski i rady osiedli",
            title_en="Łomża decides together: participatory budget and neighbourhood councils",
            summary_pl=(
                "Cyfrowa platforma konsultacji, domy sąsiedzkie w czterech osiedlach i "
                "szkolenia urzędników z partycypacji wzmocnią zaufanie do samorządu."
            ),
            summary_en=(
                "A digital consultation platform, neighbourhood houses in four estates and "
                "participation training for officials will build trust in local government."
            ),
            start=date(2021, 9, 1),
            end=date(2023, 12, 31),
            lines=(
                Line("investment", "Domy sąsiedzkie w czterech osiedlach", 2022,
                     Decimal("1150000.00")),
                Line("soft", "Platforma konsultacji i budżet obywatelski", 2022,
                     Decimal("690000.00"), "PLN"),
                Line("soft", "Szkolenia urzędników z partycypacji", 2023,
                     Decimal("145000.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("60000.00")),
                _lump(2022, "150000.00"),
            ),
            co_financing_share=_SHARE,
            partner=PartnerWish(
                "any",
                ("governance_civil_society",),
                (_KNOWLEDGE, _STUDY, _WORKSHOPS),
                "Jak norweskie i islandzkie gminy angażują mieszkańców w decyzje?",
                "How do Norwegian and Icelandic municipalities involve residents in decisions?",
            ),
            targets=(
                Target("Frekwencja w budżecie obywatelskim", "%", Decimal("6"), Decimal("15"),
                       2023),
                Target("Domy sąsiedzkie", "szt.", Decimal(0), Decimal(4), 2023),
            ),
        ),
        OutlinePlan(
            town=KRASNYSTAW,
            primary_theme="social_education",
            secondary_themes=("smart_city",),
            title_pl="Krasnystaw przyjazny seniorom: teleopieka i dzienny dom pobytu",
            title_en="Senior-friendly Krasnystaw: telecare and a day-care centre",
            summary_pl=(
                "Co czwarty mieszkaniec ma ponad 60 lat. Dzienny dom pobytu, system "
                "teleopieki i dostosowanie przestrzeni publicznej do osób starszych."
            ),
            summary_en=(
                "One resident in four is over 60. A day-care centre, a telecare system and "
                "public spaces adapted to older people."
            ),
            start=_WINDOW_START,
            end=date(2023, 12, 31),
            lines=(
                Line("investment", "Dzienny dom pobytu dla seniorów", 2022, Decimal("880000.00")),
                Line("investment", "System teleopieki (300 opasek)", 2022,
                     Decimal("410000.00"), "PLN"),
                Line("investment", "Dostosowanie przestrzeni publicznej", 2023,
                     Decimal("520000.00"), "PLN"),
                Line("soft", "Kluby seniora i zajęcia ruchowe", 2022, Decimal("420000.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("55000.00")),
            ),
            co_financing_share=Decimal("0.10"),
            partner=None,
            targets=(
                Target("Seniorzy objęci teleopieką", "osoby", Decimal(0), Decimal(300), 2023),
                Target("Miejsca w dziennym domu pobytu", "miejsca", Decimal(0), Decimal(40),
                       2023),
            ),
        ),
        OutlinePlan(
            town=SKARZYSKO,
            primary_theme="social_education",
            secondary_themes=("entrepreneurship",),
            title_pl="Skarżysko-Kamienna uczy zawodu: szkoła branżowa przyszłości",
            title_en="Skarżysko-Kamienna teaches trades: a vocational school of the future",
            summary_pl=(
                "Pracownie mechatroniki i spawalnictwa, współpraca z zakładami zbrojeniowymi "
                "i doradztwo zawodowe dla uczniów szkół podstawowych."
            ),
            summary_en=(
                "Mechatronics and welding workshops, cooperation with the local defence "
                "industry and career guidance for primary-school pupils."
            ),
            start=_WINDOW_START,
            end=date(2024, 3, 31),
            lines=(
                Line("investment", "Pracownie mechatroniki i spawalnictwa", 2022,
                     Decimal("1340000.00")),
                Line("soft", "Doradztwo zawodowe w szkołach", 2022, Decimal("238000.00"), "PLN"),
                Line("management", "Zarządzanie projektem", 2021, Decimal("75000.00")),
                _lump(2022, "640000.00", "PLN"),
            ),
            co_financing_share=_SHARE,
            partner=PartnerWish(
                "NO",
                ("social_education", "entrepreneurship"),
                (_KNOWLEDGE, _STUDY),
                "Norweskie kształcenie zawodowe we współpracy z przemysłem.",
                "Norwegian vocational training in cooperation with industry.",
                "Kongsberg kommune",
            ),
            targets=(
                Target("Uczniowie w nowych pracowniach", "osoby", Decimal(0), Decimal(260), 2024),
            ),
        ),
    )


# --- the invalid outlines ----------------------------------------------------------


def _invalid_samples(plans: dict[str, OutlinePlan], rate: Decimal) -> tuple[Sample, ...]:
    # A wrong check digit (the last digit moved on by one) and a voivodeship
    # that does not belong to the TERYT prefix 06 (lubelskie).
    chelm = outline_values(plans["Chełm"], rate)
    applicant = _record(chelm, "Applicant")
    nip = str(applicant["nip"])
    applicant["nip"] = f"{nip[:9]}{(int(nip[9]) + 1) % 10}"
    applicant["voivodeship"] = "podkarpackie"

    # The stated total is EUR 10 000 lower than the lines (a typo); grant and
    # co-financing add up to the stated total, so only the budget is wrong.
    konin = outline_values(plans["Konin"], rate)
    project = _record(konin, "Project")
    stated = Decimal(str(project["total_budget_eur"])) - Decimal("10000.00")
    co_financing = Decimal(str(project["co_financing_eur"]))
    project.update(total_budget_eur=stated, requested_grant_eur=stated - co_financing)

    # A lump sum of EUR 175 000, above the band; the total follows the lines.
    too_much = Decimal("175000.00")
    nysa_plan = plans["Nysa"]
    nysa = outline_values(
        dataclasses.replace(
            nysa_plan,
            lines=tuple(
                dataclasses.replace(line, amount=too_much)
                if line.category == LUMP_SUM_CATEGORY
                else line
                for line in nysa_plan.lines
            ),
        ),
        rate,
    )

    # Sandomierz is a real town, but not on the programme's eligible list.
    sandomierz = outline_values(
        dataclasses.replace(
            plans["Zamość"],
            town=SANDOMIERZ,
            title_pl="Sandomierz dla mieszkańców: ożywienie Starego Miasta",
            title_en="Sandomierz for its residents: reviving the Old Town",
        ),
        rate,
    )
    return (
        Sample("invalid-nip-chelm", chelm, ("nip-checksum", "teryt-voivodeship-mismatch")),
        Sample("invalid-budget-konin", konin, ("budget-total-mismatch",)),
        Sample("invalid-lump-sum-nysa", nysa, ("lump-sum-out-of-range",)),
        Sample("invalid-city-sandomierz", sandomierz, ("city-not-eligible",)),
    )


def _record(values: OutlineValues, sheet: str) -> Record:
    record = values[sheet]
    if not isinstance(record, dict):
        raise TypeError(f"{sheet} is a table sheet")
    return record


def reference_samples(
    programme: Programme, call_code: str = "stage1-outline"
) -> tuple[Sample, ...]:
    """Every curated sample for ``programme``'s call ``call_code``: valid ones
    first (named after their town), then the invalid ones."""
    rate = programme.rate_for(programme.call(call_code).rate_month)
    plans = {plan.town.name: plan for plan in valid_plans()}
    valid = tuple(
        Sample(slug(name), outline_values(plan, rate), ()) for name, plan in plans.items()
    )
    return valid + _invalid_samples(plans, rate)
