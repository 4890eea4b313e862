from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import APIKey

from takedown.core.admin import IdSafeAutocomplete, ReadOnlyAdminMixin
from takedown.core.errors import ValidationFailed

from .keys import authority_key_register, public_key_of
from .models import (
    Agreement,
    ApiKey,
    Authority,
    AuthorityKey,
    Contact,
    Jurisdiction,
    LiaisonDesk,
    Platform,
    PlatformDomain,
)

# The project's keys are liaison.ApiKey; the library's own model is unused.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.display(description=_("webhook secret set"), boolean=True)
def webhook_secret_set(obj) -> bool:
    return bool(obj.webhook_secret)


CONTACT_FIELDS = (
    "position",
    "role",
    "name",
    "email",
    "channel",
    "webhook_url",
    webhook_secret_set,
    "on_call",
    "user",
)


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "timezone", "in_network", "accepts_direct_orders")
    list_filter = ("in_network", "accepts_direct_orders", "victim_notification_rule")
    search_fields = ("code", "name")
    fieldsets = (
        (None, {"fields": ("code", "name", "in_network")}),
        (_("Calendar"), {"fields": ("timezone", "holiday_calendar", "business_days")}),
        (
            _("Legal profile"),
            {
                "fields": (
                    "age_threshold",
                    "criminalises_real",
                    "criminalises_simulated",
                    "criminalises_drawn",
                    "criminalises_text",
                    "accepts_direct_orders",
                    "requires_minimised_exports",
                    "victim_notification_rule",
                    "evidence_standard_notes",
                    "profile_note",
                )
            },
        ),
        (_("Retention"), {"fields": ("evidence_retention_days", "case_retention_days")}),
    )

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "jurisdiction", "kind", "email")
    list_filter = ("kind", "jurisdiction")
    list_select_related = ("jurisdiction",)
    search_fields = ("name", "jurisdiction__code", "jurisdiction__name")


class DeskContactInline(IdSafeAutocomplete, admin.TabularInline):
    model = Contact
    fk_name = "desk"
    fields = CONTACT_FIELDS
    readonly_fields = (webhook_secret_set,)
    ordering = ("position",)
    autocomplete_fields = ("user",)
    extra = 0


class PlatformContactInline(DeskContactInline):
    fk_name = "platform"


class PlatformDomainInline(admin.TabularInline):
    model = PlatformDomain
    extra = 0


@admin.register(LiaisonDesk)
class LiaisonDeskAdmin(IdSafeAutocomplete, admin.ModelAdmin):
    list_display = ("name", "authority", "email")
    list_filter = ("authority__jurisdiction",)
    list_select_related = ("authority",)
    search_fields = ("name", "authority__name")
    autocomplete_fields = ("authority",)
    filter_horizontal = ("members",)
    inlines = (DeskContactInline,)


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "establishment_jurisdiction", "is_active")
    list_filter = ("kind", "is_active", "establishment_jurisdiction")
    list_select_related = ("establishment_jurisdiction",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    # Secrets never leave the server; the rotation's times are the platform's own doing.
    exclude = ("webhook_secret", "webhook_previous_secret")
    readonly_fields = (
        webhook_secret_set,
        "webhook_secret_rotated_at",
        "webhook_previous_secret_until",
    )
    inlines = (PlatformDomainInline, PlatformContactInline)


@admin.register(Contact)
class ContactAdmin(IdSafeAutocomplete, admin.ModelAdmin):
    list_display = ("name", "position", "role", "desk", "platform", "channel", "on_call")
    list_filter = ("role", "channel")
    list_select_related = ("desk", "platform")
    search_fields = ("name", "email", "desk__name", "platform__name")
    fields = ("desk", "platform", *CONTACT_FIELDS)
    readonly_fields = (webhook_secret_set,)
    autocomplete_fields = ("desk", "platform", "user")


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("name", "valid_from", "valid_until")
    search_fields = ("name",)
    filter_horizontal = ("parties",)
    fieldsets = (
        (None, {"fields": ("name", "parties", "valid_from", "valid_until")}),
        (
            _("Binding windows"),
            {
                "description": _("Leave a window empty to use the default policy."),
                "fields": (
                    ("assessment_hours", "assessment_acute_hours"),
                    ("final_order_days", "final_order_acute_days"),
                    ("acknowledgement_minutes", "removal_minutes", "verification_hours"),
                    ("mla_days", "mla_emergency_hours"),
                ),
            },
        ),
        (None, {"fields": ("consequence_text",)}),
    )


class RegisterReceivingKeyForm(forms.ModelForm):
    """Adding a key here registers one an authority generated itself: its public half
    only (``authority_key_register``); the system never sees the private key."""

    class Meta:
        model = AuthorityKey
        fields = ("authority", "public_key", "valid_until")

    def clean_public_key(self):
        try:
            return public_key_of(self.cleaned_data["public_key"])
        except ValidationFailed as refused:
            raise forms.ValidationError(refused.fields["public_key"]) from None


@admin.register(AuthorityKey)
class AuthorityKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "key_id",
        "authority",
        "purpose",
        "valid_from",
        "valid_until",
        "revoked_at",
        "is_sandbox",
    )
    list_filter = ("purpose", "is_sandbox")
    list_select_related = ("authority",)
    search_fields = ("key_id",)
    exclude = ("private_key",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("private_key")

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("liaison.add_authoritykey")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:  # the add page: registering a receiving authority's own key
            kwargs["form"] = RegisterReceivingKeyForm
            kwargs["fields"] = RegisterReceivingKeyForm.Meta.fields
        return super().get_form(request, obj, **kwargs)

    def get_changeform_initial_data(self, request):
        return {}  # nothing prefilled from the query string: a key is pasted, never linked

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": RegisterReceivingKeyForm.Meta.fields})]
        return super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        key = authority_key_register(
            authority=form.cleaned_data["authority"],
            public_key=form.cleaned_data["public_key"],
            valid_until=form.cleaned_data["valid_until"],
            actor=request.user,
        )
        obj.pk, obj.key_id = key.pk, key.key_id  # what the admin's message and log name


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "owner", "prefix", "created", "revoked", "expiry_date")
    list_filter = ("revoked",)
    list_select_related = ("platform", "partner")
    # The primary key embeds the hash, so no links to per-key pages.
    list_display_links = None
    search_fields = ("name", "=prefix")
    fields = ("name", "platform", "partner", "prefix", "created", "revoked", "expiry_date")

    @admin.display(description=_("owner"))
    def owner(self, obj):
        return obj.owner
