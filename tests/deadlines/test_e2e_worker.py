"""End to end: real worker and beat processes, Redis, the test database, and a local
webhook receiver. A short deadline expires and its escalation arrives, signed."""

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from standardwebhooks import Webhook

from deadlines.choices import DeadlineKind, DeadlineState, NotificationStatus
from deadlines.models import Deadline, Notification
from deadlines.services import Responsible, deadline_start
from liaison.choices import Channel, ContactRole
from liaison.webhooks import new_webhook_secret
from tests.conftest import service_unavailable
from tests.liaison.factories import ContactFactory
from tests.processes import celery_process, wait_for, worker


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_escalate_an_expired_deadline_to_a_webhook(network, webhook_receiver):
    if not settings.REDIS_URL:
        service_unavailable("REDIS_URL is not set: the end-to-end test needs Redis")
    desk = network["desk_de"]
    secret = new_webhook_secret()
    ContactFactory(
        desk=desk,
        position=0,
        role=ContactRole.PRIMARY,
        name="duty officer",
        channel=Channel.WEBHOOK,
        webhook_url=webhook_receiver.url,
        webhook_secret=secret,
    )
    # An assessment clock whose 48 h run out three seconds from now.
    deadline = deadline_start(
        kind=DeadlineKind.ASSESSMENT,
        subject=desk,
        responsible=Responsible(desk=desk),
        label="TD-E2E assessment",
        start=timezone.now() - timedelta(hours=48) + timedelta(seconds=3),
    )

    with tempfile.TemporaryDirectory() as tmp:
        fast = {"DEADLINE_SWEEP_SECONDS": "1", "NOTIFICATION_SCAN_SECONDS": "2"}
        beat = celery_process(
            "beat", "--loglevel=INFO", "--schedule", str(Path(tmp) / "beat-schedule"), **fast
        )

        def payloads():
            return [
                Webhook(secret).verify(r.body, {k.lower(): v for k, v in r.headers.items()})
                for r in list(webhook_receiver.requests)
            ]

        with worker(**fast), beat:
            wait_for(
                lambda: any(p["type"] == "deadline.escalation" for p in payloads()), timeout=60
            )

    # A reminder comes first if the first sweep ran before the due time; then level 1.
    escalation = payloads()[-1]
    assert (escalation["type"], escalation["level"]) == ("deadline.escalation", 1)
    assert escalation["deadline"]["label"] == "TD-E2E assessment"
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MISSED and deadline.escalation_level == 1
    delivered = Notification.objects.filter(status=NotificationStatus.DELIVERED)
    assert delivered.count() == len(webhook_receiver.requests)
    assert Deadline.objects.count() == 1
