from django.db import models
from django.utils.translation import gettext_lazy as _


class VictimNotificationRule(models.TextChoices):
    DIRECT_REQUIRED = "direct_required", _("Direct disclosure required")
    PRIVACY_FIRST = "privacy_first", _("Privacy first")
    EITHER = "either", _("Either")


class DepictionType(models.TextChoices):
    REAL = "real", _("Real")
    SIMULATED = "simulated", _("Simulated / AI-generated")
    DRAWN = "drawn", _("Drawn")
    TEXT = "text", _("Text")


class AuthorityKind(models.TextChoices):
    POLICE = "police", _("Police")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    REGULATOR = "regulator", _("Regulator")
    COURT = "court", _("Court")
    HOTLINE = "hotline", _("Hotline")


class PlatformKind(models.TextChoices):
    HOSTING = "hosting", _("Hosting provider")
    SOCIAL = "social", _("Social network")
    CLOUD = "cloud", _("Cloud storage")
    FILE_SHARING = "file_sharing", _("File sharing")
    FORUM = "forum", _("Forum / board")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class ContactRole(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    BACKUP = "backup", _("Backup")
    SUPERVISOR = "supervisor", _("Supervisor")
    POINT_PERSON = "point_person", _("Point person")
    REGULATOR = "regulator", _("Regulator")


class KeyPurpose(models.TextChoices):
    SIGNING = "signing", _("Signing (Ed25519)")
    ENCRYPTION = "encryption", _("Encryption (X25519)")


class WebhookEvent(models.TextChoices):
    """Every event a platform's webhook receives: the one list the senders, the schema's
    ``webhooks`` and the integration guide name."""

    ORDER_ISSUED = "order.issued", _("A new order or notice for you")
    ORDER_AMENDED = "order.amended", _("A new version replaces an order")
    ORDER_WITHDRAWN = "order.withdrawn", _("An order was withdrawn")
    ORDER_CLARIFICATION_ANSWERED = (
        "order.clarification_answered",
        _("The issuing authority answered your question"),
    )
    ORDER_CANNOT_COMPLY_RESOLVED = (
        "order.cannot_comply_resolved",
        _("The issuing authority maintained the order after your cannot-comply report"),
    )
    ORDER_OBJECTION_DECIDED = (
        "order.objection_decided",
        _("Your objection was rejected, or the order suspended"),
    )
    ORDER_UNSUSPENDED = "order.unsuspended", _("A suspended order is in force again")
    WEBHOOK_TEST = "webhook.test", _("A test event you asked for")
