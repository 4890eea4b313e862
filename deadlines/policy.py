"""The deadline policy: pure functions, no database, no clock.

Every input (the start, the responsible party's calendar, the agreements in force,
``now``) is an argument, so the same code answers the sweep, the services, the tests
and the operator's ``scan_deadlines --now``.

Rules (DESIGN.md, the table of deadlines):
- hour and minute windows are calendar time (absolute);
- day windows count days in the responsible jurisdiction's timezone, and business days
  (no weekends, no public holidays of its calendar) where that jurisdiction says so;
  the deadline falls at the same local wall-clock time as the start;
- agreements override the defaults; where several apply, the strictest (earliest due)
  binds;
- the warning comes at 75 % of the window;
- a pause keeps the time that was left, and the clock resumes with exactly that.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holiday_calendars

from .choices import DeadlineKind

WARN_FRACTION = 0.75
DEFAULT_ESCALATION_INTERVAL = timedelta(hours=4)


class Unit(enum.StrEnum):
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"


@dataclass(frozen=True)
class Window:
    amount: int
    unit: Unit

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"


DEFAULT_WINDOWS: dict[tuple[DeadlineKind, bool], Window] = {
    # (kind, acute or emergency) -> window
    (DeadlineKind.ASSESSMENT, False): Window(48, Unit.HOURS),
    (DeadlineKind.ASSESSMENT, True): Window(24, Unit.HOURS),
    (DeadlineKind.FINAL_ORDER, False): Window(7, Unit.DAYS),
    (DeadlineKind.FINAL_ORDER, True): Window(5, Unit.DAYS),
    (DeadlineKind.ACKNOWLEDGEMENT, False): Window(1, Unit.HOURS),
    (DeadlineKind.REMOVAL, False): Window(24, Unit.HOURS),
    (DeadlineKind.VERIFICATION, False): Window(24, Unit.HOURS),
    (DeadlineKind.MLA_RESPONSE, False): Window(10, Unit.DAYS),
    (DeadlineKind.MLA_RESPONSE, True): Window(8, Unit.HOURS),
    # A desk that reported the same material waits for the lead desk to let it in.
    (DeadlineKind.JOIN_DECISION, False): Window(24, Unit.HOURS),
    (DeadlineKind.JOIN_DECISION, True): Window(4, Unit.HOURS),
}


def default_window(kind: DeadlineKind, acute: bool) -> Window:
    return DEFAULT_WINDOWS.get((kind, acute)) or DEFAULT_WINDOWS[(kind, False)]


@dataclass(frozen=True)
class Calendar:
    """The responsible party's clock: its timezone, holidays and business-day rule."""

    timezone: str = "UTC"
    holiday_calendar: str = ""
    business_days: bool = False

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_business_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        return not (self.holiday_calendar and day in _holidays(self.holiday_calendar))


@lru_cache(maxsize=64)
def _holidays(code: str) -> holiday_calendars.HolidayBase:
    # Years are filled in lazily as dates are looked up.
    return holiday_calendars.country_holidays(code)


@dataclass(frozen=True)
class AgreementTerms:
    """An agreement's binding windows, as plain values (built from the model)."""

    name: str
    valid_from: date
    valid_until: date | None = None
    windows: dict[tuple[DeadlineKind, bool], Window] = field(default_factory=dict)

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def window(self, kind: DeadlineKind, acute: bool) -> Window | None:
        return self.windows.get((kind, acute)) or self.windows.get((kind, False))


def add_window(start: datetime, window: Window, calendar: Calendar) -> datetime:
    """``start`` plus ``window`` by the rules above; aware datetimes in, UTC out."""
    if window.unit is Unit.MINUTES:
        return (start + timedelta(minutes=window.amount)).astimezone(UTC)
    if window.unit is Unit.HOURS:
        return (start + timedelta(hours=window.amount)).astimezone(UTC)
    local = start.astimezone(calendar.zone)
    day = local.date()
    remaining = window.amount
    while remaining > 0:
        day += timedelta(days=1)
        if not calendar.business_days or calendar.is_business_day(day):
            remaining -= 1
    due_local = _wall_clock(day, local.timetz().replace(tzinfo=None), calendar.zone)
    return max(due_local.astimezone(UTC), start.astimezone(UTC))


def _wall_clock(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """``day`` at ``clock`` in ``zone``; of its two readings (``fold`` 0 and 1, which
    differ only around a DST change) the later. A wall time that DST skips (spring
    forward) so moves forward by the gap (02:30 → 03:30), never back; an ambiguous one
    (fall back) is its second occurrence. A deadline is never earlier than its wall time."""
    naive = datetime.combine(day, clock)
    return max(
        (naive.replace(tzinfo=zone, fold=fold) for fold in (0, 1)),
        key=lambda reading: reading.astimezone(UTC),
    )


@dataclass(frozen=True)
class Timeline:
    window: Window
    source: str  # "default" or the binding agreement's name
    warn_at: datetime
    due_at: datetime


def timeline(
    *,
    kind: DeadlineKind,
    acute: bool,
    start: datetime,
    calendar: Calendar,
    agreements: Iterable[AgreementTerms] = (),
) -> Timeline:
    """Warn and due times for a clock started at ``start``; the strictest valid window binds."""
    candidates = [("default", default_window(kind, acute))]
    day = start.astimezone(calendar.zone).date()
    for agreement in agreements:
        window = agreement.window(kind, acute) if agreement.is_valid_on(day) else None
        if window is not None:
            candidates.append((agreement.name, window))
    due, source, window = min(
        ((add_window(start, window, calendar), source, window) for source, window in candidates),
        key=lambda candidate: candidate[0],
    )
    return Timeline(window=window, source=source, warn_at=warn_time(start, due), due_at=due)


def warn_time(start: datetime, due: datetime) -> datetime:
    return start + (due - start) * WARN_FRACTION


# --- Pauses (clock stops) ---------------------------------------------------------------


def remaining_at(*, due_at: datetime, now: datetime) -> timedelta:
    """Time left when the clock stops; never negative (an overdue clock stops at zero)."""
    return max(due_at - now, timedelta(0))


def resumed_timeline(
    *, remaining: timedelta, original_start: datetime, original_due: datetime, now: datetime
) -> tuple[datetime, datetime]:
    """(warn_at, due_at) after a pause: the remaining time runs again from ``now``; the
    warning keeps its place at 75 % of the original window, but not before ``now``."""
    due = now + remaining
    lead = (original_due - original_start) * (1 - WARN_FRACTION)
    return min(max(due - lead, now), due), due


# --- State and the sweep's schedule -----------------------------------------------------


class Standing(enum.StrEnum):
    """How a running clock stands, for display (never by colour alone)."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    PAUSED = "paused"
    DONE = "done"


def standing(
    *,
    state: str,
    warn_at: datetime,
    due_at: datetime,
    now: datetime,
    stopped_at: datetime | None = None,
) -> Standing:
    if state == "paused":
        return Standing.PAUSED
    # A missed clock met late, or stopped because its case closed, stays "missed" (it
    # counts as such) but is over: done, not overdue by an ever-growing time.
    if state in ("met", "cancelled") or stopped_at is not None:
        return Standing.DONE
    if state == "missed" or now >= due_at:
        return Standing.OVERDUE
    return Standing.AT_RISK if now >= warn_at else Standing.ON_TRACK


def escalation_levels_due(
    *, due_at: datetime, now: datetime, rungs: int, interval: timedelta
) -> int:
    """The highest roster level that should have been told by ``now``: level 1 at the
    due time, one more after each further interval, never more than the roster has."""
    if now < due_at or rungs == 0:
        return 0
    return min(rungs, 1 + math.floor((now - due_at) / interval))


def next_check(
    *,
    state: str,
    warn_at: datetime,
    due_at: datetime,
    reminded: bool,
    level: int,
    rungs: int,
    interval: timedelta,
) -> datetime | None:
    """The next moment the sweep has something to do for a deadline, or None."""
    if state in ("paused", "met", "cancelled"):
        return None
    if state == "open":
        return warn_at if not reminded and warn_at < due_at else due_at
    if level >= rungs:  # missed and the top of the roster has been told
        return None
    return due_at + interval * level


def humanise(delta: timedelta) -> str:
    """A duration as an officer reads it: "2 d 3 h 5 min"."""
    minutes = int(abs(delta.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days} d"] if days else []
    parts += [f"{hours} h"] if hours or days else []
    parts.append(f"{minutes} min")
    return " ".join(parts)
