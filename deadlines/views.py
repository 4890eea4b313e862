import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from takedown.core.web import run_service

from .choices import NotificationStatus
from .metrics import DeadlineCollector
from .models import Notification
from .outbox import notification_retry

_registry = CollectorRegistry(auto_describe=False)  # never query the database at import
_registry.register(DeadlineCollector())


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format. With METRICS_TOKEN set, a matching bearer token is needed."""
    token = getattr(settings, "METRICS_TOKEN", "")
    if not token and settings.METRICS_REQUIRE_TOKEN:
        return HttpResponse(status=404)  # production: no token configured, no metrics
    if token:
        presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(presented.encode(), token.encode()):
            return HttpResponse(status=401, headers={"WWW-Authenticate": "Bearer"})
    return HttpResponse(generate_latest(_registry), content_type=CONTENT_TYPE_LATEST)


@login_required
@permission_required("deadlines.change_notification", raise_exception=True)
@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", NotificationStatus.DEAD)
    if status not in NotificationStatus.values:
        status = NotificationStatus.DEAD
    notifications = Notification.objects.filter(status=status).order_by("-created_at", "-id")
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    counts = dict(Notification.objects.values_list("status").annotate(n=Count("id")))
    tabs = [(value, label, counts.get(value, 0)) for value, label in NotificationStatus.choices]
    return render(request, "deadlines/outbox.html", {"page": page, "status": status, "tabs": tabs})


@login_required
@permission_required("deadlines.change_notification", raise_exception=True)
@require_POST
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk)
    run_service(
        request,
        lambda _data: notification_retry(notification=notification, actor=request.user),
        success=_("Notification %(id)s queued for delivery again.") % {"id": pk},
    )
    return redirect(f"{reverse('deadlines:outbox')}?status={NotificationStatus.DEAD}")
