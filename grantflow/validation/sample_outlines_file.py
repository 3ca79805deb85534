"""Load the sample outlines (``samples/outlines.yaml``) into ``OutlinePlan`` values.

An outline is described as the city types it: the town, the project, budget
lines in EUR or PLN, the partner it wants, its indicators. ``grantflow.samples``
turns a plan into the outline form's values for a call. The file also holds
the outlines broken on purpose (each a valid one changed, with the issue
codes the validator must report) and the vocabulary of the benchmark
generator. Checked against ``schemas/sample_outlines.schema.yaml``; a broken
file raises ``ConfigurationError`` naming the key, e.g.
``outlines.yaml: outlines[2].lines[0].category: unknown code 'investments' (Konin)``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from grantflow import resources
from grantflow.domain.identifiers import (
    nip_checksum,
    teryt_is_well_formed,
    voivodeship_of,
)
from grantflow.domain.money import to_eur
from grantflow.domain.outline import LUMP_SUM_CATEGORY, Indicator
from grantflow.validation import form, yaml_file
from grantflow.validation.codes import CODES
from grantflow.validation.yaml_file import Problem

SCHEMA_FILE = "sample_outlines.schema.yaml"


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
    email_domain: str  # the city hall's
    phone: str
    contact_name: str
    # Who signs the partnership agreement (form v2); the generator's towns leave it empty.
    representative_name: str = ""
    representative_position: str = ""

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
    targets: tuple[Indicator, ...]  # what the project promises to achieve

    def total_eur(self, rate: Decimal) -> Decimal:
        """The budget lines in EUR, each converted and rounded as the validator does."""
        return sum((to_eur(line.amount, line.currency, rate) for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class BrokenOutline:
    """An outline broken on purpose: the validator reports exactly ``expected_codes``."""

    name: str  # file name without .xlsx
    plan: OutlinePlan  # the valid outline it is based on, with the town, titles or lump sum changed
    stated_total_off_by_eur: Decimal  # the stated total minus the lines' total (0: it adds up)
    cells: Mapping[str, Mapping[str, str]]  # typed over the computed values: {sheet: {field: text}}
    expected_codes: tuple[str, ...]  # sorted


@dataclass(frozen=True)
class Idea:
    """The generator's project for a theme; ``{city}`` in a title is the town's name."""

    title_pl: str
    title_en: str
    investment_pl: str
    soft_pl: str
    indicator: str
    unit: str


@dataclass(frozen=True)
class GeneratorVocabulary:
    ideas: Mapping[str, Idea]  # one per theme of the outline form
    first_names: tuple[str, ...]
    surnames: tuple[str, ...]


@dataclass(frozen=True)
class SampleOutlines:
    valid: tuple[OutlinePlan, ...]
    broken: tuple[BrokenOutline, ...]
    generator: GeneratorVocabulary


def _town(data: dict[str, Any]) -> Town:
    representative = data.pop("representative", {})
    return Town(
        **data,
        representative_name=representative.get("name", ""),
        representative_position=representative.get("position", ""),
    )


def _plan(data: dict[str, Any]) -> OutlinePlan:
    partner = data["partner"]
    return OutlinePlan(
        town=_town(data["town"]),
        primary_theme=data["primary_theme"],
        secondary_themes=tuple(data["secondary_themes"]),
        title_pl=data["title_pl"],
        title_en=data["title_en"],
        summary_pl=data["summary_pl"],
        summary_en=data["summary_en"],
        start=data["start"],
        end=data["end"],
        lines=tuple(
            Line(
                line["category"],
                line["description"],
                line["year"],
                Decimal(str(line["amount"])),
                line.get("currency", "EUR"),
            )
            for line in data["lines"]
        ),
        co_financing_share=Decimal(str(data["co_financing_share"])),
        partner=None
        if partner is None
        else PartnerWish(
            country=partner["country"],
            themes=tuple(partner["themes"]),
            forms=tuple(partner["forms"]),
            expectations_pl=partner["expectations_pl"],
            expectations_en=partner["expectations_en"],
            preferred_partner=partner.get("preferred_partner", ""),
        ),
        targets=tuple(
            Indicator(
                t["indicator"],
                t["unit"],
                Decimal(str(t["baseline"])),
                Decimal(str(t["target"])),
                t["year"],
            )
            for t in data["targets"]
        ),
    )


def _broken(data: dict[str, Any], base: OutlinePlan) -> BrokenOutline:
    plan = dataclasses.replace(
        base,
        town=_town(data["town"]) if "town" in data else base.town,
        title_pl=data.get("title_pl", base.title_pl),
        title_en=data.get("title_en", base.title_en),
    )
    if "lump_sum" in data:
        amount = Decimal(str(data["lump_sum"]))
        plan = dataclasses.replace(
            plan,
            lines=tuple(
                dataclasses.replace(line, amount=amount)
                if line.category == LUMP_SUM_CATEGORY
                else line
                for line in plan.lines
            ),
        )
    return BrokenOutline(
        name=data["file"],
        plan=plan,
        stated_total_off_by_eur=Decimal(str(data.get("stated_total_off_by_eur", 0))),
        cells={sheet: dict(fields) for sheet, fields in data.get("cells", {}).items()},
        expected_codes=tuple(sorted(data["expected_codes"])),
    )


def _unknown(code: str, allowed: tuple[str, ...], where: str, town: str) -> list[Problem]:
    return [] if code in allowed else [(where, f"unknown code {code!r} ({town})")]


def _unknown_in(codes: list[str], allowed: tuple[str, ...], where: str, town: str) -> list[Problem]:
    return [
        p for j, code in enumerate(codes) for p in _unknown(code, allowed, f"{where}[{j}]", town)
    ]


def _check_town(town: dict[str, Any], where: str) -> list[Problem]:
    teryt = town["teryt"]
    if teryt_is_well_formed(teryt) and voivodeship_of(teryt) is not None:
        return []
    return [(f"{where}.teryt", f"{teryt} ({town['name']}) is not a well-formed TERYT code")]


def _check_outline(
    outline: dict[str, Any], where: str, outline_form: form.FormDefinition
) -> list[Problem]:
    town = outline["town"]["name"]
    themes = outline_form.codes("themes")
    problems = _check_town(outline["town"], f"{where}.town")
    problems += _unknown(outline["primary_theme"], themes, f"{where}.primary_theme", town)
    problems += _unknown_in(outline["secondary_themes"], themes, f"{where}.secondary_themes", town)
    categories = outline_form.codes("budget_categories")
    for i, line in enumerate(outline["lines"]):
        problems += _unknown(line["category"], categories, f"{where}.lines[{i}].category", town)
    partner = outline["partner"]
    if partner is not None:
        problems += _unknown_in(partner["themes"], themes, f"{where}.partner.themes", town)
        forms = outline_form.codes("involvement_forms")
        problems += _unknown_in(partner["forms"], forms, f"{where}.partner.forms", town)
    if outline["start"] > outline["end"]:
        problems.append(
            (f"{where}.start", f"{outline['start']} is after the end {outline['end']} ({town})")
        )
    return problems


def _check_broken(
    broken: dict[str, Any],
    where: str,
    valid: Mapping[str, dict[str, Any]],
    outline_form: form.FormDefinition,
) -> list[Problem]:
    base = valid.get(broken["based_on"])
    if base is None:
        return [(f"{where}.based_on", f"{broken['based_on']!r} has no valid outline")]
    problems = _check_town(broken["town"], f"{where}.town") if "town" in broken else []
    if "lump_sum" in broken and all(
        line["category"] != LUMP_SUM_CATEGORY for line in base["lines"]
    ):
        problems.append(
            (f"{where}.lump_sum", f"{broken['based_on']}'s outline has no lump-sum line")
        )
    records = {s.name: s for s in outline_form.sheets if s.layout == "keyvalue"}
    for sheet, fields in broken.get("cells", {}).items():
        if sheet not in records:
            problems.append((f"{where}.cells.{sheet}", "not a key-value sheet of the outline form"))
            continue
        keys = {f.key for f in records[sheet].fields}
        problems += [
            (f"{where}.cells.{sheet}.{key}", f"the sheet {sheet} has no field {key!r}")
            for key in fields
            if key not in keys
        ]
    problems += [
        (f"{where}.expected_codes[{j}]", f"unknown issue code {code!r}")
        for j, code in enumerate(broken["expected_codes"])
        if code not in CODES
    ]
    return problems


def _check_generator(generator: dict[str, Any], outline_form: form.FormDefinition) -> list[Problem]:
    themes = outline_form.codes("themes")
    ideas = generator["ideas"]
    problems: list[Problem] = [
        ("generator.ideas", f"no idea for the theme {theme!r}")
        for theme in themes
        if theme not in ideas
    ]
    problems += [
        (f"generator.ideas.{theme}", f"unknown code {theme!r}")
        for theme in ideas
        if theme not in themes
    ]
    for theme, idea in ideas.items():
        for key in ("title_pl", "title_en"):
            try:
                idea[key].format(city="Chełm")
            except (KeyError, IndexError, ValueError):
                problems.append(
                    (f"generator.ideas.{theme}.{key}", "uses a placeholder other than {city}")
                )
    return problems


def _cross_check(data: dict[str, Any]) -> list[Problem]:
    outline_form = form.load("outline")
    problems: list[Problem] = []
    valid: dict[str, dict[str, Any]] = {}
    for i, outline in enumerate(data["outlines"]):
        problems += _check_outline(outline, f"outlines[{i}]", outline_form)
        name = outline["town"]["name"]
        if name in valid:
            problems.append((f"outlines[{i}].town.name", f"{name} has two outlines"))
        valid[name] = outline
    files: set[str] = set()
    for i, broken in enumerate(data["broken"]):
        problems += _check_broken(broken, f"broken[{i}]", valid, outline_form)
        if broken["file"] in files:
            problems.append((f"broken[{i}].file", f"{broken['file']} is listed twice"))
        files.add(broken["file"])
    return problems + _check_generator(data["generator"], outline_form)


def each_sample_town(
    entries: list[dict[str, Any]],
    section: str,
    key: str,
    what: str,
    outlines: Mapping[str, OutlinePlan],
    problems: list[Problem],
) -> Iterator[tuple[str, str, dict[str, Any], OutlinePlan]]:
    """(where, town, entry, its outline) for each entry of ``section`` naming its sample
    town under ``key``; a town named twice, or with no sample outline, is a problem
    appended to ``problems`` (the samples that complete an outline share this rule)."""
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        where, town = f"{section}[{i}]", entry[key]
        if town in seen:
            problems.append((f"{where}.{key}", f"{town} has two {what}"))
        seen.add(town)
        outline = outlines.get(town)
        if outline is None:
            problems.append((f"{where}.{key}", f"{town!r} is not the town of a sample outline"))
            continue
        yield where, town, entry, outline


def parse_sample_outlines(data: object, source: str = "outlines.yaml") -> SampleOutlines:
    """Check an already parsed sample-outlines document and build its values."""
    checked = yaml_file.checked(SCHEMA_FILE, data, source, _cross_check)
    valid = {outline["town"]["name"]: _plan(outline) for outline in checked["outlines"]}
    generator = checked["generator"]
    return SampleOutlines(
        valid=tuple(valid.values()),
        broken=tuple(_broken(b, valid[b["based_on"]]) for b in checked["broken"]),
        generator=GeneratorVocabulary(
            ideas={theme: Idea(**idea) for theme, idea in generator["ideas"].items()},
            first_names=tuple(generator["first_names"]),
            surnames=tuple(generator["surnames"]),
        ),
    )


@cache
def _reference() -> SampleOutlines:
    return load_sample_outlines(resources.samples() / "outlines.yaml")


def load_sample_outlines(path: Path | None = None) -> SampleOutlines:
    """The sample outlines of ``path``; without a path, the shipped ones (cached)."""
    if path is None:
        return _reference()
    return parse_sample_outlines(yaml_file.read(path), path.name)
