"""The stay-down hash list: what an assessment confirms illegal, platforms may block
before it comes back. Each case's items with a hash are on the list — network-wide and
in each jurisdiction where the matrix says the material is criminal — while the case's
classification says illegal; a reassessment or a closing as not illegal withdraws them.
Changes are appended (``HashListChange``), so a platform pulls only what is new."""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from cases.choices import NETWORK_WIDE, Classification, HashListAction
from cases.models import Assessment, Case, HashListChange
from takedown.core.audit import audit_record

ILLEGAL = (Classification.ILLEGAL_ALL, Classification.ILLEGAL_SOME)
# Names the one lock that orders appends to the list (any constant will do).
_HASHLIST_LOCK_ID = 0x7A4D1701


def _lock_list() -> None:
    """Held to the commit, so changes commit in the order of their ids: a platform that
    pulled up to a checkpoint can never find an earlier id appear after it. (SQLite
    serialises write transactions already.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_HASHLIST_LOCK_ID])


def hashlist_sync(*, case: Case, assessment: Assessment | None, now: datetime, actor=None) -> int:
    """Bring the case's entries in line with what ``assessment`` found (None: not
    illegal), in the caller's transaction. Returns how many changes were written."""
    classification = assessment.classification if assessment else Classification.ILLEGAL_NONE
    matrix = assessment.matrix if assessment else {}
    illegal_in = sorted(code for code, row in matrix.items() if row.get("criminal"))
    wanted_scopes = {NETWORK_WIDE, *illegal_in} if classification in ILLEGAL else set()
    items = list(case.items.exclude(sha256="", md5="", pdq=""))
    current = {
        (change.item_id, change.scope): change
        for change in HashListChange.objects.filter(item__in=items, current=True)
    }
    changes = []
    for item in items:
        entry = {
            "item": item,
            "sha256": item.sha256,
            "md5": item.md5,
            "pdq": item.pdq,
            "classification": classification,
            "illegal_in": illegal_in,
            "first_seen": item.created_at,
            "created_at": now,
        }
        scopes = wanted_scopes | {scope for (item_id, scope) in current if item_id == item.pk}
        for scope in sorted(scopes):
            before = current.get((item.pk, scope))
            on_list = before is not None and before.action == HashListAction.ADDED
            if scope in wanted_scopes and not (
                on_list
                and before.classification == classification
                and before.illegal_in == illegal_in
            ):
                changes.append(HashListChange(scope=scope, action=HashListAction.ADDED, **entry))
            elif scope not in wanted_scopes and on_list:
                changes.append(
                    HashListChange(scope=scope, action=HashListAction.WITHDRAWN, **entry)
                )
    if not changes:
        return 0
    _lock_list()
    replaced = [current[c.item.pk, c.scope].pk for c in changes if (c.item.pk, c.scope) in current]
    HashListChange.objects.filter(pk__in=replaced).update(current=False)
    HashListChange.objects.bulk_create(changes)
    added = sum(1 for c in changes if c.action == HashListAction.ADDED)
    audit_record(
        action="hashlist.updated",
        actor=actor,
        case_id=case.pk,
        data={"added": added, "withdrawn": len(changes) - added},
        now=now,
    )
    return len(changes)
