"""Many valid, varied outlines for benchmarks: ``grantflow samples outlines``.

Deterministic: the same programme, call, count and seed give the same
outlines (one ``random.Random(seed)`` drawn in a fixed order: the outline
form's themes and forms of involvement, the project ideas and names of the
``generator`` section of ``samples/outlines.yaml``). Cities are
taken in turn from the programme's eligible list; every amount is drawn in
whole euros or zloty and the totals are computed from the lines, so each
outline passes validation (grant inside the programme's range, lump sum
inside its band, dates inside the eligibility window).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from grantflow.domain.money import cents, to_eur
from grantflow.domain.names import slug
from grantflow.domain.outline import LUMP_SUM_CATEGORY, Indicator
from grantflow.domain.programme import EligibleCity, Programme
from grantflow.samples.outlines import OutlineValues, outline_values
from grantflow.validation import form
from grantflow.validation.sample_outlines_file import (
    GeneratorVocabulary,
    Line,
    OutlinePlan,
    PartnerWish,
    Town,
    load_sample_outlines,
)


def _whole(rng: random.Random, low: int, high: int, step: int) -> Decimal:
    """A random amount between ``low`` and ``high`` in multiples of ``step``."""
    return Decimal(rng.randrange(low, high + 1, step))


@dataclass(frozen=True)
class _Vocabulary:
    """What the generator draws from, in a fixed order (the form's codes, the file's lists)."""

    themes: tuple[str, ...]
    forms: tuple[str, ...]
    words: GeneratorVocabulary


def _plan(
    city: EligibleCity,
    rng: random.Random,
    programme: Programme,
    rate: Decimal,
    vocabulary: _Vocabulary,
) -> OutlinePlan:
    name = city.name
    words = vocabulary.words
    town = Town(
        name=name,
        teryt=city.teryt,
        population=rng.randrange(15_000, 120_000),
        email_domain=f"um.{slug(name)}.pl",
        phone=f"+48 {rng.randrange(12, 95)} {rng.randrange(100, 999)} {rng.randrange(10, 99)} "
        f"{rng.randrange(10, 99)}",
        contact_name=f"{rng.choice(words.first_names)} {rng.choice(words.surnames)}",
    )
    themes = vocabulary.themes
    primary = rng.choice(themes)
    secondary = tuple(sorted(rng.sample([t for t in themes if t != primary], rng.randrange(0, 3))))
    idea = words.ideas[primary]
    share = Decimal(rng.choice((10, 12, 15, 18, 20))) / 100
    # Draw the lump sum in whole euros inside the band (or its PLN equivalent
    # rounded to whole zloty, kept only if it still converts inside the band).
    low, high = int(programme.lump_sum_minimum), int(programme.lump_sum_maximum)
    lump = Line(LUMP_SUM_CATEGORY, "Ryczałt na partnerstwo", 2022, _whole(rng, low, high, 500))
    if rng.random() < 0.3:
        lump = Line(lump.category, lump.description, lump.year, cents(lump.amount * rate), "PLN")
    others = [
        Line("soft", idea.soft_pl, 2023, _whole(rng, 150_000, 2_500_000, 10), "PLN"),
        Line("management", "Zarządzanie projektem", 2021, _whole(rng, 40_000, 200_000, 100)),
    ]
    wants_partner = rng.random() < 0.9
    if wants_partner:
        others.append(lump)
    if rng.random() < 0.5:
        others.append(
            Line("other", "Promocja i publikacje", 2023, _whole(rng, 5_000, 90_000, 10), "PLN")
        )
    # The investment line closes the budget: draw the grant well inside the
    # programme's range, and let the investment make the total fit it.
    grant_low = int(programme.grant_minimum * Decimal("1.05"))
    ceiling = min(programme.grant_maximum * Decimal("0.95"), Decimal(grant_low * 6))
    grant_high = max(grant_low, int(ceiling))
    total = Decimal(rng.randrange(grant_low, grant_high + 1)) / (1 - share)
    known = sum((to_eur(line.amount, line.currency, rate) for line in others), Decimal(0))
    investment = max(Decimal(1), Decimal(int(total - known)))
    lines = [Line("investment", idea.investment_pl, 2022, investment), *others]
    start = programme.first_eligibility_date + timedelta(days=rng.randrange(365, 640))
    end = min(start + timedelta(days=rng.randrange(700, 1000)), programme.final_eligibility_date)
    partner = (
        PartnerWish(
            country=rng.choice(("NO", "NO", "NO", "IS", "any")),
            themes=(primary, *secondary[:1]),
            forms=tuple(sorted(rng.sample(vocabulary.forms, rng.randrange(1, 4)))),
            expectations_pl=f"Wymiana doświadczeń: {idea.investment_pl.lower()}.",
            expectations_en=f"Exchange of experience for: {idea.title_en.format(city=name)}.",
        )
        if wants_partner
        else None
    )
    baseline = Decimal(rng.randrange(0, 50))
    return OutlinePlan(
        town=town,
        primary_theme=primary,
        secondary_themes=secondary,
        title_pl=idea.title_pl.format(city=name),
        title_en=idea.title_en.format(city=name),
        summary_pl=f"{idea.investment_pl} oraz {idea.soft_pl.lower()} w mieście {name}.",
        summary_en=f"{idea.title_en.format(city=name)}: investment and soft measures.",
        start=start,
        end=end,
        lines=tuple(lines),
        co_financing_share=share,
        partner=partner,
        targets=(
            Indicator(
                idea.indicator,
                idea.unit,
                baseline,
                baseline + rng.randrange(10, 500),
                min(end.year, 2024),
            ),
        ),
    )


def generate_outlines(
    programme: Programme, count: int, seed: int = 0, call_code: str = "stage1-outline"
) -> Iterator[tuple[str, OutlineValues]]:
    """``count`` valid outlines as (file stem, form values), e.g. ``0001-chelm``."""
    rate = programme.rate_for(programme.call(call_code).rate_month)
    cities = programme.eligible_cities
    outline_form = form.load("outline")
    vocabulary = _Vocabulary(
        themes=outline_form.codes("themes"),
        forms=outline_form.codes("involvement_forms"),
        words=load_sample_outlines().generator,
    )
    rng = random.Random(seed)  # noqa: S311 - reproducible sample data, not secrets
    for index in range(count):
        city = cities[index % len(cities)]
        yield (
            f"{index + 1:04d}-{slug(city.name)}",
            outline_values(_plan(city, rng, programme, rate, vocabulary), rate),
        )
