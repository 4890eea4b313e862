"""Each role's start page: what needs the person now. Every read starts from what the
caller may see (the access modules), as the pages it links to do."""

from __future__ import annotations

from datetime import datetime, timedelta

from deadlines import selectors as clocks
from deadlines.choices import DeadlineKind
from liaison.keys import keys_expiring
from takedown.core.selectors import audit_events_for, latest_chain_verdict, overseen_jurisdictions

from .access import orders_for
from .board import board
from .choices import OPEN_CASE_STATUSES, ImportStatus
from .models import BulkImport
from .selectors import case_queue, prosecutor_work, with_clock

SHOWN = 10
KEYS_WARNING = timedelta(days=30)
COMPLIANCE_PERIOD = timedelta(days=30)


def officer_home(user, now: datetime) -> dict:
    """My desks' overdue and at-risk clocks, their acute cases nobody has taken, and my
    imports still running."""
    columns = board(user=user, now=now)
    return {
        "overdue": columns["overdue"][:SHOWN],
        "at_risk": columns["at_risk"][:SHOWN],
        "unassigned_acute": with_clock(
            list(
                case_queue(user).filter(
                    status__in=OPEN_CASE_STATUSES, acute=True, assignee__isnull=True
                )[:SHOWN]
            )
        ),
        "imports": list(
            BulkImport.objects.filter(
                submitted_by=user, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
            ).order_by("-created_at")[:SHOWN]
        ),
    }


def prosecutor_home(user, now: datetime) -> dict:
    """Requests and platforms' questions, the least time left first, and the orders I
    issued with their state."""
    requests_, waiting = prosecutor_work(user)

    def time_left(entry):  # the least first; no running clock last
        return (entry.clock is None, entry.clock.due_at if entry.clock else now)

    return {
        "requests": sorted(requests_, key=time_left)[:SHOWN],
        "waiting": sorted(waiting, key=time_left)[:SHOWN],
        "issued": list(
            orders_for(user=user)
            .filter(issued_by=user, is_sandbox=False)
            .select_related("platform")
            .order_by("-issued_at")[:SHOWN]
        ),
    }


def auditor_home(user, now: datetime) -> dict:
    """The chain's last verdict, the latest refusals in my jurisdictions, and the share
    of platform clocks met on time over the last 30 days."""
    codes = overseen_jurisdictions(user)
    recent = clocks.started_between(now - COMPLIANCE_PERIOD, now).filter(jurisdiction__in=codes)
    return {
        "verdict": latest_chain_verdict(),
        "denials": list(
            audit_events_for(user=user).filter(action="auth.denied").order_by("-id")[:SHOWN]
        ),
        "compliance": [
            (DeadlineKind(kind).label, clocks.on_time_share(recent.filter(kind=kind)))
            for kind in (DeadlineKind.ACKNOWLEDGEMENT, DeadlineKind.REMOVAL)
        ],
    }


def operator_home(now: datetime) -> dict:
    """The engine: outbox depth and dead letters, how far the sweep lags, and keys whose
    validity ends within 30 days."""
    return {
        "health": clocks.engine_health(now),
        "keys": list(keys_expiring(now, within=KEYS_WARNING)[:SHOWN]),
    }
