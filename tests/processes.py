"""Real Celery processes for end-to-end tests, pointed at the test database."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    auth = f"{user}:{db.get('PASSWORD') or ''}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def celery_env(**extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "takedown.settings.test",
        "DATABASE_URL": _database_url(),
        "TAKEDOWN_KEKS": settings.TAKEDOWN_KEKS,
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        **extra,
    }
    return env


@contextlib.contextmanager
def celery_process(*args: str, **extra_env: str) -> Iterator[subprocess.Popen]:
    """``celery -A takedown <args>`` until the block ends; its log is printed on failure."""
    log = tempfile.NamedTemporaryFile("w+", prefix="celery-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "takedown", *args],
        cwd=ROOT,
        env=celery_env(**extra_env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.seek(0)
        process.log = log.read()  # type: ignore[attr-defined]
        log.close()
        os.unlink(log.name)


def worker(**extra_env: str):
    return celery_process(
        "worker",
        "--pool=solo",
        "-Q",
        settings.CELERY_TASK_DEFAULT_QUEUE,
        "--loglevel=INFO",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
        **extra_env,
    )


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
