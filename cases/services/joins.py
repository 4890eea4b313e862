"""A desk whose report matches a case it is not on: linked at once, let in by the lead.

The report is linked to the case and the reporting desk learns the reference and the
lead jurisdiction (as a partner does). It becomes a participant only when the lead desk
accepts — or at once where an agreement between the two jurisdictions says so. Evidence
content never follows from membership: it needs a share (evidence/services.py).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import may_decide_join
from cases.choices import JoinStatus, ParticipantRole
from cases.models import Case, CaseParticipant, JoinRequest, Report
from cases.submitters import Submitter
from cases.transitions import JOIN
from deadlines.choices import DeadlineKind
from deadlines.services import Clock, Responsible, deadline_meet, deadlines_start
from liaison.models import Agreement, LiaisonDesk
from takedown.core.audit import atomic, audit_record
from takedown.core.errors import PermissionDenied
from takedown.core.transitions import lock


class Link(StrEnum):
    """What a matching report did for its desk on an existing case."""

    MEMBER = "member"  # the desk was on the case already
    JOINED = "joined"  # an agreement let it in at once
    PENDING = "pending"  # the lead desk is asked


def joins_without_acceptance(lead_code: str, reporting_code: str, *, on: date) -> bool:
    """An agreement in force between both jurisdictions lets their desks in at once."""
    agreements = Agreement.objects.filter(parties=lead_code, joins_without_acceptance=True).filter(
        parties=reporting_code
    )
    return any(agreement.is_valid_on(on) for agreement in agreements)


def report_link(*, case: Case, desk: LiaisonDesk, report: Report, submitter, now) -> Link:
    """Link a matching report's desk to ``case``; say what happened."""
    return report_links(cases=[case], desk=desk, report=report, submitter=submitter, now=now)[
        case.pk
    ]


def report_links(
    *, cases: list[Case], desk: LiaisonDesk, report: Report, submitter, now
) -> dict[int, Link]:
    """Link a matching report's desk to each of ``cases`` (a bulk file may match
    thousands): memberships, agreements and open requests read once for all, new
    participants and requests written with one statement each. What happened, by case."""
    members = set(
        CaseParticipant.objects.filter(case__in=cases, desk=desk).values_list("case_id", flat=True)
    )
    desk_code = desk.authority.jurisdiction_id
    let_in: dict[str, bool] = {}  # by the lead's jurisdiction: an agreement lets it in
    outcomes: dict[int, Link] = {}
    joining, asking = [], []
    for case in cases:
        if case.pk in members:
            outcomes[case.pk] = Link.MEMBER
            continue
        lead_code = case.lead_desk.authority.jurisdiction_id
        if lead_code not in let_in:
            let_in[lead_code] = joins_without_acceptance(lead_code, desk_code, on=now.date())
        (joining if let_in[lead_code] else asking).append(case)
    CaseParticipant.objects.bulk_create(
        [
            CaseParticipant(
                case=case,
                desk=desk,
                role=ParticipantRole.PARTICIPANT,
                joined_at=now,
                reason=_("Reported the same item (agreement)"),
            )
            for case in joining
        ],
        ignore_conflicts=True,  # a concurrent intake let it in first: the same outcome
    )
    outcomes |= {case.pk: Link.JOINED for case in joining}
    joins = _pending_joins(asking, desk, report, submitter, now)
    outcomes |= {case.pk: Link.PENDING for case in asking}
    for case in cases:
        join = joins.get(case.pk)
        audit_record(
            action="case.report_joined",
            actor=submitter.actor,
            obj=case,
            data={
                "report": report.pk,
                "desk": desk.name,
                "outcome": outcomes[case.pk],
                "join_request": join.pk if join else None,
            },
            now=now,
        )
    return outcomes


def _pending_joins(cases: list[Case], desk, report, submitter, now) -> dict[int, JoinRequest]:
    """The desk's open request to join each case: the one already waiting, or a new one
    (the lead is asked, and its decision clock starts)."""
    if not cases:
        return {}
    joins = {
        join.case_id: join
        for join in JoinRequest.objects.filter(case__in=cases, desk=desk, status=JoinStatus.PENDING)
    }
    wanted = [case for case in cases if case.pk not in joins]
    try:
        with atomic():
            created = JoinRequest.objects.bulk_create(
                [
                    JoinRequest(
                        case=case,
                        desk=desk,
                        status=JoinStatus.PENDING,
                        report=report,
                        requested_at=now,
                    )
                    for case in wanted
                ]
            )
    except IntegrityError:  # a concurrent intake asked first for some: one by one, then
        created = []
        for case in wanted:
            join, new = JoinRequest.objects.get_or_create(
                case=case,
                desk=desk,
                status=JoinStatus.PENDING,
                defaults={"report": report, "requested_at": now},
            )
            joins[case.pk] = join
            if new:
                created.append(join)
    by_id = {case.pk: case for case in wanted}
    for join in created:
        joins[join.case_id] = join
    _ask_leads([(join, by_id[join.case_id]) for join in created], desk, submitter, now)
    return joins


def _ask_leads(asked: list[tuple[JoinRequest, Case]], desk: LiaisonDesk, submitter, now) -> None:
    """Each lead desk is asked, and its decision clock starts (all with one insert)."""
    for join, _case in asked:
        audit_record(
            action="join.requested",
            actor=submitter.actor,
            obj=join,
            data={"desk": desk.name, "report": join.report_id},
            now=now,
        )
    deadlines_start(
        [
            Clock(
                kind=DeadlineKind.JOIN_DECISION,
                subject=join,
                responsible=Responsible(desk=case.lead_desk),
                label=f"{case.reference}, {desk.name}",
                case_id=case.pk,
                acute=case.acute,
                parties=frozenset({desk.authority.jurisdiction_id}),
            )
            for join, case in asked
        ],
        start=now,
    )


def _participate(case: Case, desk: LiaisonDesk, now, reason: str) -> None:
    CaseParticipant.objects.get_or_create(
        case=case,
        desk=desk,
        defaults={"role": ParticipantRole.PARTICIPANT, "joined_at": now, "reason": reason},
    )


def join_decide(
    *, join: JoinRequest, officer, accept: bool, reason: str = "", now: datetime | None = None
) -> JoinRequest:
    """The lead desk lets the asking desk in, or not; either way its clock stops."""
    now = now or timezone.now()
    with atomic():
        join = lock(JoinRequest.objects.select_related("case", "desk"), join.pk)
        if not may_decide_join(officer, join):
            raise PermissionDenied(_("Only officers of the lead desk decide who joins a case."))
        JOIN.require(join, "accepted" if accept else "declined")
        join.decided_at, join.decided_by, join.reason = now, officer, reason[:200]
        JOIN.move(
            join,
            "accepted" if accept else "declined",
            actor=officer,
            now=now,
            fields=["decided_at", "decided_by", "reason"],
            data={"desk": join.desk.name, "reason": join.reason},
        )
        if accept:
            _participate(join.case, join.desk, now, _("Accepted by the lead desk"))
        deadline_meet(subject=join, kind=DeadlineKind.JOIN_DECISION, now=now, actor=officer)
    return join


def joins_follow_merge(*, merged: Case, survivor: Case, officer, now) -> None:
    """Pending joins of a merged case are closed there and asked of the survivor (where
    the desk may already be a member or waiting)."""
    for join in JoinRequest.objects.filter(case=merged, status=JoinStatus.PENDING).select_related(
        "desk__authority", "report"
    ):
        join.decided_at = now
        join.reason = _("Merged into %(ref)s") % {"ref": survivor.reference}
        JOIN.move(join, "declined", actor=officer, now=now, fields=["decided_at", "reason"])
        deadline_meet(subject=join, kind=DeadlineKind.JOIN_DECISION, now=now, actor=officer)
        report_link(
            case=survivor,
            desk=join.desk,
            report=join.report,
            submitter=Submitter.of(officer),
            now=now,
        )
