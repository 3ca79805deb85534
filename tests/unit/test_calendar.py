"""The operator's calendar: moments given as text, the day they fall on, and the clocks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from grantflow.adapters.clock import FixedClock, SystemClock
from grantflow.domain.deadlines import days_left, has_passed, operator_day, parse_moment
from grantflow.domain.partners import AgreementOutsideEligibility, agreement_period

FINAL_ELIGIBILITY = date(2024, 3, 31)


class TestAMomentGivenAsText:
    def test_a_day_means_its_midday_in_warsaw(self) -> None:
        # 14 June 2021 is summer time in Warsaw (UTC+2).
        assert parse_moment("2021-06-14") == datetime(2021, 6, 14, 10, 0, tzinfo=UTC)

    def test_a_day_falls_on_the_same_date_in_utc_and_in_warsaw(self) -> None:
        for text in ("2019-12-16", "2021-06-14", "2024-03-31"):
            moment = parse_moment(text)
            assert moment.date() == operator_day(moment) == date.fromisoformat(text)

    def test_a_time_without_an_offset_is_warsaw_time(self) -> None:
        # 16 December 2019 is winter time in Warsaw (UTC+1).
        assert parse_moment("2019-12-16T23:30") == datetime(2019, 12, 16, 22, 30, tzinfo=UTC)

    def test_a_time_with_an_offset_keeps_it(self) -> None:
        oslo_summer = timezone(timedelta(hours=2))
        assert parse_moment("2021-06-14T09:30+02:00") == datetime(
            2021, 6, 14, 9, 30, tzinfo=oslo_summer
        )

    @pytest.mark.parametrize("text", ["14.06.2021", "2021-13-01", "jutro", ""])
    def test_anything_else_names_the_accepted_forms(self, text: str) -> None:
        with pytest.raises(ValueError, match=r"is not a date \(2021-06-14\) or a date and time"):
            parse_moment(text)


class TestTheClocks:
    def test_a_fixed_clock_stands_still_and_knows_the_operators_day(self) -> None:
        # 23:30 UTC on 16 December 2019 is already the 17th in Warsaw.
        clock = FixedClock(datetime(2019, 12, 16, 23, 30, tzinfo=UTC))
        assert clock.now() == clock.now() == datetime(2019, 12, 16, 23, 30, tzinfo=UTC)
        assert clock.today() == date(2019, 12, 17)

    def test_a_fixed_clock_refuses_a_moment_without_a_timezone(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            FixedClock(datetime(2021, 6, 14, 12, 0))

    def test_the_system_clock_is_aware_and_moves_on(self) -> None:
        clock = SystemClock()
        first, second = clock.now(), clock.now()
        assert first.tzinfo is not None and second >= first


class TestAnAgreementsPeriod:
    def test_it_runs_from_the_signature_to_the_final_eligibility_date(self) -> None:
        period = agreement_period(date(2021, 6, 14), FINAL_ELIGIBILITY)
        assert (period.starts_on, period.ends_on) == (date(2021, 6, 14), FINAL_ELIGIBILITY)

    def test_one_signed_on_the_final_day_lasts_that_day(self) -> None:
        period = agreement_period(FINAL_ELIGIBILITY, FINAL_ELIGIBILITY)
        assert period.starts_on == period.ends_on

    def test_one_signed_after_the_final_eligibility_date_is_refused(self) -> None:
        with pytest.raises(
            AgreementOutsideEligibility,
            match=r"an agreement dated 2026-12-02 would end before it begins: partnerships "
            r"last until the final eligibility date, 2024-03-31",
        ):
            agreement_period(date(2026, 12, 2), FINAL_ELIGIBILITY)


class TestAReviewDeadline:
    """The Stage 1 experts' scores are due on 29 November 2019 (the operator's day)."""

    DUE = date(2019, 11, 29)

    def test_the_last_day_itself_is_in_time_with_no_day_left(self) -> None:
        evening = datetime(2019, 11, 29, 22, 30, tzinfo=UTC)  # 23:30 in Warsaw
        assert days_left(self.DUE, evening) == 0
        assert not has_passed(self.DUE, evening)

    def test_past_midnight_in_warsaw_it_has_passed_although_utc_is_still_on_the_day(
        self,
    ) -> None:
        after_midnight = datetime(2019, 11, 29, 23, 30, tzinfo=UTC)  # 00:30 on the 30th
        assert days_left(self.DUE, after_midnight) == -1
        assert has_passed(self.DUE, after_midnight)

    def test_the_days_left_count_down_from_the_assignment(self) -> None:
        assert days_left(self.DUE, datetime(2019, 10, 21, 10, 0, tzinfo=UTC)) == 39
