import pytest
from django.db import connection
from django.test import override_settings

from liaison.models import Platform
from takedown.core.crypto import (
    DecryptionError,
    decrypt_secret,
    encrypt_secret,
    generate_kek_spec,
    keyring,
    needs_rewrap,
    rewrap,
)
from tests.liaison.factories import PlatformFactory


def test_round_trip_and_context_binding():
    token = encrypt_secret("webhook-secret-value", context="liaison.platform.webhook_secret")
    assert "webhook-secret-value" not in token
    assert (
        decrypt_secret(token, context="liaison.platform.webhook_secret") == b"webhook-secret-value"
    )
    with pytest.raises(DecryptionError):
        decrypt_secret(token, context="liaison.contact.webhook_secret")


def test_tampered_token_is_refused():
    token = encrypt_secret(b"secret", context="ctx")
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(DecryptionError):
        decrypt_secret(tampered, context="ctx")


def test_rotation_old_key_decrypts_new_key_encrypts(settings):
    old_token = encrypt_secret(b"secret", context="ctx")
    new_spec = generate_kek_spec("rotated")
    with override_settings(TAKEDOWN_KEKS=f"{new_spec},{settings.TAKEDOWN_KEKS}"):
        assert keyring().current_kid == "rotated"
        assert decrypt_secret(old_token, context="ctx") == b"secret"
        assert needs_rewrap(old_token)
        rewrapped = rewrap(old_token, context="ctx")
        assert not needs_rewrap(rewrapped)
        assert decrypt_secret(rewrapped, context="ctx") == b"secret"
    with pytest.raises(DecryptionError, match="rotated"):
        decrypt_secret(rewrapped, context="ctx")  # the new KEK is gone again


@pytest.mark.django_db
def test_encrypted_field_stores_only_ciphertext():
    platform = PlatformFactory(webhook_secret="whsec-plain-value")
    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook_secret FROM liaison_platform WHERE id = %s", [platform.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("kek1.") and "whsec-plain-value" not in stored
    assert Platform.objects.get(pk=platform.pk).webhook_secret == "whsec-plain-value"


@pytest.mark.django_db
def test_rewrap_secrets_moves_every_encrypted_field_to_the_new_kek(settings):
    from django.core.management import call_command

    from takedown.core.crypto import generate_kek_spec

    platform = PlatformFactory(webhook_secret="whsec-rotate-me")
    new = generate_kek_spec("rotated")
    with override_settings(TAKEDOWN_KEKS=f"{new},{settings.TAKEDOWN_KEKS}"):
        call_command("rewrap_secrets")
    with override_settings(TAKEDOWN_KEKS=new):  # the old KEK retired
        assert Platform.objects.get(pk=platform.pk).webhook_secret == "whsec-rotate-me"
