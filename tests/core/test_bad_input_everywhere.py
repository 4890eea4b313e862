"""No input reaches a 500 (issue 18, item 4): hostile values sent to every URL pattern.

The patterns come from the URL conf itself (``get_resolver().url_patterns``, walked
through every ``include``, the admin's own URLs too), so an endpoint is covered the day it
is added; their real parameters come from the access matrix's world and ``KWARGS`` (a
stand-in where a pattern has none yet). Senders: an officer, a prosecutor, an auditor, an
operator, anonymous; under ``/api/`` also a platform's and a partner's key.

- Paths: each parameter in turn hostile, the others real: NUL, ``x<NUL>y``, 300
  characters and ``²`` for str/slug/path/uuid/regex parameters, 99999999999999999999 for
  int ones.
- Queries: on the real URL, the names the project's views, filter sets and admin filters
  read (each NUL, ``²`` or 5,000 characters) and the paging cursors (``after``,
  ``cursor``: a base64url ``[true, null, Infinity]``), all names at once; then one at a
  time every name the view was seen to look up (QueryDict records them), so that one
  early refusal hides no other. The admin's changelists get each filter alone (its
  ``list_filter``, e.g. ``/admin/cases/case/?status=%00``), its add pages their fields.
- Forms: every field name of the project's forms hostile at once; then each field the
  view looked up hostile in an otherwise plausible form, also as long as any form allows
  (which must fit the column).
- JSON under ``/api/``: nested 1,000 levels, NUL in strings and keys, odd constants, not
  JSON, hostile paths, and an 11 MiB body (a 413 problem document, not an HTML 400). Any
  4xx under ``/api/`` must be an ``application/problem+json`` document.

Who cannot open the real URL (a sign-in redirect, 401, 403, 404, 405) gets the plain
request and the hostile paths; the rounds after go to those the view lets in (the first
round to at most three of them, the one-at-a-time round to one). Every request runs in a
savepoint rolled back after it, its cookies put back, so a POST that acts (or a logout)
leaves nothing behind. A 4xx is fine; a 5xx, or an exception out of the view, is a
failure: all of a sweep's failures are reported in one assertion.

SQLite accepts what PostgreSQL refuses, so PostgreSQL's refusals are replayed here: a
query parameter with a NUL character (psycopg: "A string literal cannot contain NUL
(0x00) characters"; ``\\u0000`` in a jsonb value), and a saved string longer than its
column (``value too long for type character varying``).
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import os
import re
import time
import traceback
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import pre_save
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from liaison.models import LiaisonDesk
from tests.conftest import login
from tests.test_access_matrix import KWARGS, _stored_files, build_world

WEB_USERS = ("anonymous", "desk_officer", "prosecutor", "auditor", "operator")
API_KEYS = ("platform_a", "partner")  # only under /api/
# The API's JSON bodies: its three kinds of callers, and a stranger (a session sees the
# same parsers whoever it belongs to).
JSON_SENDERS = ("anonymous", "desk_officer", *API_KEYS)

# The first round (every name at once) goes to this many of those the view lets in (a
# public page lets in everyone, and parses alike for all).
FIRST_ROUND_SENDERS = 3

NUL = "\x00"
HUGE_INT = "99999999999999999999"
PATH_VALUES = (NUL, f"x{NUL}y", "p" * 300, "²")
ADMIN_PATH_VALUES = (NUL, "p" * 300, "²")  # the same view for every model: fewer values
QUERY_VALUES = (NUL, "²", "q" * 5000)
ODD_CURSOR = base64.urlsafe_b64encode(b"[true, null, Infinity]").decode()
CURSOR_NAMES = ("after", "cursor")
NIL_UUID = "00000000-0000-0000-0000-000000000000"

# The query parameters the project's views read (request.GET, query_params, the filter
# sets of the queue, the audit trail, the outbox, the transparency pages and the API).
QUERY_NAMES = (
    # cases/filtersets.py (the queue, HTML and API)
    "q",
    "status",
    "jurisdiction",
    "platform",
    "acute",
    "assignee",
    # takedown/core/filtersets.py (the audit trail and its exports)
    "category",
    "action",
    "actor",
    "case_id",
    "object_type",
    "occurred_at_after",
    "occurred_at_before",
    # cases/api/platform_views.py, liaison/api/views.py
    "kind",
    "purpose",
    "authority",
    # deadlines/views.py, cases/views_transparency.py, views_auth.py
    "page",
    "period",
    "format",
    "next",
    "step_up",
    # keyset and DRF cursors
    *CURSOR_NAMES,
)
# What the admin's changelists and change forms read besides their list_filter fields.
ADMIN_QUERY_NAMES = ("q", "o", "p", "_changelist_filters", "_to_field", "_popup")

APPS = ("cases", "evidence", "liaison", "deadlines", "takedown")

MiB = 2**20


# --- The URL patterns -------------------------------------------------------------------


@dataclass
class Pattern:
    name: str | None
    route: str  # as written, e.g. "cases/<str:reference>/" or "admin/^(?P<url>.*)$"
    converters: dict = field(default_factory=dict)
    regex_groups: dict = field(default_factory=dict)  # name -> the group's body

    @property
    def label(self) -> str:
        return self.name or self.route

    @property
    def params(self) -> list[str]:
        return [*self.converters, *self.regex_groups]

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")


_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<parameter>\w+)>(?P<body>(?:[^()]|\([^()]*\))*)\)")


def _walk(entries, prefix="", namespace=None, converters=None) -> Iterator[Pattern]:
    for entry in entries:
        found = {**(converters or {}), **getattr(entry.pattern, "converters", {})}
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, route, inner, found)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            groups = {m["parameter"]: m["body"] for m in _REGEX_GROUP.finditer(route)}
            yield Pattern(name, route, found, groups)


def url_patterns() -> list[Pattern]:
    """Every pattern of the URL conf, the admin's included; not static/media files."""
    return [
        pattern
        for pattern in _walk(get_resolver().url_patterns)
        if not pattern.route.lstrip("^").startswith(("static/", "media/"))
    ]


def _fill(pattern: Pattern, values: dict[str, str]) -> str:
    """The path with each parameter replaced by its (already URL-encoded) value."""
    path = _ROUTE_PARAM.sub(lambda m: values[m["parameter"]], pattern.route)
    path = _REGEX_GROUP.sub(lambda m: values[m["parameter"]], path)
    return "/" + path.replace("^", "").replace("$", "")


def _hostile_values(pattern: Pattern, parameter: str) -> list[str]:
    converter = pattern.converters.get(parameter)
    if isinstance(converter, IntConverter):
        return [HUGE_INT]
    raw = list(ADMIN_PATH_VALUES if pattern.is_admin else PATH_VALUES)
    if isinstance(converter, UUIDConverter):
        raw.append(NIL_UUID)
    return [quote(value, safe="") for value in raw]


def _admin_model(pattern: Pattern):
    """The model of an admin URL (``admin:cases_case_change``, or its unnamed
    ``admin/cases/case/<path:object_id>/``), or None."""
    for model in admin.site._registry:
        meta = model._meta
        if (pattern.name or "").startswith(f"admin:{meta.app_label}_{meta.model_name}_") or (
            pattern.route.startswith(f"admin/{meta.app_label}/{meta.model_name}/")
        ):
            return model
    return None


def real_kwargs(pattern: Pattern, w) -> dict[str, str]:
    """Real values for the pattern's parameters (URL-encoded): the access matrix's, the
    admin's first object, the admin's first app; a stand-in where none is known (the
    access matrix asks for every pattern to have its values)."""
    if not pattern.params:
        return {}
    if pattern.name in KWARGS:
        return {k: quote(str(v), safe="") for k, v in KWARGS[pattern.name](w).items()}
    model = _admin_model(pattern)
    if model is not None and set(pattern.params) <= {"object_id", "id"}:
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        return dict.fromkeys(pattern.params, quote(str(pk or 1), safe=""))
    stand_in = {
        name: NIL_UUID if isinstance(converter, UUIDConverter) else "1"
        for name, converter in pattern.converters.items()
    }
    for name, body in pattern.regex_groups.items():
        # The admin's app index (an alternation of app labels) and its catch-all.
        stand_in[name] = body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else "no-such-page"
    return stand_in


def real_path(pattern: Pattern, w) -> str:
    return _fill(pattern, real_kwargs(pattern, w))


def hostile_paths(pattern: Pattern, w) -> list[str]:
    """Each parameter hostile in turn, the others real."""
    real = real_kwargs(pattern, w)
    return [
        _fill(pattern, {**real, parameter: value})
        for parameter in pattern.params
        for value in _hostile_values(pattern, parameter)
    ]


# --- The names the views read -------------------------------------------------------------


def _project_classes(base: type) -> Iterator[type]:
    seen, todo = set(), list(base.__subclasses__())
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in APPS:
            yield cls


def project_form_fields() -> dict[str, forms.Field]:
    """Every field of the project's forms by name (the URL conf imported the views and
    their forms), the sign-in form's too; the first form's field where names repeat."""
    found: dict[str, forms.Field] = {
        "username": forms.CharField(),
        "password": forms.CharField(),
        "next": forms.CharField(),
    }
    for form in sorted(_project_classes(forms.BaseForm), key=lambda c: c.__qualname__):
        for name, form_field in getattr(form, "base_fields", {}).items():
            found.setdefault(name, form_field)
    return found


def form_max_lengths() -> dict[str, set[int]]:
    """Each field name's ``max_length``s over the project's forms: the longest value a
    form lets through must fit the column it is stored in."""
    found: dict[str, set[int]] = {}
    for form in _project_classes(forms.BaseForm):
        for name, form_field in getattr(form, "base_fields", {}).items():
            if getattr(form_field, "max_length", None):
                found.setdefault(name, set()).add(form_field.max_length)
    return found


def serializer_field_names() -> list[str]:
    names = set()
    for serializer in _project_classes(serializers.BaseSerializer):
        names.update(getattr(serializer, "_declared_fields", {}))
        meta_fields = getattr(getattr(serializer, "Meta", None), "fields", None)
        if isinstance(meta_fields, list | tuple):
            names.update(meta_fields)
    return sorted(names)


def admin_filter_names(model) -> tuple[list[str], list[str]]:
    """The changelist's filter parameters: (as written, as the admin's own links send
    them), e.g. (["status"], ["status__exact"])."""
    bare, exact = [], []
    for entry in admin.site._registry[model].list_filter:
        if isinstance(entry, tuple | list):
            entry = entry[0]
        if not isinstance(entry, str):
            bare.append(entry.parameter_name)
            continue
        last = get_fields_from_path(model, entry)[-1]
        bare.append(entry)
        exact.append(
            f"{entry}__{last.target_field.name}__exact" if last.is_relation else f"{entry}__exact"
        )
    return bare, exact


def admin_takes_a_form(pattern: Pattern) -> bool:
    name = pattern.name or ""
    return name.endswith(("_add", "_change", "_changelist", "_password_change")) or name in (
        "admin:login",
        "admin:password_change",
    )


def admin_form_names(pattern: Pattern) -> list[str]:
    """The fields of the admin's form for the pattern's model (its model's fields)."""
    model = _admin_model(pattern)
    if model is None:
        return []
    return [f.name for f in model._meta.get_fields() if f.concrete or f.many_to_many]


def plausible_form(fields: dict[str, forms.Field], w) -> dict[str, str | list[str]]:
    """A value each field would accept (or at least not trip on), so that one hostile
    field in an otherwise valid form reaches the service behind the form."""
    known = {
        "version": str(type(w.case).objects.get(pk=w.case.pk).version),
        "assignee": str(w.users["desk_officer"].pk),
        "platform": str(w.platform_a.pk),
        "items": [str(pk) for pk in w.case.items.values_list("pk", flat=True)],
        "to_desk": str(LiaisonDesk.objects.exclude(pk=w.case.lead_desk_id).order_by("pk")[0].pk),
        "to_authority": str(w.nl_police.pk),
        "receiver": str(w.nl_police.pk),
        "requested_authority": str(w.fr_police.pk),
        "session": "others",
    }
    return {
        name: known.get(name) or _plausible(form_field, name) for name, form_field in fields.items()
    }


def _plausible(form_field: forms.Field, name: str) -> str:
    if isinstance(form_field, forms.ModelChoiceField):
        return str(form_field.queryset.order_by("pk").values_list("pk", flat=True).last() or 1)
    if isinstance(form_field, forms.ChoiceField) and form_field.choices:
        values = [value for value, _label in form_field.choices if value not in ("", None)]
        return str(values[0]) if values else "1"
    if isinstance(form_field, forms.DateTimeField | forms.DateField):
        return timezone.now().date().isoformat()
    if isinstance(form_field, forms.IntegerField):
        return "1"
    if isinstance(form_field, forms.GenericIPAddressField):
        return "192.0.2.1"
    if isinstance(form_field, forms.BooleanField):
        return "on"
    if isinstance(form_field, forms.FileField):
        return ""
    return f"plausible {name}"


# --- Which names a view reads -----------------------------------------------------------


class _Reads:
    """The parameter names looked up by name (``get``, ``[]``, ``getlist``, ``in``) from
    any QueryDict while it is the current one. Going through all of them (``items()``:
    an export, a log line) is no look-up by name: the first round, with every name at
    once, is what such a view gets."""

    def __init__(self):
        self.names: set[str] = set()
        self.quiet = 0


_READS: _Reads | None = None

_LOOKUPS = ("__getitem__", "get", "getlist", "__contains__")
# Building, changing, copying or going through a QueryDict, or a link made from one.
_NOT_LOOKUPS = (
    "__init__",
    "__copy__",
    "__deepcopy__",
    "copy",
    "urlencode",
    "appendlist",
    "setlist",
    "setlistdefault",
    "setdefault",
    "__setitem__",
    "pop",
    "items",
    "lists",
    "values",
    "dict",
)


def _lookup(original):
    def tracked(self, *args, **kwargs):
        reads = _READS
        if reads is not None and not reads.quiet and args and isinstance(args[0], str):
            reads.names.add(args[0])
        return original(self, *args, **kwargs)

    return tracked


def _not_a_lookup(original):
    def quiet(self, *args, **kwargs):
        reads = _READS
        if reads is None:
            return original(self, *args, **kwargs)
        reads.quiet += 1
        try:
            result = original(self, *args, **kwargs)
            # items(), lists(), values() are generators: gone through here, still quiet.
            return iter(list(result)) if isinstance(result, Generator) else result
        finally:
            reads.quiet -= 1

    return quiet


@contextmanager
def reads_recorded():
    """While the sweep runs, QueryDict records the names looked up in it."""
    global _READS
    saved = {name: QueryDict.__dict__.get(name) for name in (*_LOOKUPS, *_NOT_LOOKUPS)}
    for name in _LOOKUPS:
        setattr(QueryDict, name, _lookup(getattr(QueryDict, name)))
    for name in _NOT_LOOKUPS:
        setattr(QueryDict, name, _not_a_lookup(getattr(QueryDict, name)))
    try:
        yield
    finally:
        _READS = None
        for name, method in saved.items():
            if method is None:
                delattr(QueryDict, name)
            else:
                setattr(QueryDict, name, method)


@contextmanager
def reading(reads: _Reads):
    global _READS
    _READS = reads
    try:
        yield reads
    finally:
        _READS = None


# --- PostgreSQL's refusals, on SQLite ----------------------------------------------------


class PostgresWouldRefuse(Exception):
    pass


def _refuse_nul(execute, sql, params, many, context):
    batches = params if many else [params]
    for batch in batches or ():
        values = batch.values() if isinstance(batch, dict) else batch or ()
        for value in values:
            if isinstance(value, str) and (NUL in value or "\\u0000" in value):
                raise PostgresWouldRefuse(
                    f"a NUL character in a query parameter: {value[:60]!r} (in {sql[:80]})"
                )
    return execute(sql, params, many, context)


def _refuse_overlong(sender, instance, raw=False, **kwargs):
    for model_field in instance._meta.concrete_fields:
        if isinstance(model_field, models.CharField) and model_field.max_length:
            value = getattr(instance, model_field.attname, None)
            if isinstance(value, str) and len(value) > model_field.max_length:
                raise PostgresWouldRefuse(
                    f"{sender.__name__}.{model_field.name}: {len(value)} characters "
                    f"for varchar({model_field.max_length})"
                )


# --- Sending ---------------------------------------------------------------------------


def _short(text: str) -> str:
    return text if len(text) <= 140 else f"{text[:100]}…({len(text)} chars)"


def _shown(value) -> str:
    if isinstance(value, list):
        return "[…]"
    if value == ODD_CURSOR:
        return "odd-cursor"
    value = value.replace(NUL, "<NUL>")
    return value if len(value) <= 12 else f"<{len(value)} chars>"


class Sweep:
    def __init__(self, world):
        self.world = world
        self.clients: dict[str, Client] = {}
        self.failures: list[str] = []
        self.sent = 0
        self.started = time.monotonic()

    def client(self, who: str) -> Client:
        if who not in self.clients:
            if who == "anonymous":
                client = Client()
            elif who in self.world.users:
                client = login(self.world.users[who])
            else:
                client = APIClient()
                client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.world.keys[who]}")
            client.raise_request_exception = False
            self.clients[who] = client
        return self.clients[who]

    def send(self, who: str, method: str, path: str, what: str = "", reads=None, **kwargs):
        """One request in a savepoint rolled back after it, with the client's cookies
        put back (a logout or a new session key is undone too); a 5xx is recorded."""
        self.sent += 1
        if self.sent % 250 == 0:
            cache.clear()  # throttle counters: 600 a minute per key
        client = self.client(who)
        cookies = copy.deepcopy(client.cookies)
        with transaction.atomic(), reading(reads or _Reads()):
            response = client.generic(method, path, **_form_encoded(kwargs))
            if response.streaming:
                b"".join(response.streaming_content)
            transaction.set_rollback(True)
        client.cookies = cookies
        if response.status_code >= 500:
            self._failed(who, method, path, what, response)
        elif path.startswith("/api/") and response.status_code >= 400:
            content_type = response.get("Content-Type", "")
            if not content_type.startswith("application/problem+json"):
                self.failures.append(
                    f"{method} {_short(path)} [{what}] as {who}: {response.status_code} "
                    f"{content_type or 'without a content type'}, not a problem document"
                )
        return response

    def _failed(self, who, method, path, what, response):
        exc_info = getattr(response, "exc_info", None)
        where = ""
        if exc_info:
            frames = [
                f
                for f in traceback.extract_tb(exc_info[2])
                if "/tests/" not in f.filename and "site-packages" not in f.filename
            ]
            if frames:
                where = f" at {os.path.relpath(frames[-1].filename)}:{frames[-1].lineno}"
            error = f"{type(exc_info[1]).__name__}: {_short(str(exc_info[1]))}"
        else:
            error = "(answered, no exception)"
        self.failures.append(
            f"{method} {_short(path)} [{what}] as {who}: {response.status_code} {error}{where}"
        )

    def check(self, sweep: str):
        """One assertion for all of the sweep's bad answers."""
        took = time.monotonic() - self.started
        bad = sorted(set(self.failures))
        assert not bad, (
            f"{sweep}: {len(bad)} bad answers among {self.sent} requests ({took:.0f}s):\n"
            + "\n".join(bad)
        )


def _form_encoded(kwargs: dict) -> dict:
    """A dict body as a urlencoded form (what a browser sends without files; parsed far
    faster than multipart, which matters for 5,000-character values)."""
    data = kwargs.get("data")
    if not isinstance(data, dict):
        return kwargs
    return {
        **kwargs,
        "data": urlencode(data, doseq=True),
        "content_type": "application/x-www-form-urlencoded",
    }


def reaches(response) -> bool:
    """The view let the sender in: not a sign-in redirect, 401, 403, 404 or 405."""
    if response.status_code in (401, 403, 404, 405):
        return False
    signing_in = response.get("Location", "").split("?")[0] in (
        reverse("login"),
        reverse("admin:login"),
    )
    return not (response.status_code in (301, 302) and signing_in)


def senders(pattern: Pattern) -> tuple[str, ...]:
    """Who sends: under /api/ the keys first (its callers), then the sessions."""
    return ("anonymous", *API_KEYS, *WEB_USERS[1:]) if pattern.is_api else WEB_USERS


def query_rounds(pattern: Pattern) -> tuple[list[dict], object]:
    """The first round (all names at once, the cursors), and what to send one name at a
    time once the first round showed which names the view reads."""
    model = _admin_model(pattern)
    if pattern.is_admin and model is not None and (pattern.name or "").endswith("_changelist"):
        bare, exact = admin_filter_names(model)
        first = [{name: NUL} for name in [*bare, *exact, "q"]]
        searched = ["q"] if admin.site._registry[model].search_fields else []
        later = [{name: v} for name in [*exact, *searched] for v in QUERY_VALUES[1:]]
        later += [{"o": "²"}, {"p": "²"}]
        return first, lambda reads: later
    if pattern.is_admin:  # the admin's own pages, alike for every model
        # An add form takes its initial values from the query: its fields too.
        # (Apart: a bad ``_to_field`` is refused before the form is made.)
        first = [dict.fromkeys(ADMIN_QUERY_NAMES, v) for v in (NUL, QUERY_VALUES[-1])]
        if (pattern.name or "").endswith("_add"):
            first += [dict.fromkeys(admin_form_names(pattern), v) for v in QUERY_VALUES[1:]]
        return first, (lambda reads: [])
    first = [dict.fromkeys(QUERY_NAMES, value) for value in QUERY_VALUES]
    first += [{name: ODD_CURSOR} for name in CURSOR_NAMES]

    def later(reads: _Reads) -> list[dict]:
        # The names it looked up, those it was never sent too (``lang``, say).
        names = sorted(reads.names)
        return [{name: value} for name in names for value in QUERY_VALUES]

    return first, later


def _describe(query: dict) -> str:
    if len(query) > 3:
        return f"all names={_shown(next(iter(query.values())))}"
    return "&".join(f"{name}={_shown(value)}" for name, value in query.items())


# --- The shared world -------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The access matrix's world, built once and rolled back at the end of the module."""
    before = _stored_files()
    cache.clear()
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)
    for path in _stored_files() - before:  # what an upload of the sweep left
        os.remove(path)


@pytest.fixture
def sweep(world, db):
    """While the requests run: what PostgreSQL would refuse, refused on SQLite too; the
    names each view reads, recorded."""
    pre_save.connect(_refuse_overlong, dispatch_uid="bad-input-overlong")
    try:
        with connection.execute_wrapper(_refuse_nul), reads_recorded():
            yield Sweep(world)
    finally:
        pre_save.disconnect(dispatch_uid="bad-input-overlong")


@pytest.fixture(autouse=True)
def _quiet(caplog):
    """Thousands of 4xx answers, and the 5xx under test: logging each is slow and noisy."""
    for logger in ("django.request", "django.security", "django.server", "axes"):
        caplog.set_level(logging.CRITICAL, logger=logger)


PATTERNS = url_patterns()


def test_the_sweep_covers_the_whole_url_conf(world):
    labels = {pattern.label for pattern in PATTERNS}
    assert len(PATTERNS) > 200, len(PATTERNS)
    assert {
        "admin:cases_case_changelist",
        "admin:cases_case_change",
        "admin:app_list",
        "api-reports",
        "cases:detail",
        "session-end",
    } <= labels
    assert all(real_path(pattern, world).startswith("/") for pattern in PATTERNS)


# --- The sweeps -------------------------------------------------------------------------


def test_no_hostile_path_or_query_reaches_a_500(sweep):
    w = sweep.world
    for pattern in PATTERNS:
        path = real_path(pattern, w)
        admitted = []
        for who in senders(pattern):
            if pattern.is_admin and who not in ("anonymous", "operator"):
                continue  # the admin turns everyone else away alike
            if reaches(sweep.send(who, "GET", path, "plain")):
                admitted.append(who)
        for who in admitted or ("anonymous",):
            for hostile in hostile_paths(pattern, w):
                sweep.send(who, "GET", hostile, f"{pattern.label}: path")
        first, later = query_rounds(pattern)
        reads = _Reads()
        for who in admitted[:FIRST_ROUND_SENDERS]:
            for query in first:
                sweep.send(who, "GET", f"{path}?{urlencode(query)}", _describe(query), reads)
        for query in later(reads) if admitted else ():
            sweep.send(admitted[0], "GET", f"{path}?{urlencode(query)}", _describe(query))
    sweep.check("paths and queries")


def test_no_hostile_form_reaches_a_500(sweep):
    w = sweep.world
    fields = project_form_fields()
    longest = form_max_lengths()
    plausible = plausible_form(fields, w)
    for pattern in PATTERNS:
        if pattern.is_api or (pattern.is_admin and not admin_takes_a_form(pattern)):
            continue  # JSON below; the admin's other pages show, or delete, and read no form
        path = real_path(pattern, w)
        admitted = []
        for who in ("operator",) if pattern.is_admin else WEB_USERS:
            if reaches(sweep.send(who, "POST", path, "plausible form", data=plausible)):
                admitted.append(who)
        if not pattern.is_admin:  # the admin looks objects up alike for GET and POST
            for who in admitted:
                for hostile in hostile_paths(pattern, w):
                    sweep.send(who, "POST", hostile, f"{pattern.label}: path", data=plausible)
        names = [*fields, *admin_form_names(pattern)]
        reads = _Reads()
        for who in admitted[:FIRST_ROUND_SENDERS]:
            for value in QUERY_VALUES[-1:] if pattern.is_admin else QUERY_VALUES:
                body = dict.fromkeys(names, value)
                sweep.send(who, "POST", path, f"every field={_shown(value)}", reads, data=body)
        if admitted and not pattern.is_admin:  # the admin's forms are Django's own
            read = sorted(reads.names)
            for name in read:
                # As long as a form allows where one limits the field (a longer value it
                # refuses), 5,000 characters where none does; NUL went to every field at
                # once (a form field refuses it first).
                allowed = ["m" * n for n in sorted(longest.get(name, ()))] or ["f" * 5000]
                for value in ("²", *allowed):
                    body = {**plausible, name: value}
                    sweep.send(admitted[0], "POST", path, f"{name}={_shown(value)}", data=body)
    sweep.check("forms")


def _nested(depth: int) -> bytes:
    return b'{"a": ' * depth + b"1" + b"}" * depth


def test_no_hostile_json_reaches_a_500(sweep):
    w = sweep.world
    names = serializer_field_names()
    item = dict.fromkeys(names, f"x{NUL}y")
    bodies = {
        "nested 1,000 levels": _nested(1000),
        "nested arrays 1,000 levels": b"[" * 1000 + b"]" * 1000,
        "NUL strings": json.dumps({**item, "items": [item]}).encode(),
        "NUL keys": json.dumps({f"k{NUL}": NUL, "items": [{NUL: NUL}]}).encode(),
        "² strings": json.dumps(
            {**dict.fromkeys(names, "²"), "items": [dict.fromkeys(names, "²")]}
        ).encode(),
        "long strings": json.dumps(dict.fromkeys(names, "j" * 5000)).encode(),
        "odd JSON": b'{"items": [true, null, Infinity, NaN, 1e999], "summary": -Infinity}',
        "not JSON": b"\x00\xff{",
    }
    too_large = b'{"summary": "' + b"x" * (11 * MiB) + b'"}'
    for pattern in PATTERNS:
        if not pattern.is_api:
            continue
        path = real_path(pattern, w)
        for who in JSON_SENDERS:
            small = sweep.send(who, "POST", path, "{}", data=b"{}", content_type="application/json")
            for what, body in bodies.items():
                sweep.send(who, "POST", path, what, data=body, content_type="application/json")
            for hostile in hostile_paths(pattern, w):
                sweep.send(
                    who,
                    "POST",
                    hostile,
                    f"{pattern.label}: path",
                    data=b"{}",
                    content_type="application/json",
                )
            if not reaches(small):
                continue
            response = sweep.send(
                who, "POST", path, "11 MiB", data=too_large, content_type="application/json"
            )
            # 413; a 415 where the endpoint takes no JSON (the CSV import) is as good.
            if (
                response.status_code not in (413, 415)
                or response["Content-Type"] != "application/problem+json"
            ):
                sweep.failures.append(
                    f"POST {path} [11 MiB] as {who}: {response.status_code} "
                    f"{response['Content-Type']}, not a 413 problem document"
                )
    sweep.check("json")


def test_a_nul_character_in_the_path_or_query_is_a_400(world, db):
    """PostgreSQL cannot store or even compare NUL: it is refused at the door."""
    cases = {
        "/cases/x%00y/": "text/html",
        "/cases/?q=%00": "text/html",
        "/admin/cases/case/?status=%00": "text/html",
        "/api/v1/cases/?q=a%00": "application/problem+json",
        "/api/v1/cases/TD%00/": "application/problem+json",
    }
    for who in ("anonymous", "desk_officer", "operator"):
        client = Client() if who == "anonymous" else login(world.users[who])
        for path, content_type in cases.items():
            response = client.get(path)
            assert response.status_code == 400, (path, who, response.status_code)
            assert response["Content-Type"].startswith(content_type), (
                path,
                response["Content-Type"],
            )
    response = login(world.users["desk_officer"]).get("/api/v1/cases/?q=%00")
    assert response.json()["code"] == "malformed_request"


@pytest.mark.parametrize(
    "values",
    [
        "[true, null, Infinity]",
        "[true, null, NaN]",
        "[true, null, 1e999]",
        "[true, null, [1]]",
        '[true, null, {"id": 1}]',
        "[1, null, 1]",  # a number where the boolean key is
        "[true, 1, 1]",  # a number where the date is
        "[true, null, null]",  # null for the id, which is never null
        "[true, null, 99999999999999999999999999]",
    ],
)
def test_a_cursor_that_is_not_one_is_a_bad_cursor(values, world, db):
    """Only what ``encode`` writes decodes: anything else is the client's error (a 400
    ``validation_failed`` in the API), never an OverflowError from int(inf)."""
    from cases.selectors import QUEUE_KEYS, case_queue
    from takedown.core import keyset

    cursor = base64.urlsafe_b64encode(values.encode()).decode()
    officer = world.users["desk_officer"]
    with pytest.raises(keyset.BadCursor):
        keyset.page(case_queue(officer), QUEUE_KEYS, after=cursor, size=1)
    response = login(officer).get(f"/api/v1/cases/?after={cursor}")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "validation_failed"


def test_a_cursor_of_the_api_still_pages(world, db):
    from cases.selectors import QUEUE_KEYS, case_queue
    from takedown.core import keyset

    queue = case_queue(world.users["desk_officer"])
    first, cursor = keyset.page(queue, QUEUE_KEYS, after=None, size=1)
    assert cursor is not None  # the world has more than one case in the queue
    second, _next = keyset.page(queue, QUEUE_KEYS, after=cursor, size=1)
    assert second and second[0].pk != first[0].pk
