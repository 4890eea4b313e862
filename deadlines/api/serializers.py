"""What a platform sees of its own webhook and its deliveries, and what it may send."""

from django.utils import timezone
from rest_framework import serializers

from deadlines.models import DeliveryAttempt, Notification
from deadlines.outbox import message_id
from liaison.choices import WebhookEvent
from liaison.models import Platform
from liaison.webhooks import WEBHOOK_URL_PATTERN
from takedown.core.api.inputs import StrictInputSerializer


class WebhookSerializer(serializers.Serializer):
    url = serializers.CharField(allow_null=True, help_text="Where events go; null when none.")
    secret = serializers.CharField(
        allow_null=True,
        help_text="The new signing secret (`whsec_…`). Only in the answer that made it; "
        "it is stored encrypted and never shown again.",
    )
    secret_set_at = serializers.DateTimeField(allow_null=True)
    previous_secret_valid_until = serializers.DateTimeField(
        allow_null=True,
        help_text="While a rotation's grace period runs, deliveries carry a signature "
        "with the previous secret too, until this time.",
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        help_text="The event types your receiver can get.",
    )

    @classmethod
    def of(cls, platform: Platform, *, secret: str | None = None) -> dict:
        signs = platform.previous_secret_signs(timezone.now())
        return cls(
            {
                "url": platform.webhook_url or None,
                "secret": secret,
                "secret_set_at": platform.webhook_secret_rotated_at,
                "previous_secret_valid_until": (
                    platform.webhook_previous_secret_until if signs else None
                ),
                "events": WebhookEvent.values,
            }
        ).data


class WebhookInputSerializer(StrictInputSerializer):
    url = serializers.RegexField(
        WEBHOOK_URL_PATTERN,
        max_length=200,
        trim_whitespace=False,
        help_text="Your receiver: https (production refuses http), on a public address.",
    )


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["attempted_at", "succeeded", "status_code", "error", "duration_ms"]


class DeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.SerializerMethodField(
        help_text="The `webhook-id` header of every attempt of this message."
    )
    type = serializers.ChoiceField(source="event_type", choices=WebhookEvent.choices)
    attempt_log = DeliveryAttemptSerializer(source="delivery_attempts", many=True)
    redeliverable = serializers.BooleanField(
        help_text="Whether `redeliver` may send it again now (it is delivered or dead)."
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "webhook_id",
            "type",
            "status",
            "attempts",
            "created_at",
            "next_attempt_at",
            "delivered_at",
            "last_error",
            "redeliverable",
            "payload",
            "attempt_log",
        ]
        read_only_fields = fields  # an answer, never a body: the schema marks all sent

    def get_webhook_id(self, notification) -> str:
        return message_id(notification)
