from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, User


class ReadOnlyAdminMixin:
    """Viewable in the admin, never added, changed or deleted there: state changes go
    through services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("authority", "timezone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Organisation"), {"fields": ("authority", "timezone")}),
    )
    list_display = (*DjangoUserAdmin.list_display, "authority", "timezone")
    list_filter = ("is_staff", "is_active", "groups", "authority")
    list_select_related = ("authority",)
    autocomplete_fields = ("authority",)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "action", "actor_label", "object_type", "object_id", "case_id")
    list_filter = ("action",)
    search_fields = ("action", "actor_label")
    date_hierarchy = "occurred_at"
    ordering = ("-id",)
    show_full_result_count = False
