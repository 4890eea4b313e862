"""Issuing, signing, amending and withdrawing orders; the clock helpers they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import (
    CaseStatus,
    ItemStatus,
    OrderKind,
    OrderRequestStatus,
    OrderStatus,
    ResponseKind,
)
from cases.models import Case, OrderRequest, PlatformResponse, ReportedItem, TakedownOrder
from deadlines import policy
from deadlines.choices import DeadlineKind
from deadlines.models import Deadline
from deadlines.outbox import notify_platform
from deadlines.services import (
    Responsible,
    agreements_between,
    calendar_of,
    deadline_cancel,
    deadline_meet,
    deadline_pause,
    deadline_resume,
    deadline_start,
    running_deadline,
)
from liaison import keys
from liaison.models import Platform
from takedown.core.audit import atomic, audit_record, canonical_json
from takedown.core.choices import Role
from takedown.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from takedown.core.models import User
from takedown.core.references import allocate

ACTIVE = (OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED, OrderStatus.CANNOT_COMPLY)
REMOVED = (ItemStatus.REMOVED, ItemStatus.DISABLED, ItemStatus.VERIFIED_REMOVED)


# --- The document -----------------------------------------------------------------------


def order_document(order: TakedownOrder, items: Sequence[ReportedItem]) -> dict:
    """The Annex I fields, as signed. Times are UTC ISO-8601."""
    authority = order.issuing_authority
    return {
        "format": "takedown-removal-order",
        "format_version": 1,
        "kind": order.kind,
        "reference": order.reference,
        "version": order.version,
        "supersedes": order.supersedes.reference if order.supersedes_id else None,
        "issuing_state": authority.jurisdiction_id,
        "issuing_authority": {"id": authority.pk, "name": authority.name, "email": authority.email},
        "addressee": {"platform": order.platform.name, "id": order.platform.slug},
        "contact_point": order.contact_point,
        "issued_at": order.issued_at.isoformat(),
        "removal_due_at": order.removal_due_at.isoformat(),
        "urls": [{"item": item.pk, "url": item.url} for item in items],
        "reasons": order.reasons,
        "legal_basis": order.legal_basis,
        "preservation_instruction": order.preservation_instruction,
        "note": order.note,
        "sandbox": order.is_sandbox,
    }


def canonical_bytes(document: dict) -> bytes:
    return canonical_json(document).encode()


def order_signature_valid(order: TakedownOrder) -> bool:
    return keys.verify(
        key_id=order.signing_key_id,
        message=canonical_bytes(order.signed_payload),
        signature=order.signature,
    )


def _sign(order: TakedownOrder, items, actor, now) -> None:
    order.signed_payload = order_document(order, items)
    signature = keys.sign(
        authority=order.issuing_authority,
        message=canonical_bytes(order.signed_payload),
        sandbox=order.is_sandbox,
        actor=actor,
        now=now,
    )
    order.signature, order.signing_key_id = signature.value, signature.key_id


# --- Who may act ------------------------------------------------------------------------


def _require_prosecutor_of(user: User, order_or_request) -> None:
    authority_id = getattr(order_or_request, "issuing_authority_id", None) or getattr(
        order_or_request, "authority_id", None
    )
    if not user.has_role(Role.PROSECUTOR) or user.authority_id != authority_id:
        raise PermissionDenied(_("Only prosecutors of the issuing authority can do this."))


def _audit(order: TakedownOrder, action: str, *, actor, now, **data) -> None:
    audit_record(
        action=f"order.{action}",
        actor=actor,
        obj=order,
        case_id=order.case_id,
        jurisdictions=[
            order.issuing_authority.jurisdiction_id,
            order.platform.establishment_jurisdiction_id,
        ],
        data={"reference": order.reference, **data},
        now=now,
    )


def _push(order: TakedownOrder, event: str, now, *, about: int | None = None) -> None:
    """Tell the platform's webhook. ``about`` (the answered question, say) makes each
    event of a kind on one order a message of its own."""
    if order.duplicate_of_id is None:
        notify_platform(
            platform=order.platform,
            event_type=event,
            payload={
                "order": {
                    "id": order.pk,
                    "reference": order.reference,
                    "version": order.version,
                    "status": order.status,
                    "sandbox": order.is_sandbox,
                }
            },
            dedupe_key=f"{event}:{order.pk}:{about or ''}",
            now=now,
        )


def removal_due(*, issuing_code: str, platform: Platform, start: datetime) -> datetime:
    return policy.timeline(
        kind=DeadlineKind.REMOVAL,
        acute=False,
        start=start,
        calendar=calendar_of(platform.establishment_jurisdiction),
        agreements=agreements_between({issuing_code, platform.establishment_jurisdiction_id}),
    ).due_at


# --- Issuing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFields:
    kind: str
    legal_basis: str
    reasons: str
    contact_point: str
    preservation_instruction: str = ""
    note: str = ""

    def check(self) -> None:
        errors = {}
        if self.kind not in OrderKind.values:
            errors["kind"] = [_("Choose order or notice.")]
        for name in ("legal_basis", "reasons", "contact_point"):
            if not getattr(self, name).strip():
                errors[name] = [_("This field is required for the order.")]
        if errors:
            raise ValidationFailed(_("The order is incomplete; nothing was issued."), fields=errors)


def order_issue(
    *,
    request: OrderRequest,
    prosecutor: User,
    fields: OrderFields,
    items: Sequence[ReportedItem] | None = None,
    now: datetime | None = None,
) -> TakedownOrder:
    """Issue (and sign) an order or notice from an officer's request."""
    now = now or timezone.now()
    fields.check()
    with atomic():
        request = (
            OrderRequest.objects.select_for_update(of=("self",), no_key=True)
            .select_related(
                "case__lead_desk__authority",
                "authority__jurisdiction",
                "platform__establishment_jurisdiction",
            )
            .get(pk=request.pk)
        )
        _require_prosecutor_of(prosecutor, request)
        if request.status != OrderRequestStatus.OPEN:
            raise InvalidTransition(_("This request has already been handled."))
        requested = list(request.items.select_for_update(of=("self",), no_key=True))
        chosen = (
            requested if items is None else [i for i in requested if i.pk in {x.pk for x in items}]
        )
        if not chosen:
            raise ValidationFailed(fields={"items": [_("Choose items of the request.")]})
        if any(item.status in REMOVED for item in chosen):
            raise ValidationFailed(fields={"items": [_("An item already removed needs no order.")]})
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
        order = _create_order(
            case=request.case,
            request=request,
            authority=request.authority,
            platform=platform,
            fields=fields,
            items=chosen,
            prosecutor=prosecutor,
            now=now,
            is_sandbox=False,
        )
        request.status = OrderRequestStatus.FULFILLED
        request.handled_by, request.handled_at = prosecutor, now
        request.save(update_fields=["status", "handled_by", "handled_at"])
        deadline_meet(
            subject=request.case, kind=DeadlineKind.FINAL_ORDER, now=now, actor=prosecutor
        )
        Case.objects.filter(pk=request.case_id, status=CaseStatus.ASSESSED).update(
            status=CaseStatus.ACTION
        )
    return order


def _create_order(
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
    if supersedes is None:
        number = allocate(f"order-{authority.jurisdiction_id}-{now.year}")[0]
        reference = f"{authority.jurisdiction_id}-{'ORD' if fields.kind == OrderKind.ORDER else 'NTC'}-{now.year}-{number:06d}"
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
                status__in=ACTIVE,
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
    )
    _sign(order, items, prosecutor, now)
    order.save()
    order.items.set(items)
    if duplicate is not None:
        _audit(
            order, "linked_duplicate", actor=prosecutor, now=now, duplicate_of=duplicate.reference
        )
        return order  # recorded and linked, never sent twice
    if supersedes is None:
        _start_platform_clocks(order, now)
    _audit(
        order,
        "issued" if supersedes is None else "amended",
        actor=prosecutor,
        now=now,
        kind=order.kind,
        key_id=order.signing_key_id,
        items=[i.pk for i in items],
        removal_due_at=order.removal_due_at,
    )
    _push(order, "order.issued" if supersedes is None else "order.amended", now)
    return order


def _start_platform_clocks(order: TakedownOrder, now: datetime) -> None:
    responsible = Responsible(platform=order.platform)
    parties = {order.issuing_authority.jurisdiction_id}
    for kind in (DeadlineKind.ACKNOWLEDGEMENT, DeadlineKind.REMOVAL):
        deadline = deadline_start(
            kind=kind,
            subject=order,
            responsible=responsible,
            case_id=order.case_id,
            label=f"{order.reference} {DeadlineKind(kind).label.lower()}",
            parties=parties,
            start=now,
            is_sandbox=order.is_sandbox,
        )
        if order.is_sandbox:  # shown to the integrator, never escalated to real people
            Deadline.objects.filter(pk=deadline.pk).update(next_check_at=None)


def order_withdraw(
    *, order: TakedownOrder, prosecutor: User, reason: str, now: datetime | None = None
) -> TakedownOrder:
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Say why the order is withdrawn.")]})
    with atomic():
        order = _lock(order)
        _require_prosecutor_of(prosecutor, order)
        # A completed order may be withdrawn too (an objection upheld): the platform
        # may then restore the content.
        if order.status not in (*ACTIVE, OrderStatus.COMPLETED):
            raise InvalidTransition(_("This order can no longer be withdrawn."))
        order.status = OrderStatus.WITHDRAWN
        order.withdrawn_reason = reason
        order.save(update_fields=["status", "withdrawn_reason"])
        deadline_cancel(subject=order, reason=_("Order withdrawn"), now=now, actor=prosecutor)
        _audit(order, "withdrawn", actor=prosecutor, now=now, reason=reason)
        _push(order, "order.withdrawn", now)
    return order


def order_amend(
    *, order: TakedownOrder, prosecutor: User, fields: OrderFields, now: datetime | None = None
) -> TakedownOrder:
    """A new version supersedes the old one; the removal clock keeps running on it."""
    now = now or timezone.now()
    fields.check()
    with atomic():
        order = _lock(order)
        _require_prosecutor_of(prosecutor, order)
        if order.status not in ACTIVE or order.duplicate_of_id:
            raise InvalidTransition(_("Only an order that is still running can be amended."))
        if fields.kind != order.kind:
            raise ValidationFailed(
                fields={"kind": [_("An amendment keeps the kind; withdraw and issue anew.")]}
            )
        items = list(order.items.all())
        new = _create_order(
            case=order.case,
            request=order.request,
            authority=order.issuing_authority,
            platform=order.platform,
            fields=fields,
            items=items,
            prosecutor=prosecutor,
            now=now,
            is_sandbox=order.is_sandbox,
            supersedes=order,
        )
        new.status = OrderStatus.ACKNOWLEDGED if order.acknowledged_at else OrderStatus.ISSUED
        new.acknowledged_at = order.acknowledged_at
        new.save(update_fields=["status", "acknowledged_at"])
        # The clocks and the threads continue on the new version.
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(TakedownOrder), subject_id=order.pk
        ).update(subject_id=new.pk)
        PlatformResponse.objects.filter(order=order).update(order=new)
        order.status = OrderStatus.SUPERSEDED
        order.save(update_fields=["status"])
        # An amendment answers what the platform could not comply with.
        for report in PlatformResponse.objects.filter(
            order=new, kind=ResponseKind.CANNOT_COMPLY, answered_at__isnull=True
        ):
            report.answer = _("Amended: see version %(v)d.") % {"v": new.version}
            report.answered_by, report.answered_at = prosecutor, now
            report.save(update_fields=["answer", "answered_by", "answered_at"])
        _resume_removal(new, now, prosecutor)
    return new


def _lock(order: TakedownOrder) -> TakedownOrder:
    return (
        TakedownOrder.objects.select_for_update(of=("self",), no_key=True)
        .select_related("issuing_authority", "platform", "case__lead_desk__authority")
        .get(pk=order.pk)
    )


def _open_clock_stops(order: TakedownOrder) -> bool:
    return (
        PlatformResponse.objects.filter(
            order=order,
            kind__in=[ResponseKind.CLARIFICATION, ResponseKind.CANNOT_COMPLY],
            answered_at__isnull=True,
        ).exists()
        or order.suspended
    )


def _pause_removal(order: TakedownOrder, reason: str, now) -> None:
    deadline = running_deadline(subject=order, kind=DeadlineKind.REMOVAL)
    if deadline is not None:
        deadline_pause(deadline=deadline, reason=reason, now=now, actor=_actor(order))


def _resume_removal(order: TakedownOrder, now, actor) -> None:
    if _open_clock_stops(order):
        return  # another question or report still holds the clock
    deadline = running_deadline(subject=order, kind=DeadlineKind.REMOVAL)
    if deadline is not None:
        deadline_resume(deadline=deadline, now=now, actor=actor)


def _actor(order: TakedownOrder) -> str:
    return f"platform:{order.platform.slug}"
