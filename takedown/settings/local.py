"""The embedded default: SQLite (WAL) and the filesystem broker, no servers."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

# Off by default: a tester sees the product's own error pages, not Django's debug pages
# (which list every URL pattern). DEBUG=true brings those back while developing.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: F405
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if not TAKEDOWN_KEKS:  # noqa: F405
    # A development KEK kept outside the repository, made on first run.
    from takedown.core.crypto import generate_kek_spec

    _kek_file = VAR_DIR / "dev-kek"
    if not _kek_file.exists():
        _kek_file.parent.mkdir(parents=True, exist_ok=True)
        _kek_file.write_text(generate_kek_spec("dev1"))
        _kek_file.chmod(0o600)
    TAKEDOWN_KEKS = _kek_file.read_text().strip()

# Serve static files from the apps without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The embedded demo does not force a security key on its prosecutors (a tester may have
# none); production does (base: WEBAUTHN_REQUIRED_ROLES=prosecutor).
WEBAUTHN_REQUIRED_ROLES = env.list("WEBAUTHN_REQUIRED_ROLES", default=[])

# The demo platforms' webhooks point at a stand-in receiver in the app itself, so the
# outbox shows deliveries (seed_demo --webhook-base).
DEMO_WEBHOOK_RECEIVER = env.bool("DEMO_WEBHOOK_RECEIVER", default=True)
