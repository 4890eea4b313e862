"""Reads of the audit log, scoped to who asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from . import audit
from .choices import Role
from .models import AuditEvent, User

# Events whose ``data`` may describe a victim: never shown to oversight, even though
# the services that write them are meant to keep victim data out of the log already.
RESTRICTED_ACTION_PREFIXES = ("victim.",)

# The daily task runs at 02:30 UTC; a verdict older than this means it has not run.
VERDICT_STALE_AFTER = timedelta(hours=36)


def overseen_jurisdictions(user: User) -> list[str]:
    """The jurisdictions an auditor oversees: their authority's. Nobody else has any."""
    if not user.is_authenticated or not user.has_role(Role.AUDITOR):
        return []
    code = user.jurisdiction_code
    return [code] if code else []


def audit_events_for(*, user: User) -> QuerySet[AuditEvent]:
    """The events an auditor may read: those recorded for a jurisdiction they oversee,
    and every event of a case one of them is involved in (takedown/core/audit.py)."""
    codes = overseen_jurisdictions(user)
    if not codes:
        return AuditEvent.objects.none()
    scope = Q()
    for code in codes:
        scope |= Q(jurisdictions__contains=f"|{code}|")
    if audit.cases.involving is not None:
        scope |= Q(case_id__in=audit.cases.involving(codes).values("id"))
    return AuditEvent.objects.filter(scope)


def is_restricted(event: AuditEvent) -> bool:
    return event.action.startswith(RESTRICTED_ACTION_PREFIXES)


def auditor_data(event: AuditEvent) -> dict | None:
    """The event's ``data`` as oversight may see it; None where it is withheld."""
    return None if is_restricted(event) else event.data


@dataclass(frozen=True)
class ChainVerdict:
    at: datetime
    by: str
    checked: int
    intact: bool
    broken: str
    event_id: int

    @property
    def stale(self) -> bool:
        return timezone.now() - self.at > VERDICT_STALE_AFTER


def latest_chain_verdict() -> ChainVerdict | None:
    """The last recorded verdict on the whole chain (daily task or an auditor's check).

    Not scoped: the verdict is about the chain as a whole and names at most an event id
    and why it fails, never its content."""
    event = (
        AuditEvent.objects.filter(action="audit.chain_verified")
        .order_by("-id")
        .only("id", "occurred_at", "actor_label", "data")
        .first()
    )
    if event is None:
        return None
    data = event.data if isinstance(event.data, dict) else {}
    return ChainVerdict(
        at=event.occurred_at,
        by=event.actor_label,
        checked=int(data.get("checked") or 0),
        intact=bool(data.get("intact")),
        broken=str(data.get("broken") or ""),
        event_id=event.id,
    )
