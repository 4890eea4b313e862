"""Logins, logouts and failed logins go into the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .audit import audit_record


def _ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **_kwargs):
    audit_record(
        action="auth.login", actor=user, jurisdictions=[user.jurisdiction_code], ip=_ip(request)
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **_kwargs):
    if user is not None:
        audit_record(
            action="auth.logout",
            actor=user,
            jurisdictions=[user.jurisdiction_code],
            ip=_ip(request),
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **_kwargs):
    audit_record(
        action="auth.login_failed",
        actor=f"anonymous:{credentials.get('username', '')[:100]}",
        ip=_ip(request),
    )
