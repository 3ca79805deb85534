"""The append-only, hash-chained audit log."""

from __future__ import annotations

import dataclasses
import itertools
import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from grantflow.domain.audit import (
    GENESIS_HASH,
    AuditEntry,
    canonical_json,
    next_entry,
    verify_chain,
)

START = datetime(2020, 12, 7, 9, 30, tzinfo=UTC)


def chelm_log() -> list[AuditEntry]:
    """Chełm's Stage 2 proposal: formal check, a score, the reservation of its lump sum."""
    facts = [
        ("operator:anna.nowak", "transition:accept_formally", "application:17", "", {}),
        (
            "reviewer:R07",
            "score:submit",
            "application:17",
            "",
            {"relevance": Decimal("27"), "quality": Decimal("24.5")},
        ),
        (
            "flow:selection",
            "ledger:reserve",
            "ledger:0662011",
            "Stage 2 proposal selected",
            {"amount_eur": Decimal("150000.00"), "city": "Chełm"},
        ),
        (
            "committee:przewodnicząca",
            "ranking:change",
            "application:21",
            "Hrubieszów moved up: ex aequo, stronger partnership ('łączność' z Ringerike)",
            {"from": "reserve", "to": "selected", "deadline": date(2021, 1, 15)},
        ),
    ]
    log: list[AuditEntry] = []
    for minutes, (actor, action, subject, reason, payload) in enumerate(facts):
        log.append(
            next_entry(
                log[-1] if log else None,
                at=START + timedelta(minutes=minutes),
                actor=actor,
                action=action,
                subject=subject,
                reason=reason,
                payload=payload,
            )
        )
    return log


def as_read_back_from_sqlite(entry: AuditEntry) -> AuditEntry:
    """What a store gives back: payload through JSON text, the time zone forgotten."""
    return dataclasses.replace(
        entry,
        at=entry.at.astimezone(UTC).replace(tzinfo=None),
        payload=json.loads(json.dumps(dict(entry.payload))),
    )


class TestTheChain:
    def test_an_untouched_log_verifies(self) -> None:
        log = chelm_log()
        assert verify_chain(log) is None
        assert [e.seq for e in log] == [1, 2, 3, 4]
        assert log[0].prev_hash == GENESIS_HASH
        assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(log))

    def test_an_empty_log_verifies(self) -> None:
        assert verify_chain([]) is None

    def test_an_edited_amount_is_named_as_the_first_broken_entry(self) -> None:
        log = chelm_log()
        log[2] = dataclasses.replace(log[2], payload={"amount_eur": "160000.00", "city": "Chełm"})
        assert verify_chain(log) == 2

    @pytest.mark.parametrize("field", ["actor", "action", "subject", "reason"])
    def test_editing_any_text_breaks_the_chain(self, field: str) -> None:
        log = chelm_log()
        log[1] = dataclasses.replace(log[1], **{field: "someone else"})
        assert verify_chain(log) == 1

    def test_a_changed_time_breaks_the_chain(self) -> None:
        log = chelm_log()
        log[3] = dataclasses.replace(log[3], at=log[3].at + timedelta(seconds=1))
        assert verify_chain(log) == 3

    def test_an_entry_rehashed_after_editing_breaks_the_next_link(self) -> None:
        log = chelm_log()
        edited = dataclasses.replace(log[1], reason="backdated")
        log[1] = dataclasses.replace(edited, hash=edited.computed_hash())
        assert verify_chain(log) == 2

    def test_a_deleted_entry_is_detected_where_the_gap_is(self) -> None:
        log = chelm_log()
        del log[1]
        assert verify_chain(log) == 1

    def test_swapped_entries_are_detected(self) -> None:
        log = chelm_log()
        log[1], log[2] = log[2], log[1]
        assert verify_chain(log) == 1

    def test_a_log_that_does_not_start_at_the_genesis_is_broken_at_once(self) -> None:
        assert verify_chain(chelm_log()[1:]) == 0


class TestHashesSurviveTheStore:
    def test_decimals_times_and_letters_round_trip_to_the_same_hash(self) -> None:
        for entry in chelm_log():
            read_back = as_read_back_from_sqlite(entry)
            assert read_back.computed_hash() == entry.hash
        assert verify_chain([as_read_back_from_sqlite(e) for e in chelm_log()]) is None

    def test_the_same_instant_in_another_time_zone_hashes_the_same(self) -> None:
        entry = chelm_log()[0]
        warsaw = entry.at.astimezone(timezone(timedelta(hours=1)))
        assert dataclasses.replace(entry, at=warsaw).computed_hash() == entry.hash

    def test_decimals_are_written_as_their_text_with_their_cents(self) -> None:
        assert canonical_json({"amount": Decimal("150000.00")}) == '{"amount":"150000.00"}'

    def test_keys_are_sorted_and_polish_letters_kept(self) -> None:
        assert canonical_json({"ż": 1, "a": "Chełm"}) == '{"a":"Chełm","ż":1}'

    def test_sets_serialise_in_one_order(self) -> None:
        themes = frozenset({"smart_city", "environment_energy", "culture_tourism"})
        assert canonical_json(themes) == ('["culture_tourism","environment_energy","smart_city"]')

    def test_a_float_is_refused_because_money_is_never_a_float(self) -> None:
        with pytest.raises(TypeError, match="float"):
            next_entry(None, at=START, actor="x", action="y", subject="z", payload={"eur": 1.5})

    def test_a_non_finite_decimal_is_refused(self) -> None:
        with pytest.raises(TypeError, match="finite"):
            canonical_json({"eur": Decimal("NaN")})
