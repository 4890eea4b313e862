"""Security keys and passkeys (WebAuthn) as a second factor, on the ``webauthn``
library (Duo Labs' py_webauthn): it parses and verifies the authenticator's data and
signatures; this module only keeps the challenge in the session, stores credentials
and records what happened. TOTP and recovery codes stay as fallbacks (``otp.py``).

The relying party is the installation's own host (``WEBAUTHN_RP_ID``, else the request's
host name) and the origin the request came in on, so a key registered here answers
nowhere else — the phishing resistance a TOTP code lacks.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from .audit import atomic, audit_record
from .errors import ValidationFailed
from .models import SecurityKey, User

REGISTRATION_CHALLENGE = "webauthn_registration_challenge"
AUTHENTICATION_CHALLENGE = "webauthn_authentication_challenge"
MAX_CREDENTIAL_BYTES = 64 * 1024  # a browser's answer is a few KB
# Anything the library refuses (its own exceptions), or a value of the wrong shape.
_BAD_RESPONSE = (WebAuthnException, ValueError, KeyError, TypeError)


def rp_id(request) -> str:
    return settings.WEBAUTHN_RP_ID or request.get_host().rsplit(":", 1)[0]


def origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def has_key(user) -> bool:
    return isinstance(user, User) and SecurityKey.objects.filter(user=user).exists()


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id))
        for key in SecurityKey.objects.filter(user=user)
    ]


def parse_body(body: bytes) -> dict:
    """The browser's JSON answer, or a clear refusal (never a 500)."""
    if len(body) > MAX_CREDENTIAL_BYTES:
        raise ValidationFailed(_("The security key's answer is too large."))
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ValidationFailed(_("The security key's answer is not readable.")) from None
    if not isinstance(data, dict):
        raise ValidationFailed(_("The security key's answer is not readable."))
    return data


def registration_options(request) -> str:
    """Options for navigator.credentials.create(), as JSON; the challenge stays here."""
    user = request.user
    options = generate_registration_options(
        rp_id=rp_id(request),
        rp_name=settings.WEBAUTHN_RP_NAME,
        user_id=str(user.pk).encode(),
        user_name=user.get_username(),
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[REGISTRATION_CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def key_register(request, *, data: dict, name: str) -> SecurityKey:
    """Verify the browser's answer to the registration options and keep the key."""
    challenge = request.session.pop(REGISTRATION_CHALLENGE, None)
    if not isinstance(data, dict):
        raise ValidationFailed(_("The security key's answer is not readable."))
    # Printable text only: a NUL would be refused by PostgreSQL, a control character
    # confuses whoever reads the list.
    name = "".join(c for c in (name or "") if c.isprintable()).strip()[:100]
    name = name or _("Security key")
    if challenge is None:
        raise ValidationFailed(_("Start again: the registration has expired."))
    try:
        verified = verify_registration_response(
            credential=data,
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id(request),
            expected_origin=origin(request),
        )
    except _BAD_RESPONSE as error:
        audit_record(
            action="auth.security_key_refused", actor=request.user, data={"step": "register"}
        )
        raise ValidationFailed(_("The security key's answer did not verify.")) from error
    credential_id = bytes_to_base64url(verified.credential_id)
    with atomic():
        if SecurityKey.objects.filter(credential_id=credential_id).exists():
            raise ValidationFailed(_("This security key is registered already."))
        key = SecurityKey.objects.create(
            user=request.user,
            name=name,
            credential_id=credential_id,
            public_key=bytes_to_base64url(verified.credential_public_key),
            sign_count=verified.sign_count,
            transports=_transports(data),
            created_at=timezone.now(),
        )
        audit_record(action="auth.security_key_added", actor=request.user, data={"name": key.name})
    return key


def _transports(data: dict) -> list[str]:
    response = data.get("response")
    listed = response.get("transports") if isinstance(response, dict) else None
    return [str(t)[:20] for t in listed[:8]] if isinstance(listed, list) else []


def key_remove(*, user: User, key_id: int) -> bool:
    with atomic():
        key = SecurityKey.objects.filter(user=user, pk=key_id).first()
        if key is None:
            return False
        key.delete()
        audit_record(action="auth.security_key_removed", actor=user, data={"name": key.name})
    return True


def authentication_options(request) -> str:
    """Options for navigator.credentials.get() with the user's own keys."""
    options = generate_authentication_options(
        rp_id=rp_id(request),
        allow_credentials=_descriptors(request.user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[AUTHENTICATION_CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def key_verify(request, *, data: dict) -> SecurityKey | None:
    """The key that signed the challenge, or None (a wrong key, a replay, a clone whose
    counter is behind: each refused and recorded)."""
    challenge = request.session.pop(AUTHENTICATION_CHALLENGE, None)
    if challenge is None:
        return None
    with atomic():
        key = (
            SecurityKey.objects.select_for_update()
            .filter(user=request.user, credential_id=str(data.get("id", ""))[:1400])
            .first()
        )
        if key is None:
            return None
        try:
            verified = verify_authentication_response(
                credential=data,
                expected_challenge=base64url_to_bytes(challenge),
                expected_rp_id=rp_id(request),
                expected_origin=origin(request),
                credential_public_key=base64url_to_bytes(key.public_key),
                credential_current_sign_count=key.sign_count,
            )
        except _BAD_RESPONSE as error:
            cloned = "sign count" in str(error).lower()
            audit_record(
                action="auth.security_key_refused",
                actor=request.user,
                data={"key": key.name, "cloned": cloned},
            )
            return None
        key.sign_count, key.last_used_at = verified.new_sign_count, timezone.now()
        key.save(update_fields=["sign_count", "last_used_at"])
    return key
