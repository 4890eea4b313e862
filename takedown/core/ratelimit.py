"""Fixed-window counters in the shared cache, for pages without an account to throttle
by (the public report page). Every web process counts together (Redis in production)."""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on ``key`` in the current window of ``window`` seconds; False once
    more than ``limit`` hits fell in it."""
    bucket = f"ratelimit:{key}:{int(time.time() // window)}"
    if cache.add(bucket, 1, timeout=window + 1):
        return True
    try:
        return cache.incr(bucket) <= limit
    except ValueError:  # the window ended between add and incr
        cache.add(bucket, 1, timeout=window + 1)
        return True
