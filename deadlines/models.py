"""The clock: deadlines as rows, their pauses and escalations, and the notification
outbox. A deadline knows what it guards only generically (content type and id): the
service that starts a clock passes who is responsible."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    DeadlineKind,
    DeadlineState,
    EscalationKind,
    NotificationChannel,
    NotificationStatus,
)


def clock_title(label: str, kind: str) -> str:
    """A clock in words in the active language: "TD-2026-000005 (Assessment)"."""
    name = DeadlineKind(kind).label
    return f"{label} ({name})" if label else str(name)


class Deadline(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.BigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    # A plain column: the case a deadline belongs to, for boards and timelines.
    case_id = models.BigIntegerField(null=True, blank=True)
    # What it guards, in no language ("TD-2026-000005"); ``title`` adds the kind.
    label = models.CharField(_("label"), max_length=200, blank=True)
    # Who answers for it: one responsible party, whose roster escalation follows.
    responsible_desk = models.ForeignKey(
        "liaison.LiaisonDesk", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsible_platform = models.ForeignKey(
        "liaison.Platform", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsible_authority = models.ForeignKey(
        "liaison.Authority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    jurisdiction = models.ForeignKey(
        "liaison.Jurisdiction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acute = models.BooleanField(default=False)
    is_sandbox = models.BooleanField(default=False)
    started_at = models.DateTimeField(_("started"))
    warn_at = models.DateTimeField(_("warn at"))
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(
        _("state"), max_length=10, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    escalation_level = models.PositiveSmallIntegerField(default=0)
    next_check_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    missed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            # The sweep's only query: cost grows with what is due, not with what exists.
            models.Index(
                fields=["next_check_at"],
                condition=Q(next_check_at__isnull=False),
                name="deadline_next_check_idx",
            ),
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject_idx"),
            models.Index(fields=["case_id"], name="deadline_case_idx"),
            models.Index(fields=["responsible_desk", "state", "due_at"], name="deadline_desk_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DeadlineKind.values), name="deadline_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=DeadlineState.values), name="deadline_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("started_at")), name="deadline_due_after_start"
            ),
            models.CheckConstraint(
                condition=Q(warn_at__lte=models.F("due_at")), name="deadline_warn_before_due"
            ),
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id"],
                condition=Q(state__in=["open", "paused"]),
                name="deadline_one_running_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_at:%Y-%m-%d %H:%M} UTC"

    @property
    def title(self) -> str:
        return clock_title(self.label, self.kind)

    @property
    def is_running(self) -> bool:
        return self.state in (DeadlineState.OPEN, DeadlineState.PAUSED)

    @property
    def is_paused(self) -> bool:
        return self.state == DeadlineState.PAUSED


class DeadlinePause(models.Model):
    """A clock stop (clarification question, cannot-comply report)."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200)
    remaining = models.DurationField(help_text=_("Time left on the clock when it stopped."))

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline"], condition=Q(ended_at__isnull=True), name="pause_one_open"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="pause_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Pause of deadline {self.deadline_id} from {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self) -> timedelta | None:
        return self.ended_at - self.started_at if self.ended_at else None


class Escalation(models.Model):
    """Level 0 is the reminder at the warn time; level n ≥ 1 is the n-th roster rung
    notified after the due time. Unique per (deadline, level): acting twice is impossible."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=EscalationKind.choices)
    contact = models.ForeignKey(
        "liaison.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient_label = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    late_by = models.DurationField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["deadline_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "level"], name="escalation_level_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=EscalationKind.values), name="escalation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Level {self.level} of deadline {self.deadline_id} to {self.recipient_label}"


class Notification(models.Model):
    """The outbox: every message is a row first, delivered later with retries."""

    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    recipient = models.CharField(max_length=500, help_text=_("Email address or webhook URL."))
    subject = models.CharField(max_length=300, blank=True)
    event_type = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    dedupe_key = models.CharField(max_length=200, unique=True)
    # Whose secret signs the webhook.
    contact = models.ForeignKey(
        "liaison.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    platform = models.ForeignKey(
        "liaison.Platform", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    escalation = models.ForeignKey(
        Escalation, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    case_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="notification_pending_idx",
            ),
            models.Index(fields=["status", "created_at"], name="notification_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values), name="notification_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=NotificationChannel.values),
                name="notification_channel_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.shown_recipient} ({self.status})"

    # A platform may have its own deliveries sent again once they are settled; a pending
    # one is still on its way (``notification_redeliver``).
    REDELIVERABLE = frozenset({NotificationStatus.DELIVERED, NotificationStatus.DEAD})

    @property
    def retryable(self) -> bool:
        """Only a dead letter is sent again by an operator (``notification_retry``)."""
        return self.status == NotificationStatus.DEAD

    @property
    def redeliverable(self) -> bool:
        return self.status in self.REDELIVERABLE

    @property
    def shown_recipient(self) -> str:
        """Victims' addresses are victim data: operators see that there is one, not what."""
        return (
            "(victim contact: restricted)"
            if self.event_type.startswith("victim.")
            else self.recipient
        )


class DeliveryAttempt(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    attempted_at = models.DateTimeField()
    succeeded = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempted_at"]

    def __str__(self) -> str:
        return f"Attempt on notification {self.notification_id}: {'ok' if self.succeeded else 'failed'}"
