"""Production: PostgreSQL, Redis, separate web / worker / beat processes.

Refuses to start without its secrets (ImproperlyConfigured), and passes
``manage.py check --deploy``.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import REDIS_URL, SECRET_KEY, TAKEDOWN_KEKS, env

DEBUG = False

_missing = [
    name
    for name, value in (
        ("SECRET_KEY", SECRET_KEY),
        ("ALLOWED_HOSTS", env.str("ALLOWED_HOSTS", default="")),
        ("TAKEDOWN_KEKS", TAKEDOWN_KEKS),
        # Without Redis each container would queue tasks on its own disk: beat's tasks
        # would never reach a worker.
        ("REDIS_URL", REDIS_URL),
    )
    if not value
]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")
if "change-me" in SECRET_KEY or "change-me" in TAKEDOWN_KEKS:
    raise ImproperlyConfigured(
        "SECRET_KEY or TAKEDOWN_KEKS is still the .env.example placeholder: generate real ones."
    )

# /metrics answers only with its bearer token.
METRICS_REQUIRE_TOKEN = True
# Webhooks only over TLS in production, and not into the deployment's own network
# (cloud metadata, the database, admin ports) unless the operator says so.
WEBHOOK_ALLOW_HTTP = False
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
LOG_JSON = env.bool("LOG_JSON", default=True)
from takedown.core.logging import build_logging  # noqa: E402

LOGGING = build_logging(json=LOG_JSON, level=env.str("LOG_LEVEL", default="INFO"))
