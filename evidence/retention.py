"""Retention: each jurisdiction's period applies to its evidence; a legal hold (or a
preservation request still running, or a retention date set on the package) stops the
clock."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import EvidencePackage
from .services import holds_in_force, package_purge, retention_deadline

logger = logging.getLogger(__name__)


def kept_because(package: EvidencePackage, now: datetime) -> str:
    """Why a package whose retention period ended is kept (empty: it is not)."""
    hold = holds_in_force(package, now).order_by("placed_at", "id").first()
    if hold is not None:
        return _("legal hold: %(reason)s") % {"reason": hold.reason}
    preserving = package.case.mla_requests.filter(
        kind="preservation", preserve_until__gte=now.date()
    ).exclude(status__in=["draft", "withdrawn", "refused"])
    if preserving.exists():
        return _("a preservation request is running")
    if package.retain_until is not None and package.retain_until >= now.date():
        return _("retained until %(date)s") % {"date": package.retain_until.isoformat()}
    return ""


def under_hold(package: EvidencePackage, now: datetime) -> bool:
    return bool(kept_because(package, now))


@dataclass
class PurgeRun:
    purged: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (reference, why)
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        kept = "; ".join(f"{reference} ({why})" for reference, why in self.kept)
        return (
            f"purged {len(self.purged)}, kept {len(self.kept)} past their retention period"
            + (f": {kept}" if kept else "")
            + (f"; failed {len(self.failed)}: {', '.join(self.failed)}" if self.failed else "")
        )


def purge_expired(*, now: datetime | None = None, dry_run: bool = False) -> PurgeRun:
    """Purge every package whose retention period ended and that nothing keeps; say
    which were kept, and why."""
    now = now or timezone.now()
    run = PurgeRun()
    candidates = EvidencePackage.objects.filter(purged_at__isnull=True).select_related(
        "case__lead_desk__authority__jurisdiction"
    )
    for package in candidates.iterator():
        if retention_deadline(package) > now:
            continue
        if why := kept_because(package, now):
            run.kept.append((package.reference, why))
            continue
        if dry_run:
            run.purged.append(package.reference)
            continue
        try:
            package_purge(package=package, now=now)
            run.purged.append(package.reference)
        except Exception:
            logger.exception("purge failed for %s", package.reference)
            run.failed.append(package.reference)
    return run
