"""What the application and decision documents say, before any template is involved."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from grantflow.adapters.documents.formatting import (
    amount_in_words,
    format_date,
    format_money,
    format_number,
)
from grantflow.services.documents.generation import generate
from grantflow.services.documents.kinds.application import application_context, application_request
from grantflow.services.documents.kinds.decision import decision_context
from grantflow.services.documents.rendering import Format, GeneratedDocument, RenderRequest
from grantflow.validation import form as forms
from tests.unit.document_factories import (
    ISSUED,
    OPERATOR,
    PROGRAMME_NAME,
    RATE,
    chelm_decision,
    chelm_decision_request,
    chelm_outline,
)


def _plain(text: str) -> str:
    """CLDR changes its space characters between releases: compare with plain spaces."""
    return "".join(" " if unicodedata.category(c) == "Zs" else c for c in text)


def _context(**changes: object) -> dict[str, object]:
    return application_context(
        chelm_outline(**changes),
        forms.load("outline"),
        lang="pl",
        programme_name=PROGRAMME_NAME,
        issued=ISSUED,
    )


class FakeRenderer:
    def __init__(self) -> None:
        self.requests: list[RenderRequest] = []

    def render(self, request: RenderRequest) -> GeneratedDocument:
        self.requests.append(request)
        return GeneratedDocument(
            request.target, request.kind, request.lang, request.fmt, sha256="0" * 64, size=1
        )


class FakeLog:
    def __init__(self) -> None:
        self.recorded: list[GeneratedDocument] = []

    def record(self, documents: Sequence[GeneratedDocument]) -> None:
        self.recorded.extend(documents)


class TestApplicationContext:
    def test_themes_are_shown_by_their_polish_labels(self) -> None:
        project = _context()["project"]
        assert project["primary_theme"] == "Środowisko i energia"  # type: ignore[index]
        assert project["secondary_themes"] == [  # type: ignore[index]
            "Zrównoważony rozwój",
            "Wyzwania społeczne i edukacja",
        ]

    def test_the_budget_states_its_total_the_lump_sum_and_the_pln_rate_used(self) -> None:
        budget = _context()["budget"]
        assert budget["total_eur"] == Decimal("2800000.00")  # type: ignore[index]
        assert budget["lump_sum_eur"] == Decimal("150000.00")  # type: ignore[index]
        assert budget["rates"] == [RATE]  # type: ignore[index]

    def test_an_all_euro_budget_names_no_rate(self) -> None:
        outline = chelm_outline()
        euro = tuple(
            dataclasses.replace(b, currency="EUR", amount=b.amount_eur, rate=None)
            for b in outline.budget
        )
        assert _context(budget=euro)["budget"]["rates"] == []  # type: ignore[index]

    def test_budget_lines_come_in_line_number_order(self) -> None:
        outline = chelm_outline()
        shuffled = tuple(reversed(outline.budget))
        lines = _context(budget=shuffled)["budget"]["lines"]  # type: ignore[index]
        assert [line["line_no"] for line in lines] == [1, 2, 3, 4, 5]

    def test_the_partnership_shows_the_country_and_the_norwegian_partner(self) -> None:
        partnership = _context()["partnership"]
        assert partnership["preferred_country"] == "Norwegia"  # type: ignore[index]
        assert partnership["preferred_partner"] == "Ringerike kommune, Hønefoss"  # type: ignore[index]
        assert partnership["involvement_forms"] == ["Wymiana wiedzy", "Wizyty studyjne"]  # type: ignore[index]

    def test_a_city_without_a_partner_preference_gets_an_empty_country(self) -> None:
        partnership = _context(wants_partner=False, preferred_country=None)["partnership"]
        assert partnership["preferred_country"] == ""  # type: ignore[index]
        assert partnership["wants_partner"] is False  # type: ignore[index]

    def test_amounts_and_dates_stay_typed_for_the_templates_to_format(self) -> None:
        context = _context()
        assert context["project"]["start_date"] == date(2021, 5, 1)  # type: ignore[index]
        assert isinstance(context["indicators"][0]["target"], Decimal)  # type: ignore[index]


class TestDecisionContext:
    def test_the_letter_gives_the_decision_and_the_rankings_reason_as_codes(self) -> None:
        context = decision_context(
            chelm_decision(), programme_name=PROGRAMME_NAME, operator=OPERATOR
        )
        decision = context["decision"]
        assert (decision["code"], decision["reason"], decision["stage"]) == (
            "shortlisted",
            "committee_change",
            1,
        )
        assert decision["justification"].startswith("Projekt spójny z celami programu")
        assert (decision["score"], decision["pass_mark"]) == (Decimal("82.5"), 60)
        assert context["document"]["issued_on"] == date(2020, 3, 16)

    def test_an_unknown_decision_is_refused(self) -> None:
        with pytest.raises(ValueError, match="funded-maybe"):
            decision_context(
                chelm_decision(decision="funded-maybe"),
                programme_name=PROGRAMME_NAME,
                operator=OPERATOR,
            )


def _application_request(lang: str = "pl", fmt: Format = "pdf") -> RenderRequest:
    return application_request(
        chelm_outline(),
        form=forms.load("outline"),
        programme_name=PROGRAMME_NAME,
        lang=lang,
        fmt=fmt,
        target=Path(f"chelm.{fmt}"),
        issued=ISSUED,
    )


class TestRequests:
    def test_the_application_is_rendered_and_recorded(self) -> None:
        renderer, log = FakeRenderer(), FakeLog()
        generated = generate(_application_request(), renderer=renderer, log=log)
        request = renderer.requests[0]
        assert request.title == (
            "Wniosek: Zielony Chełm: odnowa przestrzeni publicznych i współpraca z "
            "Kristiansand (Chełm)"
        )
        assert request.title == request.context["document"]["title"]
        assert request.pdf_variant == "pdf/ua-1"
        assert log.recorded == [generated]

    def test_the_application_is_not_offered_in_norwegian(self) -> None:
        with pytest.raises(ValueError, match="nb"):
            _application_request(lang="nb")

    def test_a_hand_made_request_in_an_unknown_format_is_refused(self) -> None:
        request = dataclasses.replace(_application_request(), fmt="odt")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="odt"):
            generate(request, renderer=FakeRenderer())

    def test_the_decision_letter_is_dated_the_day_of_the_decision(self) -> None:
        renderer = FakeRenderer()
        request = chelm_decision_request("docx", Path("chelm-decyzja.docx"))
        generate(request, renderer=renderer)
        assert renderer.requests[0].issued == date(2020, 3, 16)
        assert renderer.requests[0].lang == "pl"

    def test_each_request_names_the_template_its_kind_declares(self) -> None:
        assert _application_request(fmt="pdf").template == "application/application.html.j2"
        letter = chelm_decision_request("docx", Path("d.docx"))
        assert letter.template == "decision/pl.docx"


class TestFormattingFilters:
    @pytest.mark.parametrize(
        ("lang", "expected"),
        [("pl", "150 000,00 EUR"), ("nb", "150 000,00 EUR"), ("en", "150,000.00 EUR")],
    )
    def test_money_follows_the_locale(self, lang: str, expected: str) -> None:
        assert _plain(format_money(Decimal("150000"), lang)) == expected

    def test_a_missing_amount_prints_nothing(self) -> None:
        assert format_money(None, "pl") == ""

    def test_an_exchange_rate_keeps_all_its_decimals(self) -> None:
        assert format_number(Decimal("4.2986"), "pl") == "4,2986"

    @pytest.mark.parametrize(
        ("lang", "expected"),
        [("pl", "16 marca 2020"), ("nb", "16. mars 2020"), ("en", "16 March 2020")],
    )
    def test_dates_are_written_in_words(self, lang: str, expected: str) -> None:
        assert format_date(date(2020, 3, 16), lang) == expected

    def test_polish_amounts_in_words_name_euro_and_cents(self) -> None:
        assert amount_in_words(Decimal("150000.50"), "pl") == (
            "sto pięćdziesiąt tysięcy euro, pięćdziesiąt centów"
        )

    def test_norwegian_amounts_in_words_are_assembled_for_euro(self) -> None:
        assert amount_in_words(Decimal("150000.50"), "nb") == (
            "en hundre og femti tusen euro og femti cent"
        )
        assert amount_in_words(Decimal("140000"), "nb") == "en hundre og førti tusen euro"
