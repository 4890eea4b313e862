from rest_framework.permissions import BasePermission

from .authentication import ApiClient
from .throttling import PlatformThrottle


class IsPlatformClient(BasePermission):
    message = "This endpoint is for platforms' API keys."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, ApiClient) and request.user.platform is not None


class IsIntakeClient(BasePermission):
    """Intake partners, and platforms filing self-reports."""

    message = "This endpoint is for intake partners' and platforms' API keys."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, ApiClient)


# Base of every view for a platform's key: only platforms, each throttled on its own.
# (A comment, not a docstring: the schema would take a docstring as every view's text.)
class PlatformView:
    permission_classes = [IsPlatformClient]
    throttle_classes = [PlatformThrottle]
