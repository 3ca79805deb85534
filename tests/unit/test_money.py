"""Money: parsing what people type, rounding half up, converting PLN to EUR."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grantflow.domain.money import cents, parse_amount, to_eur
from grantflow.validation.outline import validate_outline
from tests.unit.factories import STAGE1, chelm_outline_values, raw_workbook_from_values
from tests.unit.factories import reference_programme as make_programme

amounts = st.integers(min_value=0, max_value=10**11).map(lambda c: Decimal(c) / 100)
# EUR/PLN rates as the programme file states them: four decimals, 3.5-5.0.
rates = st.integers(min_value=35000, max_value=50000).map(lambda r: Decimal(r) / 10000)


def _grouped(amount: Decimal, thousands: str, decimal_mark: str) -> str:
    whole, fraction = f"{amount:.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return thousands.join(groups) + decimal_mark + fraction


class TestParseAmount:
    @pytest.mark.parametrize(
        ("typed", "amount"),
        [
            ("150 000,00", "150000.00"),
            ("150.000,00 zł", "150000.00"),
            ("150\u00a0000,00\u00a0PLN", "150000.00"),
            ("150\u202f000 €", "150000"),
            ("1,289,580.00", "1289580.00"),
            ("0,5", "0.5"),
        ],
    )
    def test_amounts_typed_the_polish_norwegian_or_english_way_are_read(
        self, typed: str, amount: str
    ) -> None:
        assert parse_amount(typed) == Decimal(amount)

    @pytest.mark.parametrize("typed", ["", "sto tysięcy", "NaN", "Infinity", "1,2,3"])
    def test_text_that_is_not_an_amount_gives_none(self, typed: str) -> None:
        assert parse_amount(typed) is None

    @pytest.mark.parametrize("typed", ["150,000", "150.000", "1.500 zł", "-12,345"])
    def test_an_amount_that_reads_two_ways_is_not_guessed(self, typed: str) -> None:
        # 150,000 is EUR 150 000 to an English reader and EUR 150 to a Polish one.
        assert parse_amount(typed) is None

    @pytest.mark.parametrize(
        ("typed", "amount"),
        [("0,125", "0.125"), ("1234,567", "1234.567"), ("150 000", "150000"), ("12,34", "12.34")],
    )
    def test_three_decimals_are_read_when_no_thousands_group_is_possible(
        self, typed: str, amount: str
    ) -> None:
        assert parse_amount(typed) == Decimal(amount)

    @given(
        amounts,
        st.sampled_from([(" ", ","), ("\u00a0", ","), ("\u202f", ","), (".", ","), (",", ".")]),
        st.sampled_from(["", " zł", " PLN", " €", "EUR"]),
    )
    def test_a_formatted_amount_reads_back_as_the_same_decimal(
        self, amount: Decimal, marks: tuple[str, str], suffix: str
    ) -> None:
        thousands, decimal_mark = marks

        assert parse_amount(_grouped(amount, thousands, decimal_mark) + suffix) == amount


class TestRounding:
    def test_half_a_cent_rounds_up_as_accounting_does(self) -> None:
        assert cents(Decimal("0.005")) == Decimal("0.01")
        assert cents(Decimal("2.675")) == Decimal("2.68")  # 2.67 with floats
        assert cents(Decimal("150000.004")) == Decimal("150000.00")

    @given(amounts, rates)
    def test_an_exact_half_cent_after_conversion_rounds_up(
        self, eur: Decimal, rate: Decimal
    ) -> None:
        pln = (eur + Decimal("0.005")) * rate

        assert to_eur(pln, "PLN", rate) == eur + Decimal("0.01")

    @given(amounts, rates)
    def test_a_converted_amount_is_within_half_a_cent_of_the_exact_one(
        self, pln: Decimal, rate: Decimal
    ) -> None:
        eur = to_eur(pln, "PLN", rate)

        assert eur == cents(eur)
        assert abs(eur - pln / rate) <= Decimal("0.005")

    def test_euro_amounts_are_only_rounded_and_other_currencies_refused(self) -> None:
        assert to_eur(Decimal("150000"), "EUR", Decimal("4.2986")) == Decimal("150000.00")
        with pytest.raises(ValueError, match="NOK"):
            to_eur(Decimal("1000"), "NOK", Decimal("4.2986"))


class TestBudgetConversion:
    @settings(max_examples=60)
    @given(
        st.lists(
            st.tuples(amounts.filter(lambda a: a > 0), st.sampled_from(["EUR", "PLN"])),
            min_size=1,
            max_size=12,
        ),
        rates,
    )
    def test_budget_lines_converted_line_by_line_add_up_to_the_cent(
        self, lines: list[tuple[Decimal, str]], rate: Decimal
    ) -> None:
        values = chelm_outline_values()
        values["Budget"] = [
            {
                "line_no": 1,
                "category": "partnership_lump_sum",
                "description": "Ryczałt",
                "year": 2022,
                "amount": Decimal("150000.00"),
                "currency": "EUR",
            },
        ] + [
            {
                "line_no": n,
                "category": "soft",
                "description": "Szkolenia",
                "year": 2022,
                "amount": amount,
                "currency": currency,
            }
            for n, (amount, currency) in enumerate(lines, start=2)
        ]
        total = Decimal("150000.00") + sum(to_eur(a, c, rate) for a, c in lines)
        project = values["Project"]
        assert isinstance(project, dict)
        project.update(total_budget_eur=total, requested_grant_eur=total, co_financing_eur=0)
        programme = make_programme(
            exchange_rates={"2019-11": rate},
            grant_minimum=Decimal("0.01"),
            grant_maximum=Decimal("1e15"),
        )

        result = validate_outline(raw_workbook_from_values(values), programme, STAGE1)

        assert result.report.issues == []
        assert result.outline is not None
        assert sum(line.amount_eur for line in result.outline.budget) == total
        assert all(line.rate == rate for line in result.outline.budget if line.currency == "PLN")
