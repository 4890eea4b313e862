"""``Idempotency-Key`` for POSTs: a retry with the same key gets the stored response; the
same key with a different body is a 422. The key is claimed in the same transaction as
the work, so a concurrent retry waits for the first request and then replays it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from takedown.core.audit import atomic
from takedown.core.errors import ApplicationError
from takedown.core.models import IdempotencyRecord

from .parsers import refuse_oversized

# 1 to 255 printable ASCII characters, no spaces: the schema states the same pattern.
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
KEY_SHAPE = re.compile(KEY_PATTERN)

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN},
    OpenApiParameter.HEADER,
    required=False,
    description="Makes a retried POST return the first response instead of acting twice: "
    "1 to 255 printable ASCII characters, no spaces.",
)


class IdempotencyKeyReused(ApplicationError):
    code = "idempotency_key_reused"
    title = "This Idempotency-Key was used with a different request."
    status = 422


class InvalidIdempotencyKey(ApplicationError):
    code = "invalid_idempotency_key"
    title = "The Idempotency-Key header must be 1 to 255 printable ASCII characters, no spaces."
    status = 400


def _fingerprint(request: Request) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    if not request.content_type.startswith("multipart/"):
        digest.update(request._request.body)  # read before DRF parses the stream
        return digest.hexdigest()
    digest.update(repr(sorted(request.POST.items())).encode())
    for name, upload in sorted(request.FILES.items()):
        digest.update(name.encode())
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


def idempotent(
    request: Request, *, owner: str, handler: Callable[[], Response]
) -> Response | HttpResponse:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return handler()
    if not KEY_SHAPE.fullmatch(key):
        raise InvalidIdempotencyKey()
    refuse_oversized(request)  # the fingerprint reads the body: check its size first
    fingerprint = _fingerprint(request)
    with atomic():  # the audit log's: the handler's events are chained at the commit
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    owner=owner, key=key, request_hash=fingerprint
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.select_for_update().get(owner=owner, key=key)
            if record.request_hash != fingerprint:
                raise IdempotencyKeyReused() from None
            return _answer(record, replayed=True)
        response = handler()  # an exception rolls the claim back: the retry runs afresh
        record.status_code = response.status_code
        record.response_content = JSONRenderer().render(response.data).decode()
        record.save(update_fields=["status_code", "response_content"])
    return _answer(record, replayed=False)


def _answer(record: IdempotencyRecord, *, replayed: bool) -> HttpResponse:
    """The stored bytes, the first time and on every replay."""
    response = HttpResponse(
        record.response_content, status=record.status_code, content_type="application/json"
    )
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response
