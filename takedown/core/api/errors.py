"""One exception handler: every API error is an ``application/problem+json`` document
(RFC 9457) with a stable ``code``."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, JsonResponse
from django.urls import reverse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from takedown.core.errors import ApplicationError

from .parsers import PayloadTooLarge
from .problems import CATALOGUE, title_of

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_type(code: str, request=None) -> str:
    """The code's page in this installation's problem catalogue (absolute when the
    request is known)."""
    path = reverse("problem", args=[code]) if code in CATALOGUE else reverse("problems")
    return request.build_absolute_uri(path) if request is not None else path


def problem_document(
    *, status_code: int, code: str, title: str = "", detail: str = "", fields=None, request=None
) -> dict:
    """The one shape of every API error (the DRF handler, plain views, middleware): the
    catalogue's title for the code, and what went wrong this time in ``detail``."""
    title = title_of(code, str(title))
    body = {
        "type": problem_type(code, request),
        "title": title,
        "status": status_code,
        "detail": str(detail or title),
        "code": code,
    }
    if fields:
        body["errors"] = fields
    return body


def problem_response(
    *,
    status_code: int,
    code: str,
    title: str = "",
    detail: str = "",
    fields=None,
    headers=None,
    request=None,
) -> Response:
    body = problem_document(
        status_code=status_code,
        code=code,
        title=title,
        detail=detail,
        fields=fields,
        request=request,
    )
    response = Response(body, status=status_code, headers=headers)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def problem_json(*, status_code: int, code: str, request, detail: str = "") -> JsonResponse:
    """The same document from outside DRF (URL resolution, middleware)."""
    return JsonResponse(
        problem_document(status_code=status_code, code=code, detail=detail, request=request),
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
    request = context.get("request")
    if isinstance(exc, ApplicationError):
        return problem_response(
            status_code=exc.status,
            code=exc.code,
            title=exc.title,
            detail=exc.detail,
            fields=exc.fields,
            request=request,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE), met when DRF reads the body
        # before the parser's check: the same 413 as the parser's, not an HTML 400.
        exc = PayloadTooLarge()
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(str(exc))
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    _audit_refusal(exc, context)
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            status_code=status.HTTP_400_BAD_REQUEST,
            code=code,
            detail="One or more fields are not valid; see errors.",
            fields=exc.detail,
            headers=response.headers,
            request=request,
        )
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return problem_response(
        status_code=response.status_code,
        code=code,
        title=detail,
        detail=detail,
        headers={k: v for k, v in response.items()},
        request=request,
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
