"""Security keys through their endpoints, apart from the browser (tests/browser/
test_webauthn.py signs with a real virtual authenticator): bad answers are clear 4xx,
never a 500, and write nothing; a role that must have a key is sent to register one;
a key is removed only by its owner."""

import json

import pytest
from django.utils import timezone

from takedown.core.choices import Role
from takedown.core.models import AuditEvent, SecurityKey
from tests.conftest import login
from tests.core.test_security import second_factor_confirmed
from tests.liaison.factories import UserFactory

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


@pytest.mark.parametrize(
    "body",
    ["not json", "[]", "1" * 70_000, "[" * 5000 + "]" * 5000, '{"credential": "x"}'],
    ids=["text", "a list", "too large", "deep", "wrong shape"],
)
def test_a_bad_registration_answer_is_a_clear_400(actors, body):
    client = login(actors["owner"])
    assert _post(client, "/accounts/security-keys/options/", "{}").status_code == 200
    response = _post(client, "/accounts/security-keys/register/", body)
    assert response.status_code == 400 and response.json()["error"]
    assert not SecurityKey.objects.exists()


def test_a_forged_registration_does_not_verify_and_is_recorded(actors):
    client = login(actors["owner"])
    options = _post(client, "/accounts/security-keys/options/", "{}").json()
    assert options["rp"]["id"] == "testserver" and options["challenge"]
    forged = {
        "id": "AAAA",
        "rawId": "AAAA",
        "type": "public-key",
        "response": {"clientDataJSON": "e30", "attestationObject": "oA"},
    }
    response = _post(
        client, "/accounts/security-keys/register/", json.dumps({"credential": forged})
    )
    assert response.status_code == 400
    assert AuditEvent.objects.filter(action="auth.security_key_refused").count() == 1
    # The challenge was used up: answering again needs new options.
    again = _post(client, "/accounts/security-keys/register/", json.dumps({"credential": forged}))
    assert "expired" in again.json()["error"]


def test_adding_a_key_needs_a_fresh_second_factor(actors):
    client = login(actors["owner"])
    second_factor_confirmed(client, minutes_ago=30)
    assert _post(client, "/accounts/security-keys/options/", "{}").status_code == 403
    page = client.get("/accounts/security-keys/")
    assert page.status_code == 302 and "step_up=1" in page["Location"]


def test_signing_with_an_unknown_key_or_without_a_challenge_is_refused(actors):
    client = login(actors["owner"], second_factor=False)
    answer = json.dumps({"id": "unknown", "rawId": "unknown", "type": "public-key"})
    assert _post(client, "/accounts/2fa/key/verify/", answer).status_code == 400  # no challenge
    assert _post(client, "/accounts/2fa/key/options/", "{}").status_code == 200
    refused = _post(client, "/accounts/2fa/key/verify/", answer)
    assert refused.status_code == 400 and "not accepted" in refused.json()["error"]
    assert client.get("/cases/")["Location"].startswith("/accounts/2fa/")  # still not verified


def _key(user, name="key") -> SecurityKey:
    return SecurityKey.objects.create(
        user=user,
        name=name,
        credential_id=f"cred-{user.pk}-{name}",
        public_key="pk",
        created_at=timezone.now(),
    )


def test_a_required_role_registers_a_key_before_anything_else(network, settings):
    settings.WEBAUTHN_REQUIRED_ROLES = ["prosecutor"]
    prosecutor = UserFactory(roles=[Role.PROSECUTOR])
    client = login(prosecutor)
    response = client.get("/orders/")
    assert response.status_code == 302 and response["Location"] == "/accounts/security-keys/"
    assert client.get("/accounts/security-keys/").status_code == 200
    assert client.get("/accounts/sessions/").status_code == 200
    key = _key(prosecutor)
    assert client.get("/orders/").status_code == 200
    client.post("/accounts/security-keys/", {"key": key.pk})  # the last key goes
    assert client.get("/orders/")["Location"] == "/accounts/security-keys/"
    officer = login(UserFactory(roles=[Role.LIAISON_OFFICER]))
    assert officer.get("/cases/").status_code == 200  # offered, not required


def test_a_key_is_removed_only_by_its_owner(actors):
    mine, theirs = _key(actors["owner"]), _key(actors["colleague"])
    client = login(actors["owner"])
    client.post("/accounts/security-keys/", {"key": theirs.pk})
    assert SecurityKey.objects.filter(pk=theirs.pk).exists()
    client.post("/accounts/security-keys/", {"key": mine.pk})
    assert not SecurityKey.objects.filter(pk=mine.pk).exists()
    assert AuditEvent.objects.filter(action="auth.security_key_removed").count() == 1
