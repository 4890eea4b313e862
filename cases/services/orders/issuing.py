"""Issuing, signing, amending and withdrawing orders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import OrderKind, OrderStatus, ResponseKind
from cases.models import Case, OrderRequest, PlatformResponse, ReportedItem, TakedownOrder
from cases.transitions import CASE, ITEM, ORDER, ORDER_REQUEST, RUNNING
from deadlines.choices import DeadlineKind
from deadlines.services import deadline_cancel, deadline_meet, deadlines_supersede
from liaison.choices import WebhookEvent
from takedown.core.audit import atomic, audit_record
from takedown.core.errors import InvalidTransition, ValidationFailed
from takedown.core.models import User
from takedown.core.references import allocate
from takedown.core.transitions import lock

from .common import (
    OrderFields,
    lock_order,
    push,
    removal_due,
    require_issuer,
    resume_removal,
    sign,
    start_platform_clocks,
)


def move(order: TakedownOrder, action: str, *, actor, now, fields=(), **data) -> None:
    """An order's move, its event naming the order's reference."""
    ORDER.move(
        order,
        action,
        actor=actor,
        now=now,
        fields=fields,
        data={"reference": order.reference, **data},
    )


def order_issue(
    *,
    request: OrderRequest,
    prosecutor: User,
    fields: OrderFields,
    items: Sequence[ReportedItem] | None = None,
    now: datetime | None = None,
) -> TakedownOrder:
    """Issue (and sign) an order or notice from an officer's request. The order settles
    every open request of the case that it covers."""
    now = now or timezone.now()
    fields.check()
    with atomic():
        # Locks in the order every service takes them: the case, then what hangs off it.
        case = lock(Case.objects.select_related("lead_desk__authority"), request.case_id)
        request = lock(
            OrderRequest.objects.select_related(
                "authority__jurisdiction", "platform__establishment_jurisdiction"
            ),
            request.pk,
        )
        require_issuer(prosecutor, request)
        ORDER_REQUEST.require(request, "fulfilled")
        CASE.require(case, "order_issued")
        requested = list(request.items.select_for_update(of=("self",), no_key=True))
        chosen = (
            requested if items is None else [i for i in requested if i.pk in {x.pk for x in items}]
        )
        if not chosen:
            raise ValidationFailed(fields={"items": [_("Choose items of the request.")]})
        if not all(ITEM.can(item, "ordered") for item in chosen):
            raise InvalidTransition(
                _("An item that is no longer online needs no order."),
                fields={"items": [_("Choose items that are still online.")]},
            )
        platform = request.platform
        target = platform.establishment_jurisdiction
        issuing = request.authority.jurisdiction
        if (
            fields.kind == OrderKind.ORDER
            and target.code != issuing.code
            and not target.accepts_direct_orders
        ):
            raise InvalidTransition(
                _(
                    "%(name)s requires an MLA request; a direct order cannot be issued. Send a "
                    "notice or an MLA request instead."
                )
                % {"name": target.name}
            )
        order = create_order(
            case=case,
            request=request,
            authority=request.authority,
            platform=platform,
            fields=fields,
            items=chosen,
            prosecutor=prosecutor,
            now=now,
            is_sandbox=False,
        )
        _settle_requests(case, order, {item.pk for item in chosen}, prosecutor, now)
        deadline_meet(subject=case, kind=DeadlineKind.FINAL_ORDER, now=now, actor=prosecutor)
        CASE.move(case, "order_issued", actor=prosecutor, now=now, data={"order": order.reference})
    return order


def _settle_requests(case: Case, order: TakedownOrder, item_ids: set[int], prosecutor, now):
    """The request the order answers is fulfilled by it (also where the prosecutor chose
    some of its items), and so is any other open one for the same platform whose items
    the order all covers."""
    open_requests = OrderRequest.objects.select_for_update(of=("self",), no_key=True).filter(
        case=case, platform=order.platform, status__in=ORDER_REQUEST.moves["fulfilled"].from_
    )
    for request in open_requests.prefetch_related("items"):
        if request.pk == order.request_id or {i.pk for i in request.items.all()} <= item_ids:
            request.handled_by, request.handled_at = prosecutor, now
            ORDER_REQUEST.move(
                request,
                "fulfilled",
                actor=prosecutor,
                now=now,
                fields=["handled_by", "handled_at"],
                data={"order": order.reference},
            )


def create_order(
    *,
    case,
    request,
    authority,
    platform,
    fields,
    items,
    prosecutor,
    now,
    is_sandbox,
    supersedes=None,
) -> TakedownOrder:
    """A new order (or a new version of one), signed, with its clocks and the platform
    told — or, where another authority's order for the same items runs already, linked
    to it and never sent twice."""
    if supersedes is None:
        number = allocate(f"order-{authority.jurisdiction_id}-{now.year}")[0]
        prefix = "ORD" if fields.kind == OrderKind.ORDER else "NTC"
        reference = f"{authority.jurisdiction_id}-{prefix}-{now.year}-{number:06d}"
        if is_sandbox:
            reference = f"SANDBOX-{platform.slug}-{number:06d}"
    else:
        reference = f"{supersedes.reference.split('/')[0]}/{supersedes.version + 1}"
    duplicate = None
    if not is_sandbox:
        duplicate = (
            TakedownOrder.objects.filter(
                platform=platform,
                items__in=items,
                status__in=RUNNING,
                duplicate_of__isnull=True,
                is_sandbox=False,
            )
            .exclude(issuing_authority=authority)
            .exclude(pk=getattr(supersedes, "pk", None))
            .order_by("issued_at")
            .first()
        )
    order = TakedownOrder(
        kind=fields.kind,
        reference=reference,
        case=case,
        request=request,
        issuing_authority=authority,
        issued_by=prosecutor,
        platform=platform,
        legal_basis=fields.legal_basis,
        reasons=fields.reasons,
        contact_point=fields.contact_point,
        preservation_instruction=fields.preservation_instruction,
        note=fields.note,
        issued_at=now,
        first_issued_at=supersedes.first_issued_at if supersedes else now,
        removal_due_at=supersedes.removal_due_at
        if supersedes
        else removal_due(issuing_code=authority.jurisdiction_id, platform=platform, start=now),
        version=supersedes.version + 1 if supersedes else 1,
        supersedes=supersedes,
        duplicate_of=duplicate,
        is_sandbox=is_sandbox,
        # An amendment keeps where the platform had got to.
        status=OrderStatus.ACKNOWLEDGED
        if supersedes is not None and supersedes.acknowledged_at
        else OrderStatus.ISSUED,
        acknowledged_at=supersedes.acknowledged_at if supersedes else None,
    )
    sign(order, items, prosecutor, now)
    order.save()
    order.items.set(items)
    if duplicate is not None:
        audit_record(
            action="order.linked_duplicate",
            actor=prosecutor,
            obj=order,
            data={"reference": order.reference, "duplicate_of": duplicate.reference},
            now=now,
        )
        return order  # recorded and linked, never sent twice
    if supersedes is None:
        start_platform_clocks(order, now)
    audit_record(
        action=WebhookEvent.ORDER_ISSUED if supersedes is None else WebhookEvent.ORDER_AMENDED,
        actor=prosecutor,
        obj=order,
        data={
            "reference": order.reference,
            "kind": order.kind,
            "key_id": order.signing_key_id,
            "items": [i.pk for i in items],
            "removal_due_at": order.removal_due_at,
        },
        now=now,
    )
    push(
        order, WebhookEvent.ORDER_ISSUED if supersedes is None else WebhookEvent.ORDER_AMENDED, now
    )
    return order


def order_withdraw(
    *, order: TakedownOrder, prosecutor: User, reason: str, now: datetime | None = None
) -> TakedownOrder:
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Say why the order is withdrawn.")]})
    with atomic():
        order = lock_order(order)
        require_issuer(prosecutor, order)
        ORDER.require(order, "withdrawn")
        deadline_cancel(subject=order, reason=_("Order withdrawn"), now=now, actor=prosecutor)
        order.withdrawn_reason = reason
        move(
            order,
            "withdrawn",
            actor=prosecutor,
            now=now,
            fields=["withdrawn_reason"],
            reason=reason,
        )
        push(order, WebhookEvent.ORDER_WITHDRAWN, now)
    return order


def order_amend(
    *, order: TakedownOrder, prosecutor: User, fields: OrderFields, now: datetime | None = None
) -> TakedownOrder:
    """A new version supersedes the old one; the removal clock keeps running on it."""
    now = now or timezone.now()
    fields.check()
    with atomic():
        order = lock_order(order)
        require_issuer(prosecutor, order)
        ORDER.require(order, "superseded")
        if order.duplicate_of_id:
            raise InvalidTransition(_("A linked duplicate was never sent: it cannot be amended."))
        if fields.kind != order.kind:
            raise ValidationFailed(
                fields={"kind": [_("An amendment keeps the kind; withdraw and issue anew.")]}
            )
        new = create_order(
            case=order.case,
            request=order.request,
            authority=order.issuing_authority,
            platform=order.platform,
            fields=fields,
            items=list(order.items.all()),
            prosecutor=prosecutor,
            now=now,
            is_sandbox=order.is_sandbox,
            supersedes=order,
        )
        # The clocks and the threads continue on the new version.
        deadlines_supersede(old=order, new=new, actor=prosecutor, now=now)
        PlatformResponse.objects.filter(order=order).update(order=new)
        move(order, "superseded", actor=prosecutor, now=now, by=new.reference)
        # An amendment answers what the platform could not comply with.
        for report in PlatformResponse.objects.filter(
            order=new, kind=ResponseKind.CANNOT_COMPLY, answered_at__isnull=True
        ):
            report.answer = _("Amended: see version %(v)d.") % {"v": new.version}
            report.answered_by, report.answered_at = prosecutor, now
            report.save(update_fields=["answer", "answered_by", "answered_at"])
        resume_removal(new, now, prosecutor)
    return new


def order_request_decline(
    *, request: OrderRequest, prosecutor: User, reason: str, now: datetime | None = None
) -> OrderRequest:
    """The prosecutor returns an officer's request without an order, saying why (what is
    missing, or why no order will be issued); the officer sees the reason on the case and
    may ask again."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why, for the officer who asked.")]})
    with atomic():
        request = lock(OrderRequest.objects.select_related("authority", "case"), request.pk)
        require_issuer(prosecutor, request)
        request.decline_reason = reason[:2000]
        request.handled_by, request.handled_at = prosecutor, now
        ORDER_REQUEST.move(
            request,
            "declined",
            actor=prosecutor,
            now=now,
            fields=["decline_reason", "handled_by", "handled_at"],
            data={"reason": request.decline_reason},
        )
    return request
