"""JSON bodies with limits a client learns before anything is parsed: a size checked
before the body is read (``API_MAX_BODY_BYTES``) and a nesting depth checked before the
parser recurses (``API_MAX_JSON_DEPTH``)."""

from __future__ import annotations

import io
import re

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

# What a depth scan has to look at: brackets, and quotes and backslashes (strings).
_STRUCTURE = re.compile(rb'[\[\]{}"\\]')


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self, detail=None, code=None):
        super().__init__(detail or _too_large(), code)


def refuse_oversized(request) -> None:
    """Before the body is read: a declared length over the limit is refused."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > settings.API_MAX_BODY_BYTES:
        raise PayloadTooLarge(_too_large())


def _too_large() -> str:
    return f"The body is larger than {settings.API_MAX_BODY_BYTES // 2**20} MiB."


def nesting_depth_exceeds(data: bytes, limit: int) -> bool:
    """True when arrays and objects nest deeper than ``limit`` (brackets inside strings
    do not count). Visits only structural bytes, so it is fast on large bodies."""
    depth, in_string, skip_to = 0, False, -1
    for match in _STRUCTURE.finditer(data):
        at = match.start()
        if at < skip_to:
            continue  # the character after a backslash
        char = data[at]
        if in_string:
            if char == 0x5C:  # backslash: the next character is escaped
                skip_to = at + 2
            elif char == 0x22:
                in_string = False
        elif char == 0x22:
            in_string = True
        elif char in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif char in (0x5D, 0x7D):
            depth -= 1
    return False


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        if request is not None:
            refuse_oversized(request)
        data = stream.read(settings.API_MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(data) > settings.API_MAX_BODY_BYTES:
            raise PayloadTooLarge(_too_large())
        if nesting_depth_exceeds(data, settings.API_MAX_JSON_DEPTH):
            raise exceptions.ParseError(
                f"JSON nested deeper than {settings.API_MAX_JSON_DEPTH} levels is refused."
            )
        return super().parse(io.BytesIO(data), media_type, parser_context)
