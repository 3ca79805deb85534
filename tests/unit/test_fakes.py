"""The in-memory units of work keep the store's transaction promises, whichever tables they hold."""

from __future__ import annotations

from datetime import UTC, datetime

from grantflow.domain.assessment import Reviewer
from tests.unit.fakes.unit_of_work import FakeUnitOfWork

EKSPERTKA = Reviewer("R07", "Agnieszka Żółkiewska", frozenset({"pl", "nb"}))
MOMENT = datetime(2020, 3, 16, 10, 0, tzinfo=UTC)


class TestTransactions:
    def test_a_rolled_back_lifecycle_transaction_forgets_its_writes(self) -> None:
        uow = FakeUnitOfWork()
        with uow:
            uow.reviewers.add(EKSPERTKA)
            uow.rollback()
            assert uow.reviewers.list() == []
            uow.commit()
        with uow:
            assert uow.reviewers.list() == []

    def test_lifecycle_writes_are_published_only_by_commit(self) -> None:
        uow = FakeUnitOfWork()
        with uow:
            uow.reviewers.add(EKSPERTKA)
        with uow:
            assert uow.reviewers.list() == []
            uow.reviewers.add(EKSPERTKA)
            uow.commit()
        assert list(uow.committed.reviewers) == ["R07"]
        assert uow.commits == 1

    def test_the_lifecycle_unit_of_work_is_the_intake_one_with_more_tables(self) -> None:
        uow = FakeUnitOfWork()
        assert isinstance(uow, FakeUnitOfWork)
        with uow:
            chelm = uow.applications.add(
                call_code="stage1-outline",
                stage=1,
                teryt="0662011",
                city_name="Chełm",
                created_at=MOMENT,
            )
            uow.applications.set_state(chelm.id, "formal_check")
            uow.commit()
        assert uow.committed.applications[chelm.id].state == "formal_check"
