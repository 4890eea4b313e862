"""MLA requests between desks, desks asking to join, the coalition hand-over, and
victim notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from takedown.core.security import step_up_required
from takedown.core.web import run_service

from .access import (
    case_for,
    cases_for,
    joins_asked_by,
    joins_to_decide,
    may_add_mla_document,
    may_answer_mla,
    may_know_of_sources,
    may_reply_mla,
    may_see_victims,
    mla_requests_for,
    user_authorities,
)
from .choices import MLAStatus
from .forms import (
    HandoverForm,
    JoinDecisionForm,
    MLAForm,
    MLAResponseForm,
    MLATextForm,
    VictimNoticeForm,
    VictimReviewForm,
)
from .models import VictimMessage
from .selectors import held_packages, protected_sources
from .services import handover, joins, mla, sources
from .services import victims as victim_services
from .transitions import MLA
from .views import officer_required


def _prefilled_description(case, packages) -> str:
    """The request form starts from the case and its evidence template."""
    lines = [
        _("Case %(ref)s: %(summary)s") % {"ref": case.reference, "summary": case.summary},
        "",
        _("Items:"),
    ]
    lines += [f"- {item.url or item.sha256}" for item in case.items.all()]
    for package in packages:
        lines += [
            "",
            _(
                "Evidence package %(ref)s (%(status)s): captured %(at)s by %(tool)s; hosting %(host)s."
            )
            % {
                "ref": package.reference,
                "status": package.get_status_display(),
                "at": package.captured_at and package.captured_at.strftime("%Y-%m-%d %H:%M UTC"),
                "tool": package.collection_tool or "—",
                "host": package.hosting_provider or "—",
            },
        ]
    return "\n".join(lines)


@login_required
@require_http_methods(["GET", "POST"])
def mla_new(request, reference: str):
    case = case_for(request.user, reference)
    choices = [(i.pk, i.url or i.sha256) for i in case.items.all()]
    form = MLAForm(
        request.POST or None,
        item_choices=choices,
        initial={
            "description": _prefilled_description(case, held_packages(request.user, case)),
            "items": [c[0] for c in choices],
        },
    )

    def create(data):
        draft = mla.mla_create(
            case=case,
            requester=request.user,
            requested_authority=data["requested_authority"],
            kind=data["kind"],
            urgency=data["urgency"],
            legal_basis=data["legal_basis"],
            description=data["description"],
            items=list(case.items.filter(pk__in=data["items"])),
            packages=list(held_packages(request.user, case)),
            preserve_until=data["preserve_until"],
            preservation_scope=data["preservation_scope"],
        )
        return mla.mla_send(request=draft, actor=request.user) if "send" in request.POST else draft

    if request.method == "POST" and (request_ := run_service(request, create, form=form)):
        if request_.duplicate_of_id:
            messages.info(
                request,
                _("The same data is already requested (%(ref)s): linked, not sent twice.")
                % {"ref": request_.duplicate_of.reference},
            )
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": request_.reference})
        return redirect("mla:detail", pk=request_.pk)
    return render(
        request, "mla/new.html", {"case": case, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_GET
def mla_inbox(request):
    visible = (
        mla_requests_for(user=request.user)
        .select_related("case", "requesting_authority", "requested_authority")
        .prefetch_related("deadlines")
    )
    authorities = user_authorities(request.user)
    return render(
        request,
        "mla/inbox.html",
        {
            "incoming": [
                r
                for r in visible.filter(requested_authority_id__in=authorities)
                .exclude(status=MLAStatus.DRAFT)
                .order_by("-sent_at")[:200]
            ],
            "outgoing": [
                r
                for r in visible.filter(requesting_authority_id__in=authorities).order_by(
                    "-created_at"
                )[:200]
            ],
            "now": timezone.now(),
        },
    )


def _mla_for(request, pk):
    return get_object_or_404(
        mla_requests_for(user=request.user)
        .select_related(
            "case",
            "requesting_authority__jurisdiction",
            "requested_authority__jurisdiction",
            "requested_by",
            "duplicate_of",
        )
        .prefetch_related("items", "messages__author", "deadlines__pauses", "evidence_packages"),
        pk=pk,
    )


@login_required
@require_GET
def mla_detail(request, pk: int):
    request_ = _mla_for(request, pk)
    may_answer = may_answer_mla(request.user, request_)
    may_reply = may_reply_mla(request.user, request_)
    return render(
        request,
        "mla/detail.html",
        {
            "mla": request_,
            "can_respond": may_answer and MLA.can(request_, "refused"),
            "can_attach": may_add_mla_document(request.user, request_)
            and MLA.can(request_, "document_added"),
            "can_reply": may_reply and MLA.can(request_, "information_given"),
            "can_send": may_reply and MLA.can(request_, "sent"),
            "can_withdraw": may_reply and MLA.can(request_, "withdrawn"),
            "response_form": MLAResponseForm(),
            "now": timezone.now(),
        },
    )


# What each button on the request's page does: (form, service call).
MLA_ACTIONS = {
    "respond": (
        MLAResponseForm,
        lambda request, request_, data: mla.mla_respond(
            request=request_, responder=request.user, action=data["action"], text=data["text"]
        ),
    ),
    "reply": (
        MLATextForm,
        lambda request, request_, data: mla.mla_reply(
            request=request_, requester=request.user, text=data["text"]
        ),
    ),
    "send": (
        None,
        lambda request, request_, data: mla.mla_send(request=request_, actor=request.user),
    ),
    "withdraw": (
        MLATextForm,
        lambda request, request_, data: mla.mla_withdraw(
            request=request_, requester=request.user, reason=data["text"]
        ),
    ),
}


@login_required
@require_POST
def mla_action(request, pk: int, action: str):
    request_ = _mla_for(request, pk)
    if action not in MLA_ACTIONS:
        raise Http404
    form_class, call = MLA_ACTIONS[action]
    run_service(
        request,
        lambda data: call(request, request_, data),
        form=form_class(request.POST) if form_class else None,
        success=_("Done."),
        on_form=False,
    )
    return redirect("mla:detail", pk=request_.pk)


@login_required
@require_POST
def case_handover(request, reference: str):
    case = case_for(request.user, reference)
    result = run_service(
        request,
        lambda data: handover.case_handover(
            case=case, officer=request.user, to_desk=data["to_desk"], reason=data["reason"]
        ),
        form=HandoverForm(request.POST),
        on_form=False,
    )
    if result is not None:
        messages.success(request, _("The lead is now with %(desk)s.") % {"desk": result.lead_desk})
    return redirect("cases:detail", reference=case.reference)


@officer_required
@require_GET
def join_requests(request):
    """Both sides of a join: what the officer's desks are asked to decide, and what they
    asked of others (reference, lead jurisdiction and decision only)."""
    return render(
        request,
        "cases/joins.html",
        {
            "to_decide": joins_to_decide(request.user)
            .select_related("case", "desk__authority", "report")
            .order_by("requested_at"),
            "asked": joins_asked_by(request.user)
            .select_related("case__lead_desk__authority", "desk")
            .order_by("-requested_at")[:100],
            "form": JoinDecisionForm(),
        },
    )


@officer_required
@require_POST
def join_decide(request, pk: int):
    join = get_object_or_404(joins_to_decide(request.user), pk=pk)
    result = run_service(
        request,
        lambda data: joins.join_decide(
            join=join,
            officer=request.user,
            accept=data["decision"] == "accept",
            reason=data["reason"],
        ),
        form=JoinDecisionForm(request.POST),
        on_form=False,
    )
    if result is not None:
        text = (
            _("%(desk)s is now on %(ref)s.")
            if request.POST["decision"] == "accept"  # as the service just did
            else _("%(desk)s was not let into %(ref)s.")
        )
        messages.success(request, text % {"desk": result.desk.name, "ref": result.case.reference})
    return redirect("cases:detail", reference=join.case.reference)


@login_required
@require_POST  # a read that is logged: never by a link, a prefetch or a reload
@step_up_required
def source_identity(request, reference: str, pk: int):
    case = case_for(request.user, reference)
    if not may_know_of_sources(request.user, case):
        raise Http404
    source = get_object_or_404(protected_sources(case), pk=pk)
    shown = run_service(
        request,
        lambda _data: sources.source_identity_read(case=case, source=source, officer=request.user),
    )
    if shown is None:
        return redirect("cases:detail", reference=case.reference)
    return render(request, "cases/source_identity.html", {"case": case, "source": shown})


@login_required
@require_http_methods(["GET", "POST"])
@step_up_required
def victims(request, reference: str):
    """Victim data: only for the lead desk's officers with the permission; every read logged."""
    case = case_for(request.user, reference)
    if not may_see_victims(request.user, case):
        raise PermissionDenied
    form = VictimNoticeForm(request.POST or None)
    if request.method == "POST" and run_service(
        request,
        lambda data: victim_services.victim_notice_create(case=case, officer=request.user, **data),
        form=form,
        success=_("Recorded."),
    ):
        return redirect("cases:victims", reference=case.reference)
    rule = case.lead_desk.authority.jurisdiction.get_victim_notification_rule_display()
    return render(
        request,
        "cases/victims.html",
        {
            "case": case,
            "notices": victim_services.victim_notices_read(case=case, officer=request.user),
            "form": form,
            "rule": rule,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@step_up_required
def victim_message_review(request, pk: int):
    message = get_object_or_404(  # 404, not 403: no hint that an id exists elsewhere
        VictimMessage.objects.select_related("notice__case").filter(
            notice__case__in=cases_for(request.user).values("id")
        ),
        pk=pk,
    )
    if not may_see_victims(request.user, message.notice.case):
        raise PermissionDenied
    run_service(
        request,
        lambda data: victim_services.victim_message_review(
            message=message,
            officer=request.user,
            approve=data["decision"] == "approve",
            body=data["body"] or None,
        ),
        form=VictimReviewForm(request.POST),
        on_form=False,
    )
    return redirect("cases:victims", reference=message.notice.case.reference)
