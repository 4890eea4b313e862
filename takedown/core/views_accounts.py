"""The user's own password and preferences (the operator's pages for people:
liaison/views_people.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from . import accounts, otp
from .forms_accounts import OwnPasswordForm, PreferencesForm
from .models import UserSession
from .web import run_service


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = OwnPasswordForm(request.user, request.POST or None)
    if request.method == "POST":
        try:
            ended = run_service(
                request,
                lambda data: accounts.password_change(
                    user=request.user,
                    code=data["code"],
                    password=data["new_password1"],
                    keep_session=request.session.session_key,
                ),
                form=form,
            )
        except otp.Throttled as throttled:
            form.add_error(
                "code",
                _("Too many wrong codes. Wait %(seconds)s seconds, then try again.")
                % {"seconds": throttled.retry_after},
            )
            return render(request, "registration/password_change.html", {"form": form}, status=429)
        if ended is not None:
            previous = request.session.session_key
            update_session_auth_hash(request, request.user)  # this session stays signed in
            # (with a new id: the session list follows it, as at the second factor)
            UserSession.objects.filter(session_key=previous).update(
                session_key=request.session.session_key
            )
            messages.success(
                request,
                _("Your password is changed; %(n)d other sessions were ended.") % {"n": ended},
            )
            return redirect("sessions")
    return render(
        request,
        "registration/password_change.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    posted = request.method == "POST"
    form = PreferencesForm(request.POST if posted else None, instance=request.user)
    if posted and form.is_valid():
        form.save()
        messages.success(request, _("Your preferences are saved."))
        return redirect("preferences")
    return render(
        request,
        "accounts/preferences.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def language_set(request):
    """The header's switcher: Django's cookie (and the page to go back to), and for a
    signed-in user the preference itself, so every device speaks it."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
