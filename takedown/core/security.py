"""Staff session security: a second factor for every staff session, step-up for
critical acts, idle and absolute timeouts, and a record of sessions users can end."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import otp, webauthn
from .api.errors import problem_json
from .models import UserSession

EXEMPT_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/2fa/",
    "/static/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/api/schema/",
    "/api/docs/",
)
LOGIN_AT = "login_at"


def client_ip(request) -> str | None:
    """The client's address, for the audit log, the session list and lockout.

    Behind ``TRUSTED_PROXY_COUNT`` proxies it is the address the outermost of them saw:
    the entry that many places from the right of X-Forwarded-For (each proxy appends its
    peer). Entries further left came from the client and are not believed."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    hops = settings.TRUSTED_PROXY_COUNT
    if not hops:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < hops:
        return remote  # the proxies did not add what they should: do not guess
    try:
        return str(ipaddress.ip_address(forwarded[-hops]))
    except ValueError:
        return remote


class StaffSessionMiddleware:
    """After AuthenticationMiddleware: end sessions past their absolute lifetime, ask for
    the second factor (enrolment at first login), and keep the session list current."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and request.session.session_key:
            login_at = request.session.get(LOGIN_AT)
            if (
                login_at is None
                or timezone.now().timestamp() - login_at > settings.SESSION_ABSOLUTE_SECONDS
            ):
                logout(request)
                messages.info(
                    request,
                    _("Your session ended after %(h)d hours; please sign in again.")
                    % {"h": settings.SESSION_ABSOLUTE_SECONDS // 3600},
                )
                return redirect(settings.LOGIN_URL)
            _touch(request)
            if request.session.get(otp.SESSION_VERIFIED_AT) is None and not request.path.startswith(
                EXEMPT_PREFIXES
            ):
                if request.path.startswith("/api/"):
                    return problem_json(
                        status_code=403, code="second_factor_required", request=request
                    )
                target = "second-factor" if otp.has_device(user) else "second-factor-setup"
                return redirect(f"{_url(target)}?{urlencode({'next': request.get_full_path()})}")
            if _needs_security_key(request):
                messages.info(
                    request,
                    _("Your role signs in with a security key or passkey: register one first."),
                )
                return redirect(_url("security-keys"))
        return self.get_response(request)


SECURITY_KEY_OK = "security_key_ok"


def _needs_security_key(request) -> bool:
    """Roles in WEBAUTHN_REQUIRED_ROLES (prosecutors by default) use the pages only once
    they have registered a security key; TOTP stays their fallback at sign-in."""
    if request.session.get(SECURITY_KEY_OK) or request.path.startswith(
        (*EXEMPT_PREFIXES, "/accounts/security-keys/", "/accounts/sessions/", "/api/")
    ):
        return False
    if not set(settings.WEBAUTHN_REQUIRED_ROLES) & request.user.role_names:
        return False
    if webauthn.has_key(request.user):
        request.session[SECURITY_KEY_OK] = True
        return False
    return True


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


def _touch(request) -> None:
    """Refresh the session record at most once a minute (cheap on every request)."""
    now = timezone.now()
    last = request.session.get("seen_at", 0)
    if now.timestamp() - last < 60:
        return
    request.session["seen_at"] = now.timestamp()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": request.user,
            "last_seen_at": now,
            "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "created_at": datetime.fromtimestamp(
                request.session.get(LOGIN_AT, now.timestamp()), tz=UTC
            ),
        },
    )


def session_started(request, user) -> None:
    """At login (the session id is new): start the absolute clock and the record."""
    now = timezone.now()
    request.session[LOGIN_AT] = now.timestamp()
    request.session.pop(otp.SESSION_VERIFIED_AT, None)
    request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "created_at": now,
            "last_seen_at": now,
            "ip": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


def axes_username(request, credentials=None):
    """The username django-axes counts failures under, cut to its column (255): Django's
    sign-in form does not enforce the username's length, and PostgreSQL refuses a longer
    value (a 500 where a failed sign-in belongs)."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", getattr(request, "POST", {})).get("username")
    return username[:255] if isinstance(username, str) else username


def second_factor_passed(request) -> None:
    """The second factor completes the sign-in: a new session id (ASVS 7.2.4), so an id
    fixed or seen before the factor is worthless after it. The session list follows."""
    old_key = request.session.session_key
    request.session.cycle_key()
    otp.mark_verified(request)
    UserSession.objects.filter(session_key=old_key).update(session_key=request.session.session_key)


def sessions_end(*, user, keep: str | None = None, session_key: str | None = None) -> int:
    """End a user's sessions (one, all but the current, or all)."""
    records = UserSession.objects.filter(user=user)
    if session_key is not None:
        records = records.filter(session_key=session_key)
    if keep is not None:
        records = records.exclude(session_key=keep)
    keys = list(records.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    records.delete()
    return len(keys)


def step_up_required(view):
    """Critical acts (orders, evidence content, victim data) need the second factor
    confirmed in the last ten minutes."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not otp.verified_within(request, otp.STEP_UP_SECONDS):
            target = (
                request.get_full_path()
                if request.method == "GET"
                else request.META.get("HTTP_REFERER", "/")
            )
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            messages.info(
                request,
                _("Confirm your second factor to continue: this act needs a fresh confirmation."),
            )
            return redirect(f"{_url('second-factor')}?{urlencode({'next': target, 'step_up': 1})}")
        return view(request, *args, **kwargs)

    return wrapped
