"""The liaison officer's triage desk. Thin views: every action is one service call."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.models import Platform
from takedown.core.choices import Role
from takedown.core.errors import ApplicationError, ValidationFailed
from takedown.core.models import User

from . import board
from .choices import OPEN_CASE_STATUSES, ImportStatus
from .filtersets import CaseFilterSet
from .forms import (
    AssessmentForm,
    AssignForm,
    BulkImportForm,
    CloseForm,
    HandoverForm,
    MergeForm,
    OrderRequestForm,
    ReportForm,
    SplitForm,
    apply_service_error,
)
from .models import Assessment, BulkImport, Case
from .selectors import (
    case_deadlines,
    case_get_for_user,
    case_items,
    case_list_for_user,
    case_timeline,
    desk_actions,
    pdq_suggestions,
    running_deadlines,
)
from .services import triage
from .services.bulk import bulk_import_create, import_progress
from .services.cooperation import may_see_victims
from .services.intake import ReportInput, report_submit

PAGE_SIZE = 50


def officer_required(view):
    """Signed in, and a liaison officer; anything else is refused."""

    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.has_role(Role.LIAISON_OFFICER):
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- The queue --------------------------------------------------------------------------


def _encode_cursor(case: Case) -> str:
    due = case.queue_due_at.isoformat() if case.queue_due_at else None
    return base64.urlsafe_b64encode(json.dumps([case.acute, due, case.pk]).encode()).decode()


def _after_cursor(text: str) -> Q:
    """Keyset pagination over (acute desc, due asc nulls last, id): as fast on page 2,000
    as on page 1, where OFFSET would scan everything before it."""
    try:
        acute, due, pk = json.loads(base64.urlsafe_b64decode(text.encode()))
        due = datetime.fromisoformat(due) if due else None
        acute, pk = bool(acute), int(pk)
    except (ValueError, TypeError) as exc:
        raise Http404("Bad page cursor.") from exc
    later_group = Q(acute=False) if acute else Q(pk__in=[])
    if due is None:
        return later_group | Q(acute=acute, queue_due_at__isnull=True, pk__gt=pk)
    return (
        later_group
        | Q(acute=acute, queue_due_at__gt=due)
        | Q(acute=acute, queue_due_at=due, pk__gt=pk)
        | Q(acute=acute, queue_due_at__isnull=True)
    )


def _queue_page(request: HttpRequest) -> dict:
    data = request.GET.copy()
    if "status" not in data:
        data.setlist("status", list(OPEN_CASE_STATUSES))
    filterset = CaseFilterSet(data, queryset=case_list_for_user(user=request.user), request=request)
    cases = filterset.qs.select_related("lead_desk__authority", "assignee").order_by(
        F("acute").desc(), F("queue_due_at").asc(nulls_last=True), "id"
    )
    if cursor := request.GET.get("after"):
        cases = cases.filter(_after_cursor(cursor))
    page = list(cases[: PAGE_SIZE + 1])
    has_next = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    clocks = running_deadlines([case.pk for case in page])
    for case in page:
        case.clock = next(iter(clocks.get(case.pk, [])), None)
    query = request.GET.copy()
    query.pop("after", None)
    if has_next:
        query["after"] = _encode_cursor(page[-1])
    return {
        "filterset": filterset,
        "cases": page,
        "next_query": query.urlencode() if has_next else "",
        "first_query": request.GET.copy().urlencode() if cursor else "",
        "now": timezone.now(),
    }


@officer_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """My desks' cases: acute first, then by time left; htmx swaps only the table."""
    context = _queue_page(request)
    if request.htmx and not request.htmx.boosted:
        return render(request, "cases/_queue_table.html", context)
    return render(request, "cases/queue.html", context)


# --- The case page ----------------------------------------------------------------------


def _case_context(request: HttpRequest, case: Case, **forms) -> dict:
    items = list(case_items(case))
    assessment = Assessment.objects.filter(case=case).select_related("assessed_by").first()
    action, action_text = triage.next_action(case, assessment)
    by_platform: dict = {}
    for item in items:
        if item.platform is not None:
            by_platform.setdefault(item.platform, []).append(item)
    choices = [(i.pk, i.url or i.sha256 or i.md5) for i in items]
    version = {"version": case.version}
    return {
        "case": case,
        "items": items,
        "assessment": assessment,
        "participants": case.participants.select_related("desk__authority__jurisdiction"),
        "deadlines": case_deadlines(case),
        "timeline": case_timeline(case).select_related("actor")[:200],
        "merged_cases": Case.objects.filter(merged_into=case).only("reference"),
        "next_action": action,
        "next_action_text": action_text,
        "platform_items": by_platform,
        "pdq_matches": pdq_suggestions(case, user=request.user),
        "orders": case.orders.filter(is_sandbox=False)
        .select_related("platform", "issuing_authority")
        .prefetch_related("items")
        .order_by("-issued_at"),
        "mla_requests": case.mla_requests.select_related("requested_authority").order_by(
            "-created_at"
        ),
        "handover_form": HandoverForm(),
        "may_see_victims": may_see_victims(request.user, case),
        "desk_actions": desk_actions(case),
        "order_requests": case.order_requests.select_related("platform", "authority").order_by(
            "-created_at"
        ),
        "is_open": case.status in OPEN_CASE_STATUSES,
        "assess_form": forms.get("assess_form") or AssessmentForm(initial=version),
        "close_form": forms.get("close_form") or CloseForm(initial=version),
        "merge_form": forms.get("merge_form") or MergeForm(initial=version),
        "split_form": forms.get("split_form") or SplitForm(initial=version, item_choices=choices),
        "order_form": forms.get("order_form")
        or OrderRequestForm(initial=version, item_choices=choices),
        "now": timezone.now(),
    }


@officer_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, reference=reference)
    if case.merged_into_id:
        messages.info(
            request,
            _("%(ref)s was merged into %(into)s.")
            % {"ref": case.reference, "into": case.merged_into.reference},
        )
    return render(request, "cases/detail.html", _case_context(request, case))


@officer_required
@require_GET
def case_by_id(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(case_list_for_user(user=request.user), pk=pk)
    return redirect("cases:detail", reference=case.reference)


def _act(request, case: Case, form, form_name: str, action, success: str) -> HttpResponse:
    """Run one service call for a case action; on a domain error, show it on the form."""
    if form.is_valid():
        try:
            action(form)
        except ApplicationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect("cases:detail", reference=case.reference)
    response = render(
        request, "cases/detail.html", _case_context(request, case, **{form_name: form}), status=400
    )
    return response


@officer_required
@require_POST
def case_assign(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, reference=reference)
    form = AssignForm(request.POST)
    assignee = request.user
    if form.is_valid() and form.cleaned_data.get("assignee") not in (None, request.user.pk):
        assignee = get_object_or_404(User, pk=form.cleaned_data["assignee"], is_active=True)
    error = None
    if form.is_valid():
        try:
            case = triage.case_assign(
                case=case,
                officer=request.user,
                assignee=assignee,
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as exc:
            error = exc.detail
    else:
        error = _("The form was incomplete; reload the page.")
    if request.htmx and request.POST.get("from") == "queue":
        case = (
            case_list_for_user(user=request.user)
            .select_related("lead_desk__authority", "assignee")
            .get(pk=case.pk)
        )
        case.clock = next(iter(running_deadlines([case.pk]).get(case.pk, [])), None)
        return render(
            request,
            "cases/_queue_row.html",
            {"case": case, "row_error": error, "now": timezone.now()},
            status=409 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Assigned to %(user)s.") % {"user": assignee.get_username()})
    return redirect("cases:detail", reference=case.reference)


@officer_required
@require_POST
def case_assess(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, reference=reference)
    form = AssessmentForm(request.POST)

    def assess(form):
        data = form.cleaned_data
        triage.case_assess(
            case=case,
            officer=request.user,
            depiction_type=data["depiction_type"],
            age_group=data["age_group"],
            severity=data["severity"],
            risk_score=data["risk_score"],
            classification=data["classification"] or None,
            categories=form.category_list(),
            notes=data["notes"],
            expected_version=data["version"],
        )

    return _act(request, case, form, "assess_form", assess, _("Assessment recorded."))


@officer_required
@require_POST
def case_close(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, reference=reference)
    form = CloseForm(request.POST)

    def close(form):
        triage.case_close_not_illegal(
            case=case,
            officer=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )

    return _act(request, case, form, "close_form", close, _("Closed as not illegal."))


@officer_required
@require_POST
def case_close_resolved(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, reference=reference)
    try:
        triage.case_close(case=case, officer=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Case closed."))
    return redirect("cases:detail", reference=case.reference)


@officer_required
@require_POST
def case_merge(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, reference=reference)
    form = MergeForm(request.POST)

    def merge(form):
        try:
            other = case_get_for_user(
                user=request.user, reference=form.cleaned_data["other"].strip().upper()
            )
        except Http404:
            raise ValidationFailed(
                fields={"other": [_("No case of your desks has that reference.")]}
            ) from None
        triage.case_merge(
            survivor=case,
            merged=other,
            officer=request.user,
            survivor_version=form.cleaned_data["version"],
            merged_version=form.cleaned_data.get("other_version"),
        )

    return _act(request, case, form, "merge_form", merge, _("Merged."))


@officer_required
@require_POST
def case_split(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, reference=reference)
    choices = [(i.pk, i.url) for i in case.items.all()]
    form = SplitForm(request.POST, item_choices=choices)
    created = {}

    def split(form):
        created["case"] = triage.case_split(
            case=case,
            items=list(case.items.filter(pk__in=form.cleaned_data["items"])),
            officer=request.user,
            expected_version=form.cleaned_data["version"],
        )

    response = _act(request, case, form, "split_form", split, _("Items moved to a new case."))
    if "case" in created:
        return redirect("cases:detail", reference=created["case"].reference)
    return response


@officer_required
@require_POST
def order_request(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for_user(user=request.user, reference=reference)
    choices = [(i.pk, i.url) for i in case.items.all()]
    form = OrderRequestForm(request.POST, item_choices=choices)

    def request_order(form):
        platform = get_object_or_404(Platform, pk=form.cleaned_data["platform"])
        triage.order_request_create(
            case=case,
            officer=request.user,
            platform=platform,
            items=list(case.items.filter(pk__in=form.cleaned_data["items"])),
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )

    return _act(
        request,
        case,
        form,
        "order_form",
        request_order,
        _("Order requested: it is in the prosecutors' queue."),
    )


# --- The desk's deadlines board -----------------------------------------------------------


@officer_required
@require_GET
def deadlines_board(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "cases/board.html",
        {
            "columns": board.board(user=request.user, now=now),
            "weeks": board.weekly_on_time(user=request.user, now=now),
            "now": now,
        },
    )


@officer_required
@require_GET
def deadlines_chart(request: HttpRequest) -> HttpResponse:
    svg = board.weekly_chart_svg(board.weekly_on_time(user=request.user, now=timezone.now()))
    response = HttpResponse(svg, content_type="image/svg+xml")
    # Shown as an <img>: its own styles, nothing else, no script.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


# --- Intake in the browser ----------------------------------------------------------------


@officer_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    initial = {"reporting_jurisdiction": request.user.jurisdiction_code}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = report_submit(
                data=ReportInput(
                    source=data["source"],
                    reporting_jurisdiction=data["reporting_jurisdiction"].code,
                    acute=data["acute"],
                    summary=data["summary"],
                    items=form.item_inputs(),
                ),
                submitter=request.user,
            )
        except ApplicationError as error:
            apply_service_error(form, error)
        else:
            counts = result.counts
            messages.success(
                request,
                _("Report received: %(new)d new, %(matched)d joined existing cases.") % counts,
            )
            visible = case_list_for_user(user=request.user)
            cases = [*result.cases_opened, *result.cases_joined]
            target = next((c for c in cases if visible.filter(pk=c.pk).exists()), None)
            if target is not None:
                return redirect("cases:detail", reference=target.reference)
            return redirect("cases:queue")
    return render(
        request, "cases/report_new.html", {"form": form}, status=400 if form.errors else 200
    )


@officer_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    form = BulkImportForm(
        request.POST or None,
        request.FILES or None,
        initial={"reporting_jurisdiction": request.user.jurisdiction_code},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = bulk_import_create(
                data=data["file"].read(),
                file_name=data["file"].name,
                source=data["source"],
                reporting_jurisdiction=data["reporting_jurisdiction"].code,
                acute=data["acute"],
                summary=data["summary"],
                submitter=request.user,
            )
        except ApplicationError as error:
            apply_service_error(form, error)
        else:
            return redirect("cases:import", pk=job.pk)
    return render(
        request, "cases/import_new.html", {"form": form}, status=400 if form.errors else 200
    )


@officer_required
@require_GET
def import_detail(request: HttpRequest, pk) -> HttpResponse:
    job = get_object_or_404(BulkImport, pk=pk, submitted_by=request.user)
    context = {
        "job": job,
        "progress": import_progress(job),
        "running": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
    }
    if request.htmx:
        return render(request, "cases/_import_progress.html", context)
    return render(request, "cases/import_detail.html", context)
