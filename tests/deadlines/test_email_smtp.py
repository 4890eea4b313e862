"""Email reminders and escalations through Django's SMTP backend, against a real SMTP
server (aiosmtpd) on a local port: delivered, one connection for a batch, and a server
that refuses or is not there is a recorded failure that is retried, never a crash."""

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from deadlines.choices import NotificationChannel, NotificationStatus
from deadlines.models import DeliveryAttempt, Notification
from deadlines.outbox import notification_deliver, notification_enqueue
from deadlines.tasks import deliver_pending_notifications

pytestmark = pytest.mark.django_db


class Mailbox:
    """An aiosmtpd handler that keeps what it accepts, and the connections it saw."""

    def __init__(self):
        self.messages = []
        self.connections = 0
        self.refuse = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_TIMEOUT = 5
    yield mailbox
    controller.stop()


def email(to: str, key: str, now) -> Notification:
    return notification_enqueue(
        channel=NotificationChannel.EMAIL,
        recipient=to,
        event_type="deadline.escalation",
        subject=f"Deadline missed: {key}",
        payload={"message": f"Escalation {key}"},
        dedupe_key=key,
        now=now,
    )


def test_a_batch_of_emails_is_delivered_over_one_connection(smtp):
    now = timezone.now()
    for n in range(3):
        email(f"duty{n}@example.org", f"mail-{n}", now)
    assert deliver_pending_notifications() == 3
    assert smtp.connections == 1
    assert sorted(to for (to,), _message in smtp.messages) == [
        "duty0@example.org",
        "duty1@example.org",
        "duty2@example.org",
    ]
    _to, message = smtp.messages[0]
    assert message["Subject"].startswith("Deadline missed: mail-")
    assert message.get_payload().strip().startswith("Escalation mail-")
    assert set(Notification.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_refused_recipient_is_a_failure_to_retry_and_the_batch_goes_on(smtp):
    now = timezone.now()
    smtp.refuse.add("gone@example.org")
    refused = email("gone@example.org", "mail-refused", now)
    email("duty@example.org", "mail-fine", now)
    assert deliver_pending_notifications() == 2
    refused.refresh_from_db()
    assert refused.status == NotificationStatus.PENDING and refused.attempts == 1
    assert "SMTPRecipientsRefused" in refused.last_error
    assert refused.next_attempt_at > now  # a retry with backoff
    # After the error the connection is opened again for the next message.
    assert [to for (to,), _message in smtp.messages] == ["duty@example.org"]
    assert smtp.connections == 2


def test_a_server_that_is_down_is_recorded_and_retried(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.EMAIL_TIMEOUT = 5
    now = timezone.now()
    notification = email("duty@example.org", "mail-down", now)
    outcome = notification_deliver(notification_id=notification.pk, now=now)
    assert not outcome.ok and "ConnectionRefusedError" in outcome.error
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PENDING
    (attempt,) = DeliveryAttempt.objects.filter(notification=notification)
    assert not attempt.succeeded and "ConnectionRefusedError" in attempt.error
