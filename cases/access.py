"""Who may see or do what in the cases app: one home for every such rule.

Predicates (``may_*``) answer "may this user act here?"; services enforce them, and
views, API views and templates ask the same ones to decide what to offer. Scoped
querysets (``*_for``) are where every read starts: a queryset that reaches a view
without passing through here is a bug. ``audit_scope`` registrations and
``cases_involving`` say which oversight bodies may read the events of what (one
definition of "the jurisdictions involved in a case").
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from liaison.models import Platform
from takedown.core.audit import audit_record, audit_scope
from takedown.core.choices import Role
from takedown.core.models import User

from .choices import CaseStatus, JoinStatus, PublicStage
from .models import (
    BulkImport,
    Case,
    CaseParticipant,
    HashListChange,
    JoinRequest,
    MLARequest,
    OrderRequest,
    PublicReport,
    Report,
    ReportedItem,
    TakedownOrder,
)
from .submitters import Submitter

# --- Officers and cases -------------------------------------------------------------------


def desk_ids_for(user) -> list[int]:
    if not isinstance(user, User) or not user.is_authenticated:
        return []
    cached = getattr(user, "_desk_ids", None)
    if cached is None:
        cached = user._desk_ids = list(user.desks.values_list("id", flat=True))
    return cached


def is_officer(user) -> bool:
    return isinstance(user, User) and user.has_role(Role.LIAISON_OFFICER)


def is_prosecutor(user) -> bool:
    return isinstance(user, User) and user.has_role(Role.PROSECUTOR)


def cases_for(user) -> QuerySet[Case]:
    """Cases where one of the officer's desks is lead or participant."""
    if not is_officer(user):
        return Case.objects.none()  # anonymous users and API clients see no cases
    return Case.objects.filter(
        Exists(CaseParticipant.objects.filter(case=OuterRef("pk"), desk_id__in=desk_ids_for(user)))
    )


def case_for(user, reference: str) -> Case:
    """The case, or a 404 — never a 403 that would confirm it exists (the attempt is
    recorded)."""
    case = (
        cases_for(user)
        .select_related("lead_desk__authority__jurisdiction", "assignee", "merged_into")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        if Case.objects.filter(reference=reference).exists():
            audit_record(action="case.access_denied", actor=user, data={"reference": reference})
        raise Http404("No such case.")
    return case


def may_act_on(user, case: Case) -> bool:
    """Officers of the case's desks (lead or participant)."""
    return is_officer(user) and case.participants.filter(desk_id__in=desk_ids_for(user)).exists()


def eligible_assignees(case: Case) -> QuerySet[User]:
    """Who may take a case: active officers on one of its desks (the only names offered,
    and the only ones the assign form resolves — any other id gets the same answer)."""
    return (
        User.objects.filter(
            is_active=True,
            groups__name=Role.LIAISON_OFFICER.value,
            desks__in=case.participants.values("desk"),
        )
        .distinct()
        .order_by("username")
    )


def leads(user, case: Case) -> bool:
    """An officer of the lead desk."""
    return is_officer(user) and case.lead_desk_id in desk_ids_for(user)


def may_see_public_contact(user, case: Case) -> bool:
    """How to reach someone who reported from the public page: the lead desk's officers,
    who handle the report (the page tells the reporter so)."""
    return leads(user, case)


def may_know_of_sources(user, case: Case) -> bool:
    """That a case has a protected source: the lead desk's officers (no other desk)."""
    return leads(user, case)


def case_events_for(user, case: Case, events: QuerySet) -> QuerySet:
    """A case's events as this officer may read them: that it has a protected source,
    and who looked them up, only for the lead desk."""
    if may_know_of_sources(user, case):
        return events
    return events.exclude(action__startswith="source.")


def may_see_source_identity(user, case: Case) -> bool:
    """Who a protected source is: the lead desk's officers who are source handlers."""
    return leads(user, case) and user.has_perm("cases.handle_protected_sources")


def may_see_victims(user, case: Case) -> bool:
    """Officers of the lead desk who hold the specific permission."""
    return leads(user, case) and user.has_perm("cases.view_victim_data")


# --- The public: what someone who reported without an account may know -----------------

# Of a case, only how far it got: never its reference, classification, desks or platforms.
PUBLIC_STAGE = {
    CaseStatus.NEW: PublicStage.RECEIVED,
    CaseStatus.TRIAGE: PublicStage.ASSESSING,
    CaseStatus.ASSESSED: PublicStage.ASSESSING,
    CaseStatus.ACTION: PublicStage.ACTION_TAKEN,
    CaseStatus.RESOLVED: PublicStage.ACTION_TAKEN,
    CaseStatus.CLOSED: PublicStage.CLOSED,
    CaseStatus.NOT_ILLEGAL: PublicStage.CLOSED,
}


def public_stages(public: PublicReport) -> list[tuple[str, PublicStage]]:
    """Each address the reporter gave (in its normal form) with how far its case got; a
    merged case answers for the case it joined. An address known before the report stays
    "received": reporting a URL must not tell anyone how far an existing case has got."""
    stages = []
    for line in public.report.lines.select_related("item__case__merged_into"):
        case = line.item.case
        while case.merged_into_id is not None:
            case = case.merged_into
        stage = PublicStage.RECEIVED if line.matched_by else PUBLIC_STAGE[case.status]
        stages.append((line.item.normalized_url or line.item.url, stage))
    return stages


# --- The stay-down hash list: the same for every platform ------------------------------


def hash_list(scope: str) -> QuerySet[HashListChange]:
    """A scope's changes, oldest first: ``*`` (network-wide) or a jurisdiction code.
    Hashes only, so any platform's key may read every scope."""
    return HashListChange.objects.filter(scope=scope).order_by("id")


# --- Desks asking to join a case ---------------------------------------------------------


def joins_to_decide(user) -> QuerySet[JoinRequest]:
    """Pending joins of the cases the officer's desks lead: they accept or decline."""
    if not is_officer(user):
        return JoinRequest.objects.none()
    return JoinRequest.objects.filter(
        case__lead_desk_id__in=desk_ids_for(user), status=JoinStatus.PENDING
    )


def joins_asked_by(user) -> QuerySet[JoinRequest]:
    """The officer's desks' own requests: they learn the case reference, the lead
    jurisdiction and the decision — nothing of the case until accepted."""
    if not is_officer(user):
        return JoinRequest.objects.none()
    return JoinRequest.objects.filter(desk_id__in=desk_ids_for(user))


def may_decide_join(user, join: JoinRequest) -> bool:
    """Officers of the lead desk (the service enforces it, the case page asks it)."""
    return leads(user, join.case)


# --- Prosecutors, orders and requests ------------------------------------------------------


def is_issuer(user, order_or_request: TakedownOrder | OrderRequest) -> bool:
    """A prosecutor of the authority that issues (or is asked to issue) the order."""
    authority_id = (
        order_or_request.issuing_authority_id
        if isinstance(order_or_request, TakedownOrder)
        else order_or_request.authority_id
    )
    return is_prosecutor(user) and user.authority_id == authority_id


def order_requests_for(user) -> QuerySet[OrderRequest]:
    """A prosecutor sees the requests to their own authority."""
    if not is_prosecutor(user) or user.authority_id is None:
        return OrderRequest.objects.none()
    return OrderRequest.objects.filter(authority_id=user.authority_id)


def orders_for(user) -> QuerySet[TakedownOrder]:
    """A prosecutor sees their authority's orders; an officer those of their desks' cases."""
    if is_prosecutor(user) and user.authority_id is not None:
        return TakedownOrder.objects.filter(
            issuing_authority_id=user.authority_id, is_sandbox=False
        )
    return TakedownOrder.objects.filter(case__in=cases_for(user).values("id"), is_sandbox=False)


def items_for(user) -> QuerySet[ReportedItem]:
    return ReportedItem.objects.filter(case__in=cases_for(user).values("id"))


# --- Platforms and intake partners ---------------------------------------------------------


def orders_for_platform(platform: Platform) -> QuerySet[TakedownOrder]:
    """A platform's own orders; a linked duplicate was never sent, so it is not one."""
    return TakedownOrder.objects.filter(platform=platform, duplicate_of__isnull=True)


def platform_may_see(platform: Platform, order: TakedownOrder) -> bool:
    """The same rule as ``orders_for_platform``, for an order already loaded."""
    return order.platform_id == platform.pk and order.duplicate_of_id is None


def reports_for_client(submitter: Submitter) -> QuerySet[Report]:
    """A partner or platform sees its own reports, and only its own."""
    if submitter.platform is not None:
        return Report.objects.filter(platform=submitter.platform)
    if submitter.partner is not None:
        return Report.objects.filter(partner=submitter.partner)
    return Report.objects.none()


def imports_for_submitter(submitter: Submitter) -> QuerySet[BulkImport]:
    if submitter.user is not None:
        return BulkImport.objects.filter(submitted_by=submitter.user)
    if submitter.platform is not None:
        return BulkImport.objects.filter(platform=submitter.platform)
    if submitter.partner is not None:
        return BulkImport.objects.filter(partner=submitter.partner, platform__isnull=True)
    return BulkImport.objects.none()


# --- Mutual legal assistance ---------------------------------------------------------------


def user_authorities(user) -> set[int]:
    """The user's authority and those of their desks."""
    if not isinstance(user, User):
        return set()
    own = {user.authority_id} if user.authority_id else set()
    return own | set(user.desks.values_list("authority_id", flat=True))


def mla_requests_for(user) -> QuerySet[MLARequest]:
    """Those of the user's desks' cases, and those sent by or to their authority or its
    desks."""
    if not (is_officer(user) or is_prosecutor(user)):
        return MLARequest.objects.none()
    authorities = user_authorities(user)
    return MLARequest.objects.filter(
        Q(case__in=cases_for(user).values("id"))
        | Q(requesting_authority_id__in=authorities)
        | Q(requested_authority_id__in=authorities)
    )


def may_request_mla(user, case: Case) -> bool:
    """Officers of the case's desks, and prosecutors asked to act on it."""
    return may_act_on(user, case) or (
        is_prosecutor(user) and case.order_requests.filter(authority=user.authority_id).exists()
    )


def may_send_mla(user, mla: MLARequest) -> bool:
    return mla.requested_by_id == user.pk or may_act_on(user, mla.case)


def may_answer_mla(user, mla: MLARequest) -> bool:
    """Officers of the requested authority's desks, and its prosecutors."""
    if is_prosecutor(user) and user.authority_id == mla.requested_authority_id:
        return True
    return (
        is_officer(user)
        and mla.requested_authority.desks.filter(pk__in=desk_ids_for(user)).exists()
    )


def may_add_mla_document(user, mla: MLARequest) -> bool:
    """Documents are evidence: the requested authority's officers add them."""
    return is_officer(user) and may_answer_mla(user, mla)


def may_reply_mla(user, mla: MLARequest) -> bool:
    """The requesting authority replies, sends and withdraws."""
    return isinstance(user, User) and user.authority_id == mla.requesting_authority_id


# --- Oversight: which jurisdictions an event concerns --------------------------------------


def case_jurisdictions(case: Case) -> list[str]:
    """Every jurisdiction involved in the case: its desks' and where its items are
    hosted (the harmonisation matrix's rows). ``cases_involving`` is the same rule as a
    query, for oversight."""
    codes = set(case.participants.values_list("desk__authority__jurisdiction", flat=True))
    codes |= set(
        case.items.exclude(hosting_jurisdiction=None).values_list("hosting_jurisdiction", flat=True)
    )
    return sorted(codes)


def cases_involving(codes: Iterable[str]) -> QuerySet[Case]:
    """Cases a jurisdiction is involved in (the same definition, as a query)."""
    codes = list(codes)
    return Case.objects.filter(
        Exists(
            CaseParticipant.objects.filter(
                case=OuterRef("pk"), desk__authority__jurisdiction__in=codes
            )
        )
        | Exists(ReportedItem.objects.filter(case=OuterRef("pk"), hosting_jurisdiction__in=codes))
    )


@audit_scope.register
def _join_scope(join: JoinRequest) -> set[str]:
    return {join.case.lead_desk.authority.jurisdiction_id, join.desk.authority.jurisdiction_id}


@audit_scope.register
def _report_scope(report: Report) -> set[str]:
    return {report.reporting_jurisdiction_id}


@audit_scope.register
def _import_scope(job: BulkImport) -> set[str]:
    return {job.reporting_jurisdiction_id}


@audit_scope.register
def _order_scope(order: TakedownOrder) -> set[str]:
    return {
        order.issuing_authority.jurisdiction_id,
        order.platform.establishment_jurisdiction_id,
    }


@audit_scope.register
def _mla_scope(mla: MLARequest) -> set[str]:
    return {mla.requesting_authority.jurisdiction_id, mla.requested_authority.jurisdiction_id}
