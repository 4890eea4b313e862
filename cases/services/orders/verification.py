"""Officers verify removal from their jurisdiction."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import may_act_on
from cases.choices import ItemStatus, OrderStatus
from cases.models import Case, ReportedItem
from cases.services.victims import victim_milestone
from cases.transitions import CASE, ITEM
from deadlines.choices import DeadlineKind
from deadlines.services import deadline_meet
from takedown.core.audit import atomic
from takedown.core.errors import PermissionDenied
from takedown.core.models import User
from takedown.core.transitions import lock


def item_verify_removal(
    *, item: ReportedItem, officer: User, removed: bool, note: str = "", now: datetime | None = None
) -> ReportedItem:
    """The item is gone as seen from the officer's jurisdiction (verified removed), or it
    is not (the item reopens). When every item of an order is verified, the verification
    clock stops; when every item of the case is, the case is resolved."""
    now = now or timezone.now()
    with atomic():
        case = lock(Case.objects.all(), item.case_id)
        item = lock(ReportedItem.objects.all(), item.pk)
        if not may_act_on(officer, case):
            raise PermissionDenied(_("Only officers of the case's desks can verify."))
        item.status_changed_at = now
        ITEM.move(
            item,
            "verified" if removed else "reopened",
            actor=officer,
            now=now,
            fields=["status_changed_at"],
            data={"removed": removed, "note": note},
        )
        for order in item.orders.filter(status=OrderStatus.COMPLETED):
            if not order.items.exclude(status=ItemStatus.VERIFIED_REMOVED).exists():
                deadline_meet(subject=order, kind=DeadlineKind.VERIFICATION, now=now, actor=officer)
        if (
            CASE.can(case, "resolved")
            and not case.items.exclude(status=ItemStatus.VERIFIED_REMOVED).exists()
        ):
            case.queue_due_at = None
            victim_milestone(case=case, milestone="content_removed", now=now)
            CASE.move(case, "resolved", actor=officer, now=now, fields=["queue_due_at"])
    return item
