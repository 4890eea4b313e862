"""Takedown orders: issued and signed by prosecutors, answered by platforms.

An order carries the fields of Regulation (EU) 2021/784 Annex I and is signed (Ed25519)
over its canonical JSON form, which is stored as ``signed_payload``: anyone holding the
issuing authority's public key can check that what the platform received is what was
issued. Platform answers are ``PlatformResponse`` rows; a clarification question or a
cannot-comply report stops the removal clock until the prosecutor answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import (
    CannotComplyGround,
    CaseStatus,
    ItemOutcome,
    ItemStatus,
    ObjectionResolution,
    OrderKind,
    OrderRequestStatus,
    OrderStatus,
    ResponseKind,
)
from cases.models import Case, OrderRequest, PlatformResponse, ReportedItem, TakedownOrder
from cases.services.cooperation import victim_milestone
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
from liaison.models import Jurisdiction, Platform
from takedown.core.audit import audit_record, canonical_json
from takedown.core.choices import Role
from takedown.core.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
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
    with transaction.atomic():
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
    with transaction.atomic():
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
    with transaction.atomic():
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


# --- What platforms say -----------------------------------------------------------------


def _platform_order(order: TakedownOrder, platform: Platform) -> TakedownOrder:
    order = _lock(order)
    if order.platform_id != platform.pk or order.duplicate_of_id is not None:
        raise NotFound(_("No such order."))
    return order


def order_acknowledge(
    *, order: TakedownOrder, platform: Platform, now: datetime | None = None
) -> TakedownOrder:
    now = now or timezone.now()
    with transaction.atomic():
        order = _platform_order(order, platform)
        if order.status != OrderStatus.ISSUED:
            raise InvalidTransition(
                _("The order is %(status)s: it cannot be acknowledged.")
                % {"status": order.get_status_display().lower()}
            )
        _acknowledge(order, now)
    return order


def _acknowledge(order: TakedownOrder, now: datetime) -> None:
    order.status = OrderStatus.ACKNOWLEDGED
    order.acknowledged_at = now
    order.save(update_fields=["status", "acknowledged_at"])
    PlatformResponse.objects.create(order=order, kind=ResponseKind.ACKNOWLEDGEMENT, created_at=now)
    deadline_meet(subject=order, kind=DeadlineKind.ACKNOWLEDGEMENT, now=now, actor=_actor(order))
    _audit(order, "acknowledged", actor=_actor(order), now=now)


def _actor(order: TakedownOrder) -> str:
    return f"platform:{order.platform.slug}"


@dataclass(frozen=True)
class RemovalInput:
    item_id: int
    outcome: str
    happened_at: datetime
    jurisdictions: tuple[str, ...] = ()


def order_report_removals(
    *,
    order: TakedownOrder,
    platform: Platform,
    removals: Sequence[RemovalInput],
    now: datetime | None = None,
) -> TakedownOrder:
    """Per item: removed, disabled in listed jurisdictions, or not found. When every item
    has an outcome the order is complete and the officers' verification clock starts."""
    now = now or timezone.now()
    with transaction.atomic():
        order = _platform_order(order, platform)
        if order.status not in (OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED):
            raise InvalidTransition(
                _("The order is %(s)s: no removals can be reported.") % {"s": order.status}
            )
        items = {item.pk: item for item in order.items.select_for_update(of=("self",), no_key=True)}
        known_codes = set(Jurisdiction.objects.values_list("code", flat=True))
        reported = set(
            PlatformResponse.objects.filter(order=order, kind=ResponseKind.OUTCOME).values_list(
                "item_id", flat=True
            )
        )
        errors = {}
        for n, removal in enumerate(removals):
            if removal.item_id not in items:
                errors[str(n)] = {
                    "item": [_("Item %(id)s is not in this order.") % {"id": removal.item_id}]
                }
            elif removal.item_id in reported:
                errors[str(n)] = {
                    "item": [
                        _("An outcome for item %(id)s was already reported.")
                        % {"id": removal.item_id}
                    ]
                }
            elif removal.outcome not in ItemOutcome.values:
                errors[str(n)] = {"outcome": [_("Unknown outcome.")]}
            elif removal.outcome == ItemOutcome.DISABLED and not removal.jurisdictions:
                errors[str(n)] = {
                    "jurisdictions": [_("Say in which jurisdictions it is disabled.")]
                }
            elif removal.outcome == ItemOutcome.DISABLED and (
                unknown := set(removal.jurisdictions) - known_codes
            ):
                errors[str(n)] = {
                    "jurisdictions": [
                        _("Not jurisdictions of the network: %(c)s.")
                        % {"c": ", ".join(sorted(unknown))}
                    ]
                }
            elif removal.happened_at > now:
                errors[str(n)] = {"happened_at": [_("This time is in the future.")]}
        if len({r.item_id for r in removals}) != len(removals):
            raise ValidationFailed(
                _("Nothing was recorded."), fields={"removals": [_("Each item at most once.")]}
            )
        if errors:
            raise ValidationFailed(_("Nothing was recorded."), fields={"removals": errors})
        if order.status == OrderStatus.ISSUED:
            _acknowledge(order, now)  # reporting a removal is receipt too
        status_of = {
            ItemOutcome.REMOVED: ItemStatus.REMOVED,
            ItemOutcome.DISABLED: ItemStatus.DISABLED,
            ItemOutcome.NOT_FOUND: ItemStatus.NOT_FOUND,
        }
        for removal in removals:
            PlatformResponse.objects.create(
                order=order,
                kind=ResponseKind.OUTCOME,
                item=items[removal.item_id],
                outcome=removal.outcome,
                disabled_in=_disabled_in(removal),
                happened_at=removal.happened_at,
                created_at=now,
            )
            item = items[removal.item_id]
            item.status, item.status_changed_at = (
                status_of[ItemOutcome(removal.outcome)],
                removal.happened_at,
            )
            item.disabled_in = _disabled_in(removal)
            item.save(update_fields=["status", "status_changed_at", "disabled_in"])
        _audit(
            order,
            "removals_reported",
            actor=_actor(order),
            now=now,
            outcomes={str(r.item_id): r.outcome for r in removals},
        )
        if reported | {r.item_id for r in removals} >= set(items):
            order.status, order.completed_at = OrderStatus.COMPLETED, now
            order.save(update_fields=["status", "completed_at"])
            deadline_meet(subject=order, kind=DeadlineKind.REMOVAL, now=now, actor=_actor(order))
            if not order.is_sandbox:
                deadline_start(
                    kind=DeadlineKind.VERIFICATION,
                    subject=order,
                    responsible=Responsible(desk=order.case.lead_desk),
                    case_id=order.case_id,
                    label=f"{order.reference} verification",
                    assignee=order.case.assignee,
                    start=now,
                )
            _audit(order, "completed", actor=_actor(order), now=now)
    return order


def _disabled_in(removal: RemovalInput) -> str:
    """Where access is disabled: known codes, each once, only for that outcome."""
    if removal.outcome != ItemOutcome.DISABLED:
        return ""
    return ",".join(sorted(set(removal.jurisdictions)))


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


def order_cannot_comply(
    *,
    order: TakedownOrder,
    platform: Platform,
    ground: str,
    explanation: str,
    now: datetime | None = None,
) -> PlatformResponse:
    now = now or timezone.now()
    if ground not in CannotComplyGround.values:
        raise ValidationFailed(fields={"ground": [_("Use one of the Annex III grounds.")]})
    if not explanation.strip():
        raise ValidationFailed(fields={"explanation": [_("Explain why.")]})
    with transaction.atomic():
        order = _platform_order(order, platform)
        if order.status not in (OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED):
            raise InvalidTransition(_("The order is %(s)s.") % {"s": order.status})
        if order.status == OrderStatus.ISSUED:
            _acknowledge(order, now)
        response = PlatformResponse.objects.create(
            order=order,
            kind=ResponseKind.CANNOT_COMPLY,
            ground=ground,
            message=explanation,
            created_at=now,
        )
        order.status = OrderStatus.CANNOT_COMPLY
        order.save(update_fields=["status"])
        _pause_removal(
            order, _("Cannot comply: %(g)s") % {"g": CannotComplyGround(ground).label}, now
        )
        _audit(order, "cannot_comply", actor=_actor(order), now=now, ground=ground)
        victim_milestone(case=order.case, milestone="order_refused", now=now)
    return response


def order_ask_clarification(
    *, order: TakedownOrder, platform: Platform, question: str, now: datetime | None = None
) -> PlatformResponse:
    now = now or timezone.now()
    if not question.strip():
        raise ValidationFailed(fields={"question": [_("Ask a question.")]})
    with transaction.atomic():
        order = _platform_order(order, platform)
        if order.status not in (OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED):
            raise InvalidTransition(_("The order is %(s)s.") % {"s": order.status})
        response = PlatformResponse.objects.create(
            order=order, kind=ResponseKind.CLARIFICATION, message=question, created_at=now
        )
        _pause_removal(order, _("Clarification asked"), now)
        _audit(order, "clarification_asked", actor=_actor(order), now=now, response=response.pk)
    return response


def order_object(
    *, order: TakedownOrder, platform: Platform, grounds: str, now: datetime | None = None
) -> PlatformResponse:
    """The redress route: recorded and routed to the issuing authority. It does not stop
    the clock unless the prosecutor suspends the order."""
    now = now or timezone.now()
    if not grounds.strip():
        raise ValidationFailed(fields={"grounds": [_("Give the legal grounds.")]})
    with transaction.atomic():
        order = _platform_order(order, platform)
        if order.status not in ACTIVE and order.status != OrderStatus.COMPLETED:
            raise InvalidTransition(_("The order is %(s)s.") % {"s": order.status})
        response = PlatformResponse.objects.create(
            order=order, kind=ResponseKind.OBJECTION, message=grounds, created_at=now
        )
        _audit(order, "objection_filed", actor=_actor(order), now=now, response=response.pk)
    return response


# --- The prosecutor answers -------------------------------------------------------------


def _open_response(response: PlatformResponse, kind: str) -> PlatformResponse:
    response = PlatformResponse.objects.select_for_update(of=("self",), no_key=True).get(
        pk=response.pk
    )
    if response.kind != kind or response.answered_at is not None:
        raise InvalidTransition(_("This has already been answered."))
    return response


def clarification_answer(
    *, response: PlatformResponse, prosecutor: User, answer: str, now: datetime | None = None
) -> PlatformResponse:
    now = now or timezone.now()
    if not answer.strip():
        raise ValidationFailed(fields={"answer": [_("Write the answer.")]})
    with transaction.atomic():
        order = _lock(response.order)
        _require_prosecutor_of(prosecutor, order)
        response = _open_response(response, ResponseKind.CLARIFICATION)
        response.answer, response.answered_by, response.answered_at = answer, prosecutor, now
        response.save(update_fields=["answer", "answered_by", "answered_at"])
        _resume_removal(order, now, prosecutor)
        _audit(order, "clarification_answered", actor=prosecutor, now=now, response=response.pk)
        _push(order, "order.clarification_answered", now, about=response.pk)
    return response


def cannot_comply_resolve(
    *,
    response: PlatformResponse,
    prosecutor: User,
    maintain: bool,
    answer: str,
    now: datetime | None = None,
) -> TakedownOrder:
    """Maintain the order (the clock resumes with the time it had left) or withdraw it."""
    now = now or timezone.now()
    if not answer.strip():
        raise ValidationFailed(fields={"answer": [_("Explain the decision to the platform.")]})
    with transaction.atomic():
        order = _lock(response.order)
        _require_prosecutor_of(prosecutor, order)
        response = _open_response(response, ResponseKind.CANNOT_COMPLY)
        response.answer, response.answered_by, response.answered_at = answer, prosecutor, now
        response.save(update_fields=["answer", "answered_by", "answered_at"])
        _audit(order, "cannot_comply_resolved", actor=prosecutor, now=now, maintained=maintain)
        if not maintain:
            return order_withdraw(order=order, prosecutor=prosecutor, reason=answer, now=now)
        order.status = OrderStatus.ACKNOWLEDGED
        order.save(update_fields=["status"])
        _resume_removal(order, now, prosecutor)
        _push(order, "order.cannot_comply_resolved", now, about=response.pk)
    return order


def objection_decide(
    *,
    response: PlatformResponse,
    prosecutor: User,
    resolution: str,
    answer: str,
    now: datetime | None = None,
) -> TakedownOrder:
    now = now or timezone.now()
    if resolution not in ObjectionResolution.values:
        raise ValidationFailed(fields={"resolution": [_("Choose upheld, rejected or suspended.")]})
    if not answer.strip():
        raise ValidationFailed(fields={"answer": [_("Give the reasons.")]})
    with transaction.atomic():
        order = _lock(response.order)
        _require_prosecutor_of(prosecutor, order)
        response = _open_response(response, ResponseKind.OBJECTION)
        response.answer, response.answered_by, response.answered_at = answer, prosecutor, now
        response.resolution = resolution
        response.save(update_fields=["answer", "answered_by", "answered_at", "resolution"])
        _audit(order, "objection_decided", actor=prosecutor, now=now, resolution=resolution)
        if resolution == ObjectionResolution.UPHELD:
            return order_withdraw(order=order, prosecutor=prosecutor, reason=answer, now=now)
        if resolution == ObjectionResolution.SUSPENDED and not order.suspended:
            order.suspended = True
            order.save(update_fields=["suspended"])
            _pause_removal(order, _("Suspended pending review of an objection"), now)
        _push(order, "order.objection_decided", now, about=response.pk)
    return order


def order_unsuspend(
    *, order: TakedownOrder, prosecutor: User, now: datetime | None = None
) -> TakedownOrder:
    now = now or timezone.now()
    with transaction.atomic():
        order = _lock(order)
        _require_prosecutor_of(prosecutor, order)
        if not order.suspended:
            raise InvalidTransition(_("The order is not suspended."))
        order.suspended = False
        order.save(update_fields=["suspended"])
        _resume_removal(order, now, prosecutor)
        _audit(order, "unsuspended", actor=prosecutor, now=now)
        _push(order, "order.unsuspended", now, about=int(now.timestamp()))
    return order


# --- Officers verify --------------------------------------------------------------------


def item_verify_removal(
    *, item: ReportedItem, officer: User, removed: bool, note: str = "", now: datetime | None = None
) -> ReportedItem:
    """The item is gone as seen from the officer's jurisdiction (verified removed), or it
    is not (the item reopens). When every item of an order is verified, the verification
    clock stops; when every item of the case is, the case is resolved."""
    from cases.selectors import user_may_act_on

    now = now or timezone.now()
    with transaction.atomic():
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


# --- The sandbox ------------------------------------------------------------------------

SANDBOX_CODE = "XS"  # ISO 3166 user-assigned: never a real country


def _sandbox_desk():
    from liaison.choices import AuthorityKind
    from liaison.models import Authority, Jurisdiction, LiaisonDesk

    jurisdiction, _created = Jurisdiction.objects.get_or_create(
        code=SANDBOX_CODE,
        defaults={
            "name": "Sandbox",
            "timezone": "UTC",
            "in_network": False,
            "profile_note": "Integration sandbox: orders here are tests and never counted.",
        },
    )
    authority, _created = Authority.objects.get_or_create(
        jurisdiction=jurisdiction,
        name="Takedown sandbox authority",
        defaults={"kind": AuthorityKind.PROSECUTOR, "email": "sandbox@takedown.example.org"},
    )
    desk, _created = LiaisonDesk.objects.get_or_create(authority=authority, name="Sandbox desk")
    return authority, desk


def sandbox_order_create(
    *, platform: Platform, item_count: int = 2, now: datetime | None = None
) -> TakedownOrder:
    """A test order for this platform, signed with a sandbox key: integrate end to end
    before the first real order. Its case belongs to a desk nobody sits on, its clocks
    never escalate, and figures leave it out."""
    import uuid

    from cases.choices import ParticipantRole
    from cases.models import CaseParticipant
    from cases.normalise import normalise_url

    now = now or timezone.now()
    if not 1 <= item_count <= 20:
        raise ValidationFailed(fields={"item_count": [_("Between 1 and 20 items.")]})
    with transaction.atomic():
        authority, desk = _sandbox_desk()
        number = allocate("sandbox-case")[0]
        case = Case.objects.create(
            reference=f"SBX-{number:08d}",
            status=CaseStatus.ACTION,
            lead_desk=desk,
            summary=f"Sandbox order for {platform.name}",
            created_at=now,
        )
        CaseParticipant.objects.create(
            case=case, desk=desk, role=ParticipantRole.LEAD, joined_at=now
        )
        domain = (
            platform.domains.order_by("domain").values_list("domain", flat=True).first()
            or "example.test"
        )
        items = []
        for _n in range(item_count):
            url = f"https://{domain}/.well-known/takedown-sandbox/{uuid.uuid4().hex}"
            normalised = normalise_url(url)
            items.append(
                ReportedItem.objects.create(
                    case=case,
                    url=url,
                    normalized_url=normalised.url,
                    url_digest=normalised.digest,
                    domain=normalised.host,
                    platform=platform,
                    created_at=now,
                )
            )
        fields = OrderFields(
            kind=OrderKind.ORDER,
            legal_basis="Sandbox: no legal effect.",
            reasons="Integration test order. Synthetic URLs; nothing to remove.",
            contact_point="sandbox@takedown.example.org",
        )
        return _create_order(
            case=case,
            request=None,
            authority=authority,
            platform=platform,
            fields=fields,
            items=items,
            prosecutor=None,
            now=now,
            is_sandbox=True,
        )
