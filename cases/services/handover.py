"""Coalitions: the lead desk hands a case to another desk; its clocks follow."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import leads
from cases.choices import ParticipantRole
from cases.models import Case, CaseParticipant
from cases.transitions import CASE
from deadlines.services import deadlines_hand_over
from liaison.models import LiaisonDesk
from takedown.core.audit import atomic
from takedown.core.errors import PermissionDenied, ValidationFailed
from takedown.core.models import User
from takedown.core.transitions import lock


def case_handover(
    *,
    case: Case,
    officer: User,
    to_desk: LiaisonDesk,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Case:
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Say why the lead changes.")]})
    longest = CaseParticipant._meta.get_field("reason").max_length
    if len(reason) > longest:
        raise ValidationFailed(fields={"reason": [_("At most %(n)d characters.") % {"n": longest}]})
    with atomic():
        case = lock(
            Case.objects.select_related("lead_desk__authority"),
            case.pk,
            expected_version=expected_version,
        )
        if not leads(officer, case):
            raise PermissionDenied(_("Only the lead desk hands the case over."))
        CASE.require(case, "handed_over")
        if to_desk.pk == case.lead_desk_id:
            raise ValidationFailed(fields={"to_desk": [_("That desk already leads.")]})
        previous = case.lead_desk
        CaseParticipant.objects.filter(case=case, desk=previous).update(
            role=ParticipantRole.PARTICIPANT
        )
        CaseParticipant.objects.update_or_create(
            case=case,
            desk=to_desk,
            defaults={"role": ParticipantRole.LEAD},
            create_defaults={"role": ParticipantRole.LEAD, "joined_at": now, "reason": reason},
        )
        deadlines_hand_over(
            case_id=case.pk, from_desk=previous, to_desk=to_desk, actor=officer, now=now
        )
        case.lead_desk, case.assignee = to_desk, None
        CASE.move(
            case,
            "handed_over",
            actor=officer,
            now=now,
            fields=["lead_desk", "assignee"],
            data={"from_desk": previous.name, "to_desk": to_desk.name, "reason": reason},
        )
    return case
