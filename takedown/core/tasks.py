from celery import shared_task

from .audit import audit_record, verify_chain


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1900)
def verify_audit_chain() -> dict:
    """Daily: recompute the audit chain and record the verdict in the log itself, so
    oversight sees when the chain was last checked and what was found."""
    checked, broken = verify_chain()
    verdict = {"checked": checked, "intact": broken is None, "broken": str(broken or "")}
    audit_record(action="audit.chain_verified", data=verdict)
    return verdict


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def purge_idempotency_records() -> int:
    """Daily: Idempotency-Keys are honoured for seven days (a client's retry window)."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import IdempotencyRecord

    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=7)
    ).delete()
    return deleted
