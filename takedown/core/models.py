"""The user model and the append-only, hash-chained audit log."""

from __future__ import annotations

import zoneinfo
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Role
from .fields import EncryptedTextField

GENESIS_HASH = "0" * 64


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    # OSError: with the tzdata package installed, a key too long for a file name
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValidationError(_("%(tz)s is not an IANA timezone."), params={"tz": value}) from exc


def validate_languages(value) -> None:
    """A list of the UI's language codes (LANGUAGES): the catalogues that can write them."""
    known = dict(settings.LANGUAGES)
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Give a list of language codes."))
    unknown = [code for code in value if code not in known]
    if unknown:
        raise ValidationError(
            _("Unknown language code(s): %(codes)s. Known: %(known)s."),
            params={"codes": ", ".join(unknown), "known": ", ".join(known)},
        )


class User(AbstractUser):
    """A staff member: belongs to one authority, may sit on desks (``user.desks``)."""

    authority = models.ForeignKey(
        "liaison.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("authority"),
    )
    timezone = models.CharField(
        _("display timezone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty: the browser's language."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, role: Role) -> bool:
        return self.is_active and role.value in self.role_names

    @property
    def jurisdiction_code(self) -> str | None:
        return self.authority.jurisdiction_id if self.authority_id else None


class AppendOnlyQuerySet(models.QuerySet):
    """No update or delete through the ORM; PostgreSQL triggers back this up."""

    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} is append-only.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} is append-only.")

    _raw_delete = delete


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} is append-only.")


class AuditEvent(AppendOnlyModel):
    """Everything that happens, one row each, in one hash chain.

    ``hash`` is SHA-256 over ``prev_hash`` and the canonical serialisation of the row
    (see ``takedown.core.audit``). A case's timeline is the events with its ``case_id``;
    ``case_id`` is a plain column, not a foreign key, so nothing ever cascades into the log.
    """

    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=150, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    # "|DE|NL|": the jurisdictions an oversight body may see this event for.
    jurisdictions = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["case_id", "id"], name="audit_case_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} by {self.actor_label}"


class IdempotencyRecord(models.Model):
    """The first response to a POST made with an ``Idempotency-Key``: its exact bytes,
    so a replay is byte for byte what the first answer was."""

    owner = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_content = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"


class Counter(models.Model):
    """Gap-free human references (TD-2026-000123): one row per name, taken under a lock."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class TOTPDevice(models.Model):
    """A staff member's authenticator (RFC 6238). The seed is stored encrypted under the
    KEK; ``last_counter`` refuses a code used once already (no replay)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    secret = EncryptedTextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_counter = models.BigIntegerField(default=-1)
    # Wrong codes in a row and the last one's time: the throttle (``otp.verify``).
    failure_count = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"TOTP of {self.user_id}"


class RecoveryCode(models.Model):
    """Single-use recovery codes, stored as hashes (the system only checks them)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Recovery code of {self.user_id}"


class SecurityKey(models.Model):
    """A WebAuthn credential (a security key or a passkey): a phishing-resistant second
    factor. Only public material is stored; ``sign_count`` refuses a cloned key whose
    counter lags behind the one last seen."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_keys")
    name = models.CharField(_("name"), max_length=100)
    credential_id = models.CharField(max_length=1400, unique=True)  # base64url
    public_key = models.TextField()  # COSE, base64url
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} of {self.user_id}"


class UserSession(models.Model):
    """A signed-in session, so a user can see and end their own sessions."""

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"Session of {self.user_id} from {self.ip}"
