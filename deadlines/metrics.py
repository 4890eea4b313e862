"""Prometheus metrics, computed from the database at scrape time (so every web process
reports the same numbers, and nothing needs a shared metrics store)."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from .choices import DeadlineState
from .models import Deadline, DeliveryAttempt
from .selectors import engine_health
from .tasks import LAST_SWEEP_CACHE_KEY


class DeadlineCollector(Collector):
    def collect(self):
        now = timezone.now()
        health = engine_health(now)
        yield GaugeMetricFamily(
            "takedown_sweep_lag_seconds",
            "How long the oldest deadline check has been waiting (0 when the sweep is current).",
            value=health["sweep_lag_seconds"],
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
        yield GaugeMetricFamily(
            "takedown_outbox_pending",
            "Notifications recorded and not yet delivered.",
            value=health["pending"],
        )
        yield GaugeMetricFamily(
            "takedown_outbox_dead_letters",
            "Notifications that exhausted their attempts and wait for an operator.",
            value=health["dead"],
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
