from django.contrib import admin

from takedown.core.admin import ReadOnlyAdminMixin

from .models import (
    Assessment,
    Case,
    MLARequest,
    OrderRequest,
    PlatformResponse,
    Report,
    ReportedItem,
    TakedownOrder,
    VictimMessage,
    VictimNotice,
)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "status",
        "acute",
        "priority",
        "lead_desk",
        "assignee",
        "queue_due_at",
        "created_at",
    )
    list_filter = ("status", "acute")
    list_select_related = ("lead_desk", "assignee")
    search_fields = ("=reference",)
    show_full_result_count = False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "source",
        "reporting_jurisdiction",
        "partner",
        "platform",
        "external_reference",
        "acute",
        "received_at",
    )
    list_filter = ("source", "acute")
    list_select_related = ("reporting_jurisdiction", "partner", "platform")
    search_fields = ("=external_reference",)


@admin.register(ReportedItem)
class ReportedItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "domain",
        "status",
        "platform",
        "hosting_jurisdiction",
        "case",
        "created_at",
    )
    list_filter = ("status",)
    list_select_related = ("platform", "hosting_jurisdiction", "case")
    search_fields = ("=domain", "=sha256", "=md5")
    show_full_result_count = False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "case",
        "classification",
        "depiction_type",
        "severity",
        "risk_score",
        "assessed_by",
        "created_at",
    )
    list_filter = ("classification", "depiction_type")
    list_select_related = ("case", "assessed_by")


@admin.register(OrderRequest)
class OrderRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "case", "authority", "platform", "status", "created_at", "handled_at")
    list_filter = ("status",)
    list_select_related = ("case", "authority", "platform")


@admin.register(TakedownOrder)
class TakedownOrderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "kind",
        "status",
        "case",
        "issuing_authority",
        "platform",
        "issued_at",
        "removal_due_at",
        "is_sandbox",
    )
    list_filter = ("status", "kind", "is_sandbox")
    list_select_related = ("case", "issuing_authority", "platform")
    search_fields = ("=reference",)


@admin.register(PlatformResponse)
class PlatformResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "order", "kind", "outcome", "ground", "resolution", "created_at")
    list_filter = ("kind", "outcome")
    list_select_related = ("order",)


@admin.register(MLARequest)
class MLARequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "kind",
        "urgency",
        "status",
        "case",
        "requesting_authority",
        "requested_authority",
        "created_at",
    )
    list_filter = ("status", "kind", "urgency")
    list_select_related = ("case", "requesting_authority", "requested_authority")
    search_fields = ("=reference",)


@admin.register(VictimNotice)
class VictimNoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    fields = ("case", "preference", "language", "channel", "rule", "created_at")
    list_display = ("id", *fields)
    list_filter = ("preference", "rule")
    list_select_related = ("case",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pseudonym", "contact_details")


@admin.register(VictimMessage)
class VictimMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    fields = ("notice_id", "case", "milestone", "status", "reviewed_at", "created_at")
    readonly_fields = ("notice_id", "case")
    list_display = ("id", *fields)
    list_filter = ("status",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("notice__case")
            .defer("body", "notice__pseudonym", "notice__contact_details")
        )

    @admin.display(description=Case._meta.verbose_name)
    def case(self, obj):
        return obj.notice.case
