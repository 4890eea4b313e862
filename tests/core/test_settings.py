import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip().strip('"')
    return values


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "takedown.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_its_secrets():
    result = _manage("check", env={})
    assert result.returncode != 0
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "TAKEDOWN_KEKS", "REDIS_URL"):
        assert name in result.stderr


def _real_secrets() -> dict[str, str]:
    import secrets

    from takedown.core.crypto import generate_kek_spec

    return {"SECRET_KEY": secrets.token_urlsafe(64), "TAKEDOWN_KEKS": generate_kek_spec("t1")}


def test_production_passes_the_deployment_check_with_env_example():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**_env_example(), **_real_secrets()}
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_the_example_placeholders():
    result = _manage("check", env=_env_example())
    assert result.returncode != 0 and "placeholder" in result.stderr


def test_production_sends_webhooks_only_over_tls_to_public_addresses():
    script = (
        "from django.conf import settings as s; from liaison.webhooks import webhook_refusal;"
        "print(s.WEBHOOK_ALLOW_HTTP, s.WEBHOOK_ALLOW_PRIVATE_ADDRESSES);"
        "print(webhook_refusal('https://127.0.0.1:5432/'))"
    )
    result = _manage("shell", "-c", script, env={**_env_example(), **_real_secrets()})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-2:] == [
        "False False",
        "127.0.0.1 resolves to 127.0.0.1, which is not a public address.",
    ]


def test_a_fresh_embedded_install_migrates_and_seeds(tmp_path):
    """What `make run` does before starting: from an empty SQLite database, with the
    URL checks that run on every management command."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env.update(
        {"DJANGO_SETTINGS_MODULE": "takedown.settings.local", "TAKEDOWN_VAR_DIR": str(tmp_path)}
    )
    for command in (["migrate", "--noinput"], ["seed_demo"], ["check"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        # Queued for the worker that starts next, without a warning on the way.
        assert "could not enqueue" not in result.stderr, result.stderr[-3000:]
        assert "No hostname was supplied" not in result.stderr
    assert "officer.de" in result.stdout or (tmp_path / "takedown.sqlite3").exists()
    assert any((tmp_path / "broker" / "queue").iterdir())  # the demo's deliveries wait there
