"""The prosecutor's desk: the queue of requests and platform answers, issuing, amending
and withdrawing orders, answering questions and objections; and the officers' removal
verification. Thin views: one service call each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from deadlines.choices import DeadlineKind
from deadlines.models import Deadline
from deadlines.services import UNFINISHED
from liaison.models import Platform
from takedown.core.choices import STAFF_ROLES, Role
from takedown.core.errors import ApplicationError
from takedown.core.security import step_up_required

from .choices import ObjectionResolution, OrderRequestStatus, ResponseKind
from .figures import humanise_seconds, platform_compliance
from .forms import (
    AnswerForm,
    OrderAmendForm,
    OrderIssueForm,
    ReasonForm,
    VerifyForm,
    apply_service_error,
)
from .models import Assessment, PlatformResponse, ReportedItem, TakedownOrder
from .selectors import case_list_for_user, order_requests_for, orders_for
from .services import orders


def prosecutor_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.has_role(Role.PROSECUTOR):
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


def _clock(deadlines, kind):
    return next((d for d in deadlines if d.kind == kind), None)


@prosecutor_required
@require_GET
def queue(request):
    """Requests waiting for an order, and platform answers waiting for the prosecutor."""
    requests_ = list(
        order_requests_for(user=request.user)
        .filter(status=OrderRequestStatus.OPEN)
        .select_related("case", "platform", "requested_by")
        .order_by("created_at")
    )
    final_clocks = {
        d.case_id: d
        for d in Deadline.objects.filter(
            UNFINISHED, case_id__in=[r.case_id for r in requests_], kind=DeadlineKind.FINAL_ORDER
        )
    }
    for item in requests_:
        item.clock = final_clocks.get(item.case_id)
    waiting = list(
        PlatformResponse.objects.filter(
            order__in=orders_for(user=request.user).values("id"),
            kind__in=[
                ResponseKind.CLARIFICATION,
                ResponseKind.CANNOT_COMPLY,
                ResponseKind.OBJECTION,
            ],
            answered_at__isnull=True,
        )
        .select_related("order__platform")
        .prefetch_related("order__deadlines")
        .order_by("created_at")
    )
    for response in waiting:
        response.clock = _clock(response.order.deadlines.all(), DeadlineKind.REMOVAL)
    return render(
        request,
        "orders/queue.html",
        {"requests": requests_, "waiting": waiting, "now": timezone.now()},
    )


@prosecutor_required
@require_http_methods(["GET", "POST"])
@step_up_required
def request_issue(request, pk: int):
    order_request = get_object_or_404(
        order_requests_for(user=request.user).select_related(
            "case__lead_desk__authority", "platform"
        ),
        pk=pk,
    )
    items = list(order_request.items.all())
    choices = [(i.pk, i.url) for i in items]
    initial = {"items": [i.pk for i in items], "contact_point": request.user.authority.email}
    form = OrderIssueForm(request.POST or None, item_choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = orders.order_issue(
                request=order_request,
                prosecutor=request.user,
                items=[i for i in items if i.pk in data["items"]],
                fields=orders.OrderFields(
                    kind=data["kind"],
                    legal_basis=data["legal_basis"],
                    reasons=data["reasons"],
                    contact_point=data["contact_point"],
                    preservation_instruction=data["preservation_instruction"],
                    note=data["note"],
                ),
            )
        except ApplicationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("%(ref)s issued and signed.") % {"ref": order.reference})
            return redirect("orders:detail", pk=order.pk)
    assessment = Assessment.objects.filter(case=order_request.case).first()
    due = orders.removal_due(
        issuing_code=request.user.authority.jurisdiction_id,
        platform=order_request.platform,
        start=timezone.now(),
    )
    return render(
        request,
        "orders/request_issue.html",
        {
            "order_request": order_request,
            "form": form,
            "assessment": assessment,
            "removal_due": due,
        },
        status=400 if form.errors else 200,
    )


def _order_for(request, pk: int) -> TakedownOrder:
    responses = PlatformResponse.objects.select_related("item", "answered_by").order_by(
        "created_at", "id"
    )
    return get_object_or_404(
        orders_for(user=request.user)
        .select_related(
            "issuing_authority__jurisdiction", "platform", "case", "supersedes", "issued_by"
        )
        .prefetch_related("items", "deadlines__pauses", Prefetch("responses", queryset=responses)),
        pk=pk,
    )


@login_required
@require_GET
def order_detail(request, pk: int):
    """The order as a document (print it from the browser), its answers and clocks."""
    order = _order_for(request, pk)
    is_issuer = (
        request.user.has_role(Role.PROSECUTOR)
        and request.user.authority_id == order.issuing_authority_id
    )
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "is_issuer": is_issuer,
            "signature_valid": orders.order_signature_valid(order),
            "amend_form": OrderAmendForm(
                initial={f: getattr(order, f) for f in OrderAmendForm.base_fields}
            ),
            "withdraw_form": ReasonForm(),
            "now": timezone.now(),
            "decisions": ObjectionResolution.choices,
        },
    )


def _after(request, order, action, success):
    try:
        result = action()
    except ApplicationError as error:
        messages.error(
            request,
            error.detail
            + " "
            + " ".join(
                " ".join(map(str, v)) if isinstance(v, list) else str(v)
                for v in error.fields.values()
            ),
        )
        return redirect("orders:detail", pk=order.pk)
    messages.success(request, success)
    target = result.pk if isinstance(result, TakedownOrder) else order.pk
    return redirect("orders:detail", pk=target)


@prosecutor_required
@require_POST
@step_up_required
def order_withdraw(request, pk: int):
    order = _order_for(request, pk)
    form = ReasonForm(request.POST)
    reason = form.data.get("reason", "")
    return _after(
        request,
        order,
        lambda: orders.order_withdraw(order=order, prosecutor=request.user, reason=reason),
        _("Order withdrawn; the platform is told."),
    )


@prosecutor_required
@require_POST
@step_up_required
def order_amend(request, pk: int):
    order = _order_for(request, pk)
    form = OrderAmendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in every required field of the amendment."))
        return redirect("orders:detail", pk=order.pk)
    fields = orders.OrderFields(kind=order.kind, **form.cleaned_data)
    return _after(
        request,
        order,
        lambda: orders.order_amend(order=order, prosecutor=request.user, fields=fields),
        _("Amended: the new version supersedes the old one."),
    )


@prosecutor_required
@require_POST
def response_answer(request, pk: int, response_pk: int):
    order = _order_for(request, pk)
    response = get_object_or_404(PlatformResponse, pk=response_pk, order=order)
    decisions = {
        ResponseKind.CANNOT_COMPLY: [
            ("maintain", _("Maintain the order")),
            ("withdraw", _("Withdraw the order")),
        ],
        ResponseKind.OBJECTION: ObjectionResolution.choices,
    }.get(response.kind, ())
    form = AnswerForm(request.POST, decisions=decisions)
    answer = form.data.get("answer", "")
    decision = form.data.get("decision", "")

    def act():
        if response.kind == ResponseKind.CLARIFICATION:
            return orders.clarification_answer(
                response=response, prosecutor=request.user, answer=answer
            )
        if response.kind == ResponseKind.CANNOT_COMPLY:
            return orders.cannot_comply_resolve(
                response=response,
                prosecutor=request.user,
                maintain=decision != "withdraw",
                answer=answer,
            )
        return orders.objection_decide(
            response=response, prosecutor=request.user, resolution=decision, answer=answer
        )

    return _after(request, order, act, _("Answer sent to the platform."))


@login_required
@require_POST
def item_verify(request, pk: int):
    """An officer checks from their jurisdiction whether the item is really gone."""
    item = get_object_or_404(
        ReportedItem.objects.filter(case__in=case_list_for_user(user=request.user).values("id")),
        pk=pk,
    )
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            orders.item_verify_removal(
                item=item,
                officer=request.user,
                removed=form.cleaned_data["removed"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            messages.error(request, error.detail)
        else:
            messages.success(
                request,
                _("Verified removed.")
                if form.cleaned_data["removed"]
                else _("The item is back online: it is open again."),
            )
    return redirect("cases:detail", reference=item.case.reference)


# --- Platform compliance -----------------------------------------------------------------


@login_required
@require_GET
def platform_page(request, slug: str):
    """A platform's record: orders received, how fast it acknowledges and removes, how
    often within the binding deadlines, what it could not do and what it contested."""
    if not any(request.user.has_role(role) for role in STAFF_ROLES):
        raise DjangoPermissionDenied
    platform = get_object_or_404(
        Platform.objects.select_related("establishment_jurisdiction"), slug=slug
    )
    figures = platform_compliance(platform)
    return render(
        request,
        "orders/platform.html",
        {
            "platform": platform,
            "figures": figures,
            "ack": {
                k: humanise_seconds(v)
                for k, v in figures["time_to_acknowledge"].items()
                if k != "count"
            },
            "removal": {
                k: humanise_seconds(v)
                for k, v in figures["time_to_removal"].items()
                if k != "count"
            },
            "platforms": Platform.objects.order_by("name"),
        },
    )
