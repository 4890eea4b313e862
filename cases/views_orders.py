"""The prosecutor's desk: the queue of requests and platform answers, issuing, amending
and withdrawing orders, answering questions and objections; and the officers' removal
verification. Thin views: one service call each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.models import Platform
from takedown.core.choices import STAFF_ROLES, Role
from takedown.core.security import step_up_required
from takedown.core.web import role_required, run_service

from .access import (
    is_issuer,
    is_officer,
    is_prosecutor,
    items_for,
    order_requests_for,
    orders_for,
)
from .choices import CannotComplyResolution, ObjectionResolution, ResponseKind
from .figures import humanise_seconds, platform_compliance
from .forms import AnswerForm, OrderAmendForm, OrderIssueForm, ReasonForm, VerifyForm
from .models import Assessment, PlatformResponse, TakedownOrder
from .order_document import document_labels
from .selectors import ANSWERABLE, prosecutor_work
from .services import orders
from .transitions import ORDER

prosecutor_required = role_required(Role.PROSECUTOR)
staff_required = role_required(*STAFF_ROLES)
# The decisions each answer a prosecutor gives offers (ANSWERABLE: what they answer).


def _decisions(response: PlatformResponse):
    return {
        ResponseKind.CANNOT_COMPLY: CannotComplyResolution.choices,
        ResponseKind.OBJECTION: ObjectionResolution.choices,
    }.get(response.kind, ())


@prosecutor_required
@require_GET
def queue(request):
    """Requests waiting for an order, and platform answers waiting for the prosecutor."""
    requests_, waiting = prosecutor_work(request.user)
    return render(
        request,
        "orders/queue.html",
        {"requests": requests_, "waiting": waiting, "now": timezone.now()},
    )


@prosecutor_required
@require_POST
def request_decline(request, pk: int):
    """Return an officer's request without an order, with the reason they will read."""
    order_request = get_object_or_404(order_requests_for(user=request.user), pk=pk)
    form = ReasonForm(request.POST)
    declined = run_service(
        request,
        lambda data: orders.order_request_decline(
            request=order_request, prosecutor=request.user, reason=data["reason"]
        ),
        form=form,
        on_form=False,
    )
    if declined is None:
        return redirect("orders:request", pk=pk)
    messages.success(
        request,
        _("The request on %(case)s went back to the officer with your reason.")
        % {"case": order_request.case.reference},
    )
    return redirect("orders:queue")


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
    if request.method == "POST":
        order = run_service(
            request,
            lambda data: orders.order_issue(
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
            ),
            form=form,
        )
        if order is not None:
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
            "decline_form": ReasonForm(),
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
    issuer = is_issuer(request.user, order)
    for response in order.responses.all():
        response.answerable = (
            issuer and response.kind in ANSWERABLE and response.answered_at is None
        )
        response.decisions = _decisions(response)
    return render(
        request,
        "orders/detail.html",
        {
            "order": order,
            "labels": document_labels(order),
            "is_issuer": issuer,
            "may_change": issuer
            and order.duplicate_of_id is None
            and ORDER.can(order, "superseded"),
            "signature_valid": orders.order_signature_valid(order),
            "amend_form": OrderAmendForm(
                initial={f: getattr(order, f) for f in OrderAmendForm.base_fields}
            ),
            "withdraw_form": ReasonForm(),
            "now": timezone.now(),
            "back": _back_from_order(request.user, order),
        },
    )


def _back_from_order(user, order) -> tuple[str, str]:
    """Where "back" leads: to a page of the reader's own (the prosecutor's queue is a
    403 for an officer, the case for an auditor)."""
    if is_prosecutor(user):
        return reverse("orders:queue"), _("Back to the queue")
    if is_officer(user):
        return reverse("cases:detail", args=[order.case.reference]), _("Back to the case")
    return reverse("home"), _("Back to the start page")


def _order_action(request, order, action, *, form, success):
    """Run one service call on the order; the page shows how it went. An amendment
    lands on its new version."""
    result = run_service(request, action, form=form, success=success, on_form=False)
    target = result if isinstance(result, TakedownOrder) else order
    return redirect("orders:detail", pk=target.pk)


@prosecutor_required
@require_POST
@step_up_required
def order_withdraw(request, pk: int):
    order = _order_for(request, pk)
    return _order_action(
        request,
        order,
        lambda data: orders.order_withdraw(
            order=order, prosecutor=request.user, reason=data["reason"]
        ),
        form=ReasonForm(request.POST),
        success=_("Order withdrawn; the platform is told."),
    )


@prosecutor_required
@require_POST
@step_up_required
def order_amend(request, pk: int):
    order = _order_for(request, pk)
    return _order_action(
        request,
        order,
        lambda data: orders.order_amend(
            order=order,
            prosecutor=request.user,
            fields=orders.OrderFields(kind=order.kind, **data),
        ),
        form=OrderAmendForm(request.POST),
        success=_("Amended: the new version supersedes the old one."),
    )


@prosecutor_required
@require_POST
def response_answer(request, pk: int, response_pk: int):
    order = _order_for(request, pk)
    response = get_object_or_404(PlatformResponse, pk=response_pk, order=order, kind__in=ANSWERABLE)

    def answer(data):
        if response.kind == ResponseKind.CLARIFICATION:
            return orders.clarification_answer(
                response=response, prosecutor=request.user, answer=data["answer"]
            )
        if response.kind == ResponseKind.CANNOT_COMPLY:
            return orders.cannot_comply_resolve(
                response=response,
                prosecutor=request.user,
                maintain=data["decision"] == CannotComplyResolution.MAINTAIN,
                answer=data["answer"],
            )
        return orders.objection_decide(
            response=response,
            prosecutor=request.user,
            resolution=data["decision"],
            answer=data["answer"],
        )

    return _order_action(
        request,
        order,
        answer,
        form=AnswerForm(request.POST, decisions=_decisions(response)),
        success=_("Answer sent to the platform."),
    )


@role_required(Role.LIAISON_OFFICER)
@require_POST
def item_verify(request, pk: int):
    """An officer checks from their jurisdiction whether the item is really gone."""
    item = get_object_or_404(items_for(request.user).select_related("case"), pk=pk)
    form = VerifyForm(request.POST)
    removed = form.is_valid() and form.cleaned_data["removed"]
    run_service(
        request,
        lambda data: orders.item_verify_removal(
            item=item, officer=request.user, removed=data["removed"], note=data["note"]
        ),
        form=form,
        success=_("Verified removed.")
        if removed
        else _("The item is back online: it is open again."),
        on_form=False,
    )
    return redirect("cases:detail", reference=item.case.reference)


# --- Platform compliance -----------------------------------------------------------------


@staff_required
@require_GET
def platform_page(request, slug: str):
    """A platform's record: orders received, how fast it acknowledges and removes, how
    often within the binding deadlines, what it could not do and what it contested."""
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
