"""What platforms say about an order, and the prosecutor's answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import platform_may_see
from cases.choices import (
    CannotComplyGround,
    ItemOutcome,
    ObjectionResolution,
    ResponseKind,
)
from cases.models import PlatformResponse, TakedownOrder
from cases.services.victims import victim_milestone
from cases.transitions import ITEM, ORDER
from deadlines.choices import DeadlineKind
from deadlines.services import Responsible, deadline_meet, deadline_start
from liaison.choices import WebhookEvent
from liaison.models import Jurisdiction, Platform
from takedown.core.audit import atomic
from takedown.core.errors import InvalidTransition, NotFound, ValidationFailed
from takedown.core.models import User

from .common import (
    lock_order,
    pause_removal,
    platform_actor,
    push,
    require_issuer,
    resume_removal,
)
from .issuing import move, order_withdraw

# What each outcome a platform reports makes of the item: a move of ``ITEM``.
ITEM_MOVES = {
    ItemOutcome.REMOVED: "removed",
    ItemOutcome.DISABLED: "disabled",
    ItemOutcome.NOT_FOUND: "not_found",
}

# --- What platforms say -----------------------------------------------------------------


def _platform_order(order: TakedownOrder, platform: Platform) -> TakedownOrder:
    order = lock_order(order)
    if not platform_may_see(platform, order):
        raise NotFound(_("No such order."))
    return order


def order_acknowledge(
    *, order: TakedownOrder, platform: Platform, now: datetime | None = None
) -> TakedownOrder:
    now = now or timezone.now()
    with atomic():
        order = _platform_order(order, platform)
        _acknowledge(order, now)
    return order


def _acknowledge(order: TakedownOrder, now: datetime) -> None:
    ORDER.require(order, "acknowledged")
    PlatformResponse.objects.create(order=order, kind=ResponseKind.ACKNOWLEDGEMENT, created_at=now)
    deadline_meet(
        subject=order, kind=DeadlineKind.ACKNOWLEDGEMENT, now=now, actor=platform_actor(order)
    )
    order.acknowledged_at = now
    move(order, "acknowledged", actor=platform_actor(order), now=now, fields=["acknowledged_at"])


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
        ORDER.require(order, "removals_reported")
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
        if ORDER.can(order, "acknowledged"):
            _acknowledge(order, now)  # reporting a removal is receipt too
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
            item.status_changed_at, item.disabled_in = removal.happened_at, _disabled_in(removal)
            ITEM.move(
                item,
                ITEM_MOVES[ItemOutcome(removal.outcome)],
                actor=platform_actor(order),
                now=now,
                fields=["status_changed_at", "disabled_in"],
                data={"order": order.reference},
            )
        move(
            order,
            "removals_reported",
            actor=platform_actor(order),
            now=now,
            outcomes={str(r.item_id): r.outcome for r in removals},
        )
        if reported | {r.item_id for r in removals} >= set(items):
            deadline_meet(
                subject=order, kind=DeadlineKind.REMOVAL, now=now, actor=platform_actor(order)
            )
            if not order.is_sandbox:
                deadline_start(
                    kind=DeadlineKind.VERIFICATION,
                    subject=order,
                    responsible=Responsible(desk=order.case.lead_desk),
                    case_id=order.case_id,
                    label=order.reference,
                    assignee=order.case.assignee,
                    start=now,
                )
            order.completed_at = now
            move(order, "completed", actor=platform_actor(order), now=now, fields=["completed_at"])
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
        ORDER.require(order, "cannot_comply")
        if ORDER.can(order, "acknowledged"):
            _acknowledge(order, now)
        response = PlatformResponse.objects.create(
            order=order,
            kind=ResponseKind.CANNOT_COMPLY,
            ground=ground,
            message=explanation,
            created_at=now,
        )
        pause_removal(
            order, _("Cannot comply: %(g)s") % {"g": CannotComplyGround(ground).label}, now
        )
        move(order, "cannot_comply", actor=platform_actor(order), now=now, ground=ground)
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
        ORDER.require(order, "clarification_asked")
        response = PlatformResponse.objects.create(
            order=order, kind=ResponseKind.CLARIFICATION, message=question, created_at=now
        )
        pause_removal(order, _("Clarification asked"), now)
        move(
            order,
            "clarification_asked",
            actor=platform_actor(order),
            now=now,
            response=response.pk,
        )
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
        ORDER.require(order, "objection_filed")
        response = PlatformResponse.objects.create(
            order=order, kind=ResponseKind.OBJECTION, message=grounds, created_at=now
        )
        move(order, "objection_filed", actor=platform_actor(order), now=now, response=response.pk)
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
        order = lock_order(response.order)
        require_issuer(prosecutor, order)
        ORDER.require(order, "clarification_answered")
        response = _open_response(response, ResponseKind.CLARIFICATION)
        response.answer, response.answered_by, response.answered_at = answer, prosecutor, now
        response.save(update_fields=["answer", "answered_by", "answered_at"])
        resume_removal(order, now, prosecutor)
        move(order, "clarification_answered", actor=prosecutor, now=now, response=response.pk)
        push(order, WebhookEvent.ORDER_CLARIFICATION_ANSWERED, now, about=response.pk)
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
        order = lock_order(response.order)
        require_issuer(prosecutor, order)
        ORDER.require(order, "cannot_comply_maintained" if maintain else "withdrawn")
        response = _open_response(response, ResponseKind.CANNOT_COMPLY)
        response.answer, response.answered_by, response.answered_at = answer, prosecutor, now
        response.save(update_fields=["answer", "answered_by", "answered_at"])
        if not maintain:
            return order_withdraw(order=order, prosecutor=prosecutor, reason=answer, now=now)
        move(order, "cannot_comply_maintained", actor=prosecutor, now=now, response=response.pk)
        resume_removal(order, now, prosecutor)
        push(order, WebhookEvent.ORDER_CANNOT_COMPLY_RESOLVED, now, about=response.pk)
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
        order = lock_order(response.order)
        require_issuer(prosecutor, order)
        ORDER.require(order, "objection_decided")
        response = _open_response(response, ResponseKind.OBJECTION)
        response.answer, response.answered_by, response.answered_at = answer, prosecutor, now
        response.resolution = resolution
        response.save(update_fields=["answer", "answered_by", "answered_at", "resolution"])
        suspend = resolution == ObjectionResolution.SUSPENDED and not order.suspended
        if suspend:
            order.suspended = True
            pause_removal(order, _("Suspended pending review of an objection"), now)
        move(
            order,
            "objection_decided",
            actor=prosecutor,
            now=now,
            fields=["suspended"] if suspend else [],
            resolution=resolution,
        )
        if resolution == ObjectionResolution.UPHELD:
            return order_withdraw(order=order, prosecutor=prosecutor, reason=answer, now=now)
        push(order, WebhookEvent.ORDER_OBJECTION_DECIDED, now, about=response.pk)
    return order


def order_unsuspend(
    *, order: TakedownOrder, prosecutor: User, now: datetime | None = None
) -> TakedownOrder:
    now = now or timezone.now()
    with atomic():
        order = lock_order(order)
        require_issuer(prosecutor, order)
        ORDER.require(order, "unsuspended")
        if not order.suspended:
            raise InvalidTransition(_("The order is not suspended."))
        order.suspended = False
        move(order, "unsuspended", actor=prosecutor, now=now, fields=["suspended"])
        resume_removal(order, now, prosecutor)
        push(order, WebhookEvent.ORDER_UNSUSPENDED, now, about=int(now.timestamp()))
    return order
