"""Settings shared by every environment.

Everything an operator may change comes from the environment through one
``environ.Env()``; secrets also accept a ``<NAME>_FILE`` variant (a mounted file).
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("TAKEDOWN_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")


def env_secret(name: str, default: str | None = None) -> str | None:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env_secret("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "bootstrap",
    "axes",
    "csp",
    "takedown.core",
    "liaison",
    "deadlines",
    "cases",
    "evidence",
    "demo",
]

MIDDLEWARE = [
    "takedown.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything looks the path or query up (static files, sessions, views, the
    # audit log): a NUL character in either is a 400.
    "takedown.core.middleware.RefuseNulMiddleware",
    "takedown.core.middleware.RateLimitHeadersMiddleware",
    "takedown.core.middleware.DeprecationHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "takedown.core.middleware.AuditDeniedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "takedown.core.security.StaffSessionMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "takedown.core.middleware.UserPreferencesMiddleware",
    "takedown.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "takedown.urls"
WSGI_APPLICATION = "takedown.wsgi.application"
ASGI_APPLICATION = "takedown.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "takedown.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------
# Embedded default: SQLite in WAL mode with immediate transactions, which lets the
# web process and the worker write at once without "database is locked" (STACK.md).
SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
    ),
    "transaction_mode": "IMMEDIATE",
}
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'takedown.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users ---------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Throttling and lockout of password guessing (django-axes), recorded in the audit log.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False

# The username axes counts failures under, cut to its column (takedown/core/security.py).
AXES_USERNAME_CALLABLE = "takedown.core.security.axes_username"
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none, the peer is
# the client). Lockout, the audit log and the session list use the address they saw.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "takedown.core.security.client_ip"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "takedown.core.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation and time ---------------------------------------------
LANGUAGE_CODE = "en"
# The network's working languages; a user's own choice (profile) wins over the
# browser's. Catalogues: locale/<code>/ (make messages; CI checks they are complete).
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Each language's date formats (takedown/formats/<code>/): templates name them
# (``|date:"DATETIME_FORMAT"``), never spell one.
FORMAT_MODULE_PATH = ["takedown.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Evidence goes through the storage API so an operator can point it at object
    # storage; content is stored only encrypted.
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "evidence")},
    },
}

# --- Sessions and cookies ------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Idle timeout: 30 minutes without a request; absolute: 12 hours after sign-in.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=1800)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: scripts and styles come from /static/ only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Cache ---------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Shared between the web process and the worker on one machine.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery --------------------------------------------------------------------
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="takedown")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Above the longest hard time limit, so an unacknowledged task is redelivered
        # only when its worker is really gone.
        "visibility_timeout": 3600,
    }
else:
    # Kombu's filesystem transport: worker and beat on one machine, no broker server.
    _BROKER_DIR = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://localhost//"  # a host named: kombu warns without one
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "queue"),
        "data_folder_out": str(_BROKER_DIR / "queue"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Seconds between deadline sweeps; the e2e test shortens it.
DEADLINE_SWEEP_SECONDS = env.float("DEADLINE_SWEEP_SECONDS", default=60.0)
NOTIFICATION_SCAN_SECONDS = env.float("NOTIFICATION_SCAN_SECONDS", default=60.0)
# A platform's question on a sandbox order is answered by itself after this long.
SANDBOX_ANSWER_DELAY_SECONDS = env.float("SANDBOX_ANSWER_DELAY_SECONDS", default=30.0)
# After the due time, the next roster level is told after each further interval.
ESCALATION_INTERVAL_MINUTES = env.int("ESCALATION_INTERVAL_MINUTES", default=240)
# Outbox delivery: attempts before a message becomes a dead letter; first retry delay.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)
NOTIFICATION_BACKOFF_SECONDS = env.float("NOTIFICATION_BACKOFF_SECONDS", default=30.0)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Plain-http webhook receivers: only for development and tests (production forbids them).
WEBHOOK_ALLOW_HTTP = env.bool("WEBHOOK_ALLOW_HTTP", default=True)
# Receivers on loopback, private or link-local addresses: development and tests run
# theirs on localhost; production refuses them unless the operator allows it.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=True)
# When set, webhooks go only to these hosts and their subdomains (empty: any host).
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])
# After a platform rotates its webhook secret, the old one keeps signing for this long.
WEBHOOK_SECRET_GRACE_HOURS = env.float("WEBHOOK_SECRET_GRACE_HOURS", default=24.0)
# The demo platforms' stand-in receiver at /demo/hooks/<slug>/ (demo/views.py).
DEMO_WEBHOOK_RECEIVER = env.bool("DEMO_WEBHOOK_RECEIVER", default=False)
# Bulk CSV intake: larger files are refused; files over INLINE_ROWS go to a worker.
BULK_IMPORT_MAX_BYTES = env.int("BULK_IMPORT_MAX_BYTES", default=50 * 2**20)
BULK_IMPORT_MAX_ROWS = env.int("BULK_IMPORT_MAX_ROWS", default=200_000)
BULK_IMPORT_INLINE_ROWS = env.int("BULK_IMPORT_INLINE_ROWS", default=500)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 2**20  # a JSON report of 10,000 items fits
# API JSON bodies: refused (413) over this size before they are read, and (400) when
# nested deeper than this before they are parsed (docs/platform-integration.md).
API_MAX_BODY_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
API_MAX_JSON_DEPTH = 32
FILE_UPLOAD_MAX_MEMORY_SIZE = 60 * 2**20  # a CSV is read in memory, then checked
# Evidence uploads: the largest file accepted (streamed, encrypted, never in clear).
EVIDENCE_MAX_UPLOAD_BYTES = env.int("EVIDENCE_MAX_UPLOAD_BYTES", default=2 * 2**30)
# Evidence images: at most this many pixels (read from the header; a larger one is
# refused before it is decoded). Decoding and hashing take ~26 bytes and ~0.1 s a
# megapixel, so 4096 x 4096 (16.8 MP: 4K/5K screenshots, 12 MP phone photos) stays near
# 0.45 GiB and 1.5 s, where a 9000 x 9000 PNG of a few hundred KB costs 2 GiB, 8 s.
EVIDENCE_MAX_IMAGE_PIXELS = env.int("EVIDENCE_MAX_IMAGE_PIXELS", default=4096 * 4096)
# Security keys and passkeys (WebAuthn): the relying party is this host unless set (set it
# when the site is reached under one public name behind a proxy). Roles that must
# register one: sent to /accounts/security-keys/ until they have (TOTP stays a fallback).
WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default="")
WEBAUTHN_RP_NAME = env.str("WEBAUTHN_RP_NAME", default="Takedown")
WEBAUTHN_REQUIRED_ROLES = env.list("WEBAUTHN_REQUIRED_ROLES", default=["prosecutor"])
# Exports may carry files in clear only where the operator allows it.
EVIDENCE_ALLOW_CLEAR_EXPORTS = env.bool("EVIDENCE_ALLOW_CLEAR_EXPORTS", default=False)
# Public transparency reports show counts below this as "<N".
TRANSPARENCY_MIN_CELL = env.int("TRANSPARENCY_MIN_CELL", default=5)
# The public report page (no account): reports and follow-up lookups per client address
# per hour, and reports per hour from everyone together.
PUBLIC_REPORTS_PER_HOUR = env.int("PUBLIC_REPORTS_PER_HOUR", default=10)
PUBLIC_FOLLOW_UPS_PER_HOUR = env.int("PUBLIC_FOLLOW_UPS_PER_HOUR", default=30)
PUBLIC_REPORTS_PER_HOUR_ALL = env.int("PUBLIC_REPORTS_PER_HOUR_ALL", default=1000)
# PDQ hashes within this Hamming distance are suggested to officers as near-duplicates.
PDQ_MATCH_DISTANCE = env.int("PDQ_MATCH_DISTANCE", default=31)
# When set, /metrics needs "Authorization: Bearer <METRICS_TOKEN>".
METRICS_TOKEN = env_secret("METRICS_TOKEN", default="")
METRICS_REQUIRE_TOKEN = False  # production: True

# --- Key encryption ------------------------------------------------------------
# TAKEDOWN_KEKS: "kid:base64url-32-bytes,kid2:..." — the first one encrypts, every
# one listed decrypts (rotation). See takedown/core/crypto.py.
TAKEDOWN_KEKS = env_secret("TAKEDOWN_KEKS", default="")

# --- REST framework ------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "liaison.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PARSER_CLASSES": ["takedown.core.api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "takedown.core.api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "takedown.core.api.errors.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "takedown.core.api.pagination.PageNumbers",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"platform": "600/min", "partner": "600/min"},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Takedown API",
    "DESCRIPTION": (
        "Intake for hotlines and partners, and the order API for platforms. "
        "Errors are application/problem+json documents with a stable `code`."
    ),
    "VERSION": "1.4.1",  # the top entry of docs/api-changelog.md
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Relative: the schema names the installation that serves it.
    "SERVERS": [{"url": "/", "description": "This installation"}],
    # 3.1, for the top-level ``webhooks``: the events a platform's receiver gets
    # (added by cases.api.webhooks.add_webhooks, from the one list of events).
    "OAS_VERSION": "3.1.0",
    "POSTPROCESSING_HOOKS": [
        "cases.api.webhooks.add_webhooks",
        "drf_spectacular.hooks.postprocess_schema_enums",
        "takedown.core.api.inputs.strict_components",
        "cases.api.webhooks.drop_unreachable",
        "takedown.core.api.links.add_links",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.choices.CaseStatus",
        "ItemStatusEnum": "cases.choices.ItemStatus",
        "OrderStatusEnum": "cases.choices.OrderStatus",
        "OrderKindEnum": "cases.choices.OrderKind",
        "ImportStatusEnum": "cases.choices.ImportStatus",
        "DeadlineStateEnum": "deadlines.choices.DeadlineState",
        "WebhookEventEnum": "liaison.choices.WebhookEvent",
        # Two choice sets share the field name ``resolution``; the objections' keeps its name.
        "ResolutionEnum": "cases.choices.ObjectionResolution",
        "CannotComplyResolutionEnum": "cases.choices.CannotComplyResolution",
        "HashListActionEnum": "cases.choices.HashListAction",
    },
}

# --- Email ---------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="takedown@example.org")
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)

# --- Logging -------------------------------------------------------------------
LOG_JSON = env.bool("LOG_JSON", default=False)
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
from takedown.core.logging import build_logging  # noqa: E402

LOGGING = build_logging(json=LOG_JSON, level=LOG_LEVEL)
