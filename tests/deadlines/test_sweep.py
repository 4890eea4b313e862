import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from deadlines.choices import DeadlineKind, DeadlineState, EscalationKind
from deadlines.models import Deadline, Escalation, Notification
from deadlines.services import Responsible, deadline_start, sweep_due
from takedown.core.models import AuditEvent
from tests.conftest import service_unavailable
from tests.deadlines.conftest import T0
from tests.liaison.factories import AuthorityFactory, ContactFactory, DeskFactory

pytestmark = pytest.mark.django_db


def start(kind, subject, responsible, **kwargs):
    return deadline_start(
        kind=kind,
        subject=subject,
        responsible=responsible,
        label=f"{kind} of subject",
        start=kwargs.pop("start", T0),
        **kwargs,
    )


def test_warn_time_reminds_the_assignee(desk_with_roster, assignee):
    deadline = start(
        DeadlineKind.ASSESSMENT,
        desk_with_roster,
        Responsible(desk=desk_with_roster),
        assignee=assignee,
    )
    assert sweep_due(now=T0 + timedelta(hours=35)).checked == 0  # nothing due yet
    result = sweep_due(now=T0 + timedelta(hours=36))
    assert (result.checked, result.reminders, result.escalations) == (1, 1, 0)
    reminder = Escalation.objects.get()
    assert (reminder.level, reminder.kind, reminder.late_by) == (0, EscalationKind.REMINDER, None)
    notification = Notification.objects.get()
    assert notification.recipient == "assignee@example.org"
    assert "left" in notification.payload["message"]
    deadline.refresh_from_db()
    assert deadline.next_check_at == deadline.due_at


def test_miss_escalates_along_the_desk_roster_up_to_the_supervisor(desk_with_roster):
    deadline = start(DeadlineKind.ASSESSMENT, desk_with_roster, Responsible(desk=desk_with_roster))
    due = deadline.due_at
    for step, expected_level in [(0, 1), (4, 2), (8, 3), (12, 4), (16, 4), (40, 4)]:
        sweep_due(now=due + timedelta(hours=step))
        deadline.refresh_from_db()
        assert deadline.escalation_level == expected_level
    assert deadline.state == DeadlineState.MISSED and deadline.missed_at == due
    assert deadline.next_check_at is None  # the supervisor has been told: nothing more
    levels = list(Escalation.objects.filter(level__gte=1).values_list("level", "contact__name"))
    assert levels == [
        (1, "desk rung 0"),
        (2, "desk rung 1"),
        (3, "desk rung 2"),
        (4, "desk rung 3"),
    ]
    assert AuditEvent.objects.filter(action="deadline.missed").count() == 1
    assert AuditEvent.objects.filter(action="deadline.escalated").count() == 4


def test_platform_clock_escalates_to_point_persons_then_the_regulator(platform_with_roster):
    deadline = start(
        DeadlineKind.ACKNOWLEDGEMENT,
        platform_with_roster,
        Responsible(platform=platform_with_roster),
    )
    sweep_due(now=deadline.warn_at)
    sweep_due(now=deadline.due_at + timedelta(hours=8))
    names = list(Escalation.objects.order_by("level").values_list("level", "contact__name"))
    assert names == [(0, "pp 1"), (1, "pp 1"), (2, "pp 2"), (3, "regulator")]


def test_mla_clock_escalates_along_the_requested_authoritys_desk(network):
    authority = AuthorityFactory(jurisdiction=network["nl"])
    desk = DeskFactory(authority=authority)
    ContactFactory(desk=desk, position=0, name="mla duty")
    deadline = start(DeadlineKind.MLA_RESPONSE, desk, Responsible(authority=authority), acute=True)
    sweep_due(now=deadline.due_at)
    assert Escalation.objects.get(level=1).contact.name == "mla duty"


def test_sweep_twice_acts_once(desk_with_roster):
    deadline = start(DeadlineKind.ASSESSMENT, desk_with_roster, Responsible(desk=desk_with_roster))
    now = deadline.due_at + timedelta(minutes=1)
    first, second = sweep_due(now=now), sweep_due(now=now)
    assert (first.escalations, second.escalations) == (1, 0)
    assert Escalation.objects.count() == 1 and Notification.objects.count() == 1


def test_a_redelivered_sweep_with_a_stale_view_escalates_once(desk_with_roster):
    """The claim is conditional; even past it, Escalation is unique per level."""
    deadline = start(DeadlineKind.ASSESSMENT, desk_with_roster, Responsible(desk=desk_with_roster))
    now = deadline.due_at
    sweep_due(now=now)
    # Simulate a second worker that read the row before the first one's commit.
    Deadline.objects.filter(pk=deadline.pk).update(
        next_check_at=now, escalation_level=0, state=DeadlineState.OPEN
    )
    sweep_due(now=now)
    assert Escalation.objects.filter(level=1).count() == 1
    assert Notification.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_escalate_once(desk_with_roster):
    if connection.vendor != "postgresql":
        service_unavailable("concurrent sweeps need PostgreSQL's row locks")
    deadlines = [
        start(
            DeadlineKind.ASSESSMENT,
            DeskFactory(authority=desk_with_roster.authority),
            Responsible(desk=desk_with_roster),
        )
        for _ in range(20)
    ]
    now = deadlines[0].due_at + timedelta(minutes=1)
    results, barrier = [], threading.Barrier(4)

    def run():
        barrier.wait()
        try:
            results.append(sweep_due(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.escalations for r in results) == 20
    assert Escalation.objects.count() == 20 and Notification.objects.count() == 20


def test_catch_up_after_downtime_oldest_first_and_says_it_is_late(desk_with_roster):
    older = start(
        DeadlineKind.ASSESSMENT,
        desk_with_roster,
        Responsible(desk=desk_with_roster),
        start=T0 - timedelta(hours=2),
    )
    newer = start(
        DeadlineKind.ASSESSMENT,
        DeskFactory(authority=desk_with_roster.authority),
        Responsible(desk=desk_with_roster),
    )
    # The worker was down for ten hours past both due times.
    now = newer.due_at + timedelta(hours=10, minutes=30)
    result = sweep_due(now=now)
    assert result.escalations == 7  # levels 1-4 of the older (12 h late), 1-3 of the newer
    first = Escalation.objects.order_by("id").first()
    assert first.deadline_id == older.id  # oldest first
    for escalation in Escalation.objects.filter(level__gte=1):
        assert escalation.late_by is not None and "late" in escalation.note
        assert escalation.notifications.get().payload["late"] is True
    # The reminder time also passed during the outage, but it is not sent after the due time.
    assert not Escalation.objects.filter(level=0).exists()


def test_a_failing_row_does_not_stall_the_sweep(desk_with_roster, monkeypatch):
    bad = start(DeadlineKind.ASSESSMENT, desk_with_roster, Responsible(desk=desk_with_roster))
    good = start(
        DeadlineKind.ASSESSMENT,
        DeskFactory(authority=desk_with_roster.authority),
        Responsible(desk=desk_with_roster),
    )
    from deadlines import services

    original = services._plan

    def explode(deadline, now, roster, done):
        if deadline.pk == bad.pk:
            raise RuntimeError("boom")
        return original(deadline, now, roster, done)

    monkeypatch.setattr(services, "_plan", explode)
    now = good.due_at
    result = sweep_due(now=now)
    assert (result.failed, result.escalations) == (1, 1)
    bad.refresh_from_db()
    assert bad.next_check_at == now + services.RETRY_AFTER_FAILURE


def test_scan_deadlines_dry_run_writes_nothing(desk_with_roster, capsys):
    deadline = start(DeadlineKind.ASSESSMENT, desk_with_roster, Responsible(desk=desk_with_roster))
    before = (AuditEvent.objects.count(), Deadline.objects.get().next_check_at)
    call_command("scan_deadlines", now=deadline.due_at.isoformat(), dry_run=True)
    out = capsys.readouterr().out
    assert "would escalate level 1 to desk rung 0" in out
    assert (AuditEvent.objects.count(), Deadline.objects.get().next_check_at) == before
    assert not Escalation.objects.exists() and not Notification.objects.exists()

    call_command("scan_deadlines", now=deadline.due_at.isoformat())
    assert Escalation.objects.count() == 1
    assert "1 escalations" in capsys.readouterr().out


def test_scan_deadlines_refuses_a_naive_time():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="offset"):
        call_command("scan_deadlines", now="2026-06-01T10:00:00")


# --- Set-based: cost per batch, not per deadline ------------------------------------------


def many_due(desk, count):
    """``count`` deadlines of one desk's roster, all due at the same moment."""
    return [
        start(
            DeadlineKind.ASSESSMENT, DeskFactory(authority=desk.authority), Responsible(desk=desk)
        )
        for _ in range(count)
    ]


@pytest.mark.django_db(transaction=True)  # the sweep's own transactions, as in production
def test_a_batch_costs_the_same_statements_for_five_deadlines_or_forty(desk_with_roster):
    """Claim, read, and write escalations, notifications, deadlines and the audit chain
    once per batch: forty due deadlines take the statements of five."""
    from django.test.utils import CaptureQueriesContext

    counts = []
    for count in (5, 40):
        deadlines = many_due(desk_with_roster, count)
        with CaptureQueriesContext(connection) as captured:
            result = sweep_due(now=deadlines[0].due_at + timedelta(minutes=1))
        assert result.escalations == count
        counts.append(len(captured.captured_queries))
    # (SQLite splits an insert of many rows to stay under its parameter limit: a
    # statement or two more; per deadline it would be hundreds.)
    assert counts[1] - counts[0] <= 2, counts
    assert Escalation.objects.count() == Notification.objects.count() == 45


@pytest.mark.django_db(transaction=True)
def test_a_swept_batch_chains_its_audit_events_and_an_edit_is_caught(desk_with_roster):
    from django.db import transaction

    from takedown.core.audit import verify_chain

    deadlines = many_due(desk_with_roster, 12)
    sweep_due(now=deadlines[0].due_at + timedelta(minutes=1))
    swept = AuditEvent.objects.filter(action__in=["deadline.missed", "deadline.escalated"])
    assert swept.count() == 24
    checked, broken = verify_chain()
    assert broken is None and checked == AuditEvent.objects.count()
    victim = swept.order_by("id")[7]  # in the middle of the batch's one append
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # past the append-only trigger, as an intruder
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"level": 9}', victim.pk]
        )
    _checked, broken = verify_chain()
    assert broken is not None and broken.event_id == victim.pk


def test_a_row_that_cannot_be_written_is_isolated_and_the_batch_commits(
    desk_with_roster, monkeypatch
):
    """A write that fails for one row (here: made to) is retried in halves down to that
    row, which is pushed forward; the others are written, once."""
    from deadlines import services

    deadlines = many_due(desk_with_roster, 9)
    bad = deadlines[4]
    original = services._write_all

    def refuse_bad(plans, now):
        if any(plan.deadline.pk == bad.pk for plan in plans):
            raise RuntimeError("cannot write this one")
        return original(plans, now)

    monkeypatch.setattr(services, "_write_all", refuse_bad)
    now = deadlines[0].due_at + timedelta(minutes=1)
    result = sweep_due(now=now)
    assert (result.checked, result.failed, result.escalations) == (8, 1, 8)
    assert not Escalation.objects.filter(deadline=bad).exists()
    assert Escalation.objects.count() == Notification.objects.count() == 8
    bad.refresh_from_db()
    assert (
        bad.state == DeadlineState.OPEN and bad.next_check_at == now + services.RETRY_AFTER_FAILURE
    )
    from takedown.core.audit import verify_chain

    assert verify_chain()[1] is None


SWEEPER = """
import os, sys, time
import django

django.setup()
from datetime import datetime
from deadlines import services

services.SWEEP_BATCH = 5  # many small batches, so the sweepers interleave
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
result = services.sweep_due(now=datetime.fromisoformat(sys.argv[2]))
print(result.checked, result.escalations, result.failed)
"""


@pytest.mark.django_db(transaction=True)
def test_sweepers_in_separate_processes_act_once_on_each_deadline(desk_with_roster, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    from takedown.core.audit import verify_chain

    if connection.vendor != "postgresql":
        service_unavailable("concurrent sweepers in processes need PostgreSQL")
    deadlines = many_due(desk_with_roster, 60)
    now = deadlines[0].due_at + timedelta(minutes=1)
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "takedown.settings.test",
    }
    go = tmp_path / "go"
    sweepers = [
        subprocess.Popen(
            [sys.executable, "-c", SWEEPER, str(go), now.isoformat()],
            env=env,
            cwd=Path(__file__).resolve().parents[2],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    go.touch()  # all three start sweeping at once
    outputs = [sweeper.communicate(timeout=120)[0] for sweeper in sweepers]
    assert all(sweeper.returncode == 0 for sweeper in sweepers), outputs
    counts = [tuple(map(int, output.split())) for output in outputs]
    assert sum(checked for checked, _e, _f in counts) == 60
    assert sum(escalations for _c, escalations, _f in counts) == 60
    assert Escalation.objects.count() == Notification.objects.count() == 60
    assert verify_chain()[1] is None


def test_the_task_sweeps_everything_due_in_batches_until_its_budget(desk_with_roster, monkeypatch):
    from deadlines import services, tasks

    monkeypatch.setattr(services, "SWEEP_BATCH", 2)
    deadlines = many_due(desk_with_roster, 5)
    now = deadlines[0].due_at + timedelta(minutes=1)
    assert sweep_due(now=now, budget_seconds=0).checked == 0  # no batch started
    monkeypatch.setattr(tasks.timezone, "now", lambda: now)
    assert tasks.sweep_deadlines() == {"checked": 5, "escalations": 5}  # three batches
    assert not Deadline.objects.filter(next_check_at__lte=now).exists()


def test_the_sweeps_messages_go_to_one_delivery_task_per_hundred(
    desk_with_roster, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core import mail

    from deadlines import tasks

    handed = []
    monkeypatch.setattr(
        tasks.deliver_notifications,
        "delay",
        lambda ids: handed.append(ids) or tasks.deliver_notifications(ids),
    )
    deadlines = many_due(desk_with_roster, 3)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_due(now=deadlines[0].due_at + timedelta(minutes=1))
    assert [len(ids) for ids in handed] == [3]  # one task for the batch's three messages
    assert set(Notification.objects.values_list("status", flat=True)) == {"delivered"}
    assert len(mail.outbox) == 3
