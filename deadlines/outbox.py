"""The notification outbox.

Every message is a ``Notification`` row first, written in the transaction of the change
that caused it; delivery happens after commit, with retries, exponential backoff and
jitter, each attempt recorded, and a dead-letter state operators can retry from. Nothing
is sent that was not recorded, and a lost task only delays a message: the periodic
``deliver_pending_notifications`` finds every pending row again.

Webhooks are signed per the Standard Webhooks scheme (``webhook-id``,
``webhook-timestamp``, ``webhook-signature``) with the receiver's secret.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import reduce
from operator import or_

import requests
from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from liaison.choices import WebhookEvent
from liaison.models import Contact, Platform
from liaison.webhooks import webhook_refusal
from takedown.core.audit import atomic, audit_record
from takedown.core.errors import InvalidTransition

from .choices import NotificationChannel, NotificationStatus
from .models import DeliveryAttempt, Escalation, Notification

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=5)


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 8)


def backoff(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff (30 s, 1 min, 2 min, … capped at 1 h) with ±20 % jitter, so a
    receiver that comes back is not hit by every retry at once."""
    base = getattr(settings, "NOTIFICATION_BACKOFF_SECONDS", 30.0)
    delay = min(base * 2 ** max(attempts - 1, 0), 3600.0)
    jitter = (rng or random).uniform(0.8, 1.2)
    return timedelta(seconds=delay * jitter)


# --- Enqueueing -------------------------------------------------------------------------


def notification_enqueue(
    *,
    channel: NotificationChannel,
    recipient: str,
    event_type: str,
    payload: dict,
    dedupe_key: str,
    subject: str = "",
    contact: Contact | None = None,
    platform: Platform | None = None,
    escalation: Escalation | None = None,
    case_id: int | None = None,
    now: datetime | None = None,
) -> Notification:
    """Record a message in the caller's transaction; deliver it after commit.
    The dedupe key makes enqueueing idempotent: the same key gives the same row."""
    notification = _message(
        channel=channel,
        recipient=recipient,
        subject=subject,
        event_type=event_type,
        payload=payload,
        dedupe_key=dedupe_key,
        contact=contact,
        platform=platform,
        escalation=escalation,
        case_id=case_id if case_id is not None else payload.get("case_id"),
        now=now or timezone.now(),
    )
    try:
        with atomic():
            notification.save()
    except IntegrityError:
        return Notification.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: _deliver_later(notification.pk))
    return notification


def _deliver_later(notification_id: int) -> None:
    from .tasks import deliver_notification

    try:
        deliver_notification.delay(notification_id)
    except Exception:  # the broker is down: the periodic delivery finds the row anyway
        logger.warning("could not enqueue delivery of notification %s", notification_id)


def escalation_message(
    escalation: Escalation, *, contact: Contact | None, user, subject: str, payload: dict, now
) -> Notification:
    """The (unsaved) message of a reminder or escalation: to the person assigned, by
    email, or to a roster contact by its channel. One per escalation (its dedupe key)."""
    webhook = contact is not None and contact.channel == NotificationChannel.WEBHOOK
    if user is not None:
        recipient = user.email
    else:
        recipient = contact.webhook_url if webhook else contact.email
    return _message(
        channel=NotificationChannel.WEBHOOK if webhook else NotificationChannel.EMAIL,
        recipient=recipient,
        subject=subject,
        event_type=payload["type"],
        payload=payload,
        dedupe_key=f"escalation:{escalation.pk}",
        contact=contact,
        escalation=escalation,
        case_id=escalation.deadline.case_id,
        now=now,
    )


def _message(*, subject: str, now: datetime, **fields) -> Notification:
    """An unsaved message, due at once."""
    return Notification(subject=subject[:300], created_at=now, next_attempt_at=now, **fields)


DELIVERY_TASK_BATCH = 100


def notifications_enqueue(notifications: list[Notification]) -> list[Notification]:
    """Record many messages with one insert in the caller's transaction (new ones: a
    duplicate dedupe key fails the insert); after commit, delivery tasks take them a
    hundred at a time."""
    created = Notification.objects.bulk_create(notifications)
    ids = [notification.pk for notification in created]
    for start in range(0, len(ids), DELIVERY_TASK_BATCH):
        chunk = ids[start : start + DELIVERY_TASK_BATCH]
        transaction.on_commit(lambda chunk=chunk: _deliver_batch_later(chunk))
    return created


def _deliver_batch_later(notification_ids: list[int]) -> None:
    from .tasks import deliver_notifications

    try:
        deliver_notifications.delay(notification_ids)
    except Exception:  # the broker is down: the periodic delivery finds the rows anyway
        logger.warning("could not enqueue delivery of %s notifications", len(notification_ids))


def notify_platform(
    *, platform: Platform, event_type: str, payload: dict, dedupe_key: str, now=None
) -> Notification | None:
    """Push an event to a platform's webhook, when it has one, in the Standard Webhooks
    envelope: ``type``, ``timestamp`` (when the event happened) and ``data``."""
    if not platform.webhook_url:
        return None
    now = now or timezone.now()
    return notification_enqueue(
        channel=NotificationChannel.WEBHOOK,
        recipient=platform.webhook_url,
        event_type=event_type,
        payload={"type": event_type, "timestamp": iso_utc(now), "data": payload},
        dedupe_key=dedupe_key,
        platform=platform,
        now=now,
    )


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def platform_webhook_test(*, platform: Platform, now: datetime | None = None) -> Notification:
    """A ``webhook.test`` event, so a platform can check its receiver end to end."""
    if not platform.webhook_url:
        raise InvalidTransition(_("No webhook URL is set: set one first."))
    now = now or timezone.now()
    return notify_platform(
        platform=platform,
        event_type=WebhookEvent.WEBHOOK_TEST.value,
        payload={
            "platform": platform.slug,
            "message": _("A test event, sent on your request. Answer with any 2xx."),
        },
        dedupe_key=f"webhook.test:{platform.pk}:{uuid.uuid4().hex}",
        now=now,
    )


# --- Delivery ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None = None
    error: str = ""


def message_id(notification: Notification) -> str:
    """Stable across retries, so a receiver can drop duplicates."""
    return f"msg_{notification.pk}"


def signing_secrets(notification: Notification, now: datetime) -> list[str]:
    """Every secret that signs this attempt: a platform's previous secret too while a
    rotation's grace period runs."""
    if notification.contact is not None:
        return [notification.contact.webhook_secret] if notification.contact.webhook_secret else []
    if notification.platform is not None:
        return notification.platform.webhook_signing_secrets(now)
    return []


def delivery_url(notification: Notification) -> str:
    """A platform's events go to its receiver as it is set now (it may have moved it
    since the event); a contact's to the address it was written for."""
    if notification.platform is not None:
        return notification.platform.webhook_url
    return notification.recipient


class Connections:
    """What one batch of deliveries shares: one SMTP connection, opened when the first
    email goes and reopened after an error, and one HTTP session, which keeps a
    connection alive per receiving host. Outside a batch each message connects alone."""

    def __init__(self):
        self.http = requests.Session()
        self._mail = None

    def mail(self):
        if self._mail is None:
            self._mail = get_connection()
            self._mail.open()
        return self._mail

    def mail_failed(self) -> None:
        """After an SMTP error the connection's state is unknown: the next email opens
        a new one."""
        if self._mail is not None:
            with contextlib.suppress(Exception):
                self._mail.close()
            self._mail = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.mail_failed()
        self.http.close()


def _send_webhook(notification: Notification, now: datetime, http) -> Outcome:
    url = delivery_url(notification)
    if not url:
        return Outcome(False, error="The receiver has no webhook URL any more.")
    if refusal := webhook_refusal(url):
        return Outcome(False, error=refusal)
    secrets = signing_secrets(notification, now)
    if not secrets:
        return Outcome(False, error="No webhook signing secret is configured for this receiver.")
    body = json.dumps(notification.payload, separators=(",", ":"), sort_keys=True, default=str)
    msg_id = message_id(notification)
    # Standard Webhooks: several signatures, space-separated; any one verifying is enough.
    signature = " ".join(Webhook(secret).sign(msg_id, now, body) for secret in secrets)
    response = http.post(
        url,
        data=body.encode(),
        headers={
            "Content-Type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
            "User-Agent": "Takedown-Webhooks/1",
        },
        timeout=getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10),
        allow_redirects=False,
    )
    ok = 200 <= response.status_code < 300
    return Outcome(ok, response.status_code, "" if ok else f"HTTP {response.status_code}")


def _send_email(notification: Notification, connections: Connections | None) -> Outcome:
    body = notification.payload.get("message") or json.dumps(notification.payload, indent=2)
    try:
        send_mail(
            notification.subject or notification.event_type,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient],
            connection=connections.mail() if connections else None,
        )
    except Exception:
        if connections:
            connections.mail_failed()
        raise
    return Outcome(True)


def notification_deliver(
    *, notification_id: int, now: datetime | None = None, connections: Connections | None = None
) -> Outcome | None:
    """Try to deliver one pending notification; None when there was nothing to do (not
    due, taken by another worker, or held back behind its receiver's earlier message)."""
    return notifications_deliver([notification_id], now=now, connections=connections).get(
        notification_id
    )


def notifications_deliver(
    notification_ids: list[int], *, now: datetime | None = None, connections=None
) -> dict[int, Outcome]:
    """Deliver a batch: one claim for all of it, then each message sent and recorded on
    its own (its attempt, retry, backoff or dead letter). Each receiver still gets its
    messages one after another in the order they were recorded: a message whose
    receiver has an earlier one pending outside the batch is not sent, and a failure
    holds back that receiver's later messages here too. What was not sent is released
    at once (it is pending again, behind its receiver's earlier message)."""
    now = now or timezone.now()
    batch = _claim(notification_ids, now)
    outcomes: dict[int, Outcome] = {}
    unsettled: set[tuple] = set()  # receivers whose message here is still pending
    release = []
    with contextlib.ExitStack() as stack:
        if connections is None and len(batch) > 1:
            connections = stack.enter_context(Connections())
        for notification in batch:
            if _receiver(notification) in unsettled:
                release.append(notification.pk)
                continue
            outcome = _attempt(notification, now, connections)
            outcomes[notification.pk] = outcome
            if notification.status == NotificationStatus.PENDING:  # to be retried
                unsettled.add(_receiver(notification))
    if release:
        Notification.objects.filter(pk__in=release).update(next_attempt_at=now)
    return outcomes


def _receiver(notification: Notification) -> tuple:
    """Who a message goes to, for its place in line: a platform (whatever its URL now
    is), or one address on one channel."""
    if notification.platform_id is not None:
        return (notification.platform_id,)
    return (None, notification.channel, notification.recipient)


def _of_receiver(receiver: tuple) -> Q:
    if receiver[0] is not None:
        return Q(platform_id=receiver[0])
    return Q(platform=None, channel=receiver[1], recipient=receiver[2])


# Every value is a parameter; the text gets only the model's table and placeholders.
_CLAIM_SQL = (
    "UPDATE {table} SET next_attempt_at = %s "
    "WHERE id IN ({marks}) AND status = %s AND next_attempt_at <= %s RETURNING id"
)


def _claim(notification_ids: list[int], now: datetime) -> list[Notification]:
    """Take those of the ids that are pending and due, with one statement (two workers
    never send the same row: the second finds it leased), and give back any whose
    receiver has an earlier message pending that this batch did not take: each
    receiver gets its messages in the order they were recorded (a catch-up's
    escalations oldest first), and a message waiting for its retry holds back the
    later ones. The claimed rows, in that order."""
    if not notification_ids:
        return []
    marks = ", ".join(["%s"] * len(notification_ids))
    claim = _CLAIM_SQL.format(table=Notification._meta.db_table, marks=marks)  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(
            claim, [now + CLAIM_LEASE, *notification_ids, NotificationStatus.PENDING, now]
        )
        claimed = {row[0] for row in cursor.fetchall()}
    if not claimed:
        return []
    batch = list(
        Notification.objects.select_related("contact", "platform")
        .filter(pk__in=claimed)
        .order_by("pk")
    )
    last = {}
    for notification in batch:
        last[_receiver(notification)] = notification.pk
    earlier = Notification.objects.filter(status=NotificationStatus.PENDING).exclude(pk__in=claimed)
    earlier = earlier.filter(
        reduce(or_, (_of_receiver(receiver) & Q(pk__lt=pk) for receiver, pk in last.items()))
    )
    first_waiting: dict[tuple, int] = {}
    for waiting in earlier.order_by("pk").only("pk", "platform_id", "channel", "recipient"):
        first_waiting.setdefault(_receiver(waiting), waiting.pk)
    held = [n.pk for n in batch if n.pk > first_waiting.get(_receiver(n), n.pk)]
    if held:
        Notification.objects.filter(pk__in=held).update(next_attempt_at=now)
    return [n for n in batch if n.pk not in held]


def _attempt(notification: Notification, now: datetime, connections) -> Outcome:
    """Send one claimed message and record what happened."""
    started = time.monotonic()
    try:
        if notification.channel == NotificationChannel.WEBHOOK:
            outcome = _send_webhook(
                notification, now, connections.http if connections else requests
            )
        else:
            outcome = _send_email(notification, connections)
    except Exception as exc:  # network errors, SMTP errors: recorded, retried
        outcome = Outcome(False, error=f"{type(exc).__name__}: {exc}"[:1000])
    elapsed_ms = int((time.monotonic() - started) * 1000)
    with atomic():
        row = Notification.objects.select_for_update(of=("self",), no_key=True).get(
            pk=notification.pk
        )
        DeliveryAttempt.objects.create(
            notification=row,
            attempted_at=now,
            succeeded=outcome.ok,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=elapsed_ms,
        )
        row.attempts += 1
        if outcome.ok:
            row.status = NotificationStatus.DELIVERED
            row.delivered_at = now
            row.next_attempt_at = None
            row.last_error = ""
        elif row.attempts >= max_attempts():
            row.status = NotificationStatus.DEAD
            row.next_attempt_at = None
            row.last_error = outcome.error
            audit_record(
                action="notification.dead_lettered",
                obj=row,
                case_id=row.case_id,
                data={"attempts": row.attempts, "error": outcome.error},
                now=now,
            )
        else:
            row.next_attempt_at = now + backoff(row.attempts)
            row.last_error = outcome.error
        row.save()
        if row.status != NotificationStatus.PENDING:  # the receiver's next may go
            following = (
                Notification.objects.filter(
                    _of_receiver(_receiver(row)),
                    status=NotificationStatus.PENDING,
                    pk__gt=row.pk,
                )
                .order_by("pk")
                .values_list("pk", "next_attempt_at")
                .first()
            )
            if following is not None and following[1] <= now:  # not one this batch holds
                transaction.on_commit(lambda next_id=following[0]: _deliver_later(next_id))
    notification.status = row.status
    return outcome


def pending_notification_ids(*, now: datetime, limit: int = 500) -> list[int]:
    return list(
        Notification.objects.filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now)
        .order_by("pk")  # in the order recorded, so each receiver's go one after another
        .values_list("id", flat=True)[:limit]
    )


def notification_redeliver(
    *, notification: Notification, actor: str, now: datetime | None = None
) -> Notification:
    """A platform has one of its settled deliveries sent again (same ``webhook-id``, so a
    receiver that already has it drops it), with a fresh round of attempts."""
    now = now or timezone.now()
    with atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, status__in=Notification.REDELIVERABLE
        ).update(status=NotificationStatus.PENDING, attempts=0, next_attempt_at=now)
        if not updated:
            raise InvalidTransition(_("This delivery is still being attempted."))
        audit_record(action="notification.redelivered", actor=actor, obj=notification, now=now)
        transaction.on_commit(lambda: _deliver_later(notification.pk))
    notification.refresh_from_db()
    return notification


def notification_retry(
    *, notification: Notification, actor, now: datetime | None = None
) -> Notification:
    """An operator sends a dead letter again (after fixing the receiver)."""
    now = now or timezone.now()
    with atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, status=NotificationStatus.DEAD
        ).update(status=NotificationStatus.PENDING, attempts=0, next_attempt_at=now)
        if not updated:
            raise InvalidTransition(_("Only a dead letter can be retried."))
        audit_record(action="notification.retried", actor=actor, obj=notification, now=now)
        transaction.on_commit(lambda: _deliver_later(notification.pk))
    return notification
