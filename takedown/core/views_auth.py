"""Second factor: enrolment at first login, verification, step-up; the user's sessions."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import otp, webauthn
from .audit import audit_record
from .errors import ApplicationError
from .forms import CodeForm, SessionEndForm
from .forms_accounts import KeyRemoveForm
from .models import SecurityKey, TOTPDevice, UserSession
from .security import SECURITY_KEY_OK, second_factor_passed, sessions_end, step_up_required
from .web import error_text


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return (
        target
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        else "/"
    )


FAILURES = "otp_failures"


def _count_failure(request):
    """Wrong codes are limited like wrong passwords: after the limit the session ends
    and the account must sign in again (where axes counts the password attempts)."""
    failures = request.session.get(FAILURES, 0) + 1
    request.session[FAILURES] = failures
    if failures < settings.AXES_FAILURE_LIMIT:
        return None
    user = request.user
    audit_record(
        action="auth.second_factor_locked",
        actor=user,
        data={"failures": failures},
    )
    logout(request)
    messages.error(request, _("Too many wrong codes: sign in again."))
    return redirect(settings.LOGIN_URL)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor_setup(request):
    if otp.has_device(request.user):
        return redirect("second-factor")
    if request.method == "POST":
        codes = otp.device_confirm(user=request.user, code=CodeForm(request.POST).value())
        if codes is None and (locked := _count_failure(request)) is not None:
            return locked
        if codes is not None:
            second_factor_passed(request)
            return render(
                request,
                "registration/recovery_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        messages.error(
            request, _("That code is not right; check your device's clock and try again.")
        )
    device = (
        TOTPDevice.objects.filter(user=request.user, confirmed_at__isnull=True).first()
        if request.method == "POST"
        else None
    ) or otp.device_start(request.user)
    uri = otp.provisioning_uri(request.user, device.secret)
    svg = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage).save(svg)
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "secret": device.secret,
            "uri": uri,
            "qr_svg": svg.getvalue().decode(),
            "next": _next(request),
        },
    )


def _throttled(request, retry_after: int):
    """The device is resting after wrong codes: say how long, check nothing."""
    audit_record(
        action="auth.second_factor_throttled",
        actor=request.user,
        data={"retry_after": retry_after},
    )
    if (locked := _count_failure(request)) is not None:
        return locked
    messages.error(
        request,
        _("Too many wrong codes. Wait %(seconds)s seconds, then try again.")
        % {"seconds": retry_after},
    )
    response = _second_factor_page(request, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _second_factor_page(request, status: int = 200):
    return render(
        request,
        "registration/second_factor.html",
        {
            "next": _next(request),
            "step_up": bool(request.GET.get("step_up")),
            "has_key": webauthn.has_key(request.user),
            "key_query": urlencode(
                {"next": _next(request), **({"step_up": 1} if request.GET.get("step_up") else {})}
            ),
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def second_factor(request):
    if not otp.has_device(request.user):
        return redirect("second-factor-setup")
    if request.method == "POST":
        try:
            method = otp.verify(user=request.user, code=CodeForm(request.POST).value())
        except otp.Throttled as throttled:
            return _throttled(request, throttled.retry_after)
        if method is not None:
            second_factor_passed(request)
            audit_record(
                action="auth.second_factor_verified",
                actor=request.user,
                data={"method": method, "step_up": bool(request.GET.get("step_up"))},
            )
            return redirect(_next(request))
        audit_record(
            action="auth.second_factor_failed",
            actor=request.user,
        )
        if (locked := _count_failure(request)) is not None:
            return locked
        messages.error(request, _("That code is not right."))
    return _second_factor_page(request)


@never_cache
@login_required
def sessions(request):
    return render(
        request,
        "registration/sessions.html",
        {
            "sessions": UserSession.objects.filter(user=request.user),
            "current": request.session.session_key,
        },
    )


@login_required
@require_POST
def session_end(request):
    target = SessionEndForm(request.POST).value()
    if target == "others":
        ended = sessions_end(user=request.user, keep=request.session.session_key)
    else:
        # By the record's id, never its session key: keys are credentials.
        record = UserSession.objects.filter(
            user=request.user, pk=target if (target or "").isdigit() else None
        ).first()
        ended = sessions_end(user=request.user, session_key=record.session_key) if record else 0
    audit_record(action="auth.sessions_ended", actor=request.user, data={"count": ended})
    messages.success(request, _("%(n)d sessions ended.") % {"n": ended})
    return redirect("sessions")


# --- Security keys and passkeys (WebAuthn) ------------------------------------------------


def _json_error(error: ApplicationError, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error_text(error)}, status=error.status or status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@step_up_required
def security_keys(request):
    """The user's security keys: add one (the page's script talks to the browser), or
    remove one."""
    if request.method == "POST":
        removed = webauthn.key_remove(user=request.user, key_id=KeyRemoveForm(request.POST).value())
        if removed:
            if not webauthn.has_key(request.user):  # a required role must register again
                request.session.pop(SECURITY_KEY_OK, None)
            messages.success(request, _("Security key removed."))
        return redirect("security-keys")
    return render(
        request,
        "registration/security_keys.html",
        {"keys": SecurityKey.objects.filter(user=request.user)},
    )


def _fresh(request) -> bool:
    """Adding a factor needs the current one confirmed just now, as the page does."""
    return otp.verified_within(request, otp.STEP_UP_SECONDS)


@login_required
@require_POST
def security_key_options(request):
    if not _fresh(request):
        return JsonResponse({"error": _("Confirm your second factor again first.")}, status=403)
    return HttpResponse(webauthn.registration_options(request), content_type="application/json")


@login_required
@require_POST
def security_key_register(request):
    if not _fresh(request):
        return JsonResponse({"error": _("Confirm your second factor again first.")}, status=403)
    try:
        body = webauthn.parse_body(request.body)
        key = webauthn.key_register(
            request, data=body.get("credential"), name=str(body.get("name", ""))
        )
    except ApplicationError as error:
        return _json_error(error)
    request.session[SECURITY_KEY_OK] = True
    messages.success(request, _("Security key “%(name)s” added.") % {"name": key.name})
    return JsonResponse({"ok": True, "next": reverse("security-keys")})


@login_required
@require_POST
def second_factor_key_options(request):
    """The challenge for signing in (or confirming, for a critical act) with a key."""
    return HttpResponse(webauthn.authentication_options(request), content_type="application/json")


@login_required
@require_POST
def second_factor_key_verify(request):
    try:
        key = webauthn.key_verify(request, data=webauthn.parse_body(request.body))
    except ApplicationError as error:
        return _json_error(error)
    step_up = bool(request.GET.get("step_up"))
    if key is None:
        audit_record(action="auth.second_factor_failed", actor=request.user, data={"key": True})
        if (locked := _count_failure(request)) is not None:
            return JsonResponse(
                {"error": _("Too many failed attempts."), "next": locked.url}, status=403
            )
        return JsonResponse({"error": _("That security key was not accepted.")}, status=400)
    second_factor_passed(request)
    request.session[SECURITY_KEY_OK] = True
    audit_record(
        action="auth.second_factor_verified",
        actor=request.user,
        data={"method": "webauthn", "key": key.name, "step_up": step_up},
    )
    return JsonResponse({"ok": True, "next": _next(request)})
