"""State machines as data: which action may move an entity from which states, to which.

Each app writes its tables once (``cases/transitions.py``, ``evidence/transitions.py``)
and everyone asks them: the service that performs a move (``require`` / ``move``), the
view or template that decides which buttons to show (``can``, the ``can`` filter), and
the test that tries every (state, action) pair. Nothing else writes a status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import F
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import Conflict, InvalidTransition

MACHINES: dict[type[models.Model], Machine] = {}


@dataclass(frozen=True, kw_only=True)
class Move:
    """``to=None``: the action is allowed from these states and leaves the status as it is."""

    from_: frozenset[str]
    to: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "from_", frozenset(self.from_))


class Machine:
    """The moves of one model's status field. ``event`` prefixes the audit action
    (``case.assessed`` for the move ``assessed`` of the machine with event ``case``)."""

    def __init__(
        self, model: type[models.Model], *, event: str, moves: dict[str, Move], field="status"
    ):
        self.model, self.event, self.moves, self.field = model, event, moves, field
        self.states = tuple(value for value, _label in self._choices())
        for name, move in self.moves.items():
            unknown = (move.from_ | {move.to} - {None}) - set(self.states)
            if unknown:
                raise ValueError(f"{self.event}.{name}: unknown states {sorted(unknown)}")
        MACHINES[self.model] = self

    def can(self, obj: models.Model, action: str) -> bool:
        return getattr(obj, self.field) in self.moves[action].from_

    def require(self, obj: models.Model, action: str) -> Move:
        move = self.moves[action]
        if getattr(obj, self.field) not in move.from_:
            raise InvalidTransition(
                _("This is not possible while the %(what)s is %(state)s.")
                % {
                    "what": self.model._meta.verbose_name,
                    "state": self.display(getattr(obj, self.field)),
                }
            )
        return move

    def _choices(self):
        return self.model._meta.get_field(self.field).choices

    def display(self, state: str) -> str:
        return str(dict(self._choices()).get(state, state)).lower()

    def move(
        self,
        obj: models.Model,
        action: str,
        *,
        actor=None,
        now: datetime | None = None,
        fields: Iterable[str] = (),
        data: dict | None = None,
        audit: bool = True,
    ) -> None:
        """Check the move, write the new status (with ``fields`` the caller changed on
        the object) and record ``<event>.<action>`` with the state before and after.
        Call inside the service's transaction, on a row it has locked."""
        move = self.require(obj, action)
        before = getattr(obj, self.field)
        if move.to is not None:
            setattr(obj, self.field, move.to)
        update = {*fields} | ({self.field} if move.to is not None else set())
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            update.add("updated_at")
        if update:
            obj.save(update_fields=sorted(update))
        if audit:
            audit_record(
                action=f"{self.event}.{action}",
                actor=actor,
                obj=obj,
                data={"from": before, "to": getattr(obj, self.field), **(data or {})},
                now=now,
            )


def machine_for(obj: models.Model) -> Machine | None:
    return MACHINES.get(type(obj))


class Versioned:
    """A model whose ``version`` column is its optimistic lock (see ``lock``)."""


def lock(queryset: models.QuerySet, pk, *, expected_version: int | None = None):
    """Load a row for update. For a ``Versioned`` row, also check that nobody changed it
    since the caller loaded it (``expected_version``) and bump its version: the one
    optimistic lock of the project. Without an expected version the row is still bumped,
    so whoever holds an older version gets a conflict next."""
    row = queryset.select_for_update(of=("self",), no_key=True).get(pk=pk)
    if not isinstance(row, Versioned):
        return row
    if expected_version is not None and row.version != expected_version:
        raise Conflict(
            _(
                "%(what)s %(ref)s was changed by someone else while you were looking at it "
                "(it is now at version %(now)d, you had %(had)d). Reload it to see what "
                "changed; nothing you entered was saved."
            )
            % {
                "what": capfirst(row._meta.verbose_name),
                "ref": row,
                "now": row.version,
                "had": expected_version,
            }
        )
    type(row).objects.filter(pk=row.pk).update(version=F("version") + 1)
    row.version += 1
    return row
