"""What a platform sees of its orders, and what it may send back."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import (
    CannotComplyGround,
    CannotComplyResolution,
    Classification,
    HashListAction,
    ItemOutcome,
    ItemStatus,
    ObjectionResolution,
    OrderKind,
    OrderStatus,
    ResponseKind,
)
from cases.models import PlatformResponse, TakedownOrder
from deadlines.models import Deadline
from takedown.core.api.inputs import AwareDateTimeField, StrictInputSerializer


class OrderItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    status = serializers.ChoiceField(choices=ItemStatus.choices)


class SignedAuthoritySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()


class SignedAddresseeSerializer(serializers.Serializer):
    platform = serializers.CharField()
    id = serializers.CharField(help_text="Your platform's slug.")


class SignedUrlSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    url = serializers.CharField()


class SignedPayloadSerializer(serializers.Serializer):
    """The order document exactly as signed; verify the signature over its canonical
    JSON (sorted keys, no spaces, UTF-8), as the integration guide shows."""

    format = serializers.ChoiceField(choices=["takedown-removal-order"])
    format_version = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=OrderKind.choices)
    reference = serializers.CharField()
    version = serializers.IntegerField()
    supersedes = serializers.CharField(allow_null=True)
    issuing_state = serializers.CharField()
    issuing_authority = SignedAuthoritySerializer()
    addressee = SignedAddresseeSerializer()
    contact_point = serializers.CharField()
    issued_at = serializers.DateTimeField()
    removal_due_at = serializers.DateTimeField()
    urls = SignedUrlSerializer(many=True)
    reasons = serializers.CharField()
    legal_basis = serializers.CharField()
    preservation_instruction = serializers.CharField()
    note = serializers.CharField()
    sandbox = serializers.BooleanField()


class SignatureSerializer(serializers.Serializer):
    algorithm = serializers.CharField(default="Ed25519", read_only=True)
    key_id = serializers.CharField()
    value = serializers.CharField(help_text="base64url Ed25519 signature over the canonical form")
    canonicalisation = serializers.CharField(
        default="signed_payload as JSON: keys sorted, separators ',' and ':', no whitespace, UTF-8",
        read_only=True,
    )


class ThreadEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = PlatformResponse
        fields = [
            "id",
            "kind",
            "ground",
            "message",
            "created_at",
            "answer",
            "answered_at",
            "resolution",
        ]


class DeadlineSerializer(serializers.ModelSerializer):
    paused = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = ["kind", "state", "started_at", "warn_at", "due_at", "met_at", "paused"]

    def get_paused(self, deadline) -> bool:
        return deadline.is_paused


class PlatformOrderSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    kind = serializers.ChoiceField(choices=OrderKind.choices)
    issuing_authority = serializers.CharField(source="issuing_authority.name")
    issuing_state = serializers.CharField(source="issuing_authority.jurisdiction_id")
    supersedes = serializers.CharField(
        source="supersedes.reference", default=None, allow_null=True, read_only=True
    )
    items = serializers.SerializerMethodField()
    signature = serializers.SerializerMethodField()
    clarifications = serializers.SerializerMethodField()
    objections = serializers.SerializerMethodField()
    cannot_comply = serializers.SerializerMethodField()
    deadlines = serializers.SerializerMethodField()
    sandbox = serializers.BooleanField(source="is_sandbox")
    signed_payload = serializers.SerializerMethodField()
    changed_at = serializers.DateTimeField(
        read_only=True,
        help_text="When the order, an answer of yours or an answer to you last changed: "
        "the changes feed's clock (`?updated_since=`).",
    )

    class Meta:
        model = TakedownOrder
        fields = [
            "id",
            "reference",
            "version",
            "kind",
            "status",
            "suspended",
            "sandbox",
            "issuing_state",
            "issuing_authority",
            "issued_at",
            "removal_due_at",
            "acknowledged_at",
            "completed_at",
            "changed_at",
            "supersedes",
            "legal_basis",
            "reasons",
            "contact_point",
            "preservation_instruction",
            "note",
            "items",
            "signed_payload",
            "signature",
            "clarifications",
            "objections",
            "cannot_comply",
            "deadlines",
        ]
        read_only_fields = fields  # an answer, never a body: the schema marks all sent

    @extend_schema_field(OrderItemSerializer(many=True))
    def get_items(self, order):
        return [{"id": i.pk, "url": i.url, "status": i.status} for i in order.items.all()]

    @extend_schema_field(SignedPayloadSerializer)
    def get_signed_payload(self, order) -> dict:
        return order.signed_payload  # as stored and signed: never re-serialised

    @extend_schema_field(SignatureSerializer)
    def get_signature(self, order):
        return SignatureSerializer({"key_id": order.signing_key_id, "value": order.signature}).data

    def _thread(self, order, kind):
        return ThreadEntrySerializer(
            [r for r in order.responses.all() if r.kind == kind], many=True
        ).data

    @extend_schema_field(ThreadEntrySerializer(many=True))
    def get_clarifications(self, order):
        return self._thread(order, ResponseKind.CLARIFICATION)

    @extend_schema_field(ThreadEntrySerializer(many=True))
    def get_objections(self, order):
        return self._thread(order, ResponseKind.OBJECTION)

    @extend_schema_field(ThreadEntrySerializer(many=True))
    def get_cannot_comply(self, order):
        return self._thread(order, ResponseKind.CANNOT_COMPLY)

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, order):
        return DeadlineSerializer(order.deadlines.all(), many=True).data


class RemovalSerializer(StrictInputSerializer):
    item = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=ItemOutcome.choices)
    happened_at = AwareDateTimeField()
    jurisdictions = serializers.ListField(
        child=serializers.RegexField(r"^[A-Z]{2}$"),
        required=False,
        default=list,
        help_text="For 'disabled': where access is disabled (ISO 3166-1 alpha-2), "
        "jurisdictions of the network.",
    )

    # An item disabled somewhere says where.
    json_schema = {
        "if": {"required": ["outcome"], "properties": {"outcome": {"const": "disabled"}}},
        "then": {"required": ["jurisdictions"], "properties": {"jurisdictions": {"minItems": 1}}},
    }


class RemovalsInputSerializer(StrictInputSerializer):
    removals = RemovalSerializer(many=True, allow_empty=False)


class CannotComplyInputSerializer(StrictInputSerializer):
    ground = serializers.ChoiceField(choices=CannotComplyGround.choices)
    explanation = serializers.CharField(max_length=5000)


class ClarificationInputSerializer(StrictInputSerializer):
    question = serializers.CharField(max_length=5000)


class ObjectionInputSerializer(StrictInputSerializer):
    grounds = serializers.CharField(max_length=10000)


class SandboxOrderInputSerializer(StrictInputSerializer):
    items = serializers.IntegerField(min_value=1, max_value=20, default=2)


# --- The sandbox prosecutor: what a platform has it do on its own sandbox orders ----------

_CANNED = "Left out: a canned text."


class SandboxAnswerInputSerializer(StrictInputSerializer):
    answer = serializers.CharField(
        max_length=5000, required=False, help_text=f"The answer to your question. {_CANNED}"
    )


class SandboxCannotComplyResolutionInputSerializer(StrictInputSerializer):
    resolution = serializers.ChoiceField(
        choices=CannotComplyResolution.choices,
        help_text="`maintain`: the order stands and the clock resumes "
        "(`order.cannot_comply_resolved`); `withdraw`: the order is withdrawn "
        "(`order.withdrawn`).",
    )
    answer = serializers.CharField(
        max_length=5000, required=False, help_text=f"The explanation to you. {_CANNED}"
    )


class SandboxObjectionDecisionInputSerializer(StrictInputSerializer):
    resolution = serializers.ChoiceField(
        choices=ObjectionResolution.choices,
        help_text="`rejected`: the order stands; `suspended`: the clock stops until the "
        "order is in force again (both `order.objection_decided`); `upheld`: the order is "
        "withdrawn (`order.withdrawn`).",
    )
    answer = serializers.CharField(
        max_length=5000, required=False, help_text=f"The reasons given to you. {_CANNED}"
    )


class SandboxAmendInputSerializer(StrictInputSerializer):
    reasons = serializers.CharField(
        max_length=10000, required=False, help_text="New reasons. Left out: unchanged."
    )
    note = serializers.CharField(
        max_length=5000,
        required=False,
        help_text="A new note. Left out: unchanged if `reasons` is given, else a note "
        "naming the new version.",
    )


class SandboxWithdrawInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(
        max_length=5000, required=False, help_text=f"Why it is withdrawn. {_CANNED}"
    )


def hash_list_scope() -> serializers.RegexField:
    return serializers.RegexField(
        r"^[A-Za-z]{2}$",
        required=False,
        help_text="Only material illegal in this jurisdiction; left out, the network-wide list.",
    )


class HashListQuerySerializer(StrictInputSerializer):
    since = serializers.RegexField(
        r"^[0-9]{1,18}$",
        required=False,
        help_text="The `checkpoint` of your last pull; leave it out for the whole history.",
    )
    jurisdiction = hash_list_scope()
    limit = serializers.IntegerField(required=False, min_value=1, max_value=5000, default=1000)


class HashListChangeSerializer(serializers.Serializer):
    entry = serializers.CharField(
        source="item_id",
        help_text="The entry this change is about. The same hash can be on the list through "
        "more than one entry (one file reported at two places): unblock a hash only when "
        "every entry that holds it is withdrawn.",
    )
    action = serializers.ChoiceField(
        choices=HashListAction.choices,
        help_text="`added` (block it; a later `added` for the same hashes updates it) or "
        "`withdrawn` (no longer confirmed illegal in this scope).",
    )
    sha256 = serializers.CharField()
    md5 = serializers.CharField()
    pdq = serializers.CharField()
    classification = serializers.ChoiceField(choices=Classification.choices)
    illegal_in = serializers.ListField(child=serializers.CharField())
    first_seen = serializers.DateTimeField()
    changed_at = serializers.DateTimeField(source="created_at")


class HashListPageSerializer(serializers.Serializer):
    changes = HashListChangeSerializer(many=True)
    checkpoint = serializers.CharField(help_text="Pass it as `since` next time.")
    more = serializers.BooleanField(help_text="More changes wait: pull again at once.")


class HashListSnapshotSerializer(serializers.Serializer):
    entries = HashListChangeSerializer(many=True)
    checkpoint = serializers.CharField(
        help_text="Where the list stood when the snapshot began: pull changes `since` it."
    )
    next = serializers.CharField(allow_null=True, help_text="The next page of the snapshot.")


class HashListSnapshotQuerySerializer(StrictInputSerializer):
    jurisdiction = hash_list_scope()
    after = serializers.RegexField(
        r"^[0-9]{1,18}$", required=False, help_text="The cursor of the next page (from `next`)."
    )
    limit = serializers.IntegerField(required=False, min_value=1, max_value=5000, default=1000)


class HashListExportQuerySerializer(StrictInputSerializer):
    jurisdiction = hash_list_scope()
