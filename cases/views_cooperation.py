"""MLA requests between desks, the coalition hand-over, and victim notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from takedown.core.errors import ApplicationError
from takedown.core.security import step_up_required

from .choices import MLAStatus
from .forms import HandoverForm, MLAForm, MLAResponseForm, VictimNoticeForm, apply_service_error
from .models import VictimMessage
from .selectors import case_get_for_user, case_list_for_user, mla_requests_for
from .services import cooperation


def _prefilled_description(case) -> str:
    """The request form starts from the case and its evidence template."""
    lines = [
        _("Case %(ref)s: %(summary)s") % {"ref": case.reference, "summary": case.summary},
        "",
        _("Items:"),
    ]
    lines += [f"- {item.url or item.sha256}" for item in case.items.all()]
    for package in case.evidence_packages.all():
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
    case = case_get_for_user(user=request.user, reference=reference)
    choices = [(i.pk, i.url or i.sha256) for i in case.items.all()]
    form = MLAForm(
        request.POST or None,
        item_choices=choices,
        initial={"description": _prefilled_description(case), "items": [c[0] for c in choices]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mla = cooperation.mla_create(
                case=case,
                requester=request.user,
                requested_authority=data["requested_authority"],
                kind=data["kind"],
                urgency=data["urgency"],
                legal_basis=data["legal_basis"],
                description=data["description"],
                items=list(case.items.filter(pk__in=data["items"])),
                packages=list(case.evidence_packages.all()),
                preserve_until=data["preserve_until"],
                preservation_scope=data["preservation_scope"],
            )
            if "send" in request.POST:
                mla = cooperation.mla_send(request=mla, actor=request.user)
        except ApplicationError as error:
            apply_service_error(form, error)
        else:
            if mla.duplicate_of_id:
                messages.info(
                    request,
                    _("The same data is already requested (%(ref)s): linked, not sent twice.")
                    % {"ref": mla.duplicate_of.reference},
                )
            else:
                messages.success(request, _("%(ref)s saved.") % {"ref": mla.reference})
            return redirect("mla:detail", pk=mla.pk)
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
    authorities = set(request.user.desks.values_list("authority_id", flat=True)) | {
        request.user.authority_id
    }
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
    mla = _mla_for(request, pk)
    return render(
        request,
        "mla/detail.html",
        {
            "mla": mla,
            "may_answer": cooperation.mla_may_answer(request.user, mla),
            "may_reply": request.user.authority_id == mla.requesting_authority_id,
            "response_form": MLAResponseForm(),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def mla_action(request, pk: int, action: str):
    mla = _mla_for(request, pk)
    text = request.POST.get("text", "")
    try:
        if action == "respond":
            cooperation.mla_respond(
                request=mla,
                responder=request.user,
                action=request.POST.get("action", ""),
                text=text,
            )
        elif action == "reply":
            cooperation.mla_reply(request=mla, requester=request.user, text=text)
        elif action == "send":
            cooperation.mla_send(request=mla, actor=request.user)
        elif action == "withdraw":
            cooperation.mla_withdraw(request=mla, requester=request.user, reason=text)
        else:
            raise DjangoPermissionDenied
    except ApplicationError as error:
        messages.error(
            request,
            " ".join(
                [
                    error.detail,
                    *(" ".join(map(str, v)) for v in error.fields.values() if isinstance(v, list)),
                ]
            ),
        )
    else:
        messages.success(request, _("Done."))
    return redirect("mla:detail", pk=mla.pk)


@login_required
@require_POST
def case_handover(request, reference: str):
    case = case_get_for_user(user=request.user, reference=reference)
    form = HandoverForm(request.POST)
    if form.is_valid():
        try:
            cooperation.case_handover(
                case=case,
                officer=request.user,
                to_desk=form.cleaned_data["to_desk"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as error:
            messages.error(request, error.detail)
        else:
            messages.success(
                request,
                _("The lead is now with %(desk)s.") % {"desk": form.cleaned_data["to_desk"]},
            )
    return redirect("cases:detail", reference=case.reference)


@login_required
@require_http_methods(["GET", "POST"])
@step_up_required
def victims(request, reference: str):
    """Victim data: only for the lead desk's officers with the permission; every read logged."""
    case = case_get_for_user(user=request.user, reference=reference)
    if not cooperation.may_see_victims(request.user, case):
        raise DjangoPermissionDenied
    form = VictimNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cooperation.victim_notice_create(case=case, officer=request.user, **form.cleaned_data)
        except ApplicationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Recorded."))
            return redirect("cases:victims", reference=case.reference)
    rule = case.lead_desk.authority.jurisdiction.get_victim_notification_rule_display()
    return render(
        request,
        "cases/victims.html",
        {
            "case": case,
            "notices": cooperation.victim_notices_read(case=case, officer=request.user),
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
            notice__case__in=case_list_for_user(user=request.user).values("id")
        ),
        pk=pk,
    )
    if not cooperation.may_see_victims(request.user, message.notice.case):
        raise DjangoPermissionDenied
    try:
        cooperation.victim_message_review(
            message=message,
            officer=request.user,
            approve=request.POST.get("decision") == "approve",
            body=request.POST.get("body") or None,
        )
    except ApplicationError as error:
        messages.error(request, error.detail)
    return redirect("cases:victims", reference=message.notice.case.reference)
