"""Agreements, final reports, the publication and its charts before any template.

And the final-report intake booking spend and return on fakes.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from grantflow.adapters.documents.charts.bars import bar_chart
from grantflow.domain.errors import LedgerError
from grantflow.domain.final_report import lump_sum_split
from grantflow.domain.ledger import EntryKind, LedgerEntry
from grantflow.domain.lifecycle import State
from grantflow.domain.partners import AgreementOutsideEligibility
from grantflow.services.documents.kinds.agreement import agreement_context, agreement_terms
from grantflow.services.documents.kinds.publication import (
    PUBLICATION,
    LumpSum,
    PublicationDocument,
    publication_document_context,
)
from grantflow.services.final_report import submit_final_report
from grantflow.services.partnership_map import MapLink
from grantflow.services.ports.applications import Application
from grantflow.validation import form as forms
from grantflow.validation.places_file import load_places
from tests.unit.document_factories import chelm_outline
from tests.unit.fakes.unit_of_work import FakeUnitOfWork
from tests.unit.programme_document_factories import (
    AT,
    FINAL_ELIGIBILITY,
    KRISTIANSAND,
    LUMP_SUM,
    PROGRAMME_NAMES,
    SPENT,
    chelm_agreement,
    chelm_final_report,
    programme_publication,
)

FORM = forms.load("outline")


class TestAgreementContext:
    def test_the_partnership_covers_the_themes_and_forms_both_sides_named(self) -> None:
        agreement = chelm_agreement()
        assert agreement.themes == ("environment_energy", "resilience_preparedness")
        assert agreement.involvement_forms == ("knowledge_exchange", "study_visits")

    def test_an_agreement_that_would_end_before_it_begins_is_never_written(self) -> None:
        with pytest.raises(AgreementOutsideEligibility, match="dated 2026-12-02"):
            agreement_terms(
                chelm_outline(),
                KRISTIANSAND,
                number="PART/2026/0001",
                lump_sum_eur=LUMP_SUM,
                final_eligibility=FINAL_ELIGIBILITY,  # 30 April 2024
                city_signatory=chelm_agreement().city_signatory,
                donor_signatory=chelm_agreement().donor_signatory,
                place="Chełm",
                signed_on=date(2026, 12, 2),
            )

    def test_every_label_is_given_in_polish_and_norwegian(self) -> None:
        context = agreement_context(chelm_agreement(), FORM, programme_name=PROGRAMME_NAMES)
        assert context["themes"][1] == {
            "pl": "Odporność i gotowość kryzysowa",
            "nb": "Beredskap og motstandskraft",
        }
        assert (context["donor"]["country_pl"], context["donor"]["country_nb"]) == (
            "Norwegia",
            "Norge",
        )
        assert context["programme"] == {"name": "Rozwój lokalny", "name_nb": "Lokal utvikling"}
        assert context["agreement"]["lump_sum_eur"] == LUMP_SUM

    def test_without_a_shared_form_of_involvement_the_citys_forms_stand(self) -> None:
        donor = dataclasses.replace(KRISTIANSAND, involvement_forms=("advisory",))
        agreement = agreement_terms(
            chelm_outline(),
            donor,
            number="X",
            lump_sum_eur=LUMP_SUM,
            final_eligibility=chelm_agreement().ends_on,
            city_signatory=chelm_agreement().city_signatory,
            donor_signatory=chelm_agreement().donor_signatory,
            place="Chełm",
            signed_on=chelm_agreement().signed_on,
        )
        assert agreement.involvement_forms == ("knowledge_exchange", "study_visits")


class TestFinalReportValue:
    def test_attainment_is_the_achieved_share_of_the_target(self) -> None:
        green, workshops = chelm_final_report().indicators
        assert green.attainment == Decimal("105.6") and green.reached
        assert workshops.attainment == Decimal("80.0") and not workshops.reached
        assert chelm_final_report().indicators_reached == 1

    def test_euro_and_zloty_expenditure_are_never_added_together(self) -> None:
        assert chelm_final_report().expenditure_totals() == {
            "EUR": Decimal("2236250.40"),
            "PLN": Decimal("1250000.00"),
        }

    def test_the_unspent_part_of_the_commitment_is_returned(self) -> None:
        assert lump_sum_split(SPENT, LUMP_SUM) == (SPENT, Decimal("11749.60"))

    def test_spending_more_than_was_committed_is_refused(self) -> None:
        with pytest.raises(LedgerError, match="exceeds"):
            lump_sum_split(Decimal("150000.01"), LUMP_SUM)


class TestPublicationContext:
    def test_applications_are_counted_per_stage_and_state(self) -> None:
        publication = programme_publication()
        assert [(s.stage, s.state, s.count) for s in publication.stages] == [
            (1, "shortlisted", 3),
            (2, "reserve", 1),
            (2, "implementation", 1),
            (2, "final_report_submitted", 1),
        ]
        assert publication.submitted == {1: 3, 2: 3}

    def test_funded_projects_get_a_page_with_their_partner_and_final_report(self) -> None:
        projects = programme_publication().projects
        assert [(p.city_name, p.partner, p.report is not None) for p in projects] == [
            ("Chełm", "Kristiansand kommune", True),
            ("Hrubieszów", "", False),
        ]

    def test_each_project_has_its_lump_sum_agreed_spent_and_returned_from_the_ledger(
        self,
    ) -> None:
        chelm, hrubieszow = programme_publication().projects
        assert chelm.lump_sum == LumpSum(LUMP_SUM, SPENT, LUMP_SUM - SPENT)
        # No partner by the deadline: the reservation went back, nothing was agreed.
        assert hrubieszow.lump_sum == LumpSum(Decimal(0), Decimal(0), LUMP_SUM)

    def test_the_map_places_the_funded_towns_and_the_partner_where_they_lie(self) -> None:
        the_map = programme_publication().map
        assert [(t.name, t.lat, t.lon) for t in the_map.towns] == [
            ("Chełm", Decimal("51.14"), Decimal("23.47")),
            ("Hrubieszów", Decimal("50.81"), Decimal("23.89")),
        ]
        assert [(m.name, m.lat) for m in the_map.municipalities] == [
            ("Kristiansand kommune", Decimal("58.15"))
        ]
        assert the_map.links == (MapLink("Chełm", "Kristiansand kommune", signed=True),)

    def test_a_town_whose_place_is_unknown_is_left_off_the_map_but_not_the_table(
        self,
    ) -> None:
        places = {code: place for code, place in load_places().items() if code != "0662011"}
        publication = programme_publication(places=places)
        assert [t.name for t in publication.map.towns] == ["Hrubieszów"]
        assert publication.map.links == ()
        assert [p.city_name for p in publication.partnerships] == ["Chełm"]

    def test_each_edition_labels_the_activities_forms_in_its_language(self) -> None:
        pl = publication_document_context(programme_publication(), FORM, "pl")
        nb = publication_document_context(programme_publication(), FORM, "nb")
        assert pl["projects"][0]["activities"][0]["form"] == "Wizyty studyjne"
        assert nb["projects"][0]["activities"][0]["form"] == "Studiebesøk"
        assert pl["map"]["links"] == [
            {"town": "Chełm", "municipality": "Kristiansand kommune", "signed": True}
        ]

    def test_lump_sums_come_from_the_ledger_and_reconcile(self) -> None:
        totals = programme_publication().totals
        assert totals.reserved == Decimal("300000.00")
        assert totals.spent == SPENT
        assert totals.returned == Decimal("150000.00") + LUMP_SUM - SPENT
        assert totals.reconciles

    def test_each_edition_labels_themes_in_its_language(self) -> None:
        pl = publication_document_context(programme_publication(), FORM, "pl")
        nb = publication_document_context(programme_publication(), FORM, "nb")
        assert {"label": "Środowisko i energia", "count": 1} in pl["themes"]
        assert {"label": "Entreprenørskap", "count": 1} in nb["themes"]
        assert nb["projects"][0]["summary"].startswith("Folkeparken")
        assert nb["document"]["title"] == "Lokal utvikling: Bilateralt samarbeid"

    def test_there_is_no_english_edition(self) -> None:
        document = PublicationDocument(programme_publication(), FORM)
        with pytest.raises(ValueError, match="exists in pl, nb, not 'en'"):
            PUBLICATION.context(document, "en")


class TestBarChart:
    ITEMS = ({"label": "Chełm & <b>Synowie</b>", "value": 3}, {"label": "Kristiansand", "value": 0})

    def _chart(self) -> str:
        return str(
            bar_chart(self.ITEMS, title="Tytuł <x>", description="Opis & dane", value_text=str)
        )

    def test_the_chart_is_an_image_with_a_title_and_a_description(self) -> None:
        svg = self._chart()
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img"')
        assert "<title id=" in svg and ">Tytuł &lt;x&gt;</title>" in svg
        assert ">Opis &amp; dane</desc>" in svg

    def test_labels_are_escaped_and_the_output_is_stable(self) -> None:
        svg = self._chart()
        assert "Chełm &amp; &lt;b&gt;Synowie&lt;/b&gt;" in svg
        assert svg == self._chart()
        assert 'width="0.0"' in svg  # a zero bar is drawn empty, not omitted


CALL = "stage2-proposal"


def _uow_in_implementation(committed: Decimal = LUMP_SUM) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.committed.applications[4] = Application(
        4, CALL, 2, "0662011", "Chełm", State.IMPLEMENTATION, AT
    )
    uow.committed.ledger.extend(
        [
            LedgerEntry(f"reserve:{CALL}:4", "0662011", EntryKind.RESERVE, LUMP_SUM, AT, call=CALL),
            LedgerEntry(f"commit:{CALL}:4", "0662011", EntryKind.COMMIT, committed, AT, call=CALL),
        ]
    )
    return uow


class TestFinalReportIntake:
    def test_spend_and_return_are_booked_and_the_project_moves_on(self) -> None:
        uow = _uow_in_implementation()
        intake = submit_final_report(
            uow, CALL, 4, chelm_final_report(), version=1, at=AT, actor="operator:anna.nowak"
        )
        assert intake.created
        assert intake.application.state == State.FINAL_REPORT_SUBMITTED
        assert intake.spent is not None and intake.spent.amount == SPENT
        assert intake.returned is not None and intake.returned.amount == Decimal("11749.60")
        kinds = [(e.kind, e.key) for e in uow.committed.ledger[2:]]
        assert kinds == [
            (EntryKind.SPEND, f"spend:{CALL}:4:final-report-v1"),
            (EntryKind.RETURN, f"return:{CALL}:4:final-report-v1"),
        ]

    def test_running_the_intake_again_books_nothing_twice(self) -> None:
        uow = _uow_in_implementation()
        submit_final_report(uow, CALL, 4, chelm_final_report(), version=1, at=AT, actor="a")
        audit_before = len(uow.committed.audit)
        again = submit_final_report(uow, CALL, 4, chelm_final_report(), version=1, at=AT, actor="a")
        assert not again.created
        assert len(uow.committed.ledger) == 4
        assert len(uow.committed.audit) == audit_before

    def test_a_fully_spent_lump_sum_returns_nothing(self) -> None:
        uow = _uow_in_implementation()
        report = chelm_final_report(lump_sum_spent_eur=LUMP_SUM)
        intake = submit_final_report(uow, CALL, 4, report, version=1, at=AT, actor="a")
        assert intake.returned is None
        assert [e.kind for e in uow.committed.ledger] == [
            EntryKind.RESERVE,
            EntryKind.COMMIT,
            EntryKind.SPEND,
        ]

    def test_overspending_is_refused_and_nothing_is_kept(self) -> None:
        uow = _uow_in_implementation(committed=Decimal("100000.00"))
        with pytest.raises(LedgerError):
            submit_final_report(uow, CALL, 4, chelm_final_report(), version=1, at=AT, actor="a")
        assert uow.committed.applications[4].state == State.IMPLEMENTATION
        assert len(uow.committed.ledger) == 2
