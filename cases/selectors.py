"""Reads, each scoped to what the caller may see. A queryset that reaches a view
without passing through here is a bug."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from deadlines.models import Deadline
from deadlines.services import UNFINISHED
from takedown.core.audit import audit_record
from takedown.core.choices import Role
from takedown.core.models import AuditEvent, User

from .models import Case, CaseParticipant, ReportedItem


def desk_ids_for(user: User) -> list[int]:
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "desks"):
        return []
    cached = getattr(user, "_desk_ids", None)
    if cached is None:
        cached = user._desk_ids = list(user.desks.values_list("id", flat=True))
    return cached


def case_list_for_user(*, user: User) -> QuerySet[Case]:
    """Cases where one of the officer's desks is lead or participant."""
    if not isinstance(user, User) or not user.has_role(Role.LIAISON_OFFICER):
        return Case.objects.none()  # anonymous users and API clients see no cases
    return Case.objects.filter(
        Exists(CaseParticipant.objects.filter(case=OuterRef("pk"), desk_id__in=desk_ids_for(user)))
    )


def case_get_for_user(*, user: User, reference: str) -> Case:
    """The case, or a 404 — never a 403 that would confirm it exists."""
    case = (
        case_list_for_user(user=user)
        .select_related("lead_desk__authority__jurisdiction", "assignee", "merged_into")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        if Case.objects.filter(reference=reference).exists():
            audit_record(
                action="case.access_denied",
                actor=user,
                jurisdictions=[getattr(user, "jurisdiction_code", None)],
                data={"reference": reference},
            )
        raise Http404("No such case.")
    return case


def user_may_act_on(*, user: User, case: Case) -> bool:
    return (
        user.has_role(Role.LIAISON_OFFICER)
        and case.participants.filter(desk_id__in=desk_ids_for(user)).exists()
    )


def case_jurisdictions(case: Case) -> list[str]:
    """Every jurisdiction involved: the desks' and where the items are hosted."""
    codes = set(case.participants.values_list("desk__authority__jurisdiction", flat=True))
    codes |= set(
        case.items.exclude(hosting_jurisdiction=None).values_list("hosting_jurisdiction", flat=True)
    )
    return sorted(codes)


def case_timeline(case: Case) -> QuerySet[AuditEvent]:
    """The case's events, and those of cases merged into it (they stay where written)."""
    return AuditEvent.objects.filter(case_id__in=merged_family(case)).order_by(
        "-occurred_at", "-id"
    )


def merged_family(case: Case) -> list[int]:
    """The case and every case merged into it, however deep the chain of merges."""
    ids, frontier = [case.pk], [case.pk]
    while frontier:
        frontier = list(Case.objects.filter(merged_into__in=frontier).values_list("id", flat=True))
        ids.extend(frontier)
    return ids


def running_deadlines(case_ids: list[int]) -> dict[int, list[Deadline]]:
    """Running (or still escalating) clocks of these cases, nearest first; one query."""
    by_case: dict[int, list[Deadline]] = {}
    for deadline in Deadline.objects.filter(UNFINISHED, case_id__in=case_ids).order_by("due_at"):
        by_case.setdefault(deadline.case_id, []).append(deadline)
    return by_case


def case_deadlines(case: Case) -> QuerySet[Deadline]:
    return (
        Deadline.objects.filter(case_id=case.pk)
        .prefetch_related("pauses", "escalations")
        .order_by("due_at")
    )


def case_items(case: Case) -> QuerySet[ReportedItem]:
    return case.items.select_related("platform", "hosting_jurisdiction").order_by("id")


@dataclass(frozen=True)
class PdqMatch:
    item: ReportedItem
    other: ReportedItem
    distance: int


def pdq_suggestions(case: Case, *, user: User) -> list[PdqMatch]:
    """Items elsewhere whose PDQ hash is within the configured Hamming distance of one of
    this case's: suggested to the officer, never merged automatically. A scan over the
    items that have a PDQ hash (no index does Hamming distance); kept off the bulk path."""
    limit = settings.PDQ_MATCH_DISTANCE
    own = [(item, int(item.pdq, 16)) for item in case.items.exclude(pdq="")]
    if not own:
        return []
    visible = case_list_for_user(user=user).values("id")
    matches = []
    for other in (
        ReportedItem.objects.exclude(pdq="")
        .exclude(case=case)
        .filter(case__in=visible)
        .select_related("case")
        .only("id", "pdq", "url", "case__reference", "case__status")
        .iterator(chunk_size=5000)
    ):
        other_bits = int(other.pdq, 16)
        for item, bits in own:
            distance = (bits ^ other_bits).bit_count()
            if distance <= limit:
                matches.append(PdqMatch(item, other, distance))
    return sorted(matches, key=lambda m: m.distance)[:50]


def desk_deadlines(*, user: User) -> QuerySet[Deadline]:
    """Clocks of my desks: those they answer for, and those of their cases (platforms'
    clocks on their orders, MLA responses they wait for)."""
    visible = case_list_for_user(user=user).values("id")
    return Deadline.objects.filter(
        Q(case_id__in=visible) | Q(responsible_desk__in=desk_ids_for(user))
    ).select_related("responsible_platform", "responsible_desk")


def order_requests_for(*, user: User) -> QuerySet:
    """A prosecutor sees the requests to their own authority."""
    from .models import OrderRequest

    if (
        not isinstance(user, User)
        or not user.has_role(Role.PROSECUTOR)
        or user.authority_id is None
    ):
        return OrderRequest.objects.none()
    return OrderRequest.objects.filter(authority_id=user.authority_id)


def orders_for(*, user: User) -> QuerySet:
    """A prosecutor sees their authority's orders; an officer those of their desks' cases."""
    from .models import TakedownOrder

    if not isinstance(user, User):
        return TakedownOrder.objects.none()
    if user.has_role(Role.PROSECUTOR) and user.authority_id is not None:
        return TakedownOrder.objects.filter(
            issuing_authority_id=user.authority_id, is_sandbox=False
        )
    return TakedownOrder.objects.filter(
        case__in=case_list_for_user(user=user).values("id"), is_sandbox=False
    )


def mla_requests_for(*, user: User) -> QuerySet:
    """Requests a user may see: those of their desks' cases, those sent by their
    authority, and those addressed to their authority or its desks."""
    from .models import MLARequest

    if not isinstance(user, User) or not (
        user.has_role(Role.LIAISON_OFFICER) or user.has_role(Role.PROSECUTOR)
    ):
        return MLARequest.objects.none()
    authorities = set(user.desks.values_list("authority_id", flat=True)) | (
        {user.authority_id} if user.authority_id else set()
    )
    return MLARequest.objects.filter(
        Q(case__in=case_list_for_user(user=user).values("id"))
        | Q(requesting_authority_id__in=authorities)
        | Q(requested_authority_id__in=authorities)
    )


def desk_actions(case: Case) -> list[dict]:
    """Per desk of a coalition: its role and what it has under way on this case."""
    from .models import MLARequest, OrderRequest

    rows = []
    for participant in case.participants.select_related("desk__authority").order_by(
        "-role", "joined_at"
    ):
        authority = participant.desk.authority
        rows.append(
            {
                "desk": participant.desk,
                "role": participant.get_role_display(),
                "order_requests": OrderRequest.objects.filter(
                    case=case, requested_by__desks=participant.desk, status="open"
                ).count(),
                "mla_requests": MLARequest.objects.filter(
                    case=case,
                    requesting_authority=authority,
                    status__in=["draft", "sent", "accepted", "info_requested"],
                ).count(),
                "evidence": case.evidence_packages.filter(
                    created_by__desks=participant.desk
                ).count(),
            }
        )
    return rows
