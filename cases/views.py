"""The liaison officer's triage desk. Thin views: every action is one service call, and
what the page offers comes from the access and transition modules."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deadlines.selectors import case_clocks
from liaison.models import Platform
from takedown.core import keyset, sentences
from takedown.core.choices import Role
from takedown.core.errors import ApplicationError, ValidationFailed
from takedown.core.web import apply_service_error, role_required, run_service

from . import board
from .access import (
    case_events_for,
    case_for,
    cases_for,
    eligible_assignees,
    imports_for_submitter,
    joins_to_decide,
    leads,
    may_know_of_sources,
    may_see_public_contact,
    may_see_source_identity,
    may_see_victims,
)
from .filtersets import CaseFilterSet, queue_params
from .forms import (
    AssessmentForm,
    AssignForm,
    BulkImportForm,
    CloseForm,
    CloseResolvedForm,
    HandoverForm,
    MergeForm,
    OrderRequestForm,
    ReportForm,
    SplitForm,
    VersionedForm,
)
from .models import Assessment, Case
from .selectors import (
    QUEUE_KEYS,
    case_items,
    case_queue,
    case_timeline,
    declined_requests,
    desk_actions,
    held_packages,
    items_in_hand,
    matrix_preview,
    open_requests,
    pdq_suggestions,
    protected_sources,
    public_reports,
    requestable_items,
    stay_down_match,
    with_clock,
)
from .services import triage
from .services.bulk import bulk_import_create, import_progress
from .services.intake import ReportInput, report_submit
from .services.joins import Link
from .submitters import Submitter
from .transitions import CASE

PAGE_SIZE = 50
officer_required = role_required(Role.LIAISON_OFFICER)


# --- The queue --------------------------------------------------------------------------


def _queue_page(request: HttpRequest) -> dict:
    filterset = CaseFilterSet(
        queue_params(request.GET), queryset=case_queue(request.user), request=request
    )
    cursor = request.GET.get("after")
    try:
        cases, next_cursor = keyset.page(filterset.qs, QUEUE_KEYS, after=cursor, size=PAGE_SIZE)
    except ValidationFailed as error:
        raise Http404(error.detail) from error
    query = request.GET.copy()
    query.pop("after", None)
    if next_cursor:
        query["after"] = next_cursor
    return {
        "filterset": filterset,
        "cases": with_clock(cases),
        "next_query": query.urlencode() if next_cursor else "",
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
    for item in requestable_items(i for i in items if i.platform is not None):
        by_platform.setdefault(item.platform, []).append(item)
    choices = [(i.pk, i.url or i.sha256 or i.md5) for i in items]
    version = {"version": case.version}
    may_act = CASE.can(case, "assigned")
    return {
        "case": case,
        "items": items,
        "assessment": assessment,
        "participants": case.participants.select_related("desk__authority__jurisdiction"),
        "deadlines": case_clocks(case.pk),
        "timeline": sentences.described(
            case_events_for(request.user, case, case_timeline(case)).select_related("actor")[:200],
            detailed=True,
        ),
        "merged_cases": Case.objects.filter(merged_into=case).only("reference"),
        "next_action": action,
        "next_action_text": action_text,
        "next_action_go": action in triage.ACTIONABLE,
        "platform_items": by_platform,
        "items_in_hand": items_in_hand(items),
        "pdq_matches": pdq_suggestions(case, user=request.user),
        "orders": case.orders.filter(is_sandbox=False)
        .select_related("platform", "issuing_authority")
        .prefetch_related("items")
        .order_by("-issued_at"),
        "mla_requests": case.mla_requests.select_related("requested_authority").order_by(
            "-created_at"
        ),
        "handover_form": forms.get("handover_form") or HandoverForm(),
        "assignees": list(eligible_assignees(case).only("id", "username")) if may_act else [],
        "packages": held_packages(request.user, case),
        "join_requests": joins_to_decide(request.user)
        .filter(case=case)
        .select_related("desk__authority"),
        "may_see_victims": may_see_victims(request.user, case),
        "public_reports": public_reports(case),
        "sources": protected_sources(case) if may_know_of_sources(request.user, case) else [],
        "may_see_source_identity": may_see_source_identity(request.user, case),
        "may_see_public_contact": may_see_public_contact(request.user, case),
        "desk_actions": desk_actions(case),
        "open_requests": open_requests(case),
        "declined_requests": declined_requests(case),
        "is_open": may_act,
        "can_assess": CASE.can(case, "assessed"),
        "matrix_preview": matrix_preview(case) if CASE.can(case, "assessed") else [],
        "stay_down": stay_down_match(case),
        "can_close_not_illegal": CASE.can(case, "closed_not_illegal"),
        "can_split": CASE.can(case, "split") and len(items) > 1,
        "may_merge": leads(request.user, case),  # the other case must be led here too
        "can_close": CASE.can(case, "closed"),
        "assess_form": forms.get("assess_form") or AssessmentForm(initial=version),
        "stay_down_form": forms.get("stay_down_form"),
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
    case = case_for(request.user, reference)
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
    case = get_object_or_404(cases_for(request.user), pk=pk)
    return redirect("cases:detail", reference=case.reference)


def _act(request, case: Case, form, form_name: str, action, success: str) -> HttpResponse:
    """Run one service call for a case action; on a domain error, show the case page
    again with the error on the form."""
    result = run_service(request, action, form=form, success=success)
    if result is not None:
        return redirect("cases:detail", reference=getattr(result, "reference", case.reference))
    return render(
        request, "cases/detail.html", _case_context(request, case, **{form_name: form}), status=400
    )


@officer_required
@require_POST
def case_assign(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request.user, reference)
    form = AssignForm(request.POST)
    error = None
    assignee = request.user
    if not form.is_valid():
        error = _("The form was incomplete; reload the page.")
    else:
        wanted = form.cleaned_data.get("assignee")
        if wanted not in (None, request.user.pk):
            # Among the eligible only: any other id (unknown, inactive, another desk's)
            # gets the same words, so the form tells nobody who exists.
            assignee = eligible_assignees(case).filter(pk=wanted).first()
        if assignee is None:
            error = str(triage.NOT_ELIGIBLE)
        else:
            try:
                case = triage.case_assign(
                    case=case,
                    officer=request.user,
                    assignee=assignee,
                    expected_version=form.cleaned_data["version"],
                )
            except ApplicationError as exc:
                error = exc.detail
    if request.htmx and request.htmx.target == f"case-{case.pk}":  # the queue's row asks
        row = with_clock([case_queue(request.user).get(pk=case.pk)])[0]
        return render(
            request,
            "cases/_queue_row.html",
            {"case": row, "row_error": error, "now": timezone.now()},
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
    case = case_for(request.user, reference)
    form = AssessmentForm(request.POST)

    def assess(data):
        return triage.case_assess(
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
        ).case

    return _act(request, case, form, "assess_form", assess, _("Assessment recorded."))


@officer_required
@require_POST
def case_assess_from_stay_down(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request.user, reference)
    form = VersionedForm(request.POST)

    def confirm(data):
        return triage.case_assess_from_stay_down(
            case=case, officer=request.user, expected_version=data["version"]
        ).case

    return _act(request, case, form, "stay_down_form", confirm, _("Assessment recorded."))


@officer_required
@require_POST
def case_close(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request.user, reference)
    form = CloseForm(request.POST)

    def close(data):
        return triage.case_close_not_illegal(
            case=case,
            officer=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        )

    return _act(request, case, form, "close_form", close, _("Closed as not illegal."))


@officer_required
@require_POST
def case_close_resolved(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request.user, reference)
    run_service(
        request,
        lambda data: triage.case_close(
            case=case,
            officer=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        form=CloseResolvedForm(request.POST),
        success=_("Case closed."),
        on_form=False,
    )
    return redirect("cases:detail", reference=case.reference)


@officer_required
@require_POST
def case_merge(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request.user, reference)
    form = MergeForm(request.POST)

    def merge(data):
        try:
            other = case_for(request.user, data["other"].strip().upper())
        except Http404:
            raise ValidationFailed(
                fields={"other": [_("No case of your desks has that reference.")]}
            ) from None
        return triage.case_merge(
            survivor=case,
            merged=other,
            officer=request.user,
            survivor_version=data["version"],
            merged_version=data.get("other_version"),
        )

    return _act(request, case, form, "merge_form", merge, _("Merged."))


@officer_required
@require_POST
def case_split(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request.user, reference)
    form = SplitForm(request.POST, item_choices=[(i.pk, i.url) for i in case.items.all()])

    def split(data):
        return triage.case_split(
            case=case,
            items=list(case.items.filter(pk__in=data["items"])),
            officer=request.user,
            expected_version=data["version"],
        )

    return _act(request, case, form, "split_form", split, _("Items moved to a new case."))


@officer_required
@require_POST
def order_request(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for(request.user, reference)
    form = OrderRequestForm(request.POST, item_choices=[(i.pk, i.url) for i in case.items.all()])

    def request_order(data):
        platform = get_object_or_404(Platform, pk=data["platform"])
        return triage.order_request_create(
            case=case,
            officer=request.user,
            platform=platform,
            items=list(case.items.filter(pk__in=data["items"])),
            note=data["note"],
            expected_version=data["version"],
        ).case

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
    form = ReportForm(request.POST or None, sender=request.user)
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
                    protected_source=form.protected_source(),
                ),
                submitter=request.user,
            )
        except ApplicationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                _("Report received: %(new)d new, %(matched)d matched existing cases.")
                % result.counts,
            )
            for case in result.cases_joined:
                if result.join_outcomes.get(case.pk) == Link.PENDING:
                    messages.info(
                        request,
                        _(
                            "%(ref)s (led by %(lead)s) has the same material: its lead desk "
                            "is asked to let your desk in."
                        )
                        % {"ref": case.reference, "lead": case.lead_desk.authority.jurisdiction_id},
                    )
            visible = cases_for(request.user)
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
    form = BulkImportForm(request.POST or None, request.FILES or None, sender=request.user)
    if request.method == "POST":
        job = run_service(
            request,
            lambda data: bulk_import_create(
                data=data["file"].read(),
                file_name=data["file"].name,
                source=data["source"],
                reporting_jurisdiction=data["reporting_jurisdiction"].code,
                acute=data["acute"],
                summary=data["summary"],
                submitter=request.user,
            ),
            form=form,
        )
        if job is not None:
            return redirect("cases:import", pk=job.pk)
    return render(
        request, "cases/import_new.html", {"form": form}, status=400 if form.errors else 200
    )


@officer_required
@require_GET
def import_detail(request: HttpRequest, pk) -> HttpResponse:
    job = get_object_or_404(imports_for_submitter(Submitter(user=request.user)), pk=pk)
    context = {"job": job, "progress": import_progress(job)}
    if request.htmx:
        return render(request, "cases/_import_progress.html", context)
    return render(request, "cases/import_detail.html", context)
