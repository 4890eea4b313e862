import json
import random
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from standardwebhooks import Webhook

from deadlines.choices import NotificationChannel, NotificationStatus
from deadlines.models import DeliveryAttempt, Notification
from deadlines.outbox import (
    backoff,
    iso_utc,
    notification_deliver,
    notification_enqueue,
    notification_retry,
    notifications_deliver,
    notify_platform,
)
from liaison.webhooks import new_webhook_secret, webhook_refusal
from takedown.core.models import AuditEvent
from tests.conftest import service_unavailable
from tests.liaison.factories import PlatformFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(webhook_receiver):
    return PlatformFactory(webhook_url=webhook_receiver.url, webhook_secret=new_webhook_secret())


def test_webhook_is_signed_per_standard_webhooks(platform, webhook_receiver):
    now = timezone.now()
    notification = notify_platform(
        platform=platform, event_type="order.issued", payload={"order": 1}, dedupe_key="o1", now=now
    )
    assert notification_deliver(notification_id=notification.pk, now=now).ok
    (received,) = webhook_receiver.requests
    headers = {k.lower(): v for k, v in received.headers.items()}
    assert headers["webhook-id"] == f"msg_{notification.pk}"
    # The receiver's side: the standardwebhooks package verifies it with the shared secret.
    body = Webhook(platform.webhook_secret).verify(received.body, headers)
    assert body == {"type": "order.issued", "timestamp": iso_utc(now), "data": {"order": 1}}
    with pytest.raises(Exception, match="signature"):
        Webhook(new_webhook_secret()).verify(received.body, headers)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.DELIVERED and notification.attempts == 1


def test_failures_retry_with_backoff_then_succeed(platform, webhook_receiver):
    webhook_receiver.fail_next = 2
    now = timezone.now()
    notification = notify_platform(
        platform=platform, event_type="order.issued", payload={}, dedupe_key="o2", now=now
    )
    outcome = notification_deliver(notification_id=notification.pk, now=now)
    assert not outcome.ok and outcome.status_code == 503
    notification.refresh_from_db()
    first_retry = notification.next_attempt_at
    assert timedelta(seconds=24) <= first_retry - now <= timedelta(seconds=36)
    # Not due yet: nothing happens.
    assert notification_deliver(notification_id=notification.pk, now=now) is None
    notification_deliver(notification_id=notification.pk, now=first_retry)
    notification.refresh_from_db()
    assert notification.next_attempt_at - first_retry >= timedelta(seconds=48)
    assert notification_deliver(
        notification_id=notification.pk, now=notification.next_attempt_at
    ).ok
    attempts = list(DeliveryAttempt.objects.values_list("succeeded", "status_code"))
    assert attempts == [(False, 503), (False, 503), (True, 204)]
    # Every attempt carried the same message id, so the receiver can drop duplicates.
    assert len({r.headers["webhook-id"] for r in webhook_receiver.requests}) == 1


def test_dead_letter_after_max_attempts_and_operator_retry(platform, webhook_receiver, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    webhook_receiver.fail_next = 10
    now = timezone.now()
    notification = notify_platform(
        platform=platform, event_type="order.issued", payload={}, dedupe_key="o3", now=now
    )
    for _ in range(3):
        notification_deliver(notification_id=notification.pk, now=now + timedelta(days=1))
        now += timedelta(days=1)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.DEAD
    assert "503" in notification.last_error
    assert AuditEvent.objects.filter(action="notification.dead_lettered").exists()

    webhook_receiver.fail_next = 0
    operator = UserFactory()
    notification_retry(notification=notification, actor=operator, now=now)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.PENDING, 0)
    assert notification_deliver(notification_id=notification.pk, now=now).ok


def test_unreachable_receiver_is_recorded_not_raised(platform):
    platform.webhook_url = "http://127.0.0.1:9/closed"
    platform.save()
    now = timezone.now()
    notification = notify_platform(
        platform=platform, event_type="x", payload={}, dedupe_key="o4", now=now
    )
    outcome = notification_deliver(notification_id=notification.pk, now=now)
    assert not outcome.ok and "ConnectionError" in outcome.error
    assert Notification.objects.get().status == NotificationStatus.PENDING


def test_production_refuses_receivers_inside_the_network_and_nothing_is_sent(
    platform, webhook_receiver, settings
):
    """A receiver on loopback (the real local server here) stands for the deployment's
    own network: with private addresses refused, the worker never calls it."""
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    now = timezone.now()
    notification = notify_platform(
        platform=platform, event_type="order.issued", payload={}, dedupe_key="o5", now=now
    )
    outcome = notification_deliver(notification_id=notification.pk, now=now)
    assert not outcome.ok
    assert outcome.error == "127.0.0.1 resolves to 127.0.0.1, which is not a public address."
    assert webhook_receiver.requests == []
    assert DeliveryAttempt.objects.get(notification=notification).error == outcome.error

    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # as in development: delivered
    later = now + timedelta(hours=1)
    assert notification_deliver(notification_id=notification.pk, now=later).ok
    assert len(webhook_receiver.requests) == 1


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fe80::1]/hook",
        "https://100.64.0.1/hook",
    ],
)
def test_non_public_receivers_are_refused(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assert "not a public address" in webhook_refusal(url)


def test_webhook_urls_need_https_a_host_and_the_allow_list(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    public = "https://93.184.215.14/hook"  # an address literal: nothing is resolved
    assert webhook_refusal(public) is None
    settings.WEBHOOK_ALLOW_HTTP = False
    assert webhook_refusal("http://93.184.215.14/hook") == "Webhook URLs must use https."
    assert webhook_refusal("ftp://93.184.215.14/hook") == "Webhook URLs must use https."
    assert webhook_refusal("https:///hook") == "The webhook URL has no host."
    assert webhook_refusal("https://receiver.invalid/hook") == "receiver.invalid does not resolve."

    settings.WEBHOOK_ALLOWED_HOSTS = ["hooks.example.org"]
    assert webhook_refusal("https://hooks.example.org.attacker.test/x") == (
        "hooks.example.org.attacker.test is not in WEBHOOK_ALLOWED_HOSTS."
    )
    assert "not in WEBHOOK_ALLOWED_HOSTS" in webhook_refusal(public)
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the allow-list alone, no lookup
    assert webhook_refusal("https://eu.hooks.example.org/x") is None
    assert webhook_refusal("https://hooks.example.org/x") is None


def test_email_goes_through_djangos_backend():
    now = timezone.now()
    notification = notification_enqueue(
        channel=NotificationChannel.EMAIL,
        recipient="duty@example.org",
        subject="Escalation",
        event_type="deadline.escalation",
        payload={"message": "Case TD-1 is overdue."},
        dedupe_key="e1",
        now=now,
    )
    assert notification_deliver(notification_id=notification.pk, now=now).ok
    (message,) = mail.outbox
    assert message.to == ["duty@example.org"] and "TD-1 is overdue" in message.body


def test_enqueue_is_idempotent_by_dedupe_key():
    kwargs = {
        "channel": NotificationChannel.EMAIL,
        "recipient": "a@example.org",
        "event_type": "x",
        "payload": {},
        "dedupe_key": "same",
    }
    assert notification_enqueue(**kwargs).pk == notification_enqueue(**kwargs).pk


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    rng = random.Random(1)
    delays = [backoff(n, rng=rng).total_seconds() for n in range(1, 12)]
    assert 24 <= delays[0] <= 36 and 48 <= delays[1] <= 72
    assert all(d <= 3600 * 1.2 for d in delays)
    assert len({round(d) for d in delays}) > 5  # jittered, not a fixed ladder


def test_payload_is_sent_as_compact_sorted_json(platform, webhook_receiver):
    now = timezone.now()
    notification = notify_platform(
        platform=platform, event_type="t", payload={"b": 2, "a": 1}, dedupe_key="o5", now=now
    )
    notification_deliver(notification_id=notification.pk, now=now)
    body = webhook_receiver.requests[0].body
    assert json.loads(body) == {"type": "t", "timestamp": iso_utc(now), "data": {"a": 1, "b": 2}}
    assert body.startswith(b'{"data":{"a":1,"b":2},"timestamp":')


def test_each_receiver_gets_its_messages_in_the_order_they_were_recorded(
    platform, webhook_receiver, django_capture_on_commit_callbacks
):
    """A catch-up records a receiver's escalations oldest first; however their delivery
    tasks are picked up, they arrive in that order. Another receiver is not held up."""
    now = timezone.now()
    first, second, third = (
        notify_platform(
            platform=platform,
            event_type="order.issued",
            payload={"n": n},
            dedupe_key=f"seq{n}",
            now=now,
        )
        for n in (1, 2, 3)
    )
    elsewhere = notification_enqueue(
        channel=NotificationChannel.EMAIL,
        recipient="duty@example.org",
        event_type="x",
        payload={},
        dedupe_key="other",
        subject="s",
        now=now,
    )
    # The later tasks run first: nothing is sent while an earlier message is pending.
    assert notification_deliver(notification_id=third.pk, now=now) is None
    assert notification_deliver(notification_id=second.pk, now=now) is None
    assert notification_deliver(notification_id=elsewhere.pk, now=now).ok
    assert webhook_receiver.requests == []
    # A failed first attempt still holds the others back until its retry succeeds.
    webhook_receiver.fail_next = 1
    assert not notification_deliver(notification_id=first.pk, now=now).ok
    assert notification_deliver(notification_id=second.pk, now=now) is None
    retry_at = Notification.objects.get(pk=first.pk).next_attempt_at
    with django_capture_on_commit_callbacks() as kicked:
        assert notification_deliver(notification_id=first.pk, now=retry_at).ok
    assert len(kicked) == 1  # the receiver's next message is sent for at once
    for later in (second, third):
        assert notification_deliver(notification_id=later.pk, now=retry_at).ok
    bodies = [json.loads(r.body)["data"] for r in webhook_receiver.requests]
    assert bodies == [{"n": 1}, {"n": 1}, {"n": 2}, {"n": 3}]


def test_the_periodic_scan_sends_a_backlog_in_recorded_order(platform, webhook_receiver):
    from deadlines.tasks import deliver_pending_notifications

    now = timezone.now()
    for n in range(5):  # the later ones happen to be due earlier (an operator's retry)
        notify_platform(
            platform=platform,
            event_type="order.issued",
            payload={"n": n},
            dedupe_key=f"scan{n}",
            now=now - timedelta(seconds=n),
        )
    assert deliver_pending_notifications() == 5
    assert [json.loads(r.body)["data"]["n"] for r in webhook_receiver.requests] == [0, 1, 2, 3, 4]


def test_a_batch_reuses_one_connection_per_receiving_host(platform, webhook_receiver):
    from deadlines.tasks import deliver_pending_notifications

    now = timezone.now()
    for n in range(3):
        notify_platform(
            platform=platform,
            event_type="order.issued",
            payload={"n": n},
            dedupe_key=f"keep{n}",
            now=now,
        )
    assert deliver_pending_notifications() == 3
    assert len(webhook_receiver.requests) == 3
    assert len({r.peer for r in webhook_receiver.requests}) == 1


# --- Batches ------------------------------------------------------------------------------


def _emails(addresses, now, tag):
    return [
        notification_enqueue(
            channel=NotificationChannel.EMAIL,
            recipient=address,
            event_type="x",
            payload={"n": n},
            dedupe_key=f"{tag}{n}",
            subject=f"{tag} {n}",
            now=now,
        )
        for n, address in enumerate(addresses)
    ]


def test_a_batch_is_one_claim_and_a_failure_holds_back_only_its_receivers_later_messages(
    platform, webhook_receiver
):
    now = timezone.now()
    webhook = [
        notify_platform(
            platform=platform,
            event_type="order.issued",
            payload={"n": n},
            dedupe_key=f"b{n}",
            now=now,
        )
        for n in range(3)
    ]
    mails = _emails(["a@example.org", "b@example.org", "a@example.org"], now, "mail")
    webhook_receiver.fail_next = 1
    ids = [n.pk for n in (*webhook, *mails)]
    with CaptureQueriesContext(connection) as statements:
        outcomes = notifications_deliver(ids, now=now)
    claims = [q["sql"] for q in statements if q["sql"].startswith("UPDATE deadlines_notification")]
    assert len(claims) == 1  # the batch is taken with one statement
    assert set(outcomes) == {webhook[0].pk, *(m.pk for m in mails)}
    assert not outcomes[webhook[0].pk].ok
    # The platform's later messages wait behind its failed first one, released at once.
    for later in webhook[1:]:
        later.refresh_from_db()
        assert (later.status, later.attempts, later.next_attempt_at) == ("pending", 0, now)
    assert [m.subject for m in mail.outbox] == ["mail 0", "mail 1", "mail 2"]
    # Its retry goes first; then the others follow in their order.
    retry_at = Notification.objects.get(pk=webhook[0].pk).next_attempt_at
    assert all(o.ok for o in notifications_deliver(ids, now=retry_at).values())
    bodies = [json.loads(r.body)["data"]["n"] for r in webhook_receiver.requests]
    assert bodies == [0, 0, 1, 2]


def test_a_batchs_claim_costs_the_same_statements_for_three_messages_or_thirty():
    def statements_for(count, tag):
        now = timezone.now()
        ids = [n.pk for n in _emails([f"{tag}{n}@example.org" for n in range(count)], now, tag)]
        with CaptureQueriesContext(connection) as statements:
            notifications_deliver(ids, now=now)
        sql = [q["sql"] for q in statements]
        first_record = next(i for i, q in enumerate(sql) if "deadlines_deliveryattempt" in q)
        return first_record, len(sql)

    (claim3, all3), (claim10, all10), (claim30, all30) = (
        statements_for(n, f"m{n}-") for n in (3, 10, 30)
    )
    # Before the first attempt is written: the claim, the read and the order check (and
    # the first record's own lock).
    assert claim3 == claim10 == claim30 <= 5
    assert (all10 - all3) / 7 == (all30 - all3) / 27  # then the same for every message
    assert len(mail.outbox) == 43


def test_a_message_behind_an_earlier_pending_one_outside_the_batch_waits(platform):
    now = timezone.now()
    _first, second = (
        notify_platform(
            platform=platform, event_type="order.issued", payload={}, dedupe_key=f"w{n}", now=now
        )
        for n in range(2)
    )
    assert notifications_deliver([second.pk], now=now) == {}
    second.refresh_from_db()
    assert second.next_attempt_at == now and second.attempts == 0  # released, not leased


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_over_the_same_rows_send_each_once(webhook_receiver):
    if connection.vendor != "postgresql":
        service_unavailable("concurrent claims need PostgreSQL's row locks")
    platforms = [
        PlatformFactory(webhook_url=webhook_receiver.url, webhook_secret=new_webhook_secret())
        for _ in range(4)
    ]
    now = timezone.now()
    ids = [
        notify_platform(
            platform=platforms[n % 4],
            event_type="order.issued",
            payload={"n": n},
            dedupe_key=f"c{n}",
            now=now,
        ).pk
        for n in range(24)
    ]
    barrier = threading.Barrier(3)

    def run():
        barrier.wait()
        try:
            notifications_deliver(ids, now=now)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent = [r.headers["webhook-id"] for r in webhook_receiver.requests]
    assert len(sent) == len(set(sent))  # nothing twice
    delivered = Notification.objects.filter(status=NotificationStatus.DELIVERED)
    # Whatever one worker released behind another's message is sent by the next pass.
    notifications_deliver(ids, now=now)
    assert delivered.count() == 24 and DeliveryAttempt.objects.count() == 24
    by_platform = {}
    for request in webhook_receiver.requests:
        body = json.loads(request.body)["data"]["n"]
        by_platform.setdefault(body % 4, []).append(body)
    assert all(sent == sorted(sent) for sent in by_platform.values())  # each in its order
