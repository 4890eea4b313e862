"""The demo platforms' webhook receiver, so the embedded demo's outbox shows deliveries.

A real platform runs its own receiver (docs/platform-integration.md); this one stands in
for the three made-up platforms. It checks the Standard Webhooks signature with the
platform's current secret, as a receiver must, and answers 204. It answers 404 unless
DEMO_WEBHOOK_RECEIVER is on (the embedded settings only).
"""

import logging

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from standardwebhooks import Webhook, WebhookVerificationError

from liaison.models import Platform

logger = logging.getLogger(__name__)


@csrf_exempt  # a machine's POST, authenticated by its signature
@require_POST
def webhook_receiver(request, slug: str):
    if not settings.DEMO_WEBHOOK_RECEIVER:
        raise Http404
    platform = get_object_or_404(Platform, slug=slug)
    try:
        Webhook(platform.webhook_secret).verify(request.body, dict(request.headers))
    except (WebhookVerificationError, ValueError):
        return HttpResponse("Signature does not verify.\n", status=401, content_type="text/plain")
    logger.info("demo receiver %s got %s", slug, request.headers.get("webhook-id"))
    return HttpResponse(status=204)
