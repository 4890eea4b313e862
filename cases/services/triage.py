"""What a liaison officer does with a case: assign, assess, merge, split, close as not
illegal, request an order. Each is one transaction with its audit event; each checks
the case's version, so the second of two officers acting at once gets a conflict and
nothing is overwritten."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import (
    OPEN_CASE_STATUSES,
    CaseStatus,
    Classification,
    Instrument,
    ItemStatus,
    OrderRequestStatus,
    ParticipantRole,
)
from cases.matrix import build_matrix, suggest_classification
from cases.models import Assessment, Case, CaseParticipant, OrderRequest, Report, ReportedItem
from cases.selectors import case_jurisdictions, user_may_act_on
from deadlines.choices import DeadlineKind
from deadlines.models import Deadline
from deadlines.services import RUNNING, UNFINISHED, deadline_assign, deadline_cancel, deadline_meet
from liaison.choices import AuthorityKind, DepictionType
from liaison.models import Authority, Jurisdiction, Platform
from takedown.core.audit import atomic, audit_record
from takedown.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from takedown.core.models import User
from takedown.core.references import allocate

from .intake import case_clocks_start


def _case_audit(case: Case, action: str, *, actor, now: datetime, **data) -> None:
    audit_record(
        action=f"case.{action}",
        actor=actor,
        obj=case,
        case_id=case.pk,
        jurisdictions=case_jurisdictions(case),
        data=data,
        now=now,
    )


def _lock(case: Case, *, officer: User, expected_version: int | None) -> Case:
    """Load the case for update, check the officer may act and nobody changed it since
    the officer loaded it; bump its version."""
    if not user_may_act_on(user=officer, case=case):
        raise PermissionDenied(_("Only officers of the case's desks can act on it."))
    locked = (
        Case.objects.select_for_update(of=("self",), no_key=True)
        .select_related("lead_desk__authority")
        .get(pk=case.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _(
                "Case %(ref)s was changed by someone else while you were looking at it "
                "(it is now at version %(now)d, you had %(had)d). Reload it to see what "
                "changed; nothing you entered was saved."
            )
            % {"ref": locked.reference, "now": locked.version, "had": expected_version}
        )
    Case.objects.filter(pk=locked.pk).update(version=F("version") + 1)
    locked.version += 1
    return locked


def _assign_clocks(case: Case, assignee: User | None) -> None:
    for kind in (DeadlineKind.ASSESSMENT, DeadlineKind.FINAL_ORDER, DeadlineKind.VERIFICATION):
        deadline_assign(subject=case, kind=kind, assignee=assignee)


def _require_status(case: Case, allowed, action: str) -> None:
    if case.status not in allowed:
        raise InvalidTransition(
            _("A case that is %(status)s cannot be %(action)s.")
            % {"status": case.get_status_display().lower(), "action": action}
        )


def case_assign(
    *,
    case: Case,
    officer: User,
    assignee: User | None,
    expected_version: int | None,
    now: datetime | None = None,
) -> Case:
    now = now or timezone.now()
    with atomic():
        case = _lock(case, officer=officer, expected_version=expected_version)
        _require_status(case, OPEN_CASE_STATUSES, _("assigned"))
        if (
            assignee is not None
            and not assignee.desks.filter(pk__in=case.participants.values("desk")).exists()
        ):
            raise ValidationFailed(
                _("%(user)s is not on a desk of this case.") % {"user": assignee.get_username()},
                fields={"assignee": [_("Not on a desk of this case.")]},
            )
        before = case.assignee.get_username() if case.assignee else None
        case.assignee = assignee
        fields = ["assignee", "updated_at"]
        if case.status == CaseStatus.NEW and assignee is not None:
            case.status = CaseStatus.TRIAGE
            fields.append("status")
        case.save(update_fields=fields)
        _assign_clocks(case, assignee)
        _case_audit(
            case,
            "assigned",
            actor=officer,
            now=now,
            before=before,
            after=assignee.get_username() if assignee else None,
        )
    return case


def case_assess(
    *,
    case: Case,
    officer: User,
    depiction_type: str,
    age_group: str,
    severity: int,
    risk_score: int,
    classification: str | None,
    categories: Sequence[str] = (),
    notes: str = "",
    expected_version: int | None,
    now: datetime | None = None,
) -> Assessment:
    """Record the assessment, derive the harmonisation matrix, and stop the assessment
    clock. ``classification`` is the officer's confirmation; None accepts the suggestion."""
    now = now or timezone.now()
    if depiction_type not in DepictionType.values:
        raise ValidationFailed(fields={"depiction_type": [_("Choose a depiction type.")]})
    with atomic():
        case = _lock(case, officer=officer, expected_version=expected_version)
        _require_status(
            case, (CaseStatus.NEW, CaseStatus.TRIAGE, CaseStatus.ASSESSED), _("assessed")
        )
        rows = build_matrix(
            depiction_type=depiction_type,
            issuing=case.lead_desk.authority.jurisdiction,
            involved=Jurisdiction.objects.filter(code__in=case_jurisdictions(case)),
            platform_jurisdictions=set(
                case.items.exclude(platform=None).values_list(
                    "platform__establishment_jurisdiction", flat=True
                )
            ),
        )
        suggested = suggest_classification(rows)
        assessment = Assessment(
            case=case,
            assessed_by=officer,
            depiction_type=depiction_type,
            age_group=age_group,
            severity=severity,
            risk_score=risk_score,
            categories=list(categories),
            notes=notes,
            suggested_classification=suggested,
            classification=classification or suggested,
            matrix={row.code: row.as_dict() for row in rows},
            created_at=now,
        )
        try:
            assessment.full_clean(exclude=["case", "assessed_by"])
        except DjangoValidationError as exc:
            raise ValidationFailed(
                _("The assessment is not valid; nothing was saved."), fields=exc.message_dict
            ) from None
        assessment.save()
        case.classification = assessment.classification
        case.status = CaseStatus.ASSESSED
        deadline_meet(subject=case, kind=DeadlineKind.ASSESSMENT, now=now, actor=officer)
        if case.assignee is None:  # whoever assesses an unassigned case holds it now
            case.assignee = officer
            _assign_clocks(case, officer)
            _case_audit(
                case, "assigned", actor=officer, now=now, before=None, after=officer.get_username()
            )
        _requeue(case)
        case.save(
            update_fields=["classification", "status", "assignee", "queue_due_at", "updated_at"]
        )
        _case_audit(
            case,
            "assessed",
            actor=officer,
            now=now,
            classification=assessment.classification,
            suggested=suggested,
            overridden=assessment.classification != suggested,
            instruments={
                row.code: row.instrument.value for row in rows if row.establishes_platform
            },
        )
    return assessment


def _requeue(case: Case) -> None:
    """The queue orders by the next binding time still running for this case."""
    case.queue_due_at = (
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(Case),
            subject_id=case.pk,
            state__in=RUNNING,
        )
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )


def case_close_not_illegal(
    *,
    case: Case,
    officer: User,
    reason: str,
    expected_version: int | None,
    now: datetime | None = None,
) -> Case:
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("Say why the material is not illegal.")]})
    with atomic():
        case = _lock(case, officer=officer, expected_version=expected_version)
        _require_status(case, (CaseStatus.NEW, CaseStatus.TRIAGE, CaseStatus.ASSESSED), _("closed"))
        case.status = CaseStatus.NOT_ILLEGAL
        case.closed_at = now
        case.queue_due_at = None
        case.save(update_fields=["status", "closed_at", "queue_due_at", "updated_at"])
        deadline_meet(subject=case, kind=DeadlineKind.ASSESSMENT, now=now, actor=officer)
        deadline_cancel(subject=case, reason=_("Closed as not illegal"), now=now, actor=officer)
        _case_audit(case, "closed_not_illegal", actor=officer, now=now, reason=reason)
    return case


def case_merge(
    *,
    survivor: Case,
    merged: Case,
    officer: User,
    survivor_version: int | None,
    merged_version: int | None,
    now: datetime | None = None,
) -> Case:
    """Fold ``merged`` into ``survivor``: items, participants, requests and running clocks
    move; the other case becomes ``merged`` and points to the survivor. Its events stay
    where they were written; the survivor's timeline shows both."""
    now = now or timezone.now()
    if survivor.pk == merged.pk:
        raise ValidationFailed(fields={"merged": [_("A case cannot be merged into itself.")]})
    with atomic():
        # Lock in id order so two opposite merges cannot deadlock.
        first, second = sorted(
            [(survivor, survivor_version), (merged, merged_version)], key=lambda x: x[0].pk
        )
        locked = {c.pk: _lock(c, officer=officer, expected_version=v) for c, v in (first, second)}
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        _require_status(survivor, OPEN_CASE_STATUSES, _("merged into"))
        _require_status(merged, OPEN_CASE_STATUSES, _("merged"))
        moved_items = list(merged.items.values_list("id", flat=True))
        merged.items.update(case=survivor)
        merged.order_requests.update(case=survivor)
        for participant in merged.participants.all():
            CaseParticipant.objects.get_or_create(
                case=survivor,
                desk=participant.desk,
                defaults={
                    "role": ParticipantRole.PARTICIPANT,
                    "joined_at": now,
                    "reason": _("Merged from %(ref)s") % {"ref": merged.reference},
                },
            )
        _move_clocks(merged, survivor, officer, now)
        survivor.acute = survivor.acute or merged.acute
        _requeue(survivor)
        survivor.save(update_fields=["acute", "queue_due_at", "updated_at"])
        merged.status = CaseStatus.MERGED
        merged.merged_into = survivor
        merged.queue_due_at = None
        merged.save(update_fields=["status", "merged_into", "queue_due_at", "updated_at"])
        _case_audit(
            survivor, "merged_in", actor=officer, now=now, other=merged.reference, items=moved_items
        )
        _case_audit(merged, "merged_into", actor=officer, now=now, survivor=survivor.reference)
    return survivor


def _move_clocks(merged: Case, survivor: Case, officer: User, now: datetime) -> None:
    """Unfinished clocks (running, or missed and not yet met) follow the work to the
    survivor's desk and assignee; where the survivor has the same clock, the one due
    first binds and the other is cancelled."""
    case_type = ContentType.objects.get_for_model(Case)
    for deadline in Deadline.objects.select_for_update(of=("self",), no_key=True).filter(
        UNFINISHED, subject_type=case_type, subject_id=merged.pk
    ):
        twin = Deadline.objects.filter(
            UNFINISHED, subject_type=case_type, subject_id=survivor.pk, kind=deadline.kind
        ).first()
        if twin is not None and twin.due_at <= deadline.due_at:
            deadline_cancel(
                subject=merged,
                kind=deadline.kind,
                now=now,
                actor=officer,
                reason=_("Merged into %(ref)s") % {"ref": survivor.reference},
            )
            continue
        if twin is not None:
            deadline_cancel(
                subject=survivor,
                kind=twin.kind,
                now=now,
                actor=officer,
                reason=_("%(ref)s merged in with an earlier clock") % {"ref": merged.reference},
            )
        Deadline.objects.filter(pk=deadline.pk).update(
            subject_id=survivor.pk,
            case_id=survivor.pk,
            assignee=survivor.assignee,
            responsible_desk=survivor.lead_desk,
            label=deadline.label.replace(merged.reference, survivor.reference),
        )


def case_split(
    *,
    case: Case,
    items: Sequence[ReportedItem],
    officer: User,
    expected_version: int | None,
    now: datetime | None = None,
) -> Case:
    """Move some items into a new case of the same desks; its clocks run from the time
    the original report came in (splitting does not buy time)."""
    now = now or timezone.now()
    item_ids = {item.pk for item in items}
    with atomic():
        case = _lock(case, officer=officer, expected_version=expected_version)
        _require_status(case, OPEN_CASE_STATUSES, _("split"))
        own = set(case.items.values_list("id", flat=True))
        if not item_ids or not item_ids <= own:
            raise ValidationFailed(fields={"items": [_("Choose items of this case.")]})
        if item_ids == own:
            raise ValidationFailed(fields={"items": [_("Leave at least one item in the case.")]})
        number = allocate(f"case-{now.year}")[0]
        new_case = Case.objects.create(
            reference=f"TD-{now.year}-{number:06d}",
            status=CaseStatus.TRIAGE if case.assignee else CaseStatus.NEW,
            lead_desk=case.lead_desk,
            acute=case.acute,
            priority=case.priority,
            assignee=case.assignee,
            summary=_("Split from %(ref)s") % {"ref": case.reference},
            created_at=case.created_at,
        )
        for participant in case.participants.all():
            CaseParticipant.objects.create(
                case=new_case,
                desk=participant.desk,
                role=participant.role,
                joined_at=now,
                reason=participant.reason,
            )
        ReportedItem.objects.filter(pk__in=item_ids).update(case=new_case)
        # The moved items' first report says whose agreements bind the new clocks.
        first_report = (
            Report.objects.filter(lines__item_id__in=item_ids).order_by("received_at").first()
        )
        reporting = (
            first_report.reporting_jurisdiction_id
            if first_report
            else case.lead_desk.authority.jurisdiction_id
        )
        case_clocks_start(case=new_case, reporting_code=reporting, start=case.created_at)
        _case_audit(
            case,
            "split",
            actor=officer,
            now=now,
            new_case=new_case.reference,
            items=sorted(item_ids),
        )
        _case_audit(
            new_case,
            "opened",
            actor=officer,
            now=now,
            split_from=case.reference,
            items=sorted(item_ids),
        )
    return new_case


def prosecuting_authority(jurisdiction: Jurisdiction) -> Authority | None:
    return (
        Authority.objects.filter(jurisdiction=jurisdiction, kind=AuthorityKind.PROSECUTOR)
        .order_by("id")
        .first()
    )


def order_request_create(
    *,
    case: Case,
    officer: User,
    platform: Platform,
    items: Sequence[ReportedItem],
    note: str = "",
    expected_version: int | None,
    now: datetime | None = None,
) -> OrderRequest:
    """Put the case in the queue of the prosecutors who may act (the lead desk's
    jurisdiction's prosecution authority)."""
    now = now or timezone.now()
    with atomic():
        case = _lock(case, officer=officer, expected_version=expected_version)
        _require_status(case, (CaseStatus.ASSESSED, CaseStatus.ACTION), _("sent to a prosecutor"))
        if case.classification == Classification.ILLEGAL_NONE:
            raise InvalidTransition(
                _("The assessment found the material not illegal: no order can be requested.")
            )
        wanted = {item.pk for item in items}
        chosen = list(
            case.items.select_for_update(of=("self",), no_key=True).filter(
                pk__in=wanted, platform=platform
            )
        )
        if not chosen or len(chosen) != len(wanted):
            raise ValidationFailed(
                fields={"items": [_("Choose items of this case on that platform.")]}
            )
        if any(i.status in (ItemStatus.REMOVED, ItemStatus.VERIFIED_REMOVED) for i in chosen):
            raise ValidationFailed(fields={"items": [_("An item already removed needs no order.")]})
        assessment = case.assessments.first()
        row = (assessment.matrix if assessment else {}).get(
            platform.establishment_jurisdiction_id, {}
        )
        if row.get("instrument") not in (Instrument.ORDER, Instrument.NOTICE):
            raise InvalidTransition(
                _("The matrix gives no order or notice towards %(name)s (%(instrument)s): %(why)s")
                % {
                    "name": platform.name,
                    "instrument": row.get("instrument", "—"),
                    "why": row.get("reason", _("not assessed")),
                }
            )
        authority = prosecuting_authority(case.lead_desk.authority.jurisdiction)
        if authority is None:
            raise InvalidTransition(
                _("No prosecution authority of this jurisdiction is in the network.")
            )
        request = OrderRequest.objects.create(
            case=case,
            requested_by=officer,
            authority=authority,
            platform=platform,
            note=note,
            created_at=now,
            status=OrderRequestStatus.OPEN,
        )
        request.items.set(chosen)
        case.status = CaseStatus.ACTION
        case.save(update_fields=["status", "updated_at"])
        _case_audit(
            case,
            "order_requested",
            actor=officer,
            now=now,
            request=request.pk,
            authority=authority.name,
            platform=platform.name,
            items=[i.pk for i in chosen],
        )
    return request


def next_action(case: Case, assessment: Assessment | None) -> tuple[str, str]:
    """The action the case page proposes: (code, human text)."""
    if case.status in (CaseStatus.NEW, CaseStatus.TRIAGE):
        return "assess", _("Assess the material")
    if case.status not in (CaseStatus.ASSESSED, CaseStatus.ACTION) or assessment is None:
        return "", ""
    if assessment.classification == Classification.ILLEGAL_NONE:
        return "close", _("Close the case as not illegal")
    instruments = {
        row["instrument"] for row in assessment.matrix.values() if row["establishes_platform"]
    }
    if Instrument.ORDER in instruments:
        return "order", _("Request a takedown order")
    if Instrument.MLA in instruments:
        return "mla", _("Send an MLA request to the platform's jurisdiction")
    if Instrument.NOTICE in instruments:
        return "notice", _("Request a notice to the platform")
    return "", ""


def case_close(*, case: Case, officer: User, reason: str = "", now: datetime | None = None) -> Case:
    """A resolved case (every item removed and verified) is closed; victims who wish to
    be told are drafted a notice."""
    from .cooperation import victim_milestone

    now = now or timezone.now()
    with atomic():
        case = _lock(case, officer=officer, expected_version=None)
        _require_status(case, (CaseStatus.RESOLVED,), _("closed"))
        case.status, case.closed_at = CaseStatus.CLOSED, now
        case.save(update_fields=["status", "closed_at", "updated_at"])
        deadline_cancel(subject=case, reason=_("Case closed"), now=now, actor=officer)
        victim_milestone(case=case, milestone="case_closed", now=now)
        _case_audit(case, "closed", actor=officer, now=now, reason=reason)
    return case
