"""Officers verify removal from their jurisdiction."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import (
    CaseStatus,
    ItemStatus,
    OrderStatus,
)
from cases.models import Case, ReportedItem
from cases.services.cooperation import victim_milestone
from deadlines.choices import DeadlineKind
from deadlines.services import (
    deadline_meet,
)
from takedown.core.audit import atomic, audit_record
from takedown.core.errors import InvalidTransition, PermissionDenied
from takedown.core.models import User

# --- Officers verify --------------------------------------------------------------------


def item_verify_removal(
    *, item: ReportedItem, officer: User, removed: bool, note: str = "", now: datetime | None = None
) -> ReportedItem:
    """The item is gone as seen from the officer's jurisdiction (verified removed), or it
    is not (the item reopens). When every item of an order is verified, the verification
    clock stops; when every item of the case is, the case is resolved."""
    from cases.selectors import user_may_act_on

    now = now or timezone.now()
    with atomic():
        item = (
            ReportedItem.objects.select_for_update(of=("self",), no_key=True)
            .select_related("case")
            .get(pk=item.pk)
        )
        if not user_may_act_on(user=officer, case=item.case):
            raise PermissionDenied(_("Only officers of the case's desks can verify."))
        if item.status not in (ItemStatus.REMOVED, ItemStatus.DISABLED, ItemStatus.NOT_FOUND):
            raise InvalidTransition(_("Only an item the platform reported on can be verified."))
        item.status = ItemStatus.VERIFIED_REMOVED if removed else ItemStatus.ONLINE
        item.status_changed_at = now
        item.save(update_fields=["status", "status_changed_at"])
        audit_record(
            action="item.verified" if removed else "item.reopened",
            actor=officer,
            obj=item,
            case_id=item.case_id,
            jurisdictions=[officer.jurisdiction_code],
            data={"removed": removed, "note": note},
            now=now,
        )
        for order in item.orders.filter(status=OrderStatus.COMPLETED):
            if not order.items.exclude(status=ItemStatus.VERIFIED_REMOVED).exists():
                deadline_meet(subject=order, kind=DeadlineKind.VERIFICATION, now=now, actor=officer)
        case = Case.objects.select_for_update(of=("self",), no_key=True).get(pk=item.case_id)
        if (
            case.status == CaseStatus.ACTION
            and not case.items.exclude(status=ItemStatus.VERIFIED_REMOVED).exists()
        ):
            case.status = CaseStatus.RESOLVED
            case.queue_due_at = None
            case.save(update_fields=["status", "queue_due_at", "updated_at"])
            victim_milestone(case=case, milestone="content_removed", now=now)
            audit_record(
                action="case.resolved",
                actor=officer,
                obj=case,
                case_id=case.pk,
                jurisdictions=[officer.jurisdiction_code],
                data={},
                now=now,
            )
    return item
