from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError

from takedown.core.audit import atomic, audit_record

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
        owner.full_clean(exclude=["webhook_secret"])
        owner.save()
        audit_record(
            action="webhook.secret_rotated", actor=actor, obj=owner, data={"url": owner.webhook_url}
        )
    return secret
