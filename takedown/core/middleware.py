import re
import uuid
import zoneinfo
from urllib.parse import unquote_to_bytes

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .api.deprecation import deprecation_of
from .logging import request_id_var

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Takes a sane ``X-Request-ID`` from the proxy or makes one; logs and tasks carry it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class UserPreferencesMiddleware:
    """Speaks the signed-in user's language, when they chose one (else LocaleMiddleware's
    pick from the cookie or the browser stands), and shows times in their timezone;
    stored times stay UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if language := getattr(user, "language", ""):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        tzname = getattr(user, "timezone", "") or ""
        try:
            timezone.activate(zoneinfo.ZoneInfo(tzname)) if tzname else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            timezone.deactivate()
        return self.get_response(request)


class AuditDeniedMiddleware:
    """A signed-in user refused something (403) is a failed authorisation: audited."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied

        if isinstance(exception, PermissionDenied) and request.user.is_authenticated:
            audit_denied(request, actor=request.user, reason="forbidden")


def audit_denied(request, *, actor, reason: str) -> None:
    from .audit import audit_record
    from .security import client_ip

    audit_record(
        action="auth.denied",
        actor=actor,
        data={"method": request.method, "path": request.path[:300], "reason": reason},
        ip=client_ip(request),
    )


class NoStoreMiddleware:
    """Pages and API answers carry case data: no browser or proxy may keep a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response


class RefuseNulMiddleware:
    """A NUL character in the path or the query string is a 400 before anything reads
    it: PostgreSQL can neither store nor compare one (a lookup, a filter or the audit
    record of a refusal would fail with a 500). A problem document under ``/api/``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(
            request.META.get("QUERY_STRING", "")
        ):
            return _nul_refused(request)
        return self.get_response(request)


def _nul_refused(request):
    from django.core.exceptions import BadRequest
    from django.views.defaults import bad_request

    detail = _("The path or query string contains a NUL character.")
    if request.path.startswith("/api/"):
        from .api.errors import problem_json

        return problem_json(
            status_code=400, code="malformed_request", request=request, detail=detail
        )
    return bad_request(request, BadRequest(detail))


class DeprecationHeadersMiddleware:
    """``Deprecation`` and ``Sunset`` on every answer of an operation that is going
    (takedown/core/api/deprecation.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and (deprecation := deprecation_of(match.func)) is not None:
            for name, value in deprecation.headers().items():
                response[name] = value
        return response


class RateLimitHeadersMiddleware:
    """``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset`` (seconds until
    the window frees a request) on every response to a throttled API client, from what
    its throttle counted (liaison/api/throttling.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        limit = getattr(request, "rate_limit", None)
        if limit is not None:
            for name, value in zip(("Limit", "Remaining", "Reset"), limit, strict=True):
                response[f"RateLimit-{name}"] = str(value)
        return response
