"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from .logging import request_id_var
from .models import GENESIS_HASH, AuditEvent, User

# Any constant will do: it names the one lock that serialises appends to the chain.
_AUDIT_LOCK_ID = 0x7A4D1700


def canonical_json(value) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    )


def normalise(value):
    """What the JSON column will give back, so the hash covers what is stored."""
    return json.loads(canonical_json(value))


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_digest(event: AuditEvent) -> str:
    body = canonical_json(
        {
            "occurred_at": _timestamp(event.occurred_at),
            "actor_id": event.actor_id,
            "actor_label": event.actor_label,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "case_id": event.case_id,
            "jurisdictions": event.jurisdictions,
            "data": event.data,
            "ip": event.ip,
            "request_id": event.request_id,
        }
    )
    return hashlib.sha256(f"{event.prev_hash}\n{body}".encode()).hexdigest()


def jurisdiction_scope(codes: Iterable[str | None]) -> str:
    codes = sorted({code for code in codes if code})
    return f"|{'|'.join(codes)}|" if codes else ""


def actor_label_for(actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, User):
        return actor.get_username()
    return str(actor)  # an API principal, e.g. "platform:acme-video"


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_AUDIT_LOCK_ID])
    # SQLite: the project opens write transactions IMMEDIATE, which serialises them.


def audit_record(
    *,
    action: str,
    actor=None,
    obj: models.Model | None = None,
    case_id: int | None = None,
    jurisdictions: Iterable[str | None] = (),
    data: dict | None = None,
    ip: str | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it records."""
    with transaction.atomic():
        _lock_chain()
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            occurred_at=now or timezone.now(),
            actor=actor if isinstance(actor, User) else None,
            actor_label=actor_label_for(actor),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            case_id=case_id,
            jurisdictions=jurisdiction_scope(jurisdictions),
            data=normalise(data or {}),
            ip=ip,
            request_id=request_id_var.get() if request_id_var.get() != "-" else "",
            prev_hash=prev or GENESIS_HASH,
        )
        event.hash = event_digest(event)
        event.save()
    return event


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str

    def __str__(self) -> str:
        return f"event {self.event_id}: {self.reason}"


def verify_chain(events: Iterator[AuditEvent] | None = None) -> tuple[int, ChainBreak | None]:
    """Recompute the chain in order; the number of events checked and the first break."""
    if events is None:
        events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    expected_prev = GENESIS_HASH
    checked = 0
    for event in events:
        checked += 1
        if event.prev_hash != expected_prev:
            return checked, ChainBreak(
                event.id, "its previous hash does not match: an event before it was removed"
            )
        if event_digest(event) != event.hash:
            return checked, ChainBreak(event.id, "its content does not match its hash: edited")
        expected_prev = event.hash
    return checked, None
