"""Celery interfaces: thin, idempotent, each calling one service."""

import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from .outbox import notification_deliver, notifications_deliver, pending_notification_ids
from .services import sweep_due

logger = logging.getLogger(__name__)

LAST_SWEEP_CACHE_KEY = "deadlines:last-sweep"
SWEEP_TASK_LIMIT = 1_000_000
SWEEP_TASK_BUDGET_SECONDS = 120


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300, ignore_result=True)
def sweep_deadlines() -> dict:
    """Every minute from beat: warn, mark missed, escalate. Safe to run twice at once."""
    now = timezone.now()
    # Everything due, in batches, for up to two minutes (within the task's time limit):
    # a surge is swept in one go, and a sweep still running when beat starts the next
    # shares the rest with it (each claims rows the other does not hold).
    result = sweep_due(now=now, limit=SWEEP_TASK_LIMIT, budget_seconds=SWEEP_TASK_BUDGET_SECONDS)
    cache.set(LAST_SWEEP_CACHE_KEY, now.timestamp(), timeout=None)
    if result.checked:
        logger.info(
            "deadline sweep",
            extra={
                "checked": result.checked,
                "reminders": result.reminders,
                "escalations": result.escalations,
                "failed": result.failed,
            },
        )
    return {"checked": result.checked, "escalations": result.escalations}


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def deliver_notification(notification_id: int) -> None:
    """Deliver one notification (enqueued after the transaction that recorded it)."""
    notification_deliver(notification_id=notification_id)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300, ignore_result=True)
def deliver_notifications(notification_ids: list[int]) -> int:
    """A batch the sweep recorded, over shared connections; each row keeps its own
    claim, retries and dead letter (and its own time: a slow receiver takes seconds)."""
    outcomes = notifications_deliver(notification_ids)
    return sum(1 for outcome in outcomes.values() if outcome.ok)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300, ignore_result=True)
def deliver_pending_notifications() -> int:
    """Every minute from beat: whatever is pending and due, including retries and rows
    whose delivery task was lost with a broker or worker."""
    now = timezone.now()
    ids = pending_notification_ids(now=now)
    notifications_deliver(ids, now=now)  # one claim; one SMTP connection, HTTP kept alive
    return len(ids)
