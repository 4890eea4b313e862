from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
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


class IdSafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks a submitted value up as it renders the form
    again; one that is no id ("abc", from a query string or a forged POST) raised a
    ValueError, a 500. Such a value renders as nothing chosen, and the form's own
    validation names the error."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field

        def usable(candidate) -> bool:
            try:
                target.to_python(candidate)
            except ValidationError:
                return False
            return True

        return super().optgroups(name, [v for v in value if usable(v)], attr)


class IdSafeAutocomplete:
    """For every admin and inline with ``autocomplete_fields``."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = IdSafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(IdSafeAutocomplete, DjangoUserAdmin):
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
