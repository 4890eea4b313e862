"""Victim-centred notices: who the victim is (minimal data, encrypted), how they wish to
be told, and the notices drafted at each milestone for an officer to review."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.access import may_see_victims
from cases.choices import VictimPreference
from cases.models import Case, VictimMessage, VictimNotice
from cases.transitions import VICTIM_MESSAGE
from deadlines.choices import NotificationChannel
from deadlines.outbox import notification_enqueue
from liaison.choices import VictimNotificationRule
from takedown.core.audit import atomic, audit_record
from takedown.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from takedown.core.models import User
from takedown.core.transitions import lock

MILESTONES = {
    "content_removed": gettext_lazy(
        "The material concerning you that was reported to us has been removed from the "
        "platform where it was found. We continue to watch for copies."
    ),
    "order_refused": gettext_lazy(
        "A platform has not yet removed the material concerning you. We are taking the "
        "next legal steps and will keep you informed."
    ),
    "case_closed": gettext_lazy("The case about the material concerning you is now closed."),
}
SUPPORT = gettext_lazy("If you would like support, you can contact %(org)s at any time.")


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
        if notice.opted_out:
            continue
        with translation.override(notice.language):  # the victim's, not the officer's
            body = str(MILESTONES[milestone])
            if notice.support_organisation:
                body += " " + str(SUPPORT) % {"org": notice.support_organisation}
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
        message = lock(VictimMessage.objects.select_related("notice__case"), message.pk)
        notice = message.notice
        _require_victim_access(officer, notice.case)
        action = "notice_approved" if approve else "notice_discarded"
        VICTIM_MESSAGE.require(message, action)
        if notice.opted_out:
            raise InvalidTransition(_("The victim opted out: nothing is sent."))
        if body is not None:
            message.body = body
        message.reviewed_by, message.reviewed_at = officer, now
        if approve:
            # contact_details: the victim's own address (direct) or the organisation's.
            with translation.override(notice.language):
                subject = _("Information about your case")
            message.notification = notification_enqueue(
                channel=NotificationChannel.EMAIL,
                recipient=notice.contact_details,
                subject=subject,
                event_type="victim.notice",
                payload={"message": message.body},
                dedupe_key=f"victim-message:{message.pk}",
                case_id=notice.case_id,
                now=now,
            )
        VICTIM_MESSAGE.move(
            message,
            action,
            actor=officer,
            now=now,
            fields=["body", "reviewed_by", "reviewed_at", "notification"],
            data={"milestone": message.milestone},
        )
    return message
