"""Which oversight bodies may read the events of a clock: the responsible party's
jurisdiction, and (through its case) every jurisdiction of the case it guards."""

from django.db.models import QuerySet

from takedown.core.audit import audit_scope

from .choices import NotificationChannel
from .models import Deadline, Notification


@audit_scope.register
def _deadline_scope(deadline: Deadline) -> set[str]:
    return {deadline.jurisdiction_id} - {None}


def deliveries_for_platform(platform) -> QuerySet[Notification]:
    """A platform's key sees the webhook deliveries addressed to it, and nothing else."""
    return Notification.objects.filter(platform=platform, channel=NotificationChannel.WEBHOOK)
