import math

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

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if self.rate is not None and getattr(self, "key", None) is not None:
            # What the client has left, for the RateLimit-* headers
            # (takedown.core.middleware.RateLimitHeadersMiddleware writes them).
            oldest = self.history[-1] if self.history else self.now
            request._request.rate_limit = (
                self.num_requests,
                max(self.num_requests - len(self.history), 0),
                max(math.ceil(oldest + self.duration - self.now), 0),
            )
        return allowed


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
