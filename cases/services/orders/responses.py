"""What platforms say about an order, and the prosecutor's answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import (
    CannotComplyGround,
    ItemOutcome,
    ItemStatus,
    ObjectionResolution,
    OrderStatus,
    ResponseKind,
)
from cases.models import PlatformResponse, TakedownOrder
from cases.services.cooperation import victim_milestone
from deadlines.choices import DeadlineKind
from deadlines.services import (
    Responsible,
    deadline_meet,
    deadline_start,
)
from liaison.models import Jurisdiction, Platform
from takedown.core.audit import atomic
from takedown.core.errors import InvalidTransition, NotFound, ValidationFailed
from takedown.core.models import User

from .issuing import (
    ACTIVE,
    _actor,
    _audit,
    _lock,
    _pause_removal,
    _push,
    _require_prosecutor_of,
    _resume_removal,
    order_withdraw,
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
    with atomic():
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
    with atomic():
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
    with atomic():
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
    with atomic():
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
    with atomic():
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
    with atomic():
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
    with atomic():
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
    with atomic():
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
    with atomic():
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
