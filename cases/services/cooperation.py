"""Cooperation across desks: mutual legal assistance, coalition hand-over, and
victim-centred notices.

MLA requests go from an authority of one jurisdiction to an authority of another; the
requested authority's desk answers within the policy's response time (10 days, 8 h in
an emergency; agreements override), escalating like any other deadline. A request for
the same data that is already running is linked, not sent twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import (
    OPEN_CASE_STATUSES,
    MLAKind,
    MLAStatus,
    MLAUrgency,
    ParticipantRole,
    VictimMessageStatus,
    VictimPreference,
)
from cases.models import (
    Case,
    CaseParticipant,
    MLAMessage,
    MLARequest,
    ReportedItem,
    VictimMessage,
    VictimNotice,
)
from cases.selectors import desk_ids_for, user_may_act_on
from deadlines.choices import DeadlineKind, NotificationChannel
from deadlines.models import Deadline
from deadlines.outbox import notification_enqueue
from deadlines.services import (
    Responsible,
    deadline_cancel,
    deadline_meet,
    deadline_pause,
    deadline_resume,
    deadline_start,
    running_deadline,
)
from liaison.choices import VictimNotificationRule
from liaison.models import Authority, LiaisonDesk
from takedown.core.audit import atomic, audit_record
from takedown.core.choices import Role
from takedown.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from takedown.core.models import User
from takedown.core.references import allocate

ACTIVE_MLA = (MLAStatus.SENT, MLAStatus.ACCEPTED, MLAStatus.INFO_REQUESTED)


def _audit_mla(request: MLARequest, action: str, *, actor, now, **data) -> None:
    audit_record(
        action=f"mla.{action}",
        actor=actor,
        obj=request,
        case_id=request.case_id,
        jurisdictions=[
            request.requesting_authority.jurisdiction_id,
            request.requested_authority.jurisdiction_id,
        ],
        data={"reference": request.reference, **data},
        now=now,
    )


def mla_may_answer(user: User, request: MLARequest) -> bool:
    """Officers of the requested authority's desks, and its prosecutors."""
    if user.has_role(Role.PROSECUTOR) and user.authority_id == request.requested_authority_id:
        return True
    return (
        user.has_role(Role.LIAISON_OFFICER)
        and request.requested_authority.desks.filter(pk__in=desk_ids_for(user)).exists()
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
    allowed = user_may_act_on(user=requester, case=case) or (
        requester.has_role(Role.PROSECUTOR)
        and case.order_requests.filter(authority=requesting).exists()
    )
    if not allowed:
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
        _audit_mla(request, "drafted", actor=requester, now=now, kind=kind, urgency=urgency)
    return request


def mla_send(*, request: MLARequest, actor: User, now: datetime | None = None) -> MLARequest:
    """Send it, and start the response clock — unless the same data is already being
    asked of the same authority: then it is linked to that request, not sent twice."""
    now = now or timezone.now()
    with atomic():
        request = (
            MLARequest.objects.select_for_update(of=("self",), no_key=True)
            .select_related("requesting_authority", "requested_authority__jurisdiction")
            .get(pk=request.pk)
        )
        if request.status != MLAStatus.DRAFT:
            raise InvalidTransition(_("Only a draft can be sent."))
        if request.requested_by_id != actor.pk and not user_may_act_on(
            user=actor, case=request.case
        ):
            raise PermissionDenied(_("Only the requester or the case's officers can send it."))
        twin = (
            MLARequest.objects.filter(
                requested_authority=request.requested_authority,
                kind=request.kind,
                status__in=ACTIVE_MLA,
                duplicate_of__isnull=True,
            )
            .filter(items__in=request.items.all())
            .exclude(pk=request.pk)
            .first()
        )
        if twin is not None:
            request.duplicate_of = twin
            request.status = MLAStatus.WITHDRAWN
            request.closed_at = now
            request.save(update_fields=["duplicate_of", "status", "closed_at"])
            _audit_mla(
                request, "linked_duplicate", actor=actor, now=now, duplicate_of=twin.reference
            )
            return request
        request.status, request.sent_at = MLAStatus.SENT, now
        request.save(update_fields=["status", "sent_at"])
        deadline_start(
            kind=DeadlineKind.MLA_RESPONSE,
            subject=request,
            responsible=Responsible(authority=request.requested_authority),
            case_id=request.case_id,
            label=f"{request.reference} response",
            acute=request.urgency == MLAUrgency.EMERGENCY,
            parties={request.requesting_authority.jurisdiction_id},
            start=now,
        )
        _audit_mla(request, "sent", actor=actor, now=now)
    return request


def mla_respond(
    *, request: MLARequest, responder: User, action: str, text: str, now: datetime | None = None
) -> MLARequest:
    """The requested desk accepts, asks for more information (the clock stops until the
    requester replies), refuses with grounds, or answers (the clock is met)."""
    now = now or timezone.now()
    transitions = {
        MLAStatus.ACCEPTED: (MLAStatus.SENT,),
        MLAStatus.INFO_REQUESTED: (MLAStatus.SENT, MLAStatus.ACCEPTED),
        MLAStatus.REFUSED: (MLAStatus.SENT, MLAStatus.ACCEPTED, MLAStatus.INFO_REQUESTED),
        MLAStatus.ANSWERED: (MLAStatus.SENT, MLAStatus.ACCEPTED),
    }
    if action not in transitions:
        raise ValidationFailed(
            fields={"action": [_("Accept, ask for information, refuse or answer.")]}
        )
    if not text.strip():
        raise ValidationFailed(
            fields={"text": [_("Write the message (grounds, question or answer).")]}
        )
    with atomic():
        request = (
            MLARequest.objects.select_for_update(of=("self",), no_key=True)
            .select_related("requesting_authority", "requested_authority")
            .get(pk=request.pk)
        )
        if not mla_may_answer(responder, request):
            raise PermissionDenied(_("Only the requested authority answers."))
        if request.status not in transitions[action]:
            raise InvalidTransition(
                _("The request is %(s)s.") % {"s": request.get_status_display().lower()}
            )
        MLAMessage.objects.create(
            request=request,
            author=responder,
            from_authority=request.requested_authority,
            kind=action,
            text=text,
            created_at=now,
        )
        request.status = action
        if action in (MLAStatus.REFUSED, MLAStatus.ANSWERED):
            request.closed_at = now
            deadline_meet(subject=request, kind=DeadlineKind.MLA_RESPONSE, now=now, actor=responder)
        elif action == MLAStatus.INFO_REQUESTED and (
            clock := running_deadline(subject=request, kind=DeadlineKind.MLA_RESPONSE)
        ):
            deadline_pause(
                deadline=clock, reason=_("More information requested"), now=now, actor=responder
            )
        request.save(update_fields=["status", "closed_at"])
        _audit_mla(request, action, actor=responder, now=now)
    return request


def mla_reply(
    *, request: MLARequest, requester: User, text: str, now: datetime | None = None
) -> MLARequest:
    """The requesting side gives the information asked for; the clock resumes."""
    now = now or timezone.now()
    if not text.strip():
        raise ValidationFailed(fields={"text": [_("Write the reply.")]})
    with atomic():
        request = MLARequest.objects.select_for_update(of=("self",), no_key=True).get(pk=request.pk)
        if request.status != MLAStatus.INFO_REQUESTED:
            raise InvalidTransition(_("No information was requested."))
        if requester.authority_id != request.requesting_authority_id:
            raise PermissionDenied(_("Only the requesting authority replies."))
        MLAMessage.objects.create(
            request=request,
            author=requester,
            from_authority=request.requesting_authority,
            kind=MLAStatus.SENT,
            text=text,
            created_at=now,
        )
        request.status = MLAStatus.SENT
        request.save(update_fields=["status"])
        clock = Deadline.objects.filter(
            subject_id=request.pk, kind=DeadlineKind.MLA_RESPONSE, state="paused"
        ).first()
        if clock is not None:
            deadline_resume(deadline=clock, now=now, actor=requester)
        _audit_mla(request, "information_given", actor=requester, now=now)
    return request


def mla_withdraw(
    *, request: MLARequest, requester: User, reason: str, now: datetime | None = None
) -> MLARequest:
    now = now or timezone.now()
    with atomic():
        request = MLARequest.objects.select_for_update(of=("self",), no_key=True).get(pk=request.pk)
        if request.status not in (MLAStatus.DRAFT, *ACTIVE_MLA):
            raise InvalidTransition(_("This request is closed."))
        if requester.authority_id != request.requesting_authority_id:
            raise PermissionDenied(_("Only the requesting authority withdraws it."))
        request.status, request.closed_at = MLAStatus.WITHDRAWN, now
        request.save(update_fields=["status", "closed_at"])
        deadline_cancel(subject=request, reason=_("Withdrawn"), now=now, actor=requester)
        _audit_mla(request, "withdrawn", actor=requester, now=now, reason=reason)
    return request


# --- Coalitions -------------------------------------------------------------------------


def case_handover(
    *, case: Case, officer: User, to_desk: LiaisonDesk, reason: str, now: datetime | None = None
) -> Case:
    """The lead desk hands the case to another desk; its own clocks follow."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Say why the lead changes.")]})
    with atomic():
        case = Case.objects.select_for_update(of=("self",), no_key=True).get(pk=case.pk)
        if case.lead_desk_id not in desk_ids_for(officer) or not officer.has_role(
            Role.LIAISON_OFFICER
        ):
            raise PermissionDenied(_("Only the lead desk hands the case over."))
        if case.status not in OPEN_CASE_STATUSES:
            raise InvalidTransition(_("Only an open case changes lead."))
        if to_desk.pk == case.lead_desk_id:
            raise ValidationFailed(fields={"to_desk": [_("That desk already leads.")]})
        previous = case.lead_desk
        CaseParticipant.objects.filter(case=case, desk=previous).update(
            role=ParticipantRole.PARTICIPANT
        )
        participant, created = CaseParticipant.objects.get_or_create(
            case=case,
            desk=to_desk,
            defaults={"role": ParticipantRole.LEAD, "joined_at": now, "reason": reason},
        )
        if not created:
            CaseParticipant.objects.filter(pk=participant.pk).update(role=ParticipantRole.LEAD)
        case.lead_desk, case.assignee = to_desk, None
        case.version += 1
        case.save(update_fields=["lead_desk", "assignee", "version", "updated_at"])
        Deadline.objects.filter(case_id=case.pk, responsible_desk=previous).update(
            responsible_desk=to_desk, assignee=None
        )
        audit_record(
            action="case.handed_over",
            actor=officer,
            obj=case,
            case_id=case.pk,
            jurisdictions=[previous.authority.jurisdiction_id, to_desk.authority.jurisdiction_id],
            data={"from": previous.name, "to": to_desk.name, "reason": reason},
            now=now,
        )
    return case


# --- Victim-centred notices -------------------------------------------------------------

MILESTONES = {
    "content_removed": _(
        "The material concerning you that was reported to us has been removed from the "
        "platform where it was found. We continue to watch for copies."
    ),
    "order_refused": _(
        "A platform has not yet removed the material concerning you. We are taking the "
        "next legal steps and will keep you informed."
    ),
    "case_closed": _("The case about the material concerning you is now closed."),
}
SUPPORT = _("If you would like support, you can contact %(org)s at any time.")


def may_see_victims(user: User, case: Case) -> bool:
    """Officers of the lead desk who hold the specific permission."""
    return (
        user.has_role(Role.LIAISON_OFFICER)
        and user.has_perm("cases.view_victim_data")
        and case.lead_desk_id in desk_ids_for(user)
    )


def _require_victim_access(user: User, case: Case) -> None:
    if not may_see_victims(user, case):
        raise PermissionDenied(
            _("Victim data is for officers of the lead desk with the permission.")
        )


def rule_conflict(rule: str, preference: str) -> str:
    """Why the jurisdiction's rule and the victim's preference pull apart, or ''."""
    if rule == VictimNotificationRule.DIRECT_REQUIRED and preference != VictimPreference.DIRECT:
        return _("This jurisdiction requires direct disclosure; the victim prefers otherwise.")
    if rule == VictimNotificationRule.PRIVACY_FIRST and preference == VictimPreference.DIRECT:
        return _("This jurisdiction puts privacy first; the victim asks to be contacted directly.")
    return ""


def victim_notice_create(
    *,
    case: Case,
    officer: User,
    pseudonym: str,
    preference: str,
    contact_details: str = "",
    support_organisation: str = "",
    language: str = "en",
    channel: str = "email",
    decision: str = "",
    decision_reason: str = "",
    now: datetime | None = None,
) -> VictimNotice:
    """Record a victim or representative with the least data that serves them. Where the
    rule and the preference conflict, the officer decides, with a reason."""
    now = now or timezone.now()
    case = Case.objects.select_related("lead_desk__authority__jurisdiction").get(pk=case.pk)
    _require_victim_access(officer, case)
    rule = case.lead_desk.authority.jurisdiction.victim_notification_rule
    conflict = rule_conflict(rule, preference)
    errors = {}
    if preference not in VictimPreference.values:
        errors["preference"] = [_("Choose direct, surrogate or opt-out.")]
    if preference == VictimPreference.SURROGATE and not support_organisation.strip():
        errors["support_organisation"] = [_("Name the support organisation.")]
    if preference != VictimPreference.OPT_OUT and not contact_details.strip():
        errors["contact_details"] = [
            _("Where notices go: the victim's address, or the support organisation's.")
        ]
    if conflict and (
        decision not in ("follow_rule", "follow_preference") or not decision_reason.strip()
    ):
        errors["decision"] = [conflict + " " + _("Decide which to follow and say why.")]
    if errors:
        raise ValidationFailed(_("Nothing was saved."), fields=errors)
    with atomic():
        notice = VictimNotice.objects.create(
            case=case,
            pseudonym=pseudonym,
            contact_details=contact_details,
            preference=preference,
            support_organisation=support_organisation,
            language=language,
            channel=channel,
            rule=rule,
            conflict_decision=decision if conflict else "",
            conflict_reason=decision_reason if conflict else "",
            created_by=officer,
            created_at=now,
        )
        # The log says what was decided, never who the victim is.
        audit_record(
            action="victim.notice_recorded",
            actor=officer,
            obj=notice,
            case_id=case.pk,
            jurisdictions=[case.lead_desk.authority.jurisdiction_id],
            data={
                "preference": preference,
                "rule": rule,
                "conflict": bool(conflict),
                "decision": notice.conflict_decision,
            },
            now=now,
        )
    return notice


def victim_notices_read(*, case: Case, officer: User) -> list[VictimNotice]:
    """Every read of victim data is an audit event."""
    _require_victim_access(officer, case)
    notices = list(case.victim_notices.prefetch_related("messages").order_by("created_at"))
    audit_record(
        action="victim.data_viewed",
        actor=officer,
        case_id=case.pk,
        jurisdictions=[case.lead_desk.authority.jurisdiction_id],
        data={"notices": len(notices)},
    )
    return notices


def victim_milestone(
    *, case: Case, milestone: str, now: datetime | None = None
) -> list[VictimMessage]:
    """Draft a plain-language notice per victim for a milestone; an officer reviews each
    before it goes out. Opt-out means nothing is drafted, ever (the choice is on record)."""
    now = now or timezone.now()
    drafts = []
    for notice in case.victim_notices.all():
        if notice.preference == VictimPreference.OPT_OUT:
            continue
        body = str(MILESTONES[milestone])
        if notice.support_organisation:
            body += " " + SUPPORT % {"org": notice.support_organisation}
        message, created = VictimMessage.objects.get_or_create(
            notice=notice, milestone=milestone, defaults={"body": body, "created_at": now}
        )
        if created:
            drafts.append(message)
    if drafts:
        audit_record(
            action="victim.notices_drafted",
            case_id=case.pk,
            data={"milestone": milestone, "drafts": len(drafts)},
            jurisdictions=[case.lead_desk.authority.jurisdiction_id],
            now=now,
        )
    return drafts


def victim_message_review(
    *,
    message: VictimMessage,
    officer: User,
    approve: bool,
    body: str | None = None,
    now: datetime | None = None,
) -> VictimMessage:
    """Approve (it is sent through the outbox, to the victim or the support organisation)
    or discard a drafted notice."""
    now = now or timezone.now()
    with atomic():
        message = (
            VictimMessage.objects.select_for_update(of=("self",), no_key=True)
            .select_related("notice__case")
            .get(pk=message.pk)
        )
        notice = message.notice
        _require_victim_access(officer, notice.case)
        if message.status != VictimMessageStatus.DRAFT:
            raise InvalidTransition(_("This notice was already reviewed."))
        if notice.preference == VictimPreference.OPT_OUT:
            raise InvalidTransition(_("The victim opted out: nothing is sent."))
        if body is not None:
            message.body = body
        message.reviewed_by, message.reviewed_at = officer, now
        message.status = VictimMessageStatus.APPROVED if approve else VictimMessageStatus.DISCARDED
        if approve:
            # contact_details: the victim's own address (direct) or the organisation's.
            message.notification = notification_enqueue(
                channel=NotificationChannel.EMAIL,
                recipient=notice.contact_details,
                subject=_("Information about your case"),
                event_type="victim.notice",
                payload={"message": message.body},
                dedupe_key=f"victim-message:{message.pk}",
                case_id=notice.case_id,
                now=now,
            )
        message.save()
        audit_record(
            action="victim.notice_approved" if approve else "victim.notice_discarded",
            actor=officer,
            obj=message,
            case_id=notice.case_id,
            jurisdictions=[officer.jurisdiction_code],
            data={"milestone": message.milestone},
            now=now,
        )
    return message
