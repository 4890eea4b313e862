from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from takedown.core.audit import atomic, audit_record
from takedown.core.errors import ValidationFailed

from .models import ApiKey, Authority, Contact, Platform
from .webhooks import new_webhook_secret, webhook_refusal


def api_key_mint(
    *, owner: Platform | Authority, name: str, expires_at: datetime | None, actor=None
) -> tuple[ApiKey, str]:
    """A new key for a platform or intake partner; returns the row and the secret,
    which is shown once and stored only as a hash."""
    is_platform = isinstance(owner, Platform)
    with atomic():
        key, secret = ApiKey.objects.create_key(
            name=name,
            platform=owner if is_platform else None,
            partner=None if is_platform else owner,
            expiry_date=expires_at,
        )
        audit_record(
            action="api_key.minted",
            actor=actor,
            obj=key,
            data={"owner": str(owner), "prefix": key.prefix, "name": name},
        )
    return key, secret


def api_key_revoke(*, key: ApiKey, actor=None) -> None:
    with atomic():
        key.revoked = True
        key.save(update_fields=["revoked"])
        audit_record(action="api_key.revoked", actor=actor, obj=key, data={"prefix": key.prefix})


def webhook_configure(*, owner: Platform | Contact, url: str | None = None, actor=None) -> str:
    """Set a webhook URL (optionally) and a fresh signing secret; returns the secret,
    to be handed to the receiver once. It is stored only encrypted."""
    if url and (refusal := webhook_refusal(url)):
        raise ValidationError({"webhook_url": refusal})
    secret = new_webhook_secret()
    with atomic():
        if url is not None:
            owner.webhook_url = url
        owner.webhook_secret = secret
        if isinstance(owner, Platform):  # an operator's rotation ends any grace period
            owner.webhook_previous_secret = ""
            owner.webhook_previous_secret_until = None
            owner.webhook_secret_rotated_at = timezone.now()
        owner.full_clean(exclude=["webhook_secret"])
        owner.save()
        audit_record(
            action="webhook.secret_rotated", actor=actor, obj=owner, data={"url": owner.webhook_url}
        )
    return secret


# --- A platform's own webhook (through the API, with its key) ---------------------------


def webhook_grace() -> timedelta:
    return timedelta(hours=settings.WEBHOOK_SECRET_GRACE_HOURS)


def _locked(platform: Platform) -> Platform:
    """Lock the row (two rotations queue) and bring the caller's instance up to date."""
    Platform.objects.select_for_update(of=("self",), no_key=True).filter(pk=platform.pk).first()
    platform.refresh_from_db()
    return platform


def platform_webhook_set(
    *, platform: Platform, url: str, actor: str, now: datetime | None = None
) -> str | None:
    """A platform points its events at a receiver. The first time, it also gets a
    signing secret (returned once); later changes keep the secret."""
    if refusal := webhook_refusal(url):
        raise ValidationFailed(fields={"url": [refusal]})
    now = now or timezone.now()
    secret = None
    with atomic():
        locked = _locked(platform)
        locked.webhook_url = url
        if not locked.webhook_secret:
            secret = locked.webhook_secret = new_webhook_secret()
            locked.webhook_secret_rotated_at = now
        try:
            locked.full_clean(
                exclude=["webhook_secret", "webhook_previous_secret"], validate_unique=False
            )
        except ValidationError as exc:
            raise ValidationFailed(
                fields={"url": exc.message_dict.get("webhook_url", exc.messages)}
            ) from exc
        locked.save()
        audit_record(
            action="webhook.url_set",
            actor=actor,
            obj=locked,
            data={"url": url, "secret_created": secret is not None},
            now=now,
        )
    return secret


def platform_webhook_remove(*, platform: Platform, actor: str, now=None) -> None:
    """No more events (the secret is kept for when a URL is set again)."""
    with atomic():
        locked = _locked(platform)
        locked.webhook_url = ""
        locked.save(update_fields=["webhook_url"])
        audit_record(action="webhook.url_removed", actor=actor, obj=locked, now=now)


def platform_webhook_rotate(
    *, platform: Platform, actor: str, now: datetime | None = None
) -> tuple[str, datetime | None]:
    """A new signing secret (returned once). The one it replaces keeps signing beside it
    until the returned time, so the receiver can switch without losing an event.

    Rotating again while that runs replaces only the new secret: the receiver still has
    the old one, and a retried rotation whose answer was lost must not cut it off."""
    now = now or timezone.now()
    with atomic():
        locked = _locked(platform)
        previous_until = None
        if locked.previous_secret_signs(now):
            previous_until = locked.webhook_previous_secret_until
        elif locked.webhook_secret:
            locked.webhook_previous_secret = locked.webhook_secret
            previous_until = locked.webhook_previous_secret_until = now + webhook_grace()
        secret = locked.webhook_secret = new_webhook_secret()
        locked.webhook_secret_rotated_at = now
        locked.save()
        audit_record(
            action="webhook.secret_rotated",
            actor=actor,
            obj=locked,
            data={"previous_valid_until": previous_until.isoformat() if previous_until else None},
            now=now,
        )
    return secret, previous_until
