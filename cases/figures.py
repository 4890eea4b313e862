"""Compliance figures: durations and shares computed from orders and their clocks.

Shared by the platform page, its JSON, and the transparency report. Sandbox orders and
linked duplicates never count.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.db.models import Count, QuerySet

from deadlines import selectors as clocks
from deadlines.choices import DeadlineKind
from liaison.models import Platform

from .choices import OrderStatus, ResponseKind
from .models import PlatformResponse, TakedownOrder


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def duration_summary(seconds: list[float]) -> dict:
    return {
        "count": len(seconds),
        "median_seconds": percentile(seconds, 0.5),
        "p90_seconds": percentile(seconds, 0.9),
    }


def counted_orders(
    *, since: datetime | None = None, until: datetime | None = None
) -> QuerySet[TakedownOrder]:
    """Each order once, as its newest version (clocks and answers move to it when an
    order is amended); the period is that of the first issue."""
    orders = TakedownOrder.objects.filter(is_sandbox=False, duplicate_of__isnull=True).exclude(
        status=OrderStatus.SUPERSEDED
    )
    if since is not None:
        orders = orders.filter(first_issued_at__gte=since)
    if until is not None:
        orders = orders.filter(first_issued_at__lt=until)
    return orders


def on_time_share(orders: QuerySet[TakedownOrder], kind: DeadlineKind) -> dict:
    """Of the clocks of this kind that finished (met, or missed and not cancelled), the
    share met on time."""
    return clocks.on_time_share(clocks.clocks_of(TakedownOrder, orders.values("id"), kind=kind))


def _seconds(pairs) -> list[float]:
    return [(end - start).total_seconds() for start, end in pairs if start and end]


def order_figures(orders: QuerySet[TakedownOrder]) -> dict:
    responses = PlatformResponse.objects.filter(order__in=orders.values("id"))
    return {
        "orders": orders.filter(kind="order").count(),
        "notices": orders.filter(kind="notice").count(),
        "time_to_acknowledge": duration_summary(
            _seconds(orders.values_list("first_issued_at", "acknowledged_at"))
        ),
        "time_to_removal": duration_summary(
            _seconds(orders.values_list("first_issued_at", "completed_at"))
        ),
        "acknowledged_within_deadline": on_time_share(orders, DeadlineKind.ACKNOWLEDGEMENT),
        "removed_within_deadline": on_time_share(orders, DeadlineKind.REMOVAL),
        "cannot_comply_by_ground": dict(
            responses.filter(kind=ResponseKind.CANNOT_COMPLY)
            .values_list("ground")
            .annotate(n=Count("id"))
        ),
        "objections": responses.filter(kind=ResponseKind.OBJECTION).count(),
        "objections_by_resolution": dict(
            responses.filter(kind=ResponseKind.OBJECTION)
            .exclude(resolution="")
            .values_list("resolution")
            .annotate(n=Count("id"))
        ),
    }


def platform_compliance(platform: Platform, *, since=None, until=None) -> dict:
    orders = counted_orders(since=since, until=until).filter(platform=platform)
    return {"platform": platform.name, "slug": platform.slug, **order_figures(orders)}


def humanise_seconds(seconds: float | None) -> str:
    from deadlines.policy import humanise

    return "—" if seconds is None else humanise(timedelta(seconds=seconds))
