from rest_framework.throttling import SimpleRateThrottle

from .authentication import ApiClient


class PerClientThrottle(SimpleRateThrottle):
    """Per platform or partner, counted in the shared cache so every web process counts
    together. Rates: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["platform" / "partner"]."""

    def get_cache_key(self, request, view):
        client = request.user
        if not isinstance(client, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.owner_label}


class PlatformThrottle(PerClientThrottle):
    scope = "platform"


class PartnerThrottle(PerClientThrottle):
    scope = "partner"
