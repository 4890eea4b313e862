"""What a liaison officer does with a case: assign, assess, merge, split, close as not
illegal, request an order, close once resolved. Each is one transaction whose moves come
from cases/transitions.py; each checks the case's version, so the second of two officers
acting at once gets a conflict and nothing is overwritten."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.access import eligible_assignees, leads, may_act_on
from cases.choices import (
    UNORDERABLE_NETWORKS,
    CaseStatus,
    Classification,
    Instrument,
    OrderRequestStatus,
)
from cases.matrix import suggest_classification
from cases.models import Assessment, Case, CaseParticipant, OrderRequest, Report, ReportedItem
from cases.selectors import case_matrix, items_in_hand, requestable_items
from cases.transitions import CASE, ITEM
from deadlines.choices import DeadlineKind
from deadlines.selectors import next_due_at
from deadlines.services import (
    Responsible,
    deadline_assign,
    deadline_cancel,
    deadline_meet,
    deadlines_transfer,
)
from liaison.choices import AuthorityKind, DepictionType
from liaison.models import Authority, Jurisdiction, Platform
from takedown.core.audit import atomic, audit_record
from takedown.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from takedown.core.models import User
from takedown.core.references import allocate
from takedown.core.transitions import lock

from .hashlist import hashlist_sync
from .intake import case_clocks_start
from .joins import joins_follow_merge

# The clocks an officer of the case answers for: reminders go to its assignee.
OFFICER_CLOCKS = (DeadlineKind.ASSESSMENT, DeadlineKind.FINAL_ORDER, DeadlineKind.VERIFICATION)


def lock_case(case: Case, *, officer: User, expected_version: int | None) -> Case:
    """Load the case for update, check the officer may act and nobody changed it since
    the officer loaded it; bump its version."""
    if not may_act_on(officer, case):
        raise PermissionDenied(_("Only officers of the case's desks can act on it."))
    return lock(
        Case.objects.select_related("lead_desk__authority"),
        case.pk,
        expected_version=expected_version,
    )


def requeue(case: Case) -> None:
    """The queue orders by the next binding time still running for this case."""
    case.queue_due_at = next_due_at(case)


def _assign(case: Case, assignee: User | None, *, officer: User, now: datetime) -> None:
    before = case.assignee.get_username() if case.assignee else None
    case.assignee = assignee
    CASE.move(
        case,
        "assigned",
        actor=officer,
        now=now,
        fields=["assignee"],
        data={"before": before, "after": assignee.get_username() if assignee else None},
    )
    if assignee is not None and CASE.can(case, "triaged"):
        CASE.move(case, "triaged", actor=officer, now=now)
    deadline_assign(subject=case, kinds=OFFICER_CLOCKS, assignee=assignee, actor=officer, now=now)


# One answer for every refused id: the form must not tell who exists.
NOT_ELIGIBLE = gettext_lazy("Choose an officer on a desk of this case.")


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
        case = lock_case(case, officer=officer, expected_version=expected_version)
        CASE.require(case, "assigned")
        if assignee is not None and not eligible_assignees(case).filter(pk=assignee.pk).exists():
            raise ValidationFailed(NOT_ELIGIBLE, fields={"assignee": [NOT_ELIGIBLE]})
        _assign(case, assignee, officer=officer, now=now)
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
        case = lock_case(case, officer=officer, expected_version=expected_version)
        CASE.require(case, "assessed")
        rows = case_matrix(case, depiction_type)
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
        deadline_meet(subject=case, kind=DeadlineKind.ASSESSMENT, now=now, actor=officer)
        if case.assignee is None:  # whoever assesses an unassigned case holds it now
            _assign(case, officer, officer=officer, now=now)
        case.classification = assessment.classification
        requeue(case)
        CASE.move(
            case,
            "assessed",
            actor=officer,
            now=now,
            fields=["classification", "queue_due_at"],
            data={
                "classification": assessment.classification,
                "suggested": suggested,
                "overridden": assessment.classification != suggested,
                "instruments": {
                    row.code: row.instrument.value for row in rows if row.establishes_platform
                },
            },
        )
        hashlist_sync(case=case, assessment=assessment, now=now, actor=officer)
    return assessment


def case_assess_from_stay_down(
    *, case: Case, officer: User, expected_version: int | None, now: datetime | None = None
) -> Assessment:
    """Confirm what the stay-down list already holds, instead of viewing the material
    again: the earlier assessment's findings, this case's own matrix and suggestion."""
    from cases.selectors import stay_down_match

    match = stay_down_match(case)
    if match is None:
        raise Conflict(
            _(
                "The stay-down list offers nothing for this case (it is assessed already, "
                "or nothing matches): assess it with the form."
            )
        )
    earlier = match.assessment
    how = (
        _("the same file hash")
        if match.distance is None
        else _("a PDQ hash %(distance)d bits away") % {"distance": match.distance}
    )
    with atomic():
        assessment = case_assess(
            case=case,
            officer=officer,
            depiction_type=earlier.depiction_type,
            age_group=earlier.age_group,
            severity=earlier.severity,
            risk_score=earlier.risk_score,
            classification=None,
            categories=earlier.categories,
            notes=_(
                "Confirmed from the stay-down list without viewing the material again: "
                "%(how)s as material already confirmed illegal."
            )
            % {"how": how},
            expected_version=expected_version,
            now=now,
        )
        assessment.from_stay_down = True
        assessment.save(update_fields=["from_stay_down"])
        audit_record(
            action="case.preclassified",
            actor=officer,
            obj=case,
            data={"item": match.item.pk, "distance": match.distance},
            now=now,
        )
    return assessment


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
        case = lock_case(case, officer=officer, expected_version=expected_version)
        CASE.require(case, "closed_not_illegal")
        deadline_meet(subject=case, kind=DeadlineKind.ASSESSMENT, now=now, actor=officer)
        deadline_cancel(subject=case, reason=_("Closed as not illegal"), now=now, actor=officer)
        case.closed_at, case.queue_due_at = now, None
        CASE.move(
            case,
            "closed_not_illegal",
            actor=officer,
            now=now,
            fields=["closed_at", "queue_due_at"],
            data={"reason": reason},
        )
        hashlist_sync(case=case, assessment=None, now=now, actor=officer)
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
        locked = {
            c.pk: lock_case(c, officer=officer, expected_version=v) for c, v in (first, second)
        }
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        # A merge carries the merged case's desks over: only a desk leading both may,
        # or a participant could bring its own case's desks into another lead's case.
        if not (leads(officer, survivor) and leads(officer, merged)):
            raise PermissionDenied(_("Only the desk that leads both cases merges them."))
        CASE.require(survivor, "merged_in")
        CASE.require(merged, "merged_into")
        moved_items = list(merged.items.values_list("id", flat=True))
        merged.items.update(case=survivor)
        merged.order_requests.update(case=survivor)
        for participant in merged.participants.all():
            CaseParticipant.objects.get_or_create(
                case=survivor,
                desk=participant.desk,
                defaults={
                    "role": "participant",
                    "joined_at": now,
                    "reason": _("Merged from %(ref)s") % {"ref": merged.reference},
                },
            )
        joins_follow_merge(merged=merged, survivor=survivor, officer=officer, now=now)
        deadlines_transfer(
            source=merged,
            target=survivor,
            case_id=survivor.pk,
            responsible=Responsible(desk=survivor.lead_desk),
            assignee=survivor.assignee,
            relabel=(merged.reference, survivor.reference),
            reason_source=_("Merged into %(ref)s") % {"ref": survivor.reference},
            reason_target=_("%(ref)s merged in with an earlier clock") % {"ref": merged.reference},
            actor=officer,
            now=now,
        )
        survivor.acute = survivor.acute or merged.acute
        requeue(survivor)
        CASE.move(
            survivor,
            "merged_in",
            actor=officer,
            now=now,
            fields=["acute", "queue_due_at"],
            data={"other": merged.reference, "items": moved_items},
        )
        merged.merged_into, merged.queue_due_at = survivor, None
        CASE.move(
            merged,
            "merged_into",
            actor=officer,
            now=now,
            fields=["merged_into", "queue_due_at"],
            data={"survivor": survivor.reference},
        )
        assessed = survivor.assessments.order_by("-created_at").first()
        if assessed is not None:  # the merged items stand as the survivor's assessment says
            hashlist_sync(case=survivor, assessment=assessed, now=now, actor=officer)
    return survivor


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
        case = lock_case(case, officer=officer, expected_version=expected_version)
        CASE.require(case, "split")
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
        CaseParticipant.objects.bulk_create(
            CaseParticipant(
                case=new_case,
                desk=participant.desk,
                role=participant.role,
                joined_at=now,
                reason=participant.reason,
            )
            for participant in case.participants.all()
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
        CASE.move(
            case,
            "split",
            actor=officer,
            now=now,
            data={"new_case": new_case.reference, "items": sorted(item_ids)},
        )
        audit_record(
            action="case.opened",
            actor=officer,
            obj=new_case,
            data={"split_from": case.reference, "items": sorted(item_ids)},
            now=now,
        )
    return new_case


def prosecuting_authority(jurisdiction: Jurisdiction) -> Authority | None:
    return (
        Authority.objects.filter(jurisdiction=jurisdiction, kind=AuthorityKind.PROSECUTOR)
        .order_by("id")
        .first()
    )


def _matrix_row(case: Case, platform: Platform) -> dict:
    assessment = case.assessments.first()
    return (assessment.matrix if assessment else {}).get(platform.establishment_jurisdiction_id, {})


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
    jurisdiction's prosecution authority). Items already requested or ordered, or no
    longer online, are refused: a prosecutor gets each piece of work once."""
    now = now or timezone.now()
    with atomic():
        case = lock_case(case, officer=officer, expected_version=expected_version)
        CASE.require(case, "order_requested")
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
        if gone := [item for item in chosen if not ITEM.can(item, "ordered")]:
            raise InvalidTransition(
                _("An item that is no longer online needs no order: %(items)s.")
                % {"items": ", ".join(f"{i.pk} ({i.get_status_display()})" for i in gone)},
                fields={"items": [_("Choose items that are still online.")]},
            )
        if held := items_in_hand(chosen):
            raise InvalidTransition(
                _(
                    "A prosecutor already has these items (%(items)s): the open request or "
                    "order covers them. Nothing was requested again."
                )
                % {"items": ", ".join(str(pk) for pk in sorted(held))},
                fields={"items": [_("Already requested or ordered.")]},
            )
        row = _matrix_row(case, platform)
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
        CASE.move(
            case,
            "order_requested",
            actor=officer,
            now=now,
            data={
                "request": request.pk,
                "authority": authority.name,
                "platform": platform.name,
                "items": [i.pk for i in chosen],
            },
        )
    return request


# The proposals the case page has a form for (the others say what is awaited).
ACTIONABLE = {"assess", "order", "notice", "close", "mla"}


def next_action(case: Case, assessment: Assessment | None) -> tuple[str, str]:
    """The action the case page proposes: (code, human text)."""
    if assessment is None and CASE.can(case, "assessed"):
        return "assess", _("Assess the material")
    if not CASE.can(case, "order_requested") or assessment is None:
        return "", ""
    if assessment.classification == Classification.ILLEGAL_NONE:
        return "close", _("Close the case as not illegal")
    if not case.items.exclude(platform=None).exists() and (
        case.items.filter(network__in=UNORDERABLE_NETWORKS).exists()
    ):
        return "investigate", _(
            "No removal order is possible (an onion service or BitTorrent): investigate, or "
            "ask the country that can act through mutual legal assistance"
        )
    instruments = {
        row["instrument"] for row in assessment.matrix.values() if row["establishes_platform"]
    }
    if instruments & {Instrument.ORDER, Instrument.NOTICE}:
        if requestable_items(case.items.exclude(platform=None)):
            if Instrument.ORDER in instruments:
                return "order", _("Request a takedown order")
            return "notice", _("Request a notice to the platform")
        if case.order_requests.filter(status=OrderRequestStatus.OPEN).exists():
            return "waiting", _("Waiting for a prosecutor")
        return "", ""
    if Instrument.MLA in instruments:
        return "mla", _("Send an MLA request to the platform's jurisdiction")
    return "", ""


def case_close(
    *,
    case: Case,
    officer: User,
    reason: str = "",
    expected_version: int | None,
    now: datetime | None = None,
) -> Case:
    """A resolved case (every item removed and verified) is closed; victims who wish to
    be told are drafted a notice."""
    from .victims import victim_milestone

    now = now or timezone.now()
    with atomic():
        case = lock_case(case, officer=officer, expected_version=expected_version)
        CASE.require(case, "closed")
        deadline_cancel(subject=case, reason=_("Case closed"), now=now, actor=officer)
        victim_milestone(case=case, milestone="case_closed", now=now)
        case.closed_at = now
        CASE.move(
            case, "closed", actor=officer, now=now, fields=["closed_at"], data={"reason": reason}
        )
    return case
