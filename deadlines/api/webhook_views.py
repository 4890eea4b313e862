"""A platform runs its own webhook with its key: where events go, the signing secret
(rotated with a grace period), a test event, and the log of its deliveries, any of
which it can have sent again. The address checks of liaison/webhooks.py apply."""

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from liaison import services
from liaison.api.authentication import ApiClient
from liaison.api.permissions import PlatformView
from liaison.choices import WebhookEvent
from takedown.core.api.idempotency import IDEMPOTENCY_HEADER, idempotent
from takedown.core.api.pagination import newest_first
from takedown.core.api.parsers import StrictJSONParser
from takedown.core.filtersets import StrictFilterSet

from ..access import deliveries_for_platform
from ..choices import NotificationStatus
from ..models import Notification
from ..outbox import notification_redeliver, platform_webhook_test
from .serializers import DeliverySerializer, WebhookInputSerializer, WebhookSerializer


class WebhookView(PlatformView):
    parser_classes = [StrictJSONParser]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Parsed (an oversized or malformed body refused) even where no body is used.
        request.data  # noqa: B018


class Webhook(WebhookView, APIView):
    @extend_schema(responses=WebhookSerializer, summary="Your webhook as it is set")
    def get(self, request):
        return Response(WebhookSerializer.of(request.user.platform))

    @extend_schema(
        request=WebhookInputSerializer,
        responses=WebhookSerializer,
        summary="Set where events go (the first time, this also makes your signing secret)",
    )
    def put(self, request):
        client: ApiClient = request.user
        serializer = WebhookInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        secret = services.platform_webhook_set(
            platform=client.platform, url=serializer.validated_data["url"], actor=str(client)
        )
        return Response(WebhookSerializer.of(client.platform, secret=secret))

    @extend_schema(responses={204: None}, summary="Stop sending events (the secret is kept)")
    def delete(self, request):
        client: ApiClient = request.user
        services.platform_webhook_remove(platform=client.platform, actor=str(client))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookSecretRotation(WebhookView, APIView):
    @extend_schema(
        request=None,
        responses=WebhookSerializer,
        summary="A new signing secret; the old one signs beside it for the grace period",
    )
    def post(self, request):
        client: ApiClient = request.user
        secret, _until = services.platform_webhook_rotate(
            platform=client.platform, actor=str(client)
        )
        return Response(WebhookSerializer.of(client.platform, secret=secret))


class WebhookTest(WebhookView, APIView):
    @extend_schema(
        request=None,
        responses={202: DeliverySerializer},
        parameters=[IDEMPOTENCY_HEADER],
        summary="Send a `webhook.test` event to your receiver",
    )
    def post(self, request):
        client: ApiClient = request.user
        return idempotent(request, owner=client.owner_label, handler=lambda: self._send(client))

    def _send(self, client):
        notification = platform_webhook_test(platform=client.platform)
        return Response(
            DeliverySerializer(delivery(client, notification.pk)).data,
            status=status.HTTP_202_ACCEPTED,
        )


def deliveries(client: ApiClient):
    return deliveries_for_platform(client.platform).prefetch_related("delivery_attempts")


def delivery(client: ApiClient, pk: int) -> Notification:
    return get_object_or_404(deliveries(client), pk=pk)


class DeliveryFilter(StrictFilterSet):
    status = filters.ChoiceFilter(choices=NotificationStatus.choices)
    type = filters.ChoiceFilter(field_name="event_type", choices=WebhookEvent.choices)

    class Meta:
        model = Notification
        fields = ["status", "type"]


class DeliveryList(WebhookView, generics.ListAPIView):
    """Every event sent (or being sent) to your webhook, newest first, with each attempt."""

    serializer_class = DeliverySerializer
    pagination_class = newest_first("-created_at", "-id")
    filterset_class = DeliveryFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return deliveries(self.request.user)


class DeliveryDetail(WebhookView, generics.RetrieveAPIView):
    serializer_class = DeliverySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return deliveries(self.request.user)


class Redeliver(WebhookView, APIView):
    @extend_schema(
        request=None,
        responses={
            202: DeliverySerializer,
            409: OpenApiResponse(description="The delivery is still being attempted."),
        },
        parameters=[IDEMPOTENCY_HEADER],
        summary="Send a delivered or dead message again (same `webhook-id`)",
    )
    def post(self, request, pk):
        client: ApiClient = request.user
        return idempotent(
            request, owner=client.owner_label, handler=lambda: self._redeliver(client, pk)
        )

    def _redeliver(self, client, pk):
        notification_redeliver(notification=delivery(client, pk), actor=str(client))
        return Response(
            DeliverySerializer(delivery(client, pk)).data, status=status.HTTP_202_ACCEPTED
        )
