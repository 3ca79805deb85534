"""The test data every layer shares: one Chełm outline, and one that adds up."""

from __future__ import annotations

from decimal import Decimal

from grantflow.domain.outline import LUMP_SUM_CATEGORY
from tests import intake_data
from tests.unit import document_factories


class TestTheChelmOutline:
    def test_intake_store_and_document_tests_speak_of_the_same_chelm(self) -> None:
        assert document_factories.chelm_outline() == intake_data.outline()
        assert intake_data.valid_result().outline == intake_data.outline()

    def test_its_budget_lines_add_up_to_the_total_and_the_grant_plus_co_financing(self) -> None:
        chelm = intake_data.outline()
        lines = sum((line.amount_eur for line in chelm.budget), Decimal(0))
        assert lines == chelm.total_budget_eur == Decimal("2800000.00")
        assert chelm.requested_grant_eur + chelm.co_financing_eur == chelm.total_budget_eur
        (lump_sum,) = (b for b in chelm.budget if b.category == LUMP_SUM_CATEGORY)
        assert lump_sum.amount_eur == Decimal("150000.00")

    def test_another_city_gets_its_own_name_and_teryt_on_the_same_project(self) -> None:
        hrubieszow = intake_data.outline(intake_data.HRUBIESZOW)
        assert (hrubieszow.city_name, hrubieszow.teryt) == ("Hrubieszów", "0604011")
        assert hrubieszow.budget == intake_data.outline().budget
