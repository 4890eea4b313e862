from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from takedown.celery import app as celery_app
from takedown.core.api.errors import problem_json
from takedown.core.api.problems import CATALOGUE


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is alive. No I/O: a load balancer may call it often."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_broker() -> None:
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if "data_folder_in" in options:  # the embedded filesystem broker
        folder = Path(options["data_folder_in"])
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".readyz"
        probe.write_text("ok")
        probe.unlink()
        return
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve: the database and the broker answer; 503 naming what does not."""
    checks = {"database": _check_database, "broker": _check_broker}
    failing = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # any failure means not ready; say which part
            failing[name] = type(exc).__name__
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "ready", "checks": list(checks)})


def handler404(request: HttpRequest, exception=None) -> HttpResponse:
    """API clients get a problem document for any unknown URL, not an HTML page."""
    if request.path.startswith("/api/"):
        return problem_json(status_code=404, code="not_found", request=request)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return problem_json(status_code=500, code="server_error", request=request)
    from django.views.defaults import server_error

    return server_error(request)


@require_GET
def problems(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The problem catalogue: what each ``code`` of an API error means (the ``type`` of
    every problem document points here)."""
    if code is not None and code not in CATALOGUE:
        raise Http404("No such problem type.")
    entries = [
        {"code": key, "status": status, "title": title, "meaning": meaning}
        for key, (status, title, meaning) in CATALOGUE.items()
        if code is None or key == code
    ]
    return render(request, "core/problems.html", {"entries": entries, "one": code is not None})
