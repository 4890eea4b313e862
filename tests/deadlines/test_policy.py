from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deadlines import policy
from deadlines.choices import DeadlineKind
from deadlines.policy import AgreementTerms, Calendar, Unit, Window

BERLIN = Calendar(timezone="Europe/Berlin", holiday_calendar="DE", business_days=True)
UTC_PLAIN = Calendar()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("kind", "acute", "expected"),
    [
        (DeadlineKind.ASSESSMENT, False, timedelta(hours=48)),
        (DeadlineKind.ASSESSMENT, True, timedelta(hours=24)),
        (DeadlineKind.ACKNOWLEDGEMENT, False, timedelta(hours=1)),
        (DeadlineKind.REMOVAL, False, timedelta(hours=24)),
        (DeadlineKind.REMOVAL, True, timedelta(hours=24)),
        (DeadlineKind.VERIFICATION, False, timedelta(hours=24)),
        (DeadlineKind.MLA_RESPONSE, True, timedelta(hours=8)),
        (DeadlineKind.FINAL_ORDER, False, timedelta(days=7)),
        (DeadlineKind.FINAL_ORDER, True, timedelta(days=5)),
        (DeadlineKind.MLA_RESPONSE, False, timedelta(days=10)),
    ],
)
def test_default_windows_on_calendar_time(kind, acute, expected):
    start = at("2026-03-02T09:00:00+00:00")  # a Monday
    plan = policy.timeline(kind=kind, acute=acute, start=start, calendar=UTC_PLAIN)
    assert plan.due_at - start == expected
    assert plan.warn_at - start == expected * 0.75
    assert plan.source == "default"


def test_business_days_skip_weekends_and_holidays_in_local_time():
    # Wednesday 23 December 2026, 10:00 in Berlin; 25/26 Dec are holidays in DE,
    # 26/27 Dec a weekend: five business days end on Thursday 31 December.
    start = datetime(2026, 12, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    plan = policy.timeline(kind=DeadlineKind.FINAL_ORDER, acute=True, start=start, calendar=BERLIN)
    local_due = plan.due_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert local_due == datetime(2026, 12, 31, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def test_strictest_valid_agreement_binds():
    start = at("2026-06-01T12:00:00+00:00")
    fast = AgreementTerms(
        name="fast",
        valid_from=date(2026, 1, 1),
        windows={(DeadlineKind.REMOVAL, False): Window(60, Unit.MINUTES)},
    )
    faster_but_expired = AgreementTerms(
        name="expired",
        valid_from=date(2025, 1, 1),
        valid_until=date(2025, 12, 31),
        windows={(DeadlineKind.REMOVAL, False): Window(10, Unit.MINUTES)},
    )
    slower = AgreementTerms(
        name="slower",
        valid_from=date(2026, 1, 1),
        windows={(DeadlineKind.REMOVAL, False): Window(48, Unit.HOURS)},
    )
    plan = policy.timeline(
        kind=DeadlineKind.REMOVAL,
        acute=False,
        start=start,
        calendar=UTC_PLAIN,
        agreements=[slower, faster_but_expired, fast],
    )
    assert (plan.source, plan.due_at - start) == ("fast", timedelta(minutes=60))


def test_agreement_without_an_acute_window_still_binds_acute_cases():
    terms = AgreementTerms(
        name="a",
        valid_from=date(2026, 1, 1),
        windows={(DeadlineKind.ASSESSMENT, False): Window(12, Unit.HOURS)},
    )
    start = at("2026-06-01T12:00:00+00:00")
    plan = policy.timeline(
        kind=DeadlineKind.ASSESSMENT,
        acute=True,
        start=start,
        calendar=UTC_PLAIN,
        agreements=[terms],
    )
    assert plan.due_at - start == timedelta(hours=12)


def test_standing_and_next_check():
    start = at("2026-06-01T00:00:00+00:00")
    warn, due = start + timedelta(hours=18), start + timedelta(hours=24)
    assert policy.standing(state="open", warn_at=warn, due_at=due, now=start) == "on_track"
    assert policy.standing(state="open", warn_at=warn, due_at=due, now=warn) == "at_risk"
    assert policy.standing(state="open", warn_at=warn, due_at=due, now=due) == "overdue"
    assert policy.standing(state="paused", warn_at=warn, due_at=due, now=due) == "paused"
    late = due + timedelta(hours=6)
    assert policy.standing(state="missed", warn_at=warn, due_at=due, now=late) == "overdue"
    stopped = policy.standing(state="missed", warn_at=warn, due_at=due, now=late, stopped_at=late)
    assert stopped == "done"
    interval = timedelta(hours=4)
    common = {"warn_at": warn, "due_at": due, "interval": interval, "rungs": 3}
    assert policy.next_check(state="open", reminded=False, level=0, **common) == warn
    assert policy.next_check(state="open", reminded=True, level=0, **common) == due
    assert policy.next_check(state="missed", reminded=True, level=1, **common) == due + interval
    assert policy.next_check(state="missed", reminded=True, level=3, **common) is None
    assert policy.next_check(state="met", reminded=True, level=0, **common) is None


def test_escalation_levels_due_after_downtime():
    due = at("2026-06-01T00:00:00+00:00")
    kwargs = {"due_at": due, "rungs": 4, "interval": timedelta(hours=4)}
    assert policy.escalation_levels_due(now=due - timedelta(seconds=1), **kwargs) == 0
    assert policy.escalation_levels_due(now=due, **kwargs) == 1
    assert policy.escalation_levels_due(now=due + timedelta(hours=9), **kwargs) == 3
    assert policy.escalation_levels_due(now=due + timedelta(days=3), **kwargs) == 4


# --- Properties -----------------------------------------------------------------------

zones = st.sampled_from(
    [
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Asia/Tokyo",
        "Australia/Lord_Howe",
        "Pacific/Apia",
    ]
)
calendars = st.builds(
    Calendar,
    timezone=zones,
    holiday_calendar=st.sampled_from(["", "DE", "US", "JP", "NL"]),
    business_days=st.booleans(),
)
starts = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)
kinds = st.sampled_from(list(DeadlineKind))


@settings(max_examples=300, deadline=None)
@given(kind=kinds, acute=st.booleans(), start=starts, calendar=calendars)
def test_due_is_never_before_start_and_warn_lies_between(kind, acute, start, calendar):
    plan = policy.timeline(kind=kind, acute=acute, start=start, calendar=calendar)
    assert start <= plan.warn_at <= plan.due_at
    assert plan.due_at.tzinfo is not None


@settings(max_examples=300, deadline=None)
@given(amount=st.integers(1, 15), start=starts, calendar=calendars)
def test_business_day_deadlines_never_land_on_a_weekend_or_holiday(amount, start, calendar):
    calendar = Calendar(calendar.timezone, calendar.holiday_calendar, business_days=True)
    due = policy.add_window(start, Window(amount, Unit.DAYS), calendar)
    local_day = due.astimezone(calendar.zone).date()
    assert calendar.is_business_day(local_day)
    assert due > start


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # 02:30 does not exist on 8 March 2026 in New York: 03:30 EDT, not 01:30 EST.
        (datetime(2026, 3, 7, 2, 30), datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
        # 01:30 happens twice on 1 November 2026: the second time (EST), the later.
        (datetime(2026, 10, 31, 1, 30), datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
    ],
    ids=["skipped wall time", "repeated wall time"],
)
def test_a_day_window_ending_in_a_dst_change_falls_due_at_the_later_reading(start, due):
    calendar = Calendar(timezone="America/New_York")
    begun = start.replace(tzinfo=calendar.zone)
    assert policy.add_window(begun, Window(1, Unit.DAYS), calendar) == due


@settings(max_examples=300, deadline=None)
@given(amount=st.integers(1, 15), start=starts, zone=zones)
def test_day_windows_keep_local_wall_time_across_dst(amount, start, zone):
    calendar = Calendar(timezone=zone)
    due = policy.add_window(start, Window(amount, Unit.DAYS), calendar)
    local_start = start.astimezone(calendar.zone)
    local_due = due.astimezone(calendar.zone)
    assert (local_due.date() - local_start.date()).days == amount
    # The wall time is kept unless DST skipped it; then it is moved forward by the gap
    # only, never back.
    wall = lambda d: d.hour * 60 + d.minute  # noqa: E731
    assert 0 <= wall(local_due) - wall(local_start) <= 60
    # Elapsed time differs from whole days by at most the DST shift.
    assert abs((due - start) - timedelta(days=amount)) <= timedelta(hours=2)


@settings(max_examples=300, deadline=None)
@given(
    start=starts,
    window_hours=st.integers(1, 240),
    paused_after=st.floats(0, 1.5),
    paused_for=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30)),
)
def test_pausing_never_shortens_the_remaining_time(start, window_hours, paused_after, paused_for):
    due = start + timedelta(hours=window_hours)
    pause_at = start + (due - start) * paused_after
    remaining = policy.remaining_at(due_at=due, now=pause_at)
    resume_at = pause_at + paused_for
    warn, new_due = policy.resumed_timeline(
        remaining=remaining, original_start=start, original_due=due, now=resume_at
    )
    assert new_due - resume_at == remaining  # exactly the time that was left
    assert new_due >= due or pause_at >= due  # a pause never brings the deadline forward
    assert resume_at <= warn <= new_due
