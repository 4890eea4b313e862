"""Transparency: the public report (aggregates, small cells suppressed) and the full one
for staff, as a page with a chart, CSV and JSON."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from liaison.models import Jurisdiction, Platform
from takedown.core.choices import STAFF_ROLES
from takedown.core.web import role_required

from . import transparency


def _report(request, *, full: bool):
    period_text = request.GET.get("period") or str(timezone.now().year)
    try:
        period = transparency.Period.parse(period_text)
    except ValueError as exc:
        return None, None, str(exc)
    scope = transparency.Scope(
        jurisdiction=(request.GET.get("jurisdiction") or "").upper() or None,
        platform=request.GET.get("platform") or None,
    )
    report = transparency.compute(period=period, scope=scope)
    return (report if full else transparency.public(report)), scope, None


def _respond(request, report, scope, *, full: bool):
    fmt = request.GET.get("format")
    if fmt == "json":
        return JsonResponse(report, json_dumps_params={"indent": 2})
    if fmt == "csv":
        response = HttpResponse(transparency.as_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="transparency-{report["period"]}.csv"'
        )
        return response
    if fmt == "svg":
        chart = request.GET.get("chart") or "deadlines"
        if chart not in transparency.CHARTS:
            charts = ", ".join(sorted(transparency.CHARTS))
            return JsonResponse({"error": f"chart is one of {charts}."}, status=400)
        response = HttpResponse(transparency.chart_svg(report, chart), content_type="image/svg+xml")
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
        return response
    return render(
        request,
        "transparency/report.html",
        {
            "report": report,
            "scope_title": scope.title,
            "sections": transparency.sections(report),
            "headlines": transparency.headlines(report),
            "threshold": settings.TRANSPARENCY_MIN_CELL,
            "threshold_below": settings.TRANSPARENCY_MIN_CELL - 1,
            "full": full,
            "jurisdictions": Jurisdiction.objects.filter(in_network=True),
            "platforms": Platform.objects.all(),
            "query": _query(request),
        },
    )


def _query(request) -> str:
    """The page's own query (period, scope), for its downloads and charts."""
    query = request.GET.copy()
    for name in ("format", "chart"):
        query.pop(name, None)
    return query.urlencode()


@require_GET
def public_report(request):
    """Open to anyone: aggregates only, counts under the threshold suppressed."""
    report, scope, error = _report(request, full=False)
    if error:
        return JsonResponse({"error": error}, status=400)
    return _respond(request, report, scope, full=False)


@role_required(*STAFF_ROLES)
@require_GET
def full_report(request):
    report, scope, error = _report(request, full=True)
    if error:
        return JsonResponse({"error": error}, status=400)
    return _respond(request, report, scope, full=True)
