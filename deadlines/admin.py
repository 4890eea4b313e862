from django.contrib import admin

from takedown.core.admin import ReadOnlyAdminMixin

from .models import Deadline, DeadlinePause, DeliveryAttempt, Escalation, Notification


class DeadlinePauseInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DeadlinePause
    extra = 0


class EscalationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Escalation
    fields = ("level", "kind", "recipient_label", "created_at", "late_by")
    extra = 0


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "state",
        "due_at",
        "escalation_level",
        "next_check_at",
        "responsible_desk",
        "responsible_platform",
        "responsible_authority",
        "case_id",
    )
    list_filter = ("state", "kind", "acute", "is_sandbox")
    list_select_related = ("responsible_desk", "responsible_platform", "responsible_authority")
    show_full_result_count = False
    inlines = (DeadlinePauseInline, EscalationInline)


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "deadline", "level", "kind", "recipient_label", "created_at", "late_by")
    list_filter = ("kind",)
    list_select_related = ("deadline",)


class DeliveryAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DeliveryAttempt
    extra = 0


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "event_type",
        "channel",
        "shown_recipient",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "case_id",
    )
    list_filter = ("status", "channel")
    search_fields = ("=event_type", "=dedupe_key")
    # The payload is the message itself and, for a victim notice, the recipient is the
    # victim's address: both are victim data.
    exclude = ("payload", "recipient")
    readonly_fields = ("shown_recipient",)
    show_full_result_count = False
    inlines = (DeliveryAttemptInline,)
