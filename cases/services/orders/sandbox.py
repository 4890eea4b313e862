"""The integration sandbox: test orders for a platform, and a prosecutor who answers
them.

The platform drives the prosecutor's side itself (answer its question, resolve its
cannot-comply report, decide its objection, amend, withdraw) and a question is answered
by itself after ``SANDBOX_ANSWER_DELAY_SECONDS``. Every answer goes through the real
services, as the sandbox authority's prosecutor, so the real clocks move and the real
webhooks are pushed. Only sandbox orders: a real order is never driven from here.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import platform_may_see
from cases.choices import (
    CannotComplyResolution,
    CaseStatus,
    ObjectionResolution,
    OrderKind,
    ResponseKind,
)
from cases.models import Case, PlatformResponse, ReportedItem, TakedownOrder
from liaison.models import Jurisdiction, Platform
from takedown.core.audit import atomic, audit_record
from takedown.core.choices import Role
from takedown.core.errors import InvalidTransition, NotFound, ValidationFailed
from takedown.core.models import User
from takedown.core.references import allocate

from .common import OrderFields, lock_order
from .issuing import create_order, order_amend, order_withdraw
from .responses import (
    cannot_comply_resolve,
    clarification_answer,
    objection_decide,
    order_unsuspend,
)

logger = logging.getLogger(__name__)

SANDBOX_CODE = "XS"  # ISO 3166 user-assigned: never a real country
SANDBOX_PROSECUTOR = "sandbox-prosecutor"  # the username of the sandbox's prosecutor


def _sandbox_desk():
    from liaison.choices import AuthorityKind
    from liaison.models import Authority, LiaisonDesk

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
    with atomic():
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
        return create_order(
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


# --- The sandbox's prosecutor -------------------------------------------------------------


def _sandbox_prosecutor() -> User:
    """The prosecutor of the sandbox authority, made when first needed. It has no usable
    password and is neither staff nor superuser, so nobody ever signs in as it; should
    an operator have given it a password, it is taken away again here."""
    from django.contrib.auth.models import Group

    authority, _desk = _sandbox_desk()
    user, created = User.objects.get_or_create(
        username=SANDBOX_PROSECUTOR,
        defaults={
            "authority": authority,
            "email": "sandbox@takedown.example.org",
            "first_name": "Sandbox",
            "last_name": "prosecutor",
        },
    )
    if user.authority_id != authority.pk:
        raise ImproperlyConfigured(
            f"The account {SANDBOX_PROSECUTOR!r} is not the sandbox authority's: rename it."
        )
    if created or user.has_usable_password() or user.is_staff or user.is_superuser:
        user.set_unusable_password()
        user.is_staff = user.is_superuser = False
        user.save(update_fields=["password", "is_staff", "is_superuser"])
        audit_record(
            action="user.created" if created else "user.updated",
            actor="sandbox",
            obj=user,
            data={"username": user.username, "authority": str(authority), "sandbox": True},
        )
    if not user.has_role(Role.PROSECUTOR):
        user.groups.add(Group.objects.get_or_create(name=Role.PROSECUTOR.value)[0])
        user.__dict__.pop("role_names", None)  # the cached roles
    return user


def _sandbox_order(order: TakedownOrder, platform: Platform) -> TakedownOrder:
    """The platform's own sandbox order, locked; anything else is not found."""
    order = lock_order(order)
    if not order.is_sandbox or not platform_may_see(platform, order):
        raise NotFound(_("No such sandbox order."))
    return order


def _open(order: TakedownOrder, kind: str, nothing: str) -> PlatformResponse:
    """The oldest entry of the kind that waits for the prosecutor."""
    response = (
        PlatformResponse.objects.filter(order=order, kind=kind, answered_at__isnull=True)
        .order_by("created_at", "id")
        .first()
    )
    if response is None:
        raise InvalidTransition(nothing)
    return response


def _text(value: str | None, default: str) -> str:
    return value if value is not None and value.strip() else default


# --- What the platform has the sandbox prosecutor do ------------------------------------------


def sandbox_clarification_answer(
    *,
    order: TakedownOrder,
    platform: Platform,
    answer: str | None = None,
    now: datetime | None = None,
) -> TakedownOrder:
    """Answer the oldest open question: the clock resumes (if nothing else holds it) and
    ``order.clarification_answered`` is pushed."""
    with atomic():
        order = _sandbox_order(order, platform)
        question = _open(
            order,
            ResponseKind.CLARIFICATION,
            _("Nothing to answer: this order has no open clarification question."),
        )
        clarification_answer(
            response=question,
            prosecutor=_sandbox_prosecutor(),
            answer=_text(answer, _("Sandbox answer: a canned reply; no prosecutor read it.")),
            now=now,
        )
    return order


def sandbox_cannot_comply_resolve(
    *,
    order: TakedownOrder,
    platform: Platform,
    resolution: str,
    answer: str | None = None,
    now: datetime | None = None,
) -> TakedownOrder:
    """Maintain the order (the clock resumes, ``order.cannot_comply_resolved``) or withdraw
    it (``order.withdrawn``), on the oldest open cannot-comply report."""
    if resolution not in CannotComplyResolution.values:
        raise ValidationFailed(fields={"resolution": [_("Choose maintain or withdraw.")]})
    with atomic():
        order = _sandbox_order(order, platform)
        report = _open(
            order,
            ResponseKind.CANNOT_COMPLY,
            _("Nothing to resolve: this order has no open cannot-comply report."),
        )
        return cannot_comply_resolve(
            response=report,
            prosecutor=_sandbox_prosecutor(),
            maintain=resolution == CannotComplyResolution.MAINTAIN,
            answer=_text(answer, _("Sandbox decision: a canned reply; no prosecutor read it.")),
            now=now,
        )


def sandbox_objection_decide(
    *,
    order: TakedownOrder,
    platform: Platform,
    resolution: str,
    answer: str | None = None,
    now: datetime | None = None,
) -> TakedownOrder:
    """Decide the oldest undecided objection: rejected or suspended
    (``order.objection_decided``; suspended stops the clock) or upheld (the order is
    withdrawn: ``order.withdrawn``)."""
    if resolution not in ObjectionResolution.values:
        raise ValidationFailed(fields={"resolution": [_("Choose upheld, rejected or suspended.")]})
    with atomic():
        order = _sandbox_order(order, platform)
        objection = _open(
            order,
            ResponseKind.OBJECTION,
            _("Nothing to decide: this order has no undecided objection."),
        )
        return objection_decide(
            response=objection,
            prosecutor=_sandbox_prosecutor(),
            resolution=resolution,
            answer=_text(answer, _("Sandbox decision: a canned reply; no prosecutor read it.")),
            now=now,
        )


def sandbox_order_amend(
    *,
    order: TakedownOrder,
    platform: Platform,
    reasons: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> TakedownOrder:
    """A new version of the order, with the same items, new reasons and/or a new note
    (a note naming the version when neither is given): ``order.amended``. Returns the
    new version."""
    with atomic():
        order = _sandbox_order(order, platform)
        fields = OrderFields(
            kind=order.kind,
            legal_basis=order.legal_basis,
            reasons=_text(reasons, order.reasons),
            contact_point=order.contact_point,
            preservation_instruction=order.preservation_instruction,
            note=_text(
                note,
                order.note
                if reasons is not None
                else _("Sandbox amendment: version %(v)d.") % {"v": order.version + 1},
            ),
        )
        return order_amend(order=order, prosecutor=_sandbox_prosecutor(), fields=fields, now=now)


def sandbox_order_withdraw(
    *,
    order: TakedownOrder,
    platform: Platform,
    reason: str | None = None,
    now: datetime | None = None,
) -> TakedownOrder:
    """Withdraw the order: its clocks end and ``order.withdrawn`` is pushed."""
    with atomic():
        order = _sandbox_order(order, platform)
        return order_withdraw(
            order=order,
            prosecutor=_sandbox_prosecutor(),
            reason=_text(reason, _("Sandbox: withdrawn at the platform's request.")),
            now=now,
        )


def sandbox_order_unsuspend(
    *, order: TakedownOrder, platform: Platform, now: datetime | None = None
) -> TakedownOrder:
    """Lift a suspension (after ``decide-objection`` with ``suspended``): the removal
    clock runs again and ``order.unsuspended`` is pushed."""
    with atomic():
        order = _sandbox_order(order, platform)
        return order_unsuspend(order=order, prosecutor=_sandbox_prosecutor(), now=now)


# --- The canned answer after a short delay ------------------------------------------------


def sandbox_answer_later(*, response: PlatformResponse) -> None:
    """After a platform asks on a sandbox order: answer by itself, once the question is
    committed and ``SANDBOX_ANSWER_DELAY_SECONDS`` have passed. Nothing for a real order."""
    if response.kind != ResponseKind.CLARIFICATION or not response.order.is_sandbox:
        return
    response_id = response.pk
    transaction.on_commit(lambda: _enqueue_answer(response_id))


def _enqueue_answer(response_id: int) -> None:
    from cases.tasks import answer_sandbox_clarification

    try:
        answer_sandbox_clarification.apply_async(
            args=[response_id], countdown=settings.SANDBOX_ANSWER_DELAY_SECONDS
        )
    except Exception:  # the broker is down: the platform can still answer-clarification
        logger.warning("could not schedule the sandbox answer to question %s", response_id)


def sandbox_clarification_auto_answer(*, response_id: int, now: datetime | None = None) -> bool:
    """The canned answer to one sandbox question, if it is still open: False (and
    nothing done) where it was answered meanwhile, its order no longer takes answers,
    or it is not a sandbox question at all."""
    question = (
        PlatformResponse.objects.filter(
            pk=response_id,
            kind=ResponseKind.CLARIFICATION,
            order__is_sandbox=True,
            answered_at__isnull=True,
        )
        .select_related("order")
        .first()
    )
    if question is None:
        return False
    try:
        with atomic():
            clarification_answer(
                response=question,
                prosecutor=_sandbox_prosecutor(),
                answer=_("Sandbox answer, sent by itself: a canned reply; no prosecutor read it."),
                now=now,
            )
    except InvalidTransition:  # answered in the meantime, or the order is over
        return False
    return True
