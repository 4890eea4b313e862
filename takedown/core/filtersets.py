"""Filtering: the audit trail's FilterSet (the oversight page and its exports), and the
base of the API's filters."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import audit
from .forms import style_widgets
from .models import AuditEvent

LOGIN_ACTIONS = ("auth.login", "auth.logout")
FAILED_AUTHORISATION_ACTIONS = ("auth.login_failed", "auth.denied", "case.access_denied")
EVIDENCE_ACCESS_PREFIX = "evidence."
# Not state changes: sign-ins and refusals, evidence access, the log's own bookkeeping
# (verdicts, exports), and reads recorded elsewhere (``victim.data_viewed``, say).
_NOT_STATE_PREFIXES = ("auth.", "audit.", EVIDENCE_ACCESS_PREFIX)
_READ_SUFFIXES = ("viewed", "downloaded")


def _state_changes() -> Q:
    excluded = Q(action__in=FAILED_AUTHORISATION_ACTIONS)
    for prefix in _NOT_STATE_PREFIXES:
        excluded |= Q(action__startswith=prefix)
    for suffix in _READ_SUFFIXES:
        excluded |= Q(action__endswith=suffix)
    return ~excluded


CATEGORIES = {
    "state": (_("State changes"), _state_changes),
    "evidence": (_("Evidence access"), lambda: Q(action__startswith=EVIDENCE_ACCESS_PREFIX)),
    "logins": (_("Logins"), lambda: Q(action__in=LOGIN_ACTIONS)),
    "failed": (
        _("Failed authorisations"),
        lambda: Q(action__in=FAILED_AUTHORISATION_ACTIONS),
    ),
}


@extend_schema_field(OpenApiTypes.INT)  # the schema would otherwise say "number"
class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class StrictFilterSet(django_filters.FilterSet):
    """For the API: a filter given without a value (``?kind=``) is an error, as the schema
    has it (its values are an enum), not the same as leaving the filter out."""

    def is_valid(self):
        valid = super().is_valid()
        for name in self.filters:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if any(value == "" for value in values) and name not in self.form.errors:
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
                valid = False
        return valid


class AuditEventFilterSet(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _q) in CATEGORIES.items()],
        method="by_category",
        label=_("Category"),
    )
    action = django_filters.CharFilter(
        method="by_action",
        label=_("Action"),
        help_text=_('Exact, or a prefix ending in "." or "*", e.g. "case."'),
    )
    actor = django_filters.CharFilter(
        field_name="actor_label", lookup_expr="icontains", label=_("Actor")
    )
    case = django_filters.CharFilter(
        method="by_case_reference",
        label=_("Case"),
        help_text=_("Its reference, e.g. TD-2026-000005"),
    )
    case_id = IntegerFilter(field_name="case_id", label=_("Case id"))
    object_type = django_filters.CharFilter(field_name="object_type", label=_("Object type"))
    occurred_at = django_filters.DateFromToRangeFilter(
        field_name="occurred_at",
        label=_("Date"),
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEvent
        fields = ["category", "action", "actor", "case", "case_id", "object_type", "occurred_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.form)

    def by_category(self, queryset, name, value):
        if value not in CATEGORIES:
            return queryset
        return queryset.filter(CATEGORIES[value][1]())

    def by_case_reference(self, queryset, name, value):
        """The case the reader names, by its reference (the events of a merged case keep
        their own case's id)."""
        value = value.strip().upper()
        if not value or audit.cases.model is None:
            return queryset
        ids = audit.cases.model.objects.filter(reference=value).values("pk")
        return queryset.filter(case_id__in=ids)

    def by_action(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.endswith(("*", ".")):
            return queryset.filter(action__startswith=value.rstrip("*"))
        return queryset.filter(action=value)
