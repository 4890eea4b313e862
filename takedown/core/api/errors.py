"""One exception handler: every API error is an ``application/problem+json`` document
(RFC 9457) with a stable ``code``."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from takedown.core.errors import ApplicationError

from .parsers import PayloadTooLarge

PROBLEM_BASE = "https://takedown.example.org/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_document(
    *, status_code: int, code: str, title: str, detail: str = "", fields=None
) -> dict:
    """The one shape of every API error (the DRF handler, plain views, middleware)."""
    body = {
        "type": PROBLEM_BASE + code,
        "title": str(title),
        "status": status_code,
        "detail": str(detail or title),
        "code": code,
    }
    if fields:
        body["errors"] = fields
    return body


def problem_response(
    *, status_code: int, code: str, title: str, detail: str = "", fields=None, headers=None
) -> Response:
    body = problem_document(
        status_code=status_code, code=code, title=title, detail=detail, fields=fields
    )
    response = Response(body, status=status_code, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_json(*, status_code: int, code: str, title: str) -> JsonResponse:
    """The same document from outside DRF (URL resolution, middleware)."""
    return JsonResponse(
        problem_document(status_code=status_code, code=code, title=title),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


_DRF_CODES = {
    PayloadTooLarge: "payload_too_large",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ParseError: "malformed_request",
    exceptions.ValidationError: "validation_failed",
}


def problem_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        return problem_response(
            status_code=exc.status,
            code=exc.code,
            title=exc.title,
            detail=exc.detail,
            fields=exc.fields,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    _audit_refusal(exc, context)
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            status_code=status.HTTP_400_BAD_REQUEST,
            code=code,
            title="The input is not valid.",
            detail="One or more fields are not valid; see errors.",
            fields=exc.detail,
            headers=response.headers,
        )
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return problem_response(
        status_code=response.status_code,
        code=code,
        title=detail,
        detail=detail,
        headers={k: v for k, v in response.items()},
    )


def _audit_refusal(exc, context) -> None:
    """Refused API calls are failed authorisations: a bad or revoked key, or a caller
    without the right. (No credentials at all is not recorded: it is just noise.)"""
    from takedown.core.middleware import audit_denied

    request = context.get("request")
    if request is None:
        return
    if isinstance(exc, exceptions.AuthenticationFailed):
        audit_denied(request, actor="anonymous:bad-api-key", reason=str(exc.detail))
    elif isinstance(exc, exceptions.PermissionDenied) and request.user.is_authenticated:
        audit_denied(request, actor=request.user, reason="forbidden")
