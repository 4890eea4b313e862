"""Settings for the test suite: real PostgreSQL and Redis when DATABASE_URL and
REDIS_URL are set, SQLite and the filesystem broker otherwise."""

import base64
import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(
                VAR_DIR / "test-evidence" / os.environ.get("PYTEST_XDIST_WORKER", "main")
            )
        },
    },
}
# A fresh key-encryption key per test run; tests that rotate add their own.
TAKEDOWN_KEKS = os.environ.get(
    "TAKEDOWN_KEKS", "test1:" + base64.urlsafe_b64encode(os.urandom(32)).decode()
)
os.environ.setdefault("TAKEDOWN_KEKS", TAKEDOWN_KEKS)  # inherited by worker subprocesses

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a worker subprocess can open the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# A queue of this run's own, so a worker started by a test never meets another run's
# messages (and the embedded instance's broker folder is left alone).
CELERY_TASK_DEFAULT_QUEUE = os.environ.setdefault(
    "CELERY_TASK_DEFAULT_QUEUE", f"takedown-test-{os.getpid()}-{os.urandom(3).hex()}"
)
if not REDIS_URL:  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        key: str(VAR_DIR / "test-broker" / folder)
        for key, folder in (
            ("data_folder_in", "queue"),
            ("data_folder_out", "queue"),
            ("processed_folder", "processed"),
            ("control_folder", "control"),
        )
    }

# Serve static files from the apps without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The public page's limits are tried by the tests that set them low; elsewhere one
# test's posts would count against another's in the shared cache.
PUBLIC_REPORTS_PER_HOUR = PUBLIC_FOLLOW_UPS_PER_HOUR = PUBLIC_REPORTS_PER_HOUR_ALL = 10_000

# Most tests sign prosecutors in without a security key; the rule that requires one is
# tested with the setting on (tests/core/test_webauthn.py).
WEBAUTHN_REQUIRED_ROLES = []
