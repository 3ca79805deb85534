"""The programme's documents from the store (in memory): which documents, what each says.

The story: Chełm, Hrubieszów and Konin apply to Stage 2; Hrubieszów (85)
and Chełm (81) are selected, Konin (71) goes on the reserve list; Kristiansand
kommune partners with one of the selected, the other is left without a
partner; the partnered project reports EUR 138 250.40 spent of EUR 150 000.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from grantflow.adapters.assignment import ScipyAssignmentSolver
from grantflow.adapters.clock import FixedClock
from grantflow.domain.errors import NotFound
from grantflow.domain.lifecycle import Action, Stage
from grantflow.domain.ranking import CommitteeChange, Decision
from grantflow.services import lifecycle, partnership, selection
from grantflow.services.documents.generation import Selection, programme_requests
from grantflow.services.documents.kinds.decision import letter_decision
from grantflow.services.documents.recording import StoreDocumentLog, record_documents
from grantflow.services.documents.registry import DOCUMENT_KINDS, UnknownDocumentKind
from grantflow.services.documents.rendering import GeneratedDocument, RenderRequest
from grantflow.services.final_report import submit_final_report
from grantflow.services.ports.final_reports import NewFinalReport
from grantflow.validation import form as forms
from grantflow.validation.report import FileReport
from tests.intake_data import outline
from tests.unit.factories import STAGE2
from tests.unit.fakes.unit_of_work import FakeUnitOfWork
from tests.unit.programme_document_factories import SPENT, chelm_final_report
from tests.unit.test_lifecycle_services import (
    AT,
    CITIES,
    LUMP_SUM,
    OPERATOR,
    PROGRAMME,
    assess_everything,
    populate_stage2,
)

FORM = forms.load("outline")
FOLDER = Path("/srv/grantflow/documents")
ISSUED = datetime(2024, 6, 30, tzinfo=UTC).date()
REPORTED = AT + timedelta(days=1200)


@dataclasses.dataclass(frozen=True)
class Story:
    uow: FakeUnitOfWork
    partnered: int  # the application Kristiansand partners with
    alone: int  # the selected one left without a partner


def decided(*, approved: bool = True, changes: Sequence[CommitteeChange] = ()) -> FakeUnitOfWork:
    """The three proposals ranked, and with ``approved`` decided by the committee."""
    uow = FakeUnitOfWork()
    populate_stage2(uow)
    assess_everything(uow)
    selection.propose_ranking(uow, STAGE2, PROGRAMME, at=AT, actor=OPERATOR)
    if approved:
        selection.approve_ranking(uow, STAGE2, changes, at=AT, actor="committee")
    return uow


def story(*, approved: bool = True, reported: bool = True) -> Story:
    uow = decided(approved=approved)
    if not approved:
        return Story(uow, 0, 0)
    solver = ScipyAssignmentSolver()
    (proposal,) = partnership.reconcile_partner_search(uow, STAGE2, solver, at=AT, actor=OPERATOR)
    partnered = proposal.city.application_id
    partnership.confirm_partner(uow, partnered, "NO-4204", PROGRAMME, at=AT, actor=OPERATOR)
    partnership.sign_agreement(
        uow, STAGE2, partnered, PROGRAMME, at=AT, actor=OPERATOR, today=AT.date()
    )
    (alone,) = partnership.close_partner_search(uow, STAGE2, at=AT, actor=OPERATOR)
    if reported:
        lifecycle.apply(uow, partnered, Action.START_IMPLEMENTATION, at=AT, actor=OPERATOR)
        application = uow.committed.applications[partnered]
        report = chelm_final_report(city_name=application.city_name, teryt=application.teryt)
        submit_final_report(
            uow, STAGE2, partnered, report, version=1, at=REPORTED, actor=application.city_name
        )
        with uow:
            uow.final_reports.add(
                NewFinalReport(
                    application_id=partnered,
                    version_no=1,
                    file_name="raport.xlsx",
                    sha256="f" * 64,
                    stored_path="uploads/ff/raport.xlsx",
                    size=1,
                    report=FileReport(file="raport.xlsx"),
                    final_report=report,
                    submitted_by=application.city_name,
                    submitted_at=REPORTED,
                )
            )
            uow.commit()
    return Story(uow, partnered, alone)


def requests_of(uow: FakeUnitOfWork, **selection_fields: Any) -> list[RenderRequest]:
    return programme_requests(
        uow,
        programme=PROGRAMME,
        form=FORM,
        folder=FOLDER,
        selection=Selection(**selection_fields),
        issued=ISSUED,
    )


class TestWhichDocuments:
    def test_every_document_of_the_programme_in_each_of_its_formats(self) -> None:
        s = story()
        requests = requests_of(s.uow)
        files = sorted(r.target.relative_to(FOLDER).as_posix() for r in requests)
        city = {1: "chelm", 2: "hrubieszow", 3: "konin"}[s.partnered]
        per_application = [
            f"{kind}/{STAGE2}/{name}.{fmt}"
            for kind in ("application", "decision")
            for name in ("chelm", "hrubieszow", "konin")
            for fmt in ("docx", "pdf")
        ]
        partnered = [
            f"{kind}/{STAGE2}/{city}.{fmt}"
            for kind in ("agreement", "final_report")
            for fmt in ("docx", "pdf")
        ]
        publication = [
            f"publication/publication-{lang}.{fmt}"
            for lang in ("pl", "nb")
            for fmt in ("docx", "pdf")
        ]
        assert files == sorted(per_application + partnered + publication)
        assert {r.application_id for r in requests if r.kind == "publication"} == {None}
        assert {r.application_id for r in requests if r.kind == "agreement"} == {s.partnered}

    def test_one_application_gives_its_own_documents_and_never_the_publication(self) -> None:
        s = story()
        requests = requests_of(s.uow, application_id=s.partnered, fmt="pdf")
        assert sorted(r.kind for r in requests) == [
            "agreement",
            "application",
            "decision",
            "final_report",
        ]
        assert {r.application_id for r in requests} == {s.partnered}

    def test_the_norwegian_language_leaves_only_the_norwegian_publication(self) -> None:
        requests = requests_of(story().uow, lang="nb")
        assert [(r.kind, r.lang, r.fmt) for r in requests] == [
            ("publication", "nb", "docx"),
            ("publication", "nb", "pdf"),
        ]

    def test_an_unknown_application_is_not_found(self) -> None:
        with pytest.raises(NotFound, match="no application 99"):
            requests_of(story(reported=False).uow, application_id=99)

    def test_a_ranking_only_proposed_gives_no_decision_letter(self) -> None:
        requests = requests_of(story(approved=False).uow, kinds=("decision", "agreement"))
        assert requests == []

    def test_the_decision_letter_takes_its_calls_terms_and_is_addressed_to_the_citys_contact(
        self,
    ) -> None:
        s = story()
        (letter,) = requests_of(s.uow, application_id=s.partnered, kinds=("decision",), fmt="pdf")
        terms = PROGRAMME.call(STAGE2).letters
        assert letter.context["letter"]["case_reference"] == terms.case_number(s.partnered)
        assert letter.context["letter"]["signatory_name"] == terms.signatory_name
        assert letter.context["addressee"]["contact_email"] == outline().contact_email

    def test_the_agreement_is_signed_for_the_city_by_the_representative_its_outline_names(
        self,
    ) -> None:
        s = story()
        (agreement,) = requests_of(
            s.uow, application_id=s.partnered, kinds=("agreement",), fmt="pdf"
        )
        signatories = agreement.context["signatories"]
        assert (signatories["city_name"], signatories["city_position"]) == (
            "Jakub Banaszek",
            "Prezydent Miasta Chełm",
        )
        # The donor pool does not say who signs for Kristiansand: a line to sign on.
        assert (signatories["donor_name"], signatories["donor_position"]) == ("", "")

    def test_by_default_every_kind_of_the_registry_is_made(self) -> None:
        kinds = [r.kind for r in requests_of(story().uow)]
        assert list(dict.fromkeys(kinds)) == list(DOCUMENT_KINDS.codes)

    @pytest.mark.parametrize("application_id", [None, 1])
    def test_a_kind_the_registry_lacks_is_an_error_never_a_publication(
        self, application_id: int | None
    ) -> None:
        with pytest.raises(UnknownDocumentKind, match="no document kind 'certificate'"):
            requests_of(story().uow, kinds=("certificate",), application_id=application_id)

    def test_generating_again_from_the_same_store_gives_the_same_requests(self) -> None:
        s = story()
        first = requests_of(s.uow, kinds=("application", "decision", "agreement", "final_report"))
        again = requests_of(s.uow, kinds=("application", "decision", "agreement", "final_report"))
        assert first == again


def letters_of(uow: FakeUnitOfWork) -> dict[int | None, Any]:
    requests = requests_of(uow, kinds=("decision",), fmt="pdf")
    return {r.application_id: r.context["decision"] for r in requests}


class TestWhatTheySay:
    def test_a_decision_letter_states_the_decision_and_the_rankings_reason(self) -> None:
        letters = letters_of(story(reported=False).uow)
        chelm, konin = letters[1], letters[3]
        assert (chelm["code"], chelm["score"], chelm["rank"]) == ("selected", 81, 2)
        assert (chelm["reason"], chelm["stage"], chelm["justification"]) == (
            "within_selected_count",
            2,
            "",
        )
        assert (chelm["max_score"], chelm["pass_mark"]) == (PROGRAMME.max_score, 60)
        assert chelm["decided_on"] == AT.date()
        assert (konin["code"], konin["rank"], konin["reason"]) == ("reserve", 3, "reserve_list")

    def test_a_committee_change_is_explained_by_the_committees_own_words(self) -> None:
        why = "Komitet uznał, że budżet Konina jest zawyżony o 12 %."
        konin = letters_of(decided(changes=[CommitteeChange(3, Decision.REJECTED, why)]))[3]
        assert (konin["code"], konin["reason"], konin["justification"]) == (
            "rejected",
            "committee_change",
            why,
        )

    def test_a_city_moved_up_from_the_reserve_list_is_told_so(self) -> None:
        uow = decided()
        selection.withdraw(uow, 2, at=AT, actor="city:Hrubieszów", reason="rada miasta")
        letters = letters_of(uow)
        assert (letters[3]["code"], letters[3]["reason"]) == ("selected", "moved_up")
        assert 2 not in letters  # a withdrawn city gets no letter

    def test_the_agreement_keeps_the_committed_lump_sum_after_the_closing_return(self) -> None:
        s = story()
        (agreement,) = requests_of(s.uow, kinds=("agreement",), fmt="pdf")
        terms = agreement.context["agreement"]
        assert terms["lump_sum_eur"] == LUMP_SUM
        assert terms["number"] == f"PART/{AT.year}/{s.partnered:04d}"
        assert terms["signed_on"] == AT.date()
        assert agreement.context["donor"]["name"] == "Kristiansand kommune"
        assert agreement.context["city"]["name"] == CITIES[s.partnered - 1][0]

    def test_the_final_report_shows_what_was_spent_and_what_returns(self) -> None:
        s = story()
        (document,) = requests_of(s.uow, kinds=("final_report",), fmt="docx")
        lump_sum = document.context["lump_sum"]
        assert (lump_sum["committed_eur"], lump_sum["spent_eur"]) == (LUMP_SUM, SPENT)
        assert lump_sum["returned_eur"] == LUMP_SUM - SPENT
        assert document.context["report"]["partner"] == "Kristiansand kommune"
        assert document.issued == REPORTED.date()

    def test_the_publication_counts_the_funded_projects_and_the_lump_sums(self) -> None:
        s = story()
        pl = next(r for r in requests_of(s.uow, kinds=("publication",)) if r.lang == "pl")
        assert pl.context["submitted"] == {"outlines": 0, "proposals": 3, "funded": 2}
        rows = {row["code"]: row["amount"] for row in pl.context["lump_sums"]["rows"]}
        assert rows["spent"] == SPENT
        assert rows["returned"] == LUMP_SUM + LUMP_SUM - SPENT  # no partner, and the unspent part
        assert pl.issued == ISSUED

    def test_a_stage_1_selection_is_a_shortlisting(self) -> None:
        assert letter_decision(Stage.OUTLINE, Decision.SELECTED) == "shortlisted"
        assert letter_decision(Stage.PROPOSAL, Decision.SELECTED) == "selected"
        assert letter_decision(Stage.OUTLINE, Decision.REJECTED) == "rejected"


def _generated(path: Path, sha: str, application_id: int | None = 1) -> GeneratedDocument:
    return GeneratedDocument(path, "decision", "pl", "pdf", sha, 12_345, application_id)


class TestRecording:
    def test_each_file_is_recorded_once_with_its_path_inside_the_home(self) -> None:
        uow = FakeUnitOfWork()
        home = Path("/srv/grantflow")
        batch = [
            _generated(home / "documents/decision/chelm.pdf", "a" * 64),
            _generated(home / "documents/publication/publication-pl.pdf", "b" * 64, None),
        ]
        assert record_documents(uow, batch, home=home, at=AT) == 2
        assert record_documents(uow, batch, home=home, at=AT + timedelta(hours=1)) == 0
        changed = [_generated(home / "documents/decision/chelm.pdf", "c" * 64)]
        assert record_documents(uow, changed, home=home, at=AT) == 1
        with uow:
            stored = uow.documents.list()
        assert [(d.path, d.sha256[0], d.generated_at) for d in stored] == [
            ("documents/decision/chelm.pdf", "a", AT),
            ("documents/publication/publication-pl.pdf", "b", AT),
            ("documents/decision/chelm.pdf", "c", AT),
        ]

    def test_a_file_of_a_kind_the_registry_lacks_is_refused_and_nothing_is_kept(self) -> None:
        uow = FakeUnitOfWork()
        home = Path("/srv/grantflow")
        decision = _generated(home / "documents/decision/chelm.pdf", "a" * 64)
        certificate = dataclasses.replace(decision, kind="certificate", sha256="e" * 64)
        with pytest.raises(UnknownDocumentKind, match="certificate"):
            record_documents(uow, [decision, certificate], home=home, at=AT)
        with uow:
            assert uow.documents.list() == []

    def test_a_file_written_outside_the_home_keeps_its_absolute_path(self) -> None:
        uow = FakeUnitOfWork()
        log = StoreDocumentLog(uow, Path("/srv/grantflow"), clock=FixedClock(AT))
        log.record([_generated(Path("/tmp/podglad/chelm.pdf"), "d" * 64)])
        with uow:
            (stored,) = uow.documents.list(application_id=1)
        assert (stored.path, log.new) == ("/tmp/podglad/chelm.pdf", 1)
