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


class ClientThrottle(PerClientThrottle):
    """For endpoints every client uses (``whoami``): a platform's key counts against the
    platform rate, a partner's against the partner rate — the same buckets as the
    client's other calls, so no endpoint is a free probe."""

    scope = "partner"

    def allow_request(self, request, view):
        client = request.user
        if isinstance(client, ApiClient) and client.platform is not None:
            self.scope = PlatformThrottle.scope
            self.rate = self.get_rate()
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
