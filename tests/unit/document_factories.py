"""Validated outlines and decisions for the document tests, built as domain objects.

``chelm_outline()`` is ``tests.intake_data.outline()``: the Chełm outline of
``tests/unit/factories.py`` once validated (same figures: EUR 2 800 000.00 in
total, the soft-measures line typed in PLN and converted at 4.2986), with a
Norwegian preferred partner and expectations naming Tromsø, Ålesund, Bærum
and Råde, so every Polish and Norwegian letter reaches the documents.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

from grantflow.domain.outline import Outline
from grantflow.domain.ranking import ReasonCode
from grantflow.services.documents.kinds.decision import DECISION, DecisionDocument, DecisionLetter
from grantflow.services.documents.rendering import Format, RenderRequest
from tests.intake_data import RATE as RATE  # re-exported for the document tests
from tests.intake_data import outline as chelm_outline
from tests.unit.factories import LETTER_TERMS

ISSUED = date(2019, 12, 20)
PROGRAMME_NAME = "Rozwój lokalny"
OPERATOR = "Ministerstwo Funduszy i Polityki Regionalnej"
HOSTILE_CITY = "Chełm & <b>Synowie</b> {{ 7*7 }}"
HOSTILE_IMAGE = '<img src="file:///etc/passwd">'


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
    """Chełm's outline shortlisted by the committee, which moved it up with its reasons."""
    letter = DecisionLetter(
        city="Chełm",
        contact_name="Anna Kowalczyk",
        contact_email="rozwoj@chelm.pl",
        case_reference=LETTER_TERMS.case_number(12),
        terms=LETTER_TERMS,
        title="Zielony Chełm: odnowa przestrzeni publicznych",
        decision="shortlisted",
        reason=ReasonCode.COMMITTEE_CHANGE,
        stage=1,
        score=Decimal("82.5"),
        max_score=100,
        pass_mark=60,
        rank=3,
        decided_on=date(2020, 3, 16),
        justification=(
            "Projekt spójny z celami programu; partnerstwo z Ringerike (Hønefoss) dobrze opisane."
        ),
    )
    return dataclasses.replace(letter, **changes)  # type: ignore[arg-type]


def chelm_decision_request(fmt: Format, target: Path, **changes: object) -> RenderRequest:
    """The request for Chełm's decision letter, the letter changed by ``changes``."""
    document = DecisionDocument(chelm_decision(**changes), {"pl": PROGRAMME_NAME}, OPERATOR)
    return DECISION.request(document, lang="pl", fmt=fmt, target=target)
