"""Logins, logouts and failed logins go into the audit log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils.crypto import salted_hmac

from .audit import audit_record
from .models import User, UserSession
from .security import client_ip


@receiver(user_logged_in)
def _logged_in(sender, request, user, **_kwargs):
    from .security import session_started

    if request is not None and hasattr(request, "session"):
        session_started(request, user)
    audit_record(
        action="auth.login",
        actor=user,
        ip=client_ip(request),
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **_kwargs):
    if (
        request is not None
        and getattr(request, "session", None) is not None
        and request.session.session_key
    ):
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    if user is not None:
        audit_record(
            action="auth.logout",
            actor=user,
            ip=client_ip(request),
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **_kwargs):
    typed = credentials.get("username", "")[:150]
    # The named account's jurisdiction, so its oversight body sees attempts against it.
    named = User.objects.filter(username=typed).select_related("authority").first()
    audit_record(
        action="auth.login_failed",
        actor=f"anonymous:{named.username if named else unknown_username(typed)}",
        obj=named,
        ip=client_ip(request),
    )


def unknown_username(typed: str) -> str:
    """What the trail shows for a name that is no account: a short digest, never the
    text — it is often a password typed in the wrong box. Keyed, so a leaked trail
    cannot be searched for guessed passwords; repeats still correlate."""
    return "unknown-" + salted_hmac("takedown.login-failed", typed).hexdigest()[:12]


@receiver(pre_save, sender=User)
def _deactivated(sender, instance, **_kwargs):
    """A deactivated user's sessions end at once, not at their next request."""
    if instance.pk and not instance.is_active:
        was_active = User.objects.filter(pk=instance.pk, is_active=True).exists()
        if was_active:
            from .security import sessions_end

            sessions_end(user=instance)
            audit_record(
                action="auth.user_deactivated",
                obj=instance,
            )


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **_kwargs):
    named = User.objects.filter(username=username or "").select_related("authority").first()
    shown = named.username if named else unknown_username(username or "")
    audit_record(
        action="auth.locked_out",
        actor=f"anonymous:{shown}",
        obj=named,
        ip=ip_address,
        data={"username": shown},
    )
