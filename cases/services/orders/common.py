"""What the order services share: the signed document, locking, telling the platform,
the platform's clocks and the clock stops. Moves come from ``ORDER`` in
cases/transitions.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from cases.access import is_issuer
from cases.choices import OrderKind, ResponseKind
from cases.models import PlatformResponse, ReportedItem, TakedownOrder
from cases.order_document import event_texts
from deadlines import policy
from deadlines.choices import DeadlineKind
from deadlines.outbox import notify_platform
from deadlines.services import (
    Responsible,
    agreements_between,
    calendar_of,
    deadline_pause,
    deadline_resume,
    deadline_start,
    running_deadline,
)
from liaison import keys
from liaison.choices import WebhookEvent
from liaison.models import Platform
from takedown.core.audit import canonical_json
from takedown.core.errors import PermissionDenied, ValidationFailed
from takedown.core.models import User
from takedown.core.transitions import lock

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


def sign(order: TakedownOrder, items, actor, now) -> None:
    order.signed_payload = order_document(order, items)
    signature = keys.sign(
        authority=order.issuing_authority,
        message=canonical_bytes(order.signed_payload),
        sandbox=order.is_sandbox,
        actor=actor,
        now=now,
    )
    order.signature, order.signing_key_id = signature.value, signature.key_id


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


# --- Who acts, and on what ----------------------------------------------------------------


def require_issuer(user: User, order_or_request) -> None:
    if not is_issuer(user, order_or_request):
        raise PermissionDenied(_("Only prosecutors of the issuing authority can do this."))


def lock_order(order: TakedownOrder) -> TakedownOrder:
    return lock(
        TakedownOrder.objects.select_related(
            "issuing_authority", "platform", "case__lead_desk__authority"
        ),
        order.pk,
    )


def platform_actor(order: TakedownOrder) -> str:
    return f"platform:{order.platform.slug}"


def push(order: TakedownOrder, event: WebhookEvent, now, *, about: int | None = None) -> None:
    """Tell the platform's webhook. ``about`` (the answered question, say) makes each
    event of a kind on one order a message of its own."""
    event = WebhookEvent(event).value
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
                },
                "texts": event_texts(order, event),
            },
            dedupe_key=f"{event}:{order.pk}:{about or ''}",
            now=now,
        )


# --- The platform's clocks ------------------------------------------------------------------


def removal_due(*, issuing_code: str, platform: Platform, start: datetime) -> datetime:
    return policy.timeline(
        kind=DeadlineKind.REMOVAL,
        acute=False,
        start=start,
        calendar=calendar_of(platform.establishment_jurisdiction),
        agreements=agreements_between({issuing_code, platform.establishment_jurisdiction_id}),
    ).due_at


def start_platform_clocks(order: TakedownOrder, now: datetime) -> None:
    """Acknowledgement and removal, from the issue. A sandbox order's clocks are shown to
    the integrator but never escalate to real people."""
    for kind in (DeadlineKind.ACKNOWLEDGEMENT, DeadlineKind.REMOVAL):
        deadline_start(
            kind=kind,
            subject=order,
            responsible=Responsible(platform=order.platform),
            case_id=order.case_id,
            label=order.reference,
            parties={order.issuing_authority.jurisdiction_id},
            start=now,
            is_sandbox=order.is_sandbox,
            escalates=not order.is_sandbox,
        )


def open_clock_stops(order: TakedownOrder) -> bool:
    return (
        PlatformResponse.objects.filter(
            order=order,
            kind__in=[ResponseKind.CLARIFICATION, ResponseKind.CANNOT_COMPLY],
            answered_at__isnull=True,
        ).exists()
        or order.suspended
    )


def pause_removal(order: TakedownOrder, reason: str, now) -> None:
    deadline = running_deadline(subject=order, kind=DeadlineKind.REMOVAL)
    if deadline is not None:
        deadline_pause(deadline=deadline, reason=reason, now=now, actor=platform_actor(order))


def resume_removal(order: TakedownOrder, now, actor) -> None:
    if open_clock_stops(order):
        return  # another question or report still holds the clock
    deadline = running_deadline(subject=order, kind=DeadlineKind.REMOVAL)
    if deadline is not None:
        deadline_resume(deadline=deadline, now=now, actor=actor)
