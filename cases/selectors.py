"""Reads of the cases app. Each starts from what the caller may see (cases/access.py)
or from an object the caller was already allowed to load."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest

from deadlines import selectors as clocks
from deadlines.choices import DeadlineKind
from liaison.choices import DepictionType
from liaison.models import Jurisdiction
from takedown.core.keyset import Key, ordered
from takedown.core.models import AuditEvent

from .access import case_jurisdictions, cases_for, desk_ids_for, order_requests_for, orders_for
from .choices import (
    NETWORK_WIDE,
    Classification,
    HashListAction,
    OrderRequestStatus,
    ResponseKind,
)
from .matrix import MatrixRow, build_matrix, suggest_classification
from .models import (
    Assessment,
    Case,
    HashListChange,
    OrderRequest,
    PlatformResponse,
    ProtectedSource,
    PublicReport,
    ReportedItem,
    TakedownOrder,
)
from .transitions import CASE, ITEM, MLA_UNDER_WAY, RUNNING

# The triage queue's order: acute first, then by the binding time left (cases without a
# running clock last), then oldest. The partial index case_open_queue_idx follows it.
QUEUE_KEYS = [Key("acute", descending=True), Key("queue_due_at", nullable=True), Key("id")]


def case_queue(user) -> QuerySet[Case]:
    """The triage queue, for the page and ``GET /api/v1/cases/`` alike."""
    return ordered(
        cases_for(user).select_related("lead_desk__authority", "assignee", "merged_into"),
        QUEUE_KEYS,
    )


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


def case_items(case: Case) -> QuerySet[ReportedItem]:
    return case.items.select_related("platform", "hosting_jurisdiction").order_by("id")


def public_reports(case: Case) -> QuerySet[PublicReport]:
    """Reports from the public page that name an item of the case, with what they added."""
    return (
        PublicReport.objects.filter(report__lines__item__case=case)
        .distinct()
        .select_related("report__reporting_jurisdiction")
        .prefetch_related("notes")
        .order_by("created_at")
    )


def protected_sources(case: Case) -> QuerySet[ProtectedSource]:
    """The protected sources of reports that name an item of the case (rows only: who
    they are is read through services/sources.py)."""
    return (
        ProtectedSource.objects.filter(report__lines__item__case=case)
        .distinct()
        .defer("name", "contact", "how_they_know")
        .select_related("report")
        .order_by("recorded_at")
    )


def with_clock(cases: list[Case]) -> list[Case]:
    """Each case with ``clock``: its nearest unfinished clock (one query for the page)."""
    by_case = clocks.unfinished_by_case([case.pk for case in cases])
    for case in cases:
        case.clock = next(iter(by_case.get(case.pk, [])), None)
    return cases


def desk_deadlines(user) -> QuerySet:
    """Clocks of my desks: those they answer for, and those of their cases (platforms'
    clocks on their orders, MLA responses they wait for)."""
    return clocks.clocks_seen_by(case_ids=cases_for(user).values("id"), desk_ids=desk_ids_for(user))


# --- What is already under way for an item ---------------------------------------------------


def items_in_hand(items: Iterable[ReportedItem]) -> dict[int, str]:
    """Items a prosecutor already has: in an open request, or in a running order. Asked
    by the request service (which refuses them) and by the case page (which then says
    what is awaited instead of offering the request again)."""
    ids = [item.pk for item in items]
    requested = OrderRequest.items.through.objects.filter(
        reporteditem_id__in=ids, orderrequest__status=OrderRequestStatus.OPEN
    ).values_list("reporteditem_id", flat=True)
    ordered = TakedownOrder.items.through.objects.filter(
        reporteditem_id__in=ids,
        takedownorder__status__in=RUNNING,
        takedownorder__is_sandbox=False,
        takedownorder__duplicate_of__isnull=True,
    ).values_list("reporteditem_id", flat=True)
    return {**dict.fromkeys(ordered, "ordered"), **dict.fromkeys(requested, "requested")}


def requestable_items(items: Iterable[ReportedItem]) -> list[ReportedItem]:
    """Items an order may still be requested for: online, and nobody has them in hand."""
    items = list(items)
    held = items_in_hand(items)
    return [item for item in items if ITEM.can(item, "ordered") and item.pk not in held]


def open_requests(case: Case) -> QuerySet[OrderRequest]:
    return case.order_requests.filter(status=OrderRequestStatus.OPEN).select_related(
        "platform", "authority"
    )


def declined_requests(case: Case) -> QuerySet[OrderRequest]:
    """Requests a prosecutor returned without an order, newest first, with the reason."""
    return (
        case.order_requests.filter(status=OrderRequestStatus.DECLINED)
        .select_related("platform", "authority", "handled_by")
        .order_by("-handled_at")
    )


def open_mla_count(case: Case, authority) -> int:
    return case.mla_requests.filter(
        requesting_authority=authority,
        status__in=MLA_UNDER_WAY,
    ).count()


def desk_actions(case: Case) -> list[dict]:
    """Per desk of a coalition: its role and what it has under way on this case."""
    rows = []
    for participant in case.participants.select_related("desk__authority").order_by(
        "-role", "joined_at"
    ):
        desk = participant.desk
        rows.append(
            {
                "desk": desk,
                "role": participant.get_role_display(),
                "order_requests": case.order_requests.filter(
                    requested_by__desks=desk, status=OrderRequestStatus.OPEN
                ).count(),
                "mla_requests": open_mla_count(case, desk.authority),
                "evidence": case.evidence_packages.filter(created_by__desks=desk).count(),
            }
        )
    return rows


@dataclass(frozen=True)
class PdqMatch:
    item: ReportedItem
    other: ReportedItem
    distance: int


def pdq_suggestions(case: Case, *, user) -> list[PdqMatch]:
    """Items elsewhere whose PDQ hash is within the configured Hamming distance of one of
    this case's: suggested to the officer, never merged automatically. A scan over the
    items that have a PDQ hash (no index does Hamming distance); kept off the bulk path."""
    limit = settings.PDQ_MATCH_DISTANCE
    own = [(item, int(item.pdq, 16)) for item in case.items.exclude(pdq="")]
    if not own:
        return []
    matches = []
    for other in (
        ReportedItem.objects.exclude(pdq="")
        .exclude(case=case)
        .filter(case__in=cases_for(user).values("id"))
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


@dataclass(frozen=True)
class StayDownMatch:
    """This case's item is material the stay-down list already holds as illegal."""

    item: ReportedItem
    entry: HashListChange
    assessment: Assessment  # the one that put it on the list
    distance: int | None  # PDQ Hamming distance; None for the same SHA-256 or MD5


def stay_down_match(case: Case) -> StayDownMatch | None:
    """The closest entry of the network-wide stay-down list for an item of this case
    (the same hash, else a PDQ within the configured distance) whose case was assessed:
    the officer may confirm that classification instead of looking at the material.
    Offered only before the case's first assessment: after it, an officer has judged."""
    if not CASE.can(case, "assessed") or case.assessments.exists():
        return None
    own = list(case.items.all())
    listed = HashListChange.objects.filter(
        scope=NETWORK_WIDE, current=True, action=HashListAction.ADDED
    ).exclude(item__case=case)
    found: tuple[ReportedItem, HashListChange, int | None] | None = None
    shas = {i.sha256: i for i in own if i.sha256}
    md5s = {i.md5: i for i in own if i.md5}
    if shas or md5s:
        entry = listed.filter(Q(sha256__in=list(shas)) | Q(md5__in=list(md5s))).first()
        if entry is not None:
            found = (shas.get(entry.sha256) or md5s[entry.md5], entry, None)
    pdqs = [(item, int(item.pdq, 16)) for item in own if item.pdq]
    if found is None and pdqs:
        best = settings.PDQ_MATCH_DISTANCE + 1
        seeds = listed.exclude(pdq="").exclude(item__case__assessments__from_stay_down=True)
        for entry in seeds.iterator(chunk_size=5000):
            for item, bits in pdqs:
                distance = (bits ^ int(entry.pdq, 16)).bit_count()
                if distance < best:
                    best, found = distance, (item, entry, distance)
    if found is None:
        return None
    item, entry, distance = found
    earlier = Assessment.objects.filter(case_id=entry.item.case_id).order_by("-created_at").first()
    return StayDownMatch(item, entry, earlier, distance) if earlier else None


def order_changed_at():
    """When what a platform sees of an order last changed: the order's own moves
    (``updated_at``), its answers and the answers to them — the changes feed's clock."""
    return Greatest(
        "updated_at",
        Coalesce(Max("responses__created_at"), "updated_at"),
        Coalesce(Max("responses__answered_at"), "updated_at"),
    )


def changed_at_of(order: TakedownOrder) -> datetime:
    """``order_changed_at`` for one order whose responses are loaded: an action's answer
    reads one order, and the aggregate's GROUP BY over all its columns costs more than
    the reading. A test holds the two to the same answer."""
    return max(
        [order.updated_at]
        + [response.created_at for response in order.responses.all()]
        + [r.answered_at for r in order.responses.all() if r.answered_at is not None]
    )


def held_packages(user, case: Case):
    """The case's evidence packages the user's desks hold (the rule is evidence's: a
    participant desk sees only what it holds). Imported here, not at the top: evidence
    builds on cases, so cases asks it only when a page needs it."""
    from evidence.access import packages_for
    from evidence.services import with_hold_flag

    return with_hold_flag(packages_for(user).filter(case=case)).order_by("created_at", "id")


# --- The prosecutor's work ----------------------------------------------------------------

# What a prosecutor answers of a platform's.
ANSWERABLE = (ResponseKind.CLARIFICATION, ResponseKind.CANNOT_COMPLY, ResponseKind.OBJECTION)


def prosecutor_work(user) -> tuple[list[OrderRequest], list[PlatformResponse]]:
    """Open requests for an order (each with ``clock``: its case's final-order clock)
    and platforms' questions waiting for an answer (``clock``: the order's removal
    clock), oldest first: the queue and the start page show the same."""
    requests_ = list(
        order_requests_for(user=user)
        .filter(status=OrderRequestStatus.OPEN)
        .select_related("case", "platform", "requested_by")
        .order_by("created_at")
    )
    final = clocks.unfinished_by_case([r.case_id for r in requests_], kind=DeadlineKind.FINAL_ORDER)
    for request in requests_:
        request.clock = next(iter(final.get(request.case_id, [])), None)
    waiting = list(
        PlatformResponse.objects.filter(
            order__in=orders_for(user=user).values("id"),
            kind__in=ANSWERABLE,
            answered_at__isnull=True,
        )
        .select_related("order__platform")
        .prefetch_related("order__deadlines")
        .order_by("created_at")
    )
    for response in waiting:
        response.clock = next(
            (d for d in response.order.deadlines.all() if d.kind == DeadlineKind.REMOVAL),
            None,
        )
    return requests_, waiting


# --- The harmonisation matrix of a case ------------------------------------------------------


def case_matrix(case: Case, depiction_type: str) -> list[MatrixRow]:
    """The matrix for this case if its material is of ``depiction_type``: each
    jurisdiction involved, whether it is criminal there, and the instrument towards it."""
    return build_matrix(
        depiction_type=depiction_type,
        issuing=case.lead_desk.authority.jurisdiction,
        involved=Jurisdiction.objects.filter(code__in=case_jurisdictions(case)),
        platform_jurisdictions=set(
            case.items.exclude(platform=None).values_list(
                "platform__establishment_jurisdiction", flat=True
            )
        ),
    )


def matrix_preview(case: Case) -> list[dict]:
    """What the matrix will suggest, for each depiction type, before the officer assesses:
    the suggested classification and where it is criminal."""
    return [
        {
            "depiction": label,
            "suggested": Classification(suggest_classification(rows)).label,
            "rows": rows,
        }
        for value, label in DepictionType.choices
        for rows in [case_matrix(case, value)]
    ]
