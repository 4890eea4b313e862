from datetime import date, timedelta

import pytest

from deadlines.choices import DeadlineKind, DeadlineState
from deadlines.models import Deadline
from deadlines.services import (
    Responsible,
    deadline_cancel,
    deadline_meet,
    deadline_pause,
    deadline_resume,
    deadline_start,
)
from liaison.models import Agreement
from takedown.core.errors import InvalidTransition
from takedown.core.models import AuditEvent
from tests.deadlines.conftest import T0

pytestmark = pytest.mark.django_db


def start_removal(platform, *, parties=frozenset(), start=T0):
    return deadline_start(
        kind=DeadlineKind.REMOVAL,
        subject=platform,
        responsible=Responsible(platform=platform),
        label="removal of order X",
        case_id=7,
        parties=parties,
        start=start,
    )


def test_start_creates_a_row_with_policy_times_and_an_audit_event(platform_with_roster):
    deadline = start_removal(platform_with_roster)
    assert deadline.due_at - T0 == timedelta(hours=24)
    assert deadline.warn_at - T0 == timedelta(hours=18)
    assert deadline.next_check_at == deadline.warn_at
    assert deadline.jurisdiction_id == "NL"  # the platform's establishment jurisdiction
    event = AuditEvent.objects.get(action="deadline.started")
    assert event.case_id == 7 and event.data["source"] == "default"


def test_an_agreement_between_the_parties_shortens_the_clock(platform_with_roster, network):
    agreement = Agreement.objects.create(
        name="DE-NL", valid_from=date(2026, 1, 1), removal_minutes=60
    )
    agreement.parties.set([network["de"], network["nl"]])
    deadline = start_removal(platform_with_roster, parties={"DE"})
    assert deadline.due_at - T0 == timedelta(hours=1)
    deadline_cancel(subject=platform_with_roster, reason="next", now=T0)
    # An issuing jurisdiction that is not party to it: the default binds.
    other = start_removal(platform_with_roster, parties={"FR"})
    assert other.due_at - T0 == timedelta(hours=24)


def test_only_one_running_clock_per_subject_and_kind(platform_with_roster):
    from django.db import IntegrityError, transaction

    start_removal(platform_with_roster)
    with pytest.raises(IntegrityError), transaction.atomic():
        start_removal(platform_with_roster)


def test_pause_keeps_the_remaining_time_and_resume_restores_it(platform_with_roster):
    deadline = start_removal(platform_with_roster)
    paused = deadline_pause(deadline=deadline, reason="clarification", now=T0 + timedelta(hours=4))
    assert paused.state == DeadlineState.PAUSED and paused.next_check_at is None
    assert paused.pauses.get().remaining == timedelta(hours=20)
    # A second question while paused does not stop it twice.
    deadline_pause(deadline=deadline, reason="another", now=T0 + timedelta(hours=5))
    assert paused.pauses.count() == 1

    resumed = deadline_resume(deadline=deadline, now=T0 + timedelta(hours=30))
    assert resumed.state == DeadlineState.OPEN
    assert resumed.due_at == T0 + timedelta(hours=50)
    assert resumed.pauses.get().ended_at == T0 + timedelta(hours=30)
    assert resumed.next_check_at == resumed.warn_at == T0 + timedelta(hours=44)
    assert [e.action for e in AuditEvent.objects.order_by("id")][-2:] == [
        "deadline.paused",
        "deadline.resumed",
    ]


def test_only_a_running_clock_pauses(platform_with_roster):
    deadline = start_removal(platform_with_roster)
    deadline_meet(subject=platform_with_roster, kind=DeadlineKind.REMOVAL, now=T0)
    with pytest.raises(InvalidTransition):
        deadline_pause(deadline=deadline, reason="late question", now=T0)


def test_meet_stops_the_clock(platform_with_roster):
    start_removal(platform_with_roster)
    met = deadline_meet(
        subject=platform_with_roster, kind=DeadlineKind.REMOVAL, now=T0 + timedelta(hours=2)
    )
    assert (met.state, met.met_at, met.next_check_at) == (
        DeadlineState.MET,
        T0 + timedelta(hours=2),
        None,
    )
    assert deadline_meet(subject=platform_with_roster, kind=DeadlineKind.REMOVAL, now=T0) is None


def test_meeting_a_missed_clock_records_it_late_and_stops_escalation(platform_with_roster):
    deadline = start_removal(platform_with_roster)
    Deadline.objects.filter(pk=deadline.pk).update(state=DeadlineState.MISSED)
    met = deadline_meet(
        subject=platform_with_roster, kind=DeadlineKind.REMOVAL, now=T0 + timedelta(days=2)
    )
    assert (
        met.state == DeadlineState.MISSED and met.met_at is not None and met.next_check_at is None
    )
    assert AuditEvent.objects.filter(action="deadline.met").get().data["on_time"] is False


def test_cancel_stops_every_running_clock_of_the_subject(platform_with_roster):
    start_removal(platform_with_roster)
    cancelled = deadline_cancel(subject=platform_with_roster, reason="order withdrawn", now=T0)
    assert [d.state for d in cancelled] == [DeadlineState.CANCELLED]
    assert Deadline.objects.get().next_check_at is None
