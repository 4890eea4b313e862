from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineKind(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    FINAL_ORDER = "final_order", _("Final order")
    ACKNOWLEDGEMENT = "acknowledgement", _("Platform acknowledgement")
    REMOVAL = "removal", _("Removal")
    VERIFICATION = "verification", _("Verification")
    MLA_RESPONSE = "mla_response", _("MLA response")
    JOIN_DECISION = "join_decision", _("Decision on a desk asking to join")


class DeadlineState(models.TextChoices):
    OPEN = "open", _("Open")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class EscalationKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    ESCALATION = "escalation", _("Escalation")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter")
