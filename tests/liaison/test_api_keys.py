from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from liaison.models import ApiKey
from liaison.services import api_key_revoke
from takedown.core.models import AuditEvent
from tests.liaison.factories import AuthorityFactory, PlatformFactory, api_key_for

pytestmark = pytest.mark.django_db


def _whoami(client, key: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key is not None else {}
    return client.get("/api/v1/whoami/", **headers)


def test_platform_key_identifies_its_platform(client):
    platform = PlatformFactory(name="Video Host", slug="video-host")
    response = _whoami(client, api_key_for(platform=platform))
    assert response.status_code == 200
    assert response.json()["kind"] == "platform"
    assert response.json()["name"] == "Video Host"


def test_partner_key_identifies_its_authority(client):
    hotline = AuthorityFactory(name="Hotline", kind="hotline")
    response = _whoami(client, api_key_for(partner=hotline))
    assert response.json()["kind"] == "partner"


@pytest.mark.parametrize("key", [None, "", "nonsense", "abcdefgh.wrongsecret"])
def test_missing_or_unknown_key_is_401_problem(client, key):
    response = _whoami(client, key)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] in {"not_authenticated", "authentication_failed"}


def test_revoked_and_expired_keys_are_401(client):
    platform = PlatformFactory()
    secret = api_key_for(platform=platform)
    api_key_revoke(key=ApiKey.objects.get(platform=platform))
    assert _whoami(client, secret).status_code == 401

    expired = api_key_for(platform=platform)
    ApiKey.objects.filter(revoked=False).update(expiry_date=timezone.now() - timedelta(days=1))
    response = _whoami(client, expired)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_keys_are_stored_only_as_hashes(capsys):
    platform = PlatformFactory(slug="hashed-only")
    call_command("mint_api_key", platform="hashed-only", name="integration")
    secret = capsys.readouterr().out.splitlines()[1]
    key = ApiKey.objects.get(platform=platform)
    assert secret.split(".")[1] not in key.hashed_key and secret not in key.id
    assert ApiKey.objects.is_valid(secret)


def test_an_unknown_owner_is_refused_with_the_valid_ones_listed():
    from django.core.management import CommandError

    PlatformFactory(slug="listed-one")
    PlatformFactory(slug="listed-two")
    with pytest.raises(CommandError) as refused:
        call_command("mint_api_key", platform="no-such", name="x")
    assert "'no-such'" in str(refused.value)
    assert "listed-one, listed-two" in str(refused.value)
    with pytest.raises(CommandError, match="No authority with the id 999999"):
        call_command("mint_api_key", partner=999999, name="x")
    assert not ApiKey.objects.exists()


def test_revoke_command_and_webhook_secret_command(capsys):
    from standardwebhooks import Webhook

    platform = PlatformFactory(slug="cmd-platform")
    call_command("mint_api_key", platform="cmd-platform", name="to revoke")
    key = ApiKey.objects.get(platform=platform)
    call_command("revoke_api_key", key.prefix)
    key.refresh_from_db()
    assert key.revoked
    call_command(
        "webhook_secret", platform="cmd-platform", url="https://hooks.cmd-platform.test/in"
    )
    secret = capsys.readouterr().out.splitlines()[-2]
    platform.refresh_from_db()
    assert platform.webhook_secret == secret and secret.startswith("whsec_")
    Webhook(secret)  # a valid Standard Webhooks secret


def test_webhook_secret_command_refuses_a_receiver_inside_the_network(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    platform = PlatformFactory(slug="cmd-ssrf", webhook_url="https://hooks.cmd-ssrf.test/in")
    before = platform.webhook_secret
    with pytest.raises(CommandError, match=r"169\.254\.169\.254 resolves to 169\.254\.169\.254"):
        call_command("webhook_secret", platform="cmd-ssrf", url="https://169.254.169.254/latest")
    platform.refresh_from_db()
    assert platform.webhook_url == "https://hooks.cmd-ssrf.test/in"
    assert platform.webhook_secret == before
    assert not AuditEvent.objects.filter(action="webhook.secret_rotated").exists()
