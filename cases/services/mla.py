"""Mutual legal assistance: requests from an authority of one jurisdiction to an
authority of another.

The requested authority's desk answers within the policy's response time (10 days, 8 h
in an emergency; agreements override), escalating like any other deadline. A request for
the same data that is already running is linked, not sent twice. Moves come from
``MLA`` in cases/transitions.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import may_answer_mla, may_reply_mla, may_request_mla, may_send_mla
from cases.choices import MLAKind, MLAStatus, MLAUrgency
from cases.models import Case, MLAMessage, MLARequest, ReportedItem
from cases.transitions import MLA, MLA_OPEN
from deadlines.choices import DeadlineKind
from deadlines.services import (
    Responsible,
    deadline_cancel,
    deadline_meet,
    deadline_pause,
    deadline_resume,
    deadline_start,
    running_deadline,
)
from liaison.models import Authority
from takedown.core.audit import atomic, audit_record
from takedown.core.errors import PermissionDenied, ValidationFailed
from takedown.core.models import User
from takedown.core.references import allocate
from takedown.core.transitions import lock

# What the requested side may say, and the move each makes.
RESPONSES = {
    MLAStatus.ACCEPTED: "accepted",
    MLAStatus.INFO_REQUESTED: "info_requested",
    MLAStatus.REFUSED: "refused",
    MLAStatus.ANSWERED: "answered",
}


def _lock(request: MLARequest) -> MLARequest:
    return lock(
        MLARequest.objects.select_related(
            "case", "requesting_authority", "requested_authority__jurisdiction"
        ),
        request.pk,
    )


def mla_create(
    *,
    case: Case,
    requester: User,
    requested_authority: Authority,
    kind: str,
    urgency: str,
    legal_basis: str,
    description: str,
    items: Sequence[ReportedItem] = (),
    packages: Sequence = (),
    preserve_until: date | None = None,
    preservation_scope: str = "",
    now: datetime | None = None,
) -> MLARequest:
    """A draft request, pre-filled by the caller from the case and its evidence."""
    now = now or timezone.now()
    requesting = requester.authority
    errors = {}
    if kind not in MLAKind.values:
        errors["kind"] = [_("Choose a kind of assistance.")]
    if urgency not in MLAUrgency.values:
        errors["urgency"] = [_("Choose standard or emergency.")]
    if not legal_basis.strip():
        errors["legal_basis"] = [_("Give the legal basis.")]
    if requesting is None or requested_authority.jurisdiction_id == requesting.jurisdiction_id:
        errors["requested_authority"] = [
            _("An MLA request goes to another jurisdiction's authority.")
        ]
    if kind == MLAKind.PRESERVATION and (preserve_until is None or preserve_until <= now.date()):
        errors["preserve_until"] = [_("Say until when the data must be kept (a future date).")]
    if any(item.case_id != case.pk for item in items):
        errors["items"] = [_("Choose items of this case.")]
    if errors:
        raise ValidationFailed(_("The request is incomplete; nothing was saved."), fields=errors)
    if not may_request_mla(requester, case):
        raise PermissionDenied(
            _("Only officers of the case's desks or its prosecutors can request assistance.")
        )
    with atomic():
        number = allocate(f"mla-{requesting.jurisdiction_id}-{now.year}")[0]
        request = MLARequest.objects.create(
            reference=f"{requesting.jurisdiction_id}-MLA-{now.year}-{number:05d}",
            case=case,
            requesting_authority=requesting,
            requested_authority=requested_authority,
            requested_by=requester,
            kind=kind,
            urgency=urgency,
            legal_basis=legal_basis,
            description=description,
            preserve_until=preserve_until,
            preservation_scope=preservation_scope,
            created_at=now,
        )
        request.items.set(items)
        for package in packages:
            package.mla_requests.add(request)
        audit_record(
            action="mla.drafted",
            actor=requester,
            obj=request,
            data={"reference": request.reference, "kind": kind, "urgency": urgency},
            now=now,
        )
    return request


def mla_send(*, request: MLARequest, actor: User, now: datetime | None = None) -> MLARequest:
    """Send it, and start the response clock — unless the same data is already being
    asked of the same authority: then it is linked to that request, not sent twice."""
    now = now or timezone.now()
    with atomic():
        request = _lock(request)
        MLA.require(request, "sent")
        if not may_send_mla(actor, request):
            raise PermissionDenied(_("Only the requester or the case's officers can send it."))
        twin = (
            MLARequest.objects.filter(
                requested_authority=request.requested_authority,
                kind=request.kind,
                status__in=MLA_OPEN,
                duplicate_of__isnull=True,
            )
            .filter(items__in=request.items.all())
            .exclude(pk=request.pk)
            .first()
        )
        if twin is not None:
            request.duplicate_of, request.closed_at = twin, now
            MLA.move(
                request,
                "linked_duplicate",
                actor=actor,
                now=now,
                fields=["duplicate_of", "closed_at"],
                data={"reference": request.reference, "duplicate_of": twin.reference},
            )
            return request
        request.sent_at = now
        MLA.move(
            request,
            "sent",
            actor=actor,
            now=now,
            fields=["sent_at"],
            data={"reference": request.reference},
        )
        deadline_start(
            kind=DeadlineKind.MLA_RESPONSE,
            subject=request,
            responsible=Responsible(authority=request.requested_authority),
            case_id=request.case_id,
            label=request.reference,
            acute=request.urgency == MLAUrgency.EMERGENCY,
            parties={request.requesting_authority.jurisdiction_id},
            start=now,
        )
    return request


def mla_respond(
    *, request: MLARequest, responder: User, action: str, text: str, now: datetime | None = None
) -> MLARequest:
    """The requested desk accepts, asks for more information (the clock stops until the
    requester replies), refuses with grounds, or answers (the clock is met)."""
    now = now or timezone.now()
    if action not in RESPONSES:
        raise ValidationFailed(
            fields={"action": [_("Accept, ask for information, refuse or answer.")]}
        )
    if not text.strip():
        raise ValidationFailed(
            fields={"text": [_("Write the message (grounds, question or answer).")]}
        )
    with atomic():
        request = _lock(request)
        if not may_answer_mla(responder, request):
            raise PermissionDenied(_("Only the requested authority answers."))
        move = RESPONSES[action]
        MLA.require(request, move)
        MLAMessage.objects.create(
            request=request,
            author=responder,
            from_authority=request.requested_authority,
            kind=action,
            text=text,
            created_at=now,
        )
        if action in (MLAStatus.REFUSED, MLAStatus.ANSWERED):
            request.closed_at = now
            deadline_meet(subject=request, kind=DeadlineKind.MLA_RESPONSE, now=now, actor=responder)
        elif action == MLAStatus.INFO_REQUESTED and (
            clock := running_deadline(subject=request, kind=DeadlineKind.MLA_RESPONSE)
        ):
            deadline_pause(
                deadline=clock, reason=_("More information requested"), now=now, actor=responder
            )
        MLA.move(
            request,
            move,
            actor=responder,
            now=now,
            fields=["closed_at"],
            data={"reference": request.reference},
        )
    return request


def mla_reply(
    *, request: MLARequest, requester: User, text: str, now: datetime | None = None
) -> MLARequest:
    """The requesting side gives the information asked for; the clock resumes."""
    now = now or timezone.now()
    if not text.strip():
        raise ValidationFailed(fields={"text": [_("Write the reply.")]})
    with atomic():
        request = _lock(request)
        MLA.require(request, "information_given")
        if not may_reply_mla(requester, request):
            raise PermissionDenied(_("Only the requesting authority replies."))
        MLAMessage.objects.create(
            request=request,
            author=requester,
            from_authority=request.requesting_authority,
            kind=MLAStatus.SENT,
            text=text,
            created_at=now,
        )
        if clock := running_deadline(subject=request, kind=DeadlineKind.MLA_RESPONSE):
            deadline_resume(deadline=clock, now=now, actor=requester)
        MLA.move(
            request,
            "information_given",
            actor=requester,
            now=now,
            data={"reference": request.reference},
        )
    return request


def mla_withdraw(
    *, request: MLARequest, requester: User, reason: str, now: datetime | None = None
) -> MLARequest:
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationFailed(fields={"text": [_("Say why the request is withdrawn.")]})
    with atomic():
        request = _lock(request)
        MLA.require(request, "withdrawn")
        if not may_reply_mla(requester, request):
            raise PermissionDenied(_("Only the requesting authority withdraws it."))
        deadline_cancel(subject=request, reason=_("Withdrawn"), now=now, actor=requester)
        request.closed_at = now
        MLA.move(
            request,
            "withdrawn",
            actor=requester,
            now=now,
            fields=["closed_at"],
            data={"reference": request.reference, "reason": reason},
        )
    return request
