from rest_framework.permissions import BasePermission

from .authentication import ApiClient


class IsPlatformClient(BasePermission):
    message = "This endpoint is for platforms' API keys."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, ApiClient) and request.user.platform is not None


class IsIntakeClient(BasePermission):
    """Intake partners, and platforms filing self-reports."""

    message = "This endpoint is for intake partners' and platforms' API keys."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, ApiClient)
