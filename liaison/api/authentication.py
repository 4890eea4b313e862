"""``Authorization: Bearer <key>`` for platforms and intake partners.

Keys are stored only as hashes (djangorestframework-api-key). A missing, revoked,
expired or unknown key is a 401 with ``WWW-Authenticate: Bearer`` — the library's own
permission class answers 403, which is not the contract.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from liaison.models import ApiKey, Authority, Platform


@dataclass(frozen=True)
class ApiClient:
    """The principal behind an API key: a platform or an intake partner."""

    key: ApiKey

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False

    @property
    def platform(self) -> Platform | None:
        return self.key.platform

    @property
    def partner(self) -> Authority | None:
        return self.key.partner

    @property
    def owner_label(self) -> str:
        if self.platform is not None:
            return f"platform:{self.platform.slug}"
        return f"partner:{self.partner.pk}"

    def __str__(self) -> str:
        return self.owner_label

    def has_role(self, _role) -> bool:
        return False


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None  # not ours: the session or nobody
        token = token.strip()
        if not token:
            raise exceptions.AuthenticationFailed(_("The bearer token is empty."))
        try:
            key = ApiKey.objects.get_from_key(token)
        except ApiKey.DoesNotExist as exc:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked API key.")) from exc
        if key.has_expired:
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        if key.platform is not None and not key.platform.is_active:
            raise exceptions.AuthenticationFailed(_("This platform is not active."))
        return ApiClient(key), key

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="takedown"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents the bearer key in the OpenAPI schema."""

    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key minted for your platform or organisation.",
        }
