"""One FilterSet for the triage queue, shared by the HTML list and the API."""

import re

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from liaison.models import Jurisdiction, Platform
from takedown.core.forms import style_widgets

from .choices import OPEN_CASE_STATUSES, CaseStatus
from .models import Case, ReportedItem
from .normalise import InvalidURL, normalise_url

_HEX = re.compile(r"^[0-9a-fA-F]{32}$|^[0-9a-fA-F]{64}$")


def queue_params(params):
    """The queue's defaults, for the page and the API alike: open cases unless a status
    is asked for."""
    data = params.copy()
    if "status" not in data:
        data.setlist("status", list(OPEN_CASE_STATUSES))
    return data


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Reference, URL or hash"))
    # No DISTINCT: a status match cannot duplicate rows, and DISTINCT would make the
    # database sort every matching case before taking one page.
    status = django_filters.MultipleChoiceFilter(
        choices=CaseStatus.choices, label=_("Status"), distinct=False
    )
    jurisdiction = django_filters.ModelChoiceFilter(
        queryset=Jurisdiction.objects.all(),
        field_name="lead_desk__authority__jurisdiction",
        label=_("Lead jurisdiction"),
    )
    platform = extend_schema_field(OpenApiTypes.INT)(
        django_filters.ModelChoiceFilter(
            queryset=Platform.objects.all(), method="by_platform", label=_("Platform")
        )
    )
    acute = django_filters.BooleanFilter(label=_("Acute"))
    assignee = django_filters.ChoiceFilter(
        choices=[("me", _("Me")), ("none", _("Nobody"))], method="by_assignee", label=_("Assignee")
    )

    class Meta:
        model = Case
        fields = ["q", "status", "jurisdiction", "platform", "acute", "assignee"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self.form)

    def by_platform(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(ReportedItem.objects.filter(case=OuterRef("pk"), platform=value))
        )

    def by_assignee(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assignee=self.request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        if value.upper().startswith("TD-"):
            return queryset.filter(reference__iexact=value)
        if _HEX.match(value):
            value = value.lower()
            items = ReportedItem.objects.filter(Q(sha256=value) | Q(md5=value) | Q(pdq=value))
            return queryset.filter(pk__in=items.values("case_id"))
        try:
            digest = normalise_url(value).digest
        except InvalidURL:
            return queryset.filter(reference__icontains=value)
        return queryset.filter(
            pk__in=ReportedItem.objects.filter(url_digest=digest).values("case_id")
        )
