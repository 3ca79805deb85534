"""Load a programme file (``samples/programme.yaml``) into a ``Programme``.

The file is checked against ``schemas/programme.schema.yaml`` (cerberus) and
then cross-checked (ranges, dates, rates, TERYT codes). A broken file raises
``ConfigurationError`` with a message naming the offending key, e.g.
``programme.yaml: lump_sum.minimum: must be of decimal type``: the operator
edits this file by hand and must find the line to fix.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from grantflow import resources
from grantflow.domain.identifiers import teryt_is_well_formed
from grantflow.domain.programme import (
    CASE_NUMBER,
    DEFAULT_REMINDER_DAYS,
    DEFAULT_SHORTLIST_COUNT,
    Call,
    Criterion,
    EligibleCity,
    LetterTerms,
    Programme,
)
from grantflow.validation import yaml_file
from grantflow.validation.yaml_file import Problem

SCHEMA_FILE = "programme.schema.yaml"


def _cross_check(data: dict[str, Any]) -> list[Problem]:
    """Rules across keys; run only on a document that passed the schema."""
    problems: list[Problem] = []
    grant = {k: Decimal(str(v)) for k, v in data["grant"].items()}
    if grant["minimum"] > grant["maximum"]:
        problems.append(
            ("grant.minimum", f"{grant['minimum']} is above grant.maximum {grant['maximum']}")
        )
    lump = {k: Decimal(str(v)) for k, v in data["lump_sum"].items()}
    if not lump["minimum"] <= lump["target"] <= lump["maximum"]:
        problems.append(
            (
                "lump_sum.target",
                f"{lump['target']} is outside lump_sum.minimum {lump['minimum']} "
                f"to lump_sum.maximum {lump['maximum']}",
            )
        )
    window = data["eligibility"]
    if window["first"] > window["final"]:
        problems.append(
            ("eligibility.first", f"{window['first']} is after eligibility.final {window['final']}")
        )
    published = data.get("publication_date")
    if published is not None and published <= window["final"]:
        problems.append(
            (
                "publication_date",
                f"{published} is not after eligibility.final {window['final']}: "
                "the publication reports on finished projects",
            )
        )
    final_reports = data.get("final_report_deadline")
    if final_reports is not None and final_reports <= window["final"]:
        problems.append(
            (
                "final_report_deadline",
                f"{final_reports} is not after eligibility.final {window['final']}: "
                "a final report follows the project's end",
            )
        )
    days_before = data.get("reminders", {}).get("days_before", [])
    if len(set(days_before)) != len(days_before):
        problems.append(("reminders.days_before", f"{days_before} lists a day twice"))
    codes: set[str] = set()
    for i, call in enumerate(data["calls"]):
        if call["rate_month"] not in data["exchange_rates"]:
            problems.append(
                (f"calls[{i}].rate_month", f"no exchange rate for {call['rate_month']}")
            )
        if call["opens"] > call["deadline"]:
            problems.append(
                (f"calls[{i}].opens", f"{call['opens']} is after the deadline {call['deadline']}")
            )
        review_deadline = call.get("review_deadline")
        if review_deadline is not None and review_deadline <= call["deadline"]:
            problems.append(
                (
                    f"calls[{i}].review_deadline",
                    f"{review_deadline} is not after the call's deadline {call['deadline']}",
                )
            )
        reference = call["decision_letter"]["case_reference"]
        if reference.count(CASE_NUMBER) != 1 or "{" in reference.replace(CASE_NUMBER, ""):
            problems.append(
                (
                    f"calls[{i}].decision_letter.case_reference",
                    f"{reference} must hold {CASE_NUMBER} once, where each letter has "
                    "its application's number",
                )
            )
        if call["code"] in codes:
            problems.append((f"calls[{i}].code", f"duplicate call code {call['code']}"))
        codes.add(call["code"])
    seen: set[str] = set()
    for i, city in enumerate(data["eligible_cities"]):
        if not teryt_is_well_formed(city["teryt"]):
            problems.append(
                (
                    f"eligible_cities[{i}].teryt",
                    f"{city['teryt']} ({city['name']}) is not a well-formed TERYT code",
                )
            )
        if city["teryt"] in seen:
            problems.append((f"eligible_cities[{i}].teryt", f"{city['teryt']} is listed twice"))
        seen.add(city["teryt"])
    criteria = data["criteria"]
    if len({c["code"] for c in criteria}) != len(criteria):
        problems.append(("criteria", "criterion codes must be unique"))
    max_score = sum(c["max_points"] for c in criteria)
    if data["pass_mark"] > max_score:
        problems.append(
            ("pass_mark", f"{data['pass_mark']} is above the maximum score {max_score}")
        )
    return problems


def _letter_terms(letter: dict[str, Any]) -> LetterTerms:
    return LetterTerms(
        case_reference=letter["case_reference"],
        place=letter["place"],
        legal_basis=letter["legal_basis"],
        review_days=letter["review"]["days"],
        review_body=letter["review"]["decided_by"],
        review_how=letter["review"]["how"],
        signatory_name=letter["signatory"]["name"],
        signatory_position=letter["signatory"]["position"],
    )


def _build(data: dict[str, Any]) -> Programme:
    return Programme(
        code=data["code"],
        name=dict(data["name"]),
        operator=data["operator"],
        currency=data["currency"],
        calls=tuple(
            Call(
                code=c["code"],
                stage=c["stage"],
                opens=c["opens"],
                deadline=c["deadline"],
                rate_month=c["rate_month"],
                review_deadline=c.get("review_deadline"),
                form=c.get("form", "outline"),
                letters=_letter_terms(c["decision_letter"]),
            )
            for c in data["calls"]
        ),
        exchange_rates={
            month: Decimal(str(rate)) for month, rate in data["exchange_rates"].items()
        },
        grant_minimum=Decimal(str(data["grant"]["minimum"])),
        grant_maximum=Decimal(str(data["grant"]["maximum"])),
        lump_sum_target=Decimal(str(data["lump_sum"]["target"])),
        lump_sum_minimum=Decimal(str(data["lump_sum"]["minimum"])),
        lump_sum_maximum=Decimal(str(data["lump_sum"]["maximum"])),
        first_eligibility_date=data["eligibility"]["first"],
        final_eligibility_date=data["eligibility"]["final"],
        eligible_cities=tuple(
            EligibleCity(teryt=c["teryt"], name=c["name"]) for c in data["eligible_cities"]
        ),
        criteria=tuple(
            Criterion(code=c["code"], label=dict(c["label"]), max_points=c["max_points"])
            for c in data["criteria"]
        ),
        pass_mark=data["pass_mark"],
        divergence_threshold=Decimal(str(data["divergence_threshold"])),
        shortlist_count=data.get("shortlist_count", DEFAULT_SHORTLIST_COUNT),
        funded_count=data["funded_count"],
        reserve_count=data["reserve_count"],
        allocation_eur=Decimal(str(data["allocation_eur"])),
        partner_search_deadline=data["partner_search_deadline"],
        publication_date=data.get("publication_date"),
        final_report_deadline=data.get("final_report_deadline"),
        reminder_days=tuple(
            sorted(
                data.get("reminders", {}).get("days_before", DEFAULT_REMINDER_DAYS), reverse=True
            )
        ),
    )


def parse_programme(data: object, source: str = "programme.yaml") -> Programme:
    """Check an already parsed YAML document and build the ``Programme``."""
    return _build(yaml_file.checked(SCHEMA_FILE, data, source, _cross_check))


@cache
def _reference() -> Programme:
    return load_programme(resources.samples() / "programme.yaml")


def load_programme(path: Path | None = None) -> Programme:
    """The programme of ``path``; without a path, the reference programme
    (read once and cached: it does not change while running).

    A file is read again only once it changed: a flow's every chunk of work
    loads the programme, and checking a programme of 10,000 eligible towns
    took 2.4 s, 40 times over in a 10,000-outline intake."""
    if path is None:
        return _reference()
    try:
        stat = path.stat()
    except OSError:
        return parse_programme(yaml_file.read(path), path.name)  # the read says what is wrong
    return _programme_as_saved(path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _programme_as_saved(path: Path, mtime_ns: int, size: int) -> Programme:
    return parse_programme(yaml_file.read(path), path.name)
