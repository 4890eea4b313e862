"""The auditor's audit trail: the scoped events, filtered, paged, exported, and the
verdict on the hash chain."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import UTC

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import keyset, sentences
from .audit import audit_record, canonical_json, verify_chain
from .choices import Role
from .errors import ApplicationError
from .filtersets import AuditEventFilterSet
from .models import AuditEvent
from .security import client_ip
from .selectors import (
    audit_events_for,
    auditor_data,
    latest_chain_verdict,
    overseen_jurisdictions,
)
from .web import role_required

PAGE_SIZE = 50
EXPORT_CHUNK = 2000
RESTRICTED = "(restricted)"
EXPORT_COLUMNS = (
    "id",
    "occurred_at",
    "action",
    "actor_label",
    "object_type",
    "object_id",
    "case_id",
    "jurisdictions",
    "request_id",
    "ip",
    "hash",
    "prev_hash",
    "data",
)
# A spreadsheet would run a cell that starts like a formula; actor labels of failed
# logins are whatever an anonymous caller typed.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


auditor_required = role_required(Role.AUDITOR)
AUDIT_KEYS = [keyset.Key("id", descending=True)]


def _filterset(request: HttpRequest) -> AuditEventFilterSet:
    return AuditEventFilterSet(
        request.GET, queryset=audit_events_for(user=request.user), request=request
    )


@auditor_required
@require_GET
def trail(request: HttpRequest) -> HttpResponse:
    """Newest first, keyset-paged by id: page 2,000 costs what page 1 does."""
    filterset = _filterset(request)
    cursor = request.GET.get("after")
    events: list[AuditEvent] = []
    next_cursor = None
    if filterset.is_valid():
        try:
            events, next_cursor = keyset.page(
                filterset.qs, AUDIT_KEYS, after=cursor, size=PAGE_SIZE
            )
        except ApplicationError as error:
            raise Http404(error.detail) from error
    for event in sentences.described(events, detailed=False):
        data = auditor_data(event)
        event.restricted = data is None
        event.jurisdiction_list = ", ".join(filter(None, event.jurisdictions.split("|")))
        event.data_text = "" if data is None else json.dumps(data, ensure_ascii=False, indent=1)
    query = request.GET.copy()
    query.pop("after", None)
    export_query = query.urlencode()
    next_query = ""
    if next_cursor:
        query["after"] = next_cursor
        next_query = query.urlencode()
    return render(
        request,
        "audit/trail.html",
        {
            "filterset": filterset,
            "events": events,
            "verdict": latest_chain_verdict(),
            "jurisdictions": overseen_jurisdictions(request.user),
            "next_query": next_query,
            "first_query": export_query if cursor else None,
            "export_query": export_query,
        },
    )


@auditor_required
@require_POST
def verify_now(request: HttpRequest) -> HttpResponse:
    """Recompute the whole chain now and record the verdict, as the daily task does."""
    checked, broken = verify_chain()
    audit_record(
        action="audit.chain_verified",
        actor=request.user,
        data={"checked": checked, "intact": broken is None, "broken": str(broken or "")},
        ip=client_ip(request),
    )
    if broken is None:
        messages.success(
            request, _("The audit chain is intact: %(n)d events checked.") % {"n": checked}
        )
    else:
        messages.error(request, _("The audit chain is broken at %(where)s.") % {"where": broken})
    return redirect("audit:trail")


# --- Exports ----------------------------------------------------------------------------


def _utc(moment) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _row(event: AuditEvent) -> dict:
    data = auditor_data(event)
    return {
        "id": event.id,
        "occurred_at": _utc(event.occurred_at),
        "action": event.action,
        "actor_label": event.actor_label,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "case_id": event.case_id,
        "jurisdictions": event.jurisdictions,
        "request_id": event.request_id,
        "ip": event.ip,
        "hash": event.hash,
        "prev_hash": event.prev_hash,
        "data": RESTRICTED if data is None else data,
    }


class _Echo:
    """csv.writer writes into this and gets the line back, to be streamed."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return canonical_json(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return f"'{value}"
    return str(value)


def _csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(EXPORT_COLUMNS)
    for event in events:
        row = _row(event)
        yield writer.writerow([_csv_cell(row[column]) for column in EXPORT_COLUMNS])


def _json_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    yield "["
    separator = "\n"
    for event in events:
        yield separator + json.dumps(_row(event), ensure_ascii=False, cls=DjangoJSONEncoder)
        separator = ",\n"
    yield "\n]\n"


_FORMATS = {
    "csv": ("text/csv; charset=utf-8", _csv_lines),
    "json": ("application/json", _json_lines),
}


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    filterset = _filterset(request)
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            json.dumps(filterset.errors.get_json_data()), content_type="application/json"
        )
    filters = {key: value[:200] for key, value in request.GET.items() if value and key != "after"}
    # The export is recorded first and covers the events before its own record, so the
    # record says exactly what left: these filters, over the events up to it.
    record = audit_record(
        action="audit.exported",
        actor=request.user,
        data={"format": fmt, "filters": filters},
        ip=client_ip(request),
    )
    events = filterset.qs.filter(id__lt=record.id).order_by("id").iterator(chunk_size=EXPORT_CHUNK)
    content_type, render_lines = _FORMATS[fmt]
    response = StreamingHttpResponse(render_lines(events), content_type=content_type)
    stamp = timezone.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    scope = "-".join(overseen_jurisdictions(request.user))
    response["Content-Disposition"] = f'attachment; filename="audit-{scope}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@auditor_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@auditor_required
@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    return _export(request, "json")
