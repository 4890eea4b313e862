"""The second factor: TOTP (RFC 6238, SHA-1, 6 digits, 30 s) and single-use recovery
codes. Written here rather than pulled in, so the seed can be encrypted under the KEK
like every other secret the system must use."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import os
import secrets
import struct
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from django.contrib.auth.hashers import check_password, make_password
from django.utils import timezone

from .audit import atomic, audit_record
from .models import RecoveryCode, TOTPDevice, User

STEP = 30
DIGITS = 6
WINDOW = 1  # accept the previous and next step too (clock drift)
RECOVERY_CODES = 10
STEP_UP_SECONDS = 600
SESSION_VERIFIED_AT = "otp_verified_at"
# After n wrong codes in a row the device refuses codes for 2**(n-1) seconds, up to an
# hour: a slip costs a second, guessing a 6-digit code costs years.
THROTTLE_CAP_SECONDS = 3600


class Throttled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"second factor throttled for {retry_after} s")
        self.retry_after = retry_after


def throttle_remaining(device: TOTPDevice, at: datetime) -> float:
    """Seconds until the device accepts a code again (0: now)."""
    if not device.failure_count or device.last_failure_at is None:
        return 0.0
    delay = min(2 ** (device.failure_count - 1), THROTTLE_CAP_SECONDS)
    return max(0.0, (device.last_failure_at + timedelta(seconds=delay) - at).total_seconds())


def new_secret() -> str:
    return base64.b32encode(os.urandom(20)).decode().rstrip("=")


def _counter(at: float) -> int:
    return int(at // STEP)


def totp(secret: str, *, at: float | None = None, counter: int | None = None) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    counter = _counter(time.time() if at is None else at) if counter is None else counter
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def provisioning_uri(user: User, secret: str, issuer: str = "Takedown") -> str:
    return (
        f"otpauth://totp/{quote(issuer)}:{quote(user.get_username())}"
        f"?secret={secret}&issuer={quote(issuer)}&algorithm=SHA1&digits={DIGITS}&period={STEP}"
    )


def device_start(user: User) -> TOTPDevice:
    """A new, unconfirmed device (enrolment); replaces an unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed_at__isnull=True).delete()
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, defaults={"secret": new_secret()}
    )
    return device


def _check_totp(device: TOTPDevice, code: str, now: float) -> int | None:
    """The counter the code belongs to, if valid and not used before."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == DIGITS):
        return None
    current = _counter(now)
    for counter in range(current - WINDOW, current + WINDOW + 1):
        if counter > device.last_counter and hmac.compare_digest(
            totp(device.secret, counter=counter), code
        ):
            return counter
    return None


def device_confirm(*, user: User, code: str, now: float | None = None) -> list[str] | None:
    """Confirm enrolment with a first code; returns the recovery codes, shown once."""
    now = time.time() if now is None else now
    with atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=True)
            .first()
        )
        if device is None or (counter := _check_totp(device, code, now)) is None:
            return None
        device.confirmed_at, device.last_counter = timezone.now(), counter
        device.save(update_fields=["confirmed_at", "last_counter"])
        codes = recovery_codes_issue(user)
        audit_record(
            action="auth.second_factor_enrolled",
            actor=user,
        )
    return codes


def recovery_codes_issue(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=make_password(c)) for c in codes]
    )
    return codes


def verify(*, user: User, code: str, now: float | None = None) -> str | None:
    """'totp' or 'recovery' when the code is right (a recovery code works once), else None.

    Raises ``Throttled`` while the device is resting after wrong codes: the code is then
    not even checked. Wrong codes count per device, across sessions and sign-ins."""
    now = time.time() if now is None else now
    moment = datetime.fromtimestamp(now, UTC)
    with atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed_at__isnull=False)
            .first()
        )
        if device is None:
            return None
        if (remaining := throttle_remaining(device, moment)) > 0:
            raise Throttled(math.ceil(remaining))
        method = _accept(device, user, code, now)
        device.failure_count = 0 if method else device.failure_count + 1
        device.last_failure_at = device.last_failure_at if method else moment
        device.save(update_fields=["last_counter", "failure_count", "last_failure_at"])
    return method


def _accept(device: TOTPDevice, user: User, code: str, now: float) -> str | None:
    if (counter := _check_totp(device, code, now)) is not None:
        device.last_counter = counter
        return "totp"
    candidate = code.strip().lower()
    for recovery in RecoveryCode.objects.select_for_update().filter(
        user=user, used_at__isnull=True
    ):
        if check_password(candidate, recovery.code_hash):
            recovery.used_at = timezone.now()
            recovery.save(update_fields=["used_at"])
            audit_record(
                action="auth.recovery_code_used",
                actor=user,
            )
            return "recovery"
    return None


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def mark_verified(request, *, at: datetime | None = None) -> None:
    request.session[SESSION_VERIFIED_AT] = (at or timezone.now()).timestamp()


def verified_within(request, seconds: int) -> bool:
    at = request.session.get(SESSION_VERIFIED_AT)
    return at is not None and timezone.now().timestamp() - at <= seconds
