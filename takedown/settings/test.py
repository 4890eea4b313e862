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
        "OPTIONS": {"location": str(VAR_DIR / "test-evidence" / os.environ.get("PYTEST_XDIST_WORKER", "main"))},
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
