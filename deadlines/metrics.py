"""Prometheus metrics, computed from the database at scrape time (so every web process
reports the same numbers, and nothing needs a shared metrics store)."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from .choices import DeadlineState, NotificationStatus
from .models import Deadline, DeliveryAttempt, Notification
from .tasks import LAST_SWEEP_CACHE_KEY


class DeadlineCollector(Collector):
    def collect(self):
        now = timezone.now()
        oldest = Deadline.objects.filter(next_check_at__lte=now).aggregate(t=Min("next_check_at"))[
            "t"
        ]
        yield GaugeMetricFamily(
            "takedown_sweep_lag_seconds",
            "How long the oldest deadline check has been waiting (0 when the sweep is current).",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )
        last = cache.get(LAST_SWEEP_CACHE_KEY)
        yield GaugeMetricFamily(
            "takedown_last_sweep_age_seconds",
            "Seconds since a worker last completed a deadline sweep (-1: never seen).",
            value=now.timestamp() - last if last else -1.0,
        )
        due = GaugeMetricFamily(
            "takedown_deadlines_due",
            "Running deadlines due within the next 24 hours, by kind.",
            labels=["kind"],
        )
        for row in (
            Deadline.objects.filter(
                state=DeadlineState.OPEN, due_at__gt=now, due_at__lte=now + timedelta(hours=24)
            )
            .values("kind")
            .annotate(n=Count("id"))
        ):
            due.add_metric([row["kind"]], row["n"])
        yield due
        overdue = GaugeMetricFamily(
            "takedown_deadlines_overdue",
            "Deadlines past due and not yet met (still escalating or at the top), by kind.",
            labels=["kind"],
        )
        for row in (
            Deadline.objects.filter(
                state__in=[DeadlineState.OPEN, DeadlineState.MISSED],
                due_at__lte=now,
                met_at__isnull=True,
            )
            .values("kind")
            .annotate(n=Count("id"))
        ):
            overdue.add_metric([row["kind"]], row["n"])
        yield overdue
        by_status = dict(
            Notification.objects.filter(
                status__in=[NotificationStatus.PENDING, NotificationStatus.DEAD]
            )
            .values_list("status")
            .annotate(n=Count("id"))
        )
        yield GaugeMetricFamily(
            "takedown_outbox_pending",
            "Notifications recorded and not yet delivered.",
            value=by_status.get(NotificationStatus.PENDING, 0),
        )
        yield GaugeMetricFamily(
            "takedown_outbox_dead_letters",
            "Notifications that exhausted their attempts and wait for an operator.",
            value=by_status.get(NotificationStatus.DEAD, 0),
        )
        attempts = CounterMetricFamily(
            "takedown_delivery_attempts",
            "Delivery attempts made, by outcome.",
            labels=["outcome"],
        )
        for succeeded, n in DeliveryAttempt.objects.values_list("succeeded").annotate(
            n=Count("id")
        ):
            attempts.add_metric(["success" if succeeded else "failure"], n)
        yield attempts
