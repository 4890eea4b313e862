"""The network of parties: jurisdictions, authorities, desks, rosters, platforms,
agreements and keys."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from takedown.core.fields import EncryptedTextField
from takedown.core.models import validate_languages, validate_timezone

from .choices import (
    AuthorityKind,
    Channel,
    ContactRole,
    DepictionType,
    KeyPurpose,
    PlatformKind,
    VictimNotificationRule,
)

country_code = RegexValidator(r"^[A-Z]{2}$", _("Use an ISO 3166-1 alpha-2 code, e.g. DE."))


class Jurisdiction(models.Model):
    """A country (or territory) and its legal profile.

    Demo profiles are illustrative, not statements of any country's law.
    """

    code = models.CharField(_("code"), max_length=2, primary_key=True, validators=[country_code])
    name = models.CharField(_("name"), max_length=100)
    timezone = models.CharField(_("timezone"), max_length=64, validators=[validate_timezone])
    holiday_calendar = models.CharField(
        _("holiday calendar"),
        max_length=10,
        blank=True,
        help_text=_("Country code for the public-holiday calendar; empty for none."),
    )
    in_network = models.BooleanField(_("member of the network"), default=True)
    # Legal profile.
    age_threshold = models.PositiveSmallIntegerField(_("age threshold"), default=18)
    criminalises_real = models.BooleanField(_("criminalises real depictions"), default=True)
    criminalises_simulated = models.BooleanField(
        _("criminalises simulated / AI-generated depictions"), default=True
    )
    criminalises_drawn = models.BooleanField(_("criminalises drawn depictions"), default=False)
    criminalises_text = models.BooleanField(_("criminalises text"), default=False)
    evidence_standard_notes = models.TextField(_("evidence standard notes"), blank=True)
    evidence_retention_days = models.PositiveIntegerField(
        _("evidence retention (days)"), default=3650
    )
    case_retention_days = models.PositiveIntegerField(_("case data retention (days)"), default=3650)
    victim_notification_rule = models.CharField(
        _("victim notification rule"),
        max_length=20,
        choices=VictimNotificationRule.choices,
        default=VictimNotificationRule.EITHER,
    )
    accepts_direct_orders = models.BooleanField(
        _("accepts direct cross-border orders"),
        default=True,
        help_text=_("If not, a foreign authority must send an MLA request."),
    )
    requires_minimised_exports = models.BooleanField(
        _("exports to it must be data-minimised"), default=False
    )
    business_days = models.BooleanField(_("day-based windows count business days"), default=False)
    profile_note = models.TextField(_("profile note"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.CheckConstraint(
                condition=Q(victim_notification_rule__in=VictimNotificationRule.values),
                name="jurisdiction_victim_rule_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def criminalises(self, depiction: str) -> bool:
        return {
            DepictionType.REAL: self.criminalises_real,
            DepictionType.SIMULATED: self.criminalises_simulated,
            DepictionType.DRAWN: self.criminalises_drawn,
            DepictionType.TEXT: self.criminalises_text,
        }[DepictionType(depiction)]


class Authority(models.Model):
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="authorities"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=AuthorityKind.choices)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language its orders are written in."),
    )

    class Meta:
        ordering = ["jurisdiction_id", "name"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="authority_name_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=AuthorityKind.values), name="authority_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.jurisdiction_id})"


class LiaisonDesk(models.Model):
    """An authority's 24/7 point of contact; its members are officers."""

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="desks")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="desks", blank=True, verbose_name=_("members")
    )

    class Meta:
        ordering = ["authority__jurisdiction_id", "name"]
        verbose_name = _("liaison desk")
        verbose_name_plural = _("liaison desks")
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="desk_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def jurisdiction_id(self) -> str:
        return self.authority.jurisdiction_id


class Platform(models.Model):
    """A service provider that receives orders."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PlatformKind.choices)
    establishment_jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="established_platforms"
    )
    legal_representative_jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="represented_platforms",
    )
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = EncryptedTextField(_("webhook signing secret"), blank=True)
    # After a rotation the old secret signs too, until the receiver has switched over.
    webhook_previous_secret = EncryptedTextField(_("previous webhook signing secret"), blank=True)
    webhook_previous_secret_until = models.DateTimeField(
        _("previous secret signs until"), null=True, blank=True
    )
    webhook_secret_rotated_at = models.DateTimeField(
        _("webhook secret set at"), null=True, blank=True
    )
    order_languages = models.JSONField(
        _("languages it receives orders in"),
        default=list,
        blank=True,
        validators=[validate_languages],
        help_text=_(
            'Language codes, e.g. ["nl", "en"]: orders and their notices come in the issuing '
            "authority's language and the first of these beside it."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PlatformKind.values), name="platform_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def webhook_signing_secrets(self, now: datetime) -> list[str]:
        """The secrets that sign a delivery now: the current one, and during a rotation's
        grace period the previous one too, so a receiver verifies with either."""
        secrets = [self.webhook_secret] if self.webhook_secret else []
        if self.previous_secret_signs(now):
            secrets.append(self.webhook_previous_secret)
        return secrets

    def previous_secret_signs(self, now: datetime) -> bool:
        """Whether a rotation's grace period is running."""
        until = self.webhook_previous_secret_until
        return bool(self.webhook_previous_secret) and until is not None and now < until


class PlatformDomain(models.Model):
    """A domain a platform serves; a URL routes to the longest matching suffix."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class Contact(models.Model):
    """One rung of an escalation roster: of a desk, or of a platform.

    ``position`` 0 is the primary contact; higher positions are escalated to in turn,
    up to the supervisor (desk) or the regulator (platform).
    """

    desk = models.ForeignKey(
        LiaisonDesk, on_delete=models.CASCADE, null=True, blank=True, related_name="roster"
    )
    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, null=True, blank=True, related_name="roster"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    role = models.CharField(_("role"), max_length=20, choices=ContactRole.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    webhook_secret = EncryptedTextField(_("webhook signing secret"), blank=True)
    on_call = models.CharField(_("on-call hours"), max_length=100, default="24/7")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["desk_id", "platform_id", "position"]
        verbose_name = _("roster contact")
        verbose_name_plural = _("roster contacts")
        constraints = [
            models.CheckConstraint(
                condition=Q(desk__isnull=False, platform__isnull=True)
                | Q(desk__isnull=True, platform__isnull=False),
                name="contact_one_owner",
            ),
            models.UniqueConstraint(
                fields=["desk", "position"],
                condition=Q(desk__isnull=False),
                name="contact_desk_position_unique",
            ),
            models.UniqueConstraint(
                fields=["platform", "position"],
                condition=Q(platform__isnull=False),
                name="contact_platform_position_unique",
            ),
            models.CheckConstraint(
                condition=Q(role__in=ContactRole.values), name="contact_role_valid"
            ),
            models.CheckConstraint(
                condition=~Q(channel=Channel.WEBHOOK) | ~Q(webhook_url=""),
                name="contact_webhook_has_url",
            ),
            models.CheckConstraint(
                condition=~Q(channel=Channel.EMAIL) | ~Q(email=""),
                name="contact_email_has_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name} ({self.get_role_display()})"


class Agreement(models.Model):
    """Between jurisdictions: binding timelines that override the defaults.

    Empty windows fall back to the default policy; where several agreements apply the
    strictest window binds (deadlines/policy.py).
    """

    name = models.CharField(_("name"), max_length=200)
    parties = models.ManyToManyField(Jurisdiction, related_name="agreements")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    assessment_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    assessment_acute_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    final_order_days = models.PositiveSmallIntegerField(null=True, blank=True)
    final_order_acute_days = models.PositiveSmallIntegerField(null=True, blank=True)
    acknowledgement_minutes = models.PositiveIntegerField(null=True, blank=True)
    removal_minutes = models.PositiveIntegerField(null=True, blank=True)
    verification_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    mla_days = models.PositiveSmallIntegerField(null=True, blank=True)
    mla_emergency_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    consequence_text = models.TextField(_("consequence of undue delay"), blank=True)
    joins_without_acceptance = models.BooleanField(
        _("desks join on a matching report"),
        default=False,
        help_text=_(
            "A party's desk whose report matches another party's case joins it at once, "
            "without waiting for the lead desk to accept. Evidence still needs a share."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="agreement_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class AuthorityKey(models.Model):
    """An authority's Ed25519 signing key or X25519 encryption key.

    The private key is stored only encrypted under the KEK; the public key is published
    at /api/v1/keys/. Rotation adds a key; the old one stays valid for verification.
    """

    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="keys")
    purpose = models.CharField(max_length=12, choices=KeyPurpose.choices)
    key_id = models.CharField(max_length=64, unique=True)
    public_key = models.CharField(max_length=64, help_text=_("Raw public key, base64url."))
    private_key = EncryptedTextField(blank=True)
    held_by_authority = models.BooleanField(
        default=False,
        help_text=_(
            "The authority generated this key itself and holds its private half; this "
            "system stores only the public key."
        ),
    )
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    is_sandbox = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["authority_id", "purpose", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=KeyPurpose.values), name="key_purpose_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["authority", "purpose", "valid_from"], name="key_lookup_idx")
        ]

    def __str__(self) -> str:
        return self.key_id


class ApiKeyManager(BaseAPIKeyManager):
    def get_usable_keys(self):
        # Every authenticated request asks for the key's owner next: read it in the
        # same query.
        return super().get_usable_keys().select_related("platform", "partner")


class ApiKey(AbstractAPIKey):
    """A REST client's key, stored as a hash: a platform's, or an intake partner's
    (a hotline or other authority submitting reports)."""

    objects = ApiKeyManager()

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, null=True, blank=True, related_name="api_keys"
    )
    partner = models.ForeignKey(
        Authority, on_delete=models.CASCADE, null=True, blank=True, related_name="api_keys"
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            models.CheckConstraint(
                condition=Q(platform__isnull=False, partner__isnull=True)
                | Q(platform__isnull=True, partner__isnull=False),
                name="apikey_one_owner",
            ),
        ]

    @property
    def owner(self) -> Platform | Authority:
        return self.platform or self.partner
