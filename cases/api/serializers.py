from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import ReportSource
from cases.models import Case, Report, ReportedItem, ReportItem
from cases.normalise import MAX_URL_LENGTH, URL_PATTERN
from cases.services.intake import COUNTRY_PATTERN, MAX_SOURCE_TEXT, MD5_PATTERN, SHA256_PATTERN
from takedown.core.api.inputs import StrictInputSerializer


def optional_text(pattern: str, **kwargs) -> serializers.RegexField:
    """A field that is empty or exactly ``pattern``, without padding: what the schema
    says is what is accepted. (Blank is the schema's other ``oneOf`` branch.)"""
    return serializers.RegexField(
        f"^{pattern}$",
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        **kwargs,
    )


@extend_schema_field(
    {
        "anyOf": [
            {"type": "string", "maxLength": 0},
            {"type": "string", "format": "ipv4"},
            {"type": "string", "format": "ipv6"},
        ]
    }
)
class OptionalIPAddressField(serializers.IPAddressField):
    pass


def _given(name: str) -> dict:
    return {"required": [name], "properties": {name: {"minLength": 1}}}


class ItemInputSerializer(StrictInputSerializer):
    url = optional_text(
        URL_PATTERN,
        max_length=MAX_URL_LENGTH,
        help_text="An http or https URL whose host is a domain name or an IP address.",
    )
    sha256 = optional_text(SHA256_PATTERN)
    md5 = optional_text(MD5_PATTERN)
    pdq = optional_text(SHA256_PATTERN)
    hosting_country = optional_text(
        COUNTRY_PATTERN, help_text="A jurisdiction of the network, if known."
    )
    hosting_ip = OptionalIPAddressField(
        required=False, allow_blank=True, default="", trim_whitespace=False
    )

    # What identifies the item: a URL or a file hash, at least one. (As if/then, not a
    # top-level anyOf, which generated clients would turn into three item types.)
    json_schema = {
        "if": {"not": _given("url")},
        "then": {"anyOf": [_given("sha256"), _given("md5")]},
    }


class ProtectedSourceInputSerializer(StrictInputSerializer):
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_SOURCE_TEXT, default=""
    )
    contact = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_SOURCE_TEXT, default=""
    )
    how_they_know = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_SOURCE_TEXT, default=""
    )

    # A name or a way to reach them, at least one.
    json_schema = {"if": {"not": _given("name")}, "then": _given("contact")}


class ReportInputSerializer(StrictInputSerializer):
    source = serializers.ChoiceField(
        choices=ReportSource.choices,
        required=False,
        help_text="Required for intake partners; a platform's report is always a self-report.",
    )
    reporting_jurisdiction = optional_text(
        COUNTRY_PATTERN,
        help_text="The sender's own jurisdiction (a partner's, or a platform's establishment or "
        "legal representative); another one is refused. Optional when the sender has one.",
    )
    acute = serializers.BooleanField(default=False)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
    external_reference = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default=""
    )
    items = ItemInputSerializer(many=True, allow_empty=False)
    protected_source = ProtectedSourceInputSerializer(
        required=False,
        help_text="The reporter is a whistleblower or informant: who they are is kept apart, "
        "seen only by the lead desk's source handlers, and never in any answer.",
    )


class CaseRefSerializer(serializers.Serializer):
    """All a reporter learns of a case: its reference and lead jurisdiction."""

    reference = serializers.CharField()
    lead_jurisdiction = serializers.CharField()


class ItemOutcomeSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=["new", "joined_existing"])
    matched_by = serializers.CharField(allow_blank=True)
    case = CaseRefSerializer()


class IntakeResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="report.pk")
    received_at = serializers.DateTimeField(source="report.received_at")
    counts = serializers.DictField(child=serializers.IntegerField())
    items = serializers.SerializerMethodField()

    def get_items(self, result) -> list[dict]:
        return ItemOutcomeSerializer(
            [
                {
                    "position": item.position,
                    "outcome": "new" if item.new else "joined_existing",
                    "matched_by": item.matched_by,
                    "case": {
                        "reference": item.case_reference,
                        "lead_jurisdiction": item.lead_jurisdiction,
                    },
                }
                for item in result.items
            ],
            many=True,
        ).data


class ReportLineSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="item.url")
    sha256 = serializers.CharField(source="item.sha256")
    md5 = serializers.CharField(source="item.md5")
    item_status = serializers.CharField(source="item.status")
    case = serializers.SerializerMethodField()

    class Meta:
        model = ReportItem
        fields = ["position", "url", "sha256", "md5", "matched_by", "item_status", "case"]

    def get_case(self, line) -> dict:
        case = line.item.case
        return {
            "reference": case.reference,
            "lead_jurisdiction": case.lead_desk.authority.jurisdiction_id,
        }


class ReportSerializer(serializers.ModelSerializer):
    reporting_jurisdiction = serializers.CharField(source="reporting_jurisdiction_id")
    items = ReportLineSerializer(source="lines", many=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "source",
            "reporting_jurisdiction",
            "external_reference",
            "acute",
            "summary",
            "received_at",
            "items",
        ]


class ReportSummarySerializer(serializers.ModelSerializer):
    reporting_jurisdiction = serializers.CharField(source="reporting_jurisdiction_id")
    item_count = serializers.IntegerField()

    class Meta:
        model = Report
        fields = [
            "id",
            "source",
            "reporting_jurisdiction",
            "external_reference",
            "acute",
            "received_at",
            "item_count",
        ]


class CaseItemSerializer(serializers.ModelSerializer):
    platform = serializers.CharField(source="platform.name", default=None)
    hosting_jurisdiction = serializers.CharField(source="hosting_jurisdiction_id", default=None)

    class Meta:
        model = ReportedItem
        fields = [
            "id",
            "url",
            "normalized_url",
            "domain",
            "platform",
            "hosting_jurisdiction",
            "sha256",
            "md5",
            "status",
        ]


class CaseSerializer(serializers.ModelSerializer):
    lead_desk = serializers.CharField(source="lead_desk.name")
    lead_jurisdiction = serializers.CharField(source="lead_desk.authority.jurisdiction_id")
    assignee = serializers.CharField(source="assignee.username", default=None)
    merged_into = serializers.CharField(source="merged_into.reference", default=None)

    class Meta:
        model = Case
        fields = [
            "reference",
            "status",
            "lead_desk",
            "lead_jurisdiction",
            "acute",
            "priority",
            "assignee",
            "classification",
            "queue_due_at",
            "merged_into",
            "version",
            "created_at",
            "updated_at",
        ]


class CaseDetailSerializer(CaseSerializer):
    items = CaseItemSerializer(many=True)
    participants = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "items", "participants"]

    def get_participants(self, case) -> list[dict]:
        return [
            {"desk": p.desk.name, "jurisdiction": p.desk.authority.jurisdiction_id, "role": p.role}
            for p in case.participants.select_related("desk__authority")
        ]


class BulkImportInputSerializer(StrictInputSerializer):
    file = serializers.FileField()
    source = serializers.ChoiceField(choices=ReportSource.choices)
    reporting_jurisdiction = optional_text(
        COUNTRY_PATTERN,
        help_text="The sender's own jurisdiction (a partner's, or a platform's establishment or "
        "legal representative); another one is refused. Optional when the sender has one.",
    )
    acute = serializers.BooleanField(default=False)
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class BulkImportSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    file_name = serializers.CharField()
    row_count = serializers.IntegerField()
    progress = serializers.DictField()
    result = serializers.DictField()
    report = serializers.IntegerField(source="report_id", allow_null=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
