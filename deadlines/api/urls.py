from django.urls import path

from . import webhook_views

urlpatterns = [
    path("platform/webhook/", webhook_views.Webhook.as_view(), name="api-webhook"),
    path(
        "platform/webhook/rotate-secret/",
        webhook_views.WebhookSecretRotation.as_view(),
        name="api-webhook-rotate",
    ),
    path("platform/webhook/test/", webhook_views.WebhookTest.as_view(), name="api-webhook-test"),
    path(
        "platform/webhook/deliveries/",
        webhook_views.DeliveryList.as_view(),
        name="api-webhook-deliveries",
    ),
    path(
        "platform/webhook/deliveries/<int:pk>/",
        webhook_views.DeliveryDetail.as_view(),
        name="api-webhook-delivery",
    ),
    path(
        "platform/webhook/deliveries/<int:pk>/redeliver/",
        webhook_views.Redeliver.as_view(),
        name="api-webhook-redeliver",
    ),
]
