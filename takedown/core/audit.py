"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import singledispatch

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


# --- Who may read an event ---------------------------------------------------------------
#
# An oversight body reads the events of the jurisdictions it oversees. Nobody types
# which those are; they are derived, once:
# - at write time, from what the event is about (``audit_scope(obj)``, which each app
#   extends for its models in its access module: an order concerns the issuing and the
#   addressed platform's jurisdiction) and from the person acting (their jurisdiction),
#   stored in the event's ``jurisdictions`` column (so under the hash);
# - at read time, from the event's case: every jurisdiction involved in the case (lead,
#   participants, hosting) sees all of its events, including those written before it
#   joined. The cases app registers how a case's involvement is found.


@singledispatch
def audit_scope(obj) -> set[str]:
    """The jurisdictions an event about ``obj`` concerns (besides its case's)."""
    return set()


@audit_scope.register
def _user_scope(user: User) -> set[str]:
    return {user.jurisdiction_code} - {None}


@dataclass(frozen=True)
class CaseRegistry:
    model: type[models.Model] | None = None
    involving: Callable[[list[str]], models.QuerySet] | None = None


cases = CaseRegistry()


def register_cases(
    *, model: type[models.Model], involving: Callable[[list[str]], models.QuerySet]
) -> None:
    """``involving(codes)``: the cases those jurisdictions are involved in."""
    global cases
    cases = CaseRegistry(model, involving)


def _case_id_of(obj) -> int | None:
    if obj is None:
        return None
    if cases.model is not None and isinstance(obj, cases.model):
        return obj.pk
    return getattr(obj, "case_id", None)


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
    data: dict | None = None,
    ip: str | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Record one event. Call inside the transaction of the change it records.

    ``case_id`` defaults to the object's case. Inside a block opened with ``atomic()``
    below, the event is appended to the chain just before that block commits; otherwise
    at once."""
    event = AuditEvent(
        occurred_at=now or timezone.now(),
        actor=actor if isinstance(actor, User) else None,
        actor_label=actor_label_for(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        case_id=case_id if case_id is not None else _case_id_of(obj),
        data=normalise(data or {}),
        ip=ip,
        request_id=request_id_var.get() if request_id_var.get() != "-" else "",
    )
    scope = audit_scope(obj) | (audit_scope(actor) if isinstance(actor, User) else set())
    event.jurisdictions = jurisdiction_scope(scope)
    pending = getattr(connection, "audit_pending", None)
    if pending is not None:
        pending.append(event)
    else:
        with transaction.atomic():
            _append_chain([event])
    return event


def _append_chain(events: list[AuditEvent]) -> None:
    """Chain and insert events under the chain's lock (held to the end of the
    transaction, so appends never fork the chain)."""
    _lock_chain()
    prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    for event in events:
        event.prev_hash = prev
        event.hash = prev = event_digest(event)
    AuditEvent.objects.bulk_create(events)


class atomic(transaction.Atomic):
    """``transaction.atomic`` whose outermost block holds its audit events back and
    appends them to the chain just before it commits.

    The chain's lock is then held for the append and the commit only, not for all the
    work of the transaction: audited writes from many processes no longer queue behind
    each other's work. Events of an inner block that rolls back are dropped with it.
    Inside a transaction opened otherwise (a test, ``transaction.atomic``), events are
    appended at once, as before.
    """

    # ``Atomic`` takes these positionally; ``transaction.atomic`` is the factory that
    # gives the defaults, so this class gives them itself.
    def __init__(self, using=None, savepoint=True, durable=False):
        super().__init__(using, savepoint, durable)

    # Per-block state lives on the connection, as Django's own does: one instance may
    # serve as a decorator for nested or recursive calls.

    def __enter__(self):
        connection = transaction.get_connection(self.using)
        if not connection.in_atomic_block:
            connection.audit_pending = []
        pending = getattr(connection, "audit_pending", None)
        marks = connection.__dict__.setdefault("audit_marks", [])
        marks.append(len(pending) if pending is not None else None)
        super().__enter__()

    def __exit__(self, exc_type, exc_value, traceback):
        connection = transaction.get_connection(self.using)
        mark = connection.audit_marks.pop()
        pending = getattr(connection, "audit_pending", None)
        if mark is None or pending is None:
            return super().__exit__(exc_type, exc_value, traceback)
        if exc_type is not None:
            del pending[mark:]  # this block's events go with its rollback
        if mark == 0 and not connection.audit_marks:  # the block that owns the buffer
            connection.audit_pending = None
            if exc_type is None and pending and not connection.needs_rollback:
                try:
                    _append_chain(pending)
                except BaseException as error:
                    super().__exit__(type(error), error, error.__traceback__)
                    raise
        return super().__exit__(exc_type, exc_value, traceback)


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
