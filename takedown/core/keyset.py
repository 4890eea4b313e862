"""Keyset pagination: a page continues after the last row of the one before, so page
2,000 costs what page 1 does (OFFSET would walk every row before it).

An ordering is a list of ``Key``s; the cursor carries the last row's values, encoded
opaquely. The triage queue (HTML and API) and the audit trail page this way.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections
from django.db.models import BooleanField, F, IntegerField, Q, QuerySet
from django.utils.translation import gettext as _

from .errors import ValidationFailed


class BadCursor(ValidationFailed):
    code = "validation_failed"


@dataclass(frozen=True)
class Key:
    field: str
    descending: bool = False
    nullable: bool = False  # nulls sort last, on every database

    @property
    def order_by(self):
        expression = F(self.field)
        if self.descending:
            return expression.desc(nulls_last=True if self.nullable else None)
        return expression.asc(nulls_last=True if self.nullable else None)


def ordered(queryset: QuerySet, keys: list[Key]) -> QuerySet:
    return queryset.order_by(*(key.order_by for key in keys))


def encode(row, keys: list[Key]) -> str:
    values = []
    for key in keys:
        value = getattr(row, key.field)
        values.append(value.isoformat() if isinstance(value, datetime) else value)
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def _no_constant(name: str):
    raise ValueError(f"{name} is not a cursor value")


def _value(key: Key, model_field, value, ops):
    """One position of the cursor: a JSON scalar of the key's own kind (what ``encode``
    writes), converted as the field converts it; anything else is not a cursor."""
    if value is None:
        if key.nullable:
            return None
        raise ValueError("null for a key that is never null")
    if isinstance(value, bool) != isinstance(model_field, BooleanField):
        raise ValueError("a boolean where none belongs, or none where one does")
    if not isinstance(value, str | int | float):
        raise ValueError("not a scalar")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number")  # 1e999 parses as infinity
    if isinstance(model_field, IntegerField):
        low, high = ops.integer_field_range(model_field.get_internal_type())
        too_low = low is not None and isinstance(value, int) and value < low
        too_high = high is not None and isinstance(value, int) and value > high
        if not isinstance(value, int) or too_low or too_high:
            raise ValueError("not an integer the column can hold")
    return model_field.to_python(value)


def _decode(text: str, keys: list[Key], queryset: QuerySet) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(text.encode()), parse_constant=_no_constant)
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError
        model, ops = queryset.model, connections[queryset.db].ops
        return [
            _value(key, model._meta.get_field(key.field), value, ops)
            for key, value in zip(keys, values, strict=True)
        ]
    except (ValueError, TypeError, OverflowError, DjangoValidationError) as exc:
        raise BadCursor(fields={"after": [_("This page cursor is not valid.")]}) from exc


def _after(key: Key, value) -> Q:
    """Rows strictly after ``value`` in this key's direction (nulls last)."""
    if value is None:
        return Q(pk__in=[])  # only nulls follow a null, and they are equal
    later = Q(**{f"{key.field}__{'lt' if key.descending else 'gt'}": value})
    return later | Q(**{f"{key.field}__isnull": True}) if key.nullable else later


def _equal(key: Key, value) -> Q:
    return Q(**{f"{key.field}__isnull": True}) if value is None else Q(**{key.field: value})


def page(queryset: QuerySet, keys: list[Key], *, after: str | None, size: int):
    """One page of the ordered queryset and the cursor of the next (None on the last)."""
    queryset = ordered(queryset, keys)
    if after:
        values = _decode(after, keys, queryset)
        condition = Q(pk__in=[])
        for position, key in enumerate(keys):
            prefix = Q()
            for earlier, value in zip(keys[:position], values[:position], strict=True):
                prefix &= _equal(earlier, value)
            condition |= prefix & _after(key, values[position])
        queryset = queryset.filter(condition)
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, encode(rows[-1], keys) if more else None
