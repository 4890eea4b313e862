"""Retention: each jurisdiction's period applies to its evidence; a legal hold (or a
preservation request still running) stops the clock."""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone

from .models import EvidencePackage
from .services import package_purge, retention_deadline

logger = logging.getLogger(__name__)


def under_hold(package: EvidencePackage, now: datetime) -> bool:
    if package.legal_hold:
        return True
    preserving = package.case.mla_requests.filter(
        kind="preservation", preserve_until__gte=now.date()
    ).exclude(status__in=["draft", "withdrawn", "refused"])
    return preserving.exists() or (
        package.retain_until is not None and package.retain_until >= now.date()
    )


def purge_expired(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    purged = 0
    candidates = EvidencePackage.objects.filter(purged_at__isnull=True).select_related(
        "case__lead_desk__authority__jurisdiction"
    )
    for package in candidates.iterator():
        if retention_deadline(package) > now or under_hold(package, now):
            continue
        try:
            package_purge(package=package, now=now)
            purged += 1
        except Exception:
            logger.exception("purge failed for %s", package.reference)
    return purged
