"""The Celery app and its one schedule.

Beat only *triggers* work; the database holds every deadline, so a lost broker or a
stopped beat delays escalation and the next sweep catches up (docs/operations.md).
"""

import os
from pathlib import Path

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "takedown.settings.local")

app = Celery("takedown")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _schedule(sender, **_kwargs):
    from django.conf import settings

    sender.conf.beat_schedule = {
        # Every minute (DEADLINE_SWEEP_SECONDS): warn, mark missed, escalate.
        "sweep-deadlines": {
            "task": "deadlines.tasks.sweep_deadlines",
            "schedule": settings.DEADLINE_SWEEP_SECONDS,
        },
        # Every minute: deliver what the outbox holds, retries and lost tasks included.
        "deliver-notifications": {
            "task": "deadlines.tasks.deliver_pending_notifications",
            "schedule": settings.NOTIFICATION_SCAN_SECONDS,
        },
        # Every five minutes: bulk imports whose task was lost are enqueued again.
        "recover-bulk-imports": {
            "task": "cases.tasks.recover_bulk_imports",
            "schedule": 300.0,
        },
        # Daily at 03:15 UTC: purge evidence content whose retention period ended.
        "purge-expired-evidence": {
            "task": "evidence.tasks.purge_expired_evidence",
            "schedule": crontab(hour=3, minute=15),
        },
        # Daily at 04:00 UTC: forget Idempotency-Keys older than seven days.
        "purge-idempotency-records": {
            "task": "takedown.core.tasks.purge_idempotency_records",
            "schedule": crontab(hour=4, minute=0),
        },
        # Daily at 02:30 UTC: recompute the audit chain and record the verdict.
        "verify-audit-chain": {
            "task": "takedown.core.tasks.verify_audit_chain",
            "schedule": crontab(hour=2, minute=30),
        },
    }


_broker_folders_made = False


@signals.celeryd_init.connect
@signals.beat_init.connect
@signals.before_task_publish.connect
def _make_broker_folders(**_kwargs):
    """The filesystem transport needs its folders before the first message, also one
    published before any worker started (seed_demo's notifications)."""
    global _broker_folders_made
    if _broker_folders_made:
        return
    from django.conf import settings

    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    _broker_folders_made = True


@signals.before_task_publish.connect
def _propagate_request_id(headers=None, **_kwargs):
    from takedown.core.logging import request_id_var

    if headers is not None:
        headers.setdefault("request_id", request_id_var.get())


@signals.task_prerun.connect
def _bind_request_id(task=None, **_kwargs):
    from takedown.core.logging import request_id_var

    request_id = getattr(task.request, "request_id", None) or "-"
    request_id_var.set(request_id)
