import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from deadlines.choices import NotificationChannel, NotificationStatus
from deadlines.models import Notification
from deadlines.outbox import notification_enqueue
from takedown.core.models import AuditEvent
from tests.conftest import login
from tests.liaison.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_letter():
    notification = notification_enqueue(
        channel=NotificationChannel.WEBHOOK,
        recipient="https://hooks.example.test/x",
        event_type="order.issued",
        payload={},
        dedupe_key="dead-1",
    )
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.DEAD, attempts=8, last_error="HTTP 503"
    )
    return notification


@pytest.fixture
def operator(db):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="operator"))
    return user


def test_operator_sees_dead_letters_and_retries_one(operator, dead_letter):
    client = login(operator)
    page = client.get("/deadlines/outbox/?status=dead")
    assert page.status_code == 200
    assert b"HTTP 503" in page.content and b"hooks.example.test" in page.content
    response = client.post(f"/deadlines/outbox/{dead_letter.pk}/retry/")
    assert response.status_code == 302
    dead_letter.refresh_from_db()
    assert dead_letter.status == NotificationStatus.PENDING and dead_letter.attempts == 0
    assert AuditEvent.objects.filter(action="notification.retried", actor=operator).exists()


def test_officers_cannot_see_the_outbox(actors, dead_letter):
    client = login(actors["owner"])
    assert client.get("/deadlines/outbox/").status_code == 403
    assert client.post(f"/deadlines/outbox/{dead_letter.pk}/retry/").status_code == 403


def test_metrics_report_outbox_and_deadlines(client, dead_letter, settings):
    settings.METRICS_TOKEN = ""
    body = client.get("/metrics").content.decode()
    assert "takedown_outbox_dead_letters 1.0" in body
    assert "takedown_sweep_lag_seconds 0.0" in body
    assert "takedown_outbox_pending 0.0" in body


def test_metrics_token_is_enforced(client, settings, db):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200


def test_metrics_show_sweep_lag_and_overdue_deadlines(client, desk_with_roster, settings):
    from datetime import timedelta

    from deadlines.choices import DeadlineKind
    from deadlines.services import Responsible, deadline_start

    settings.METRICS_TOKEN = ""
    deadline_start(
        kind=DeadlineKind.ASSESSMENT,
        subject=desk_with_roster,
        responsible=Responsible(desk=desk_with_roster),
        label="x",
        start=timezone.now() - timedelta(hours=49),
    )
    body = client.get("/metrics").content.decode()
    lag = float(
        next(
            line for line in body.splitlines() if line.startswith("takedown_sweep_lag_seconds ")
        ).split()[1]
    )
    assert abs(lag - 13 * 3600) < 60  # the warn time (36 h) passed 13 h ago; nobody swept
    assert 'takedown_deadlines_overdue{kind="assessment"} 1.0' in body
