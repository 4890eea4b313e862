from django.contrib import admin

from takedown.core.admin import ReadOnlyAdminMixin

from .models import CustodyEvent, EvidenceItem, EvidencePackage, LegalHold


class LegalHoldInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Holds are placed and lifted on the package page or by ``manage.py legal_hold``
    (audited there); the admin shows them."""

    model = LegalHold
    extra = 0


@admin.register(EvidencePackage)
class EvidencePackageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "status",
        "case",
        "collecting_authority",
        "created_at",
        "sealed_at",
        "retain_until",
        "purged_at",
    )
    list_filter = ("status",)
    inlines = (LegalHoldInline,)
    list_select_related = ("case", "collecting_authority")
    search_fields = ("=reference",)
    exclude = EvidencePackage.PERSONAL_FIELDS


@admin.register(EvidenceItem)
class EvidenceItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # Metadata only: original file names can describe the content.
    fields = (
        "file_id",
        "package",
        "content_type",
        "size",
        "sha256",
        "md5",
        "pdq",
        "chunk_size",
        "uploaded_by",
        "created_at",
        "purged_at",
    )
    list_display = ("file_id", "package", "content_type", "size", "sha256", "created_at")
    list_select_related = ("package",)
    search_fields = ("=sha256", "=md5")


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("package", "sequence", "action", "actor_label", "authority", "occurred_at")
    list_filter = ("action",)
    list_select_related = ("package", "authority")
    fields = (
        "package",
        "sequence",
        "action",
        "actor",
        "actor_label",
        "authority",
        "occurred_at",
        "reason",
        "item_id",
        "item_digest",
        "details",
        "prev_hash",
        "hash",
    )
    readonly_fields = ("item_id",)
