"""Authority keys: Ed25519 for signing orders and seals, X25519 for receiving encrypted
evidence exports. Private keys are stored only encrypted under the KEK; public keys are
published with their key id and validity at /api/v1/keys/.

Rotation adds a key and ends the old one's signing life; the old key stays published
(and valid for verifying what it signed). Revocation marks a key compromised: what it
signs is no longer trusted, and it is never used again.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from takedown.core.audit import atomic, audit_record
from takedown.core.errors import InvalidTransition, NotFound, ValidationFailed

from .choices import KeyPurpose
from .models import Authority, AuthorityKey

_RAW = {"encoding": serialization.Encoding.Raw, "format": serialization.PublicFormat.Raw}
_RAW_PRIVATE = {
    "encoding": serialization.Encoding.Raw,
    "format": serialization.PrivateFormat.Raw,
    "encryption_algorithm": serialization.NoEncryption(),
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class NoSigningKey(InvalidTransition):
    code = "no_signing_key"


def _new_key_id(authority: Authority, purpose: str, now: datetime) -> str:
    kind = "sig" if purpose == KeyPurpose.SIGNING else "enc"
    return f"{authority.jurisdiction_id.lower()}-{authority.pk}-{kind}-{now:%Y%m%d}-{os.urandom(3).hex()}"


def authority_key_create(
    *,
    authority: Authority,
    purpose: str = KeyPurpose.SIGNING,
    is_sandbox: bool = False,
    actor=None,
    now: datetime | None = None,
) -> AuthorityKey:
    """A new key pair; from now on the authority's current key of that purpose."""
    now = now or timezone.now()
    if purpose == KeyPurpose.SIGNING:
        private = Ed25519PrivateKey.generate()
    else:
        private = X25519PrivateKey.generate()
    with atomic():
        key = AuthorityKey.objects.create(
            authority=authority,
            purpose=purpose,
            key_id=_new_key_id(authority, purpose, now),
            public_key=b64url(private.public_key().public_bytes(**_RAW)),
            private_key=b64url(private.private_bytes(**_RAW_PRIVATE)),
            valid_from=now,
            is_sandbox=is_sandbox,
        )
        audit_record(
            action="key.created",
            actor=actor,
            obj=key,
            data={"key_id": key.key_id, "purpose": purpose, "sandbox": is_sandbox},
            now=now,
        )
    return key


def _retire_current(authority: Authority, purpose: str, now: datetime) -> list[AuthorityKey]:
    """End the signing (or receiving) life of the authority's current keys of a purpose;
    they stay valid for verifying what they signed."""
    previous = list(
        AuthorityKey.objects.select_for_update().filter(
            authority=authority,
            purpose=purpose,
            revoked_at__isnull=True,
            valid_until__isnull=True,
            is_sandbox=False,
        )
    )
    for old in previous:
        old.valid_until = now
        old.save(update_fields=["valid_until"])
    return previous


def public_key_of(text: str) -> str:
    """An X25519 public key as a key file or /api/v1/keys/ gives it: base64url of its
    32 raw bytes. Refused with a form-ready error when it is not one."""
    try:
        raw = b64url_decode(text.strip())
    except (ValueError, binascii.Error):
        raw = b""
    if len(raw) != 32 or raw == bytes(32):
        raise ValidationFailed(
            _("Not an X25519 public key."),
            fields={"public_key": [_("Paste the content of the .pub file: 43 characters.")]},
        )
    X25519PublicKey.from_public_bytes(raw)
    return b64url(raw)


def authority_key_register(
    *,
    authority: Authority,
    public_key: str,
    valid_until: datetime | None = None,
    actor=None,
    now: datetime | None = None,
) -> AuthorityKey:
    """An encryption key the authority generated itself (``evidence/receiver.py
    generate``): only its public half is stored, so what is exported to it is readable
    by the authority alone. From now on its current encryption key; the previous one
    is retired."""
    now = now or timezone.now()
    public = public_key_of(public_key)
    if valid_until is not None and valid_until <= now:
        raise ValidationFailed(
            _("The key would never be valid."),
            fields={"valid_until": [_("Give a time in the future, or none.")]},
        )
    with atomic():
        if AuthorityKey.objects.filter(public_key=public).exists():
            raise InvalidTransition(_("This public key is already registered."))
        previous = _retire_current(authority, KeyPurpose.ENCRYPTION, now)
        key = AuthorityKey.objects.create(
            authority=authority,
            purpose=KeyPurpose.ENCRYPTION,
            key_id=_new_key_id(authority, KeyPurpose.ENCRYPTION, now),
            public_key=public,
            private_key="",
            held_by_authority=True,
            valid_from=now,
            valid_until=valid_until,
        )
        audit_record(
            action="key.registered",
            actor=actor,
            obj=key,
            data={
                "key_id": key.key_id,
                "authority": authority.pk,
                "retired": [k.key_id for k in previous],
            },
            now=now,
        )
    return key


def receiving_authorities():
    """Authorities an evidence export can go to: those with a current encryption key."""
    now = timezone.now()
    return Authority.objects.filter(
        Exists(
            AuthorityKey.objects.filter(
                Q(valid_until__isnull=True) | Q(valid_until__gt=now),
                authority=OuterRef("pk"),
                purpose=KeyPurpose.ENCRYPTION,
                is_sandbox=False,
                revoked_at__isnull=True,
                valid_from__lte=now,
            )
        )
    )


def keys_expiring(now: datetime, *, within: timedelta) -> QuerySet[AuthorityKey]:
    """Current keys whose validity ends within ``within``: rotate or re-register them
    before exports and signatures stop."""
    return (
        AuthorityKey.objects.filter(
            is_sandbox=False,
            revoked_at__isnull=True,
            valid_until__gt=now,
            valid_until__lte=now + within,
        )
        .select_related("authority")
        .order_by("valid_until")
    )


def authority_key_rotate(
    *,
    authority: Authority,
    purpose: str = KeyPurpose.SIGNING,
    actor=None,
    now: datetime | None = None,
) -> AuthorityKey:
    """A new current key; the previous one stops signing but stays valid for verifying."""
    now = now or timezone.now()
    with atomic():
        previous = _retire_current(authority, purpose, now)
        key = authority_key_create(authority=authority, purpose=purpose, actor=actor, now=now)
        audit_record(
            action="key.rotated",
            actor=actor,
            obj=key,
            data={"new": key.key_id, "retired": [k.key_id for k in previous]},
            now=now,
        )
    return key


def authority_key_revoke(
    *, key_id: str, reason: str, actor=None, now: datetime | None = None
) -> AuthorityKey:
    now = now or timezone.now()
    with atomic():
        key = AuthorityKey.objects.select_for_update().filter(key_id=key_id).first()
        if key is None:
            raise NotFound(_("No key %(id)s.") % {"id": key_id})
        if key.revoked_at is not None:
            raise InvalidTransition(_("Key %(id)s is already revoked.") % {"id": key_id})
        key.revoked_at = now
        key.save(update_fields=["revoked_at"])
        audit_record(
            action="key.revoked",
            actor=actor,
            obj=key,
            data={"key_id": key_id, "reason": reason},
            now=now,
        )
    return key


def current_key(
    *,
    authority: Authority,
    purpose: str = KeyPurpose.SIGNING,
    sandbox: bool = False,
    now: datetime | None = None,
) -> AuthorityKey | None:
    now = now or timezone.now()
    return (
        AuthorityKey.objects.defer("private_key")  # loaded only when it signs
        .filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now),
            authority=authority,
            purpose=purpose,
            is_sandbox=sandbox,
            revoked_at__isnull=True,
            valid_from__lte=now,
        )
        .order_by("-valid_from")
        .first()
    )


@dataclass(frozen=True)
class Signature:
    key_id: str
    value: str  # base64url


def sign(
    *,
    authority: Authority,
    message: bytes,
    sandbox: bool = False,
    actor=None,
    now: datetime | None = None,
) -> Signature:
    """Sign with the authority's current key (made on first use for the sandbox)."""
    key = current_key(authority=authority, sandbox=sandbox, now=now)
    if key is None and sandbox:
        key = authority_key_create(authority=authority, is_sandbox=True, actor=actor, now=now)
    if key is None:
        raise NoSigningKey(
            _(
                "%(authority)s has no valid signing key: an operator must create one "
                "(manage.py authority_keys create)."
            )
            % {"authority": authority.name}
        )
    private = Ed25519PrivateKey.from_private_bytes(b64url_decode(key.private_key))
    return Signature(key_id=key.key_id, value=b64url(private.sign(message)))


def verify(*, key_id: str, message: bytes, signature: str, at: datetime | None = None) -> bool:
    """True when the key exists, is not revoked, was valid at ``at`` and the signature
    holds. Uses only the public key, as an outside verifier would."""
    # Verifying needs only the public key: the encrypted private key is never loaded.
    key = (
        AuthorityKey.objects.defer("private_key")
        .filter(key_id=key_id, purpose=KeyPurpose.SIGNING)
        .first()
    )
    if key is None or key.revoked_at is not None:
        return False
    if at is not None and (at < key.valid_from or (key.valid_until and at > key.valid_until)):
        return False
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(key.public_key))
    try:
        public.verify(b64url_decode(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True
