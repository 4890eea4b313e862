"""The public report page: anyone reports addresses, gets a follow-up code once, and
with it sees how far each address got and adds information. No account, no script;
throttled per client address and for everyone together."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from takedown.core import ratelimit
from takedown.core.errors import NotFound
from takedown.core.security import client_ip
from takedown.core.web import run_service

from .access import public_stages
from .forms_public import AddInformationForm, FollowUpForm, PublicReportForm
from .services.public import public_report_add, public_report_find, public_report_submit

HOUR = 3600


def _over_limit(request, action: str) -> bool:
    """Counts this attempt; True when the client is over the hour's limit. The address
    is kept only hashed, and only for the hour."""
    # Keyed and of the day, so the cache never holds what reverses to an address.
    day = timezone.now().date().isoformat()
    key = f"{settings.SECRET_KEY}:{day}".encode()
    client = hmac.new(key, (client_ip(request) or "-").encode(), "sha256").hexdigest()[:32]
    limit = (
        settings.PUBLIC_REPORTS_PER_HOUR
        if action == "report"
        else settings.PUBLIC_FOLLOW_UPS_PER_HOUR
    )
    return not ratelimit.allow(f"public-{action}:{client}", limit=limit, window=HOUR)


def _network_busy() -> bool:
    """Counts a valid report; True when everyone together sent more than the desks are
    set to take in an hour (a flood, not a person)."""
    limit = settings.PUBLIC_REPORTS_PER_HOUR_ALL
    return not ratelimit.allow("public-report:all", limit=limit, window=HOUR)


def _too_many(request, template: str, form, status: int = 429):
    form.is_valid()
    form.add_error(
        None,
        _(
            "Too many attempts from your connection in the last hour. Nothing was sent: "
            "please try again later."
        ),
    )
    return render(request, template, {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def report(request):
    form = PublicReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _over_limit(request, "report") or (form.is_valid() and _network_busy()):
            return _too_many(request, "public/report.html", form)
        done = run_service(
            request, lambda _data: public_report_submit(data=form.report_input()), form=form
        )
        if done is not None:
            public, code = done
            return render(request, "public/received.html", {"code": code, "public": public})
    status = 400 if form.errors else 200
    return render(request, "public/report.html", {"form": form}, status=status)


def _status_page(request, public, *, form=None, added: bool = False, status: int = 200):
    return render(
        request,
        "public/status.html",
        {
            "stages": public_stages(public),
            "notes": public.notes.count(),
            "received_at": public.report.received_at,
            "survivor": bool(public.survivor),
            "form": form or AddInformationForm(initial={"code": request.POST.get("code", "")}),
            "added": added,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def follow_up(request):
    """The code comes by POST only: never in an address, a log line or a history."""
    form = FollowUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _over_limit(request, "follow-up"):
            return _too_many(request, "public/follow_up.html", form)
        public = run_service(request, lambda data: public_report_find(code=data["code"]), form=form)
        if public is not None:
            return _status_page(request, public)
    status = 400 if form.errors else 200
    return render(request, "public/follow_up.html", {"form": form}, status=status)


@require_POST
def follow_up_add(request):
    if _over_limit(request, "follow-up"):
        return _too_many(request, "public/follow_up.html", FollowUpForm(request.POST))
    try:
        public = public_report_find(code=request.POST.get("code", ""))
    except NotFound as error:
        lookup = FollowUpForm(request.POST)
        lookup.is_valid()
        lookup.add_error("code", error.detail)
        return render(request, "public/follow_up.html", {"form": lookup}, status=404)
    form = AddInformationForm(request.POST)
    note = run_service(
        request, lambda data: public_report_add(code=data["code"], text=data["text"]), form=form
    )
    if note is None:
        return _status_page(request, public, form=form, status=400)
    return _status_page(request, public, added=True)
