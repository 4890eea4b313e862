"""The events a platform's webhook receives, described for the OpenAPI document's
``webhooks`` (SPECTACULAR_SETTINGS["WEBHOOKS"]). Every body is a Standard Webhooks
envelope: ``type``, ``timestamp`` (when it happened) and ``data``; the headers are
``webhook-id``, ``webhook-timestamp`` and ``webhook-signature``."""

import json
import re

from drf_spectacular.plumbing import process_webhooks
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import OpenApiResponse, OpenApiWebhook, extend_schema
from rest_framework import serializers

from cases.choices import OrderStatus
from liaison.choices import WebhookEvent

ORDER_EVENTS = [event for event in WebhookEvent if event.value.startswith("order.")]

HEADERS = (
    "Signed per Standard Webhooks: verify `webhook-signature` (space-separated `v1,<base64>` "
    "signatures; during a secret rotation there are two) over "
    "`<webhook-id>.<webhook-timestamp>.<raw body>` before parsing, and drop a repeated "
    "`webhook-id`."
)


class EventOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Fetch it: GET /api/v1/platform/orders/{id}/.")
    reference = serializers.CharField()
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=OrderStatus.choices, help_text="At the event.")
    sandbox = serializers.BooleanField()


class EventTextSerializer(serializers.Serializer):
    language = serializers.CharField(help_text="A language code, e.g. `de`.")
    event = serializers.CharField(help_text="What happened, in that language.")
    kind = serializers.CharField(help_text="The order's kind (removal order, notice).")
    status = serializers.CharField(help_text="The order's status at the event.")


class OrderEventDataSerializer(serializers.Serializer):
    order = EventOrderSerializer()
    texts = EventTextSerializer(
        many=True,
        help_text="The human fields in the issuing authority's language, then in the first "
        "language your platform receives orders in (if it differs): read them side by side.",
    )


class OrderEventSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=[(e.value, e.label) for e in ORDER_EVENTS])
    timestamp = serializers.DateTimeField()
    data = OrderEventDataSerializer()


class TestEventDataSerializer(serializers.Serializer):
    platform = serializers.CharField(help_text="Your platform's slug.")
    message = serializers.CharField()


class TestEventSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=[WebhookEvent.WEBHOOK_TEST.value])
    timestamp = serializers.DateTimeField()
    data = TestEventDataSerializer()


def _webhook(event: WebhookEvent, body) -> OpenApiWebhook:
    return OpenApiWebhook(
        name=event.value,
        decorator=extend_schema(
            summary=str(event.label),
            description=HEADERS,
            request=body,
            responses={200: OpenApiResponse(description="Any 2xx within 10 s: received.")},
        ),
    )


WEBHOOKS = [_webhook(event, OrderEventSerializer) for event in ORDER_EVENTS] + [
    _webhook(WebhookEvent.WEBHOOK_TEST, TestEventSerializer)
]


def add_webhooks(result, generator, request, public):
    """A schema postprocessing hook: the ``webhooks`` section and its components."""
    webhooks = process_webhooks(WEBHOOKS, generator.registry)
    for item in webhooks.values():
        # The receiver answers; the API's own error documents are not its answers.
        responses = item["post"]["responses"]
        item["post"]["responses"] = {"200": responses["200"]}
    result["webhooks"] = webhooks
    result["components"] = generator.registry.build(spectacular_settings.APPEND_COMPONENTS)
    return result


def drop_unreachable(result, generator, request, public):
    """The last hook: components nothing refers to (the receivers' error answers removed
    above named some) are left out."""
    schemas = result.get("components", {}).get("schemas", {})
    reachable = set()
    todo = _refs({key: value for key, value in result.items() if key != "components"})
    while todo:
        name = todo.pop()
        if name not in reachable and name in schemas:
            reachable.add(name)
            todo |= _refs(schemas[name])
    for name in set(schemas) - reachable:
        del schemas[name]
    return result


def _refs(node) -> set[str]:
    text = json.dumps(node, default=str)
    return set(re.findall(r'"#/components/schemas/([^"]+)"', text))
