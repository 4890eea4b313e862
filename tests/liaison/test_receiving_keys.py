"""A receiving authority's officers register the public half of their own key pair on
their page: exports then go to it, and this system never holds the private key."""

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from evidence.verify import key_text
from liaison.choices import KeyPurpose
from liaison.keys import authority_key_create, current_key
from liaison.models import AuthorityKey
from takedown.core.models import AuditEvent
from tests.conftest import login
from tests.liaison.factories import UserFactory

pytestmark = pytest.mark.django_db
PAGE = "/accounts/receiving-keys/"


def public_key() -> str:
    return key_text(X25519PrivateKey.generate().public_key()).strip()


def test_an_officer_registers_the_public_key_and_it_becomes_current(actors):
    officer = actors["owner"]
    authority = officer.authority
    old = authority_key_create(authority=authority, purpose=KeyPurpose.ENCRYPTION)
    client = login(officer)
    page = client.get(PAGE).content.decode()
    assert old.key_id in page and "private key held by this system" in page

    mine = public_key()
    response = client.post(PAGE, {"public_key": f"  {mine}\n"})
    assert response.status_code == 302
    key = current_key(authority=authority, purpose=KeyPurpose.ENCRYPTION)
    assert key.public_key == mine and key.held_by_authority and key.private_key == ""
    old.refresh_from_db()
    assert old.valid_until is not None  # retired, still listed
    event = AuditEvent.objects.get(action="key.registered")
    assert event.actor == officer and event.data["retired"] == [old.key_id]
    page = client.get(PAGE).content.decode()
    assert mine in page and "private key held by your authority" in page


def test_registering_needs_a_fresh_second_factor(actors):
    response = login(actors["owner"], second_factor=False).post(PAGE, {"public_key": public_key()})
    assert response.status_code == 302 and "/accounts/2fa/" in response["Location"]
    assert not AuthorityKey.objects.filter(held_by_authority=True).exists()


def test_what_is_not_a_public_key_is_refused_on_the_form(actors):
    response = login(actors["owner"]).post(PAGE, {"public_key": "not a key"})
    assert response.status_code == 400
    assert "Paste the content of the .pub file" in response.content.decode()
    assert not AuthorityKey.objects.exists()


def test_only_officers_of_an_authority_have_the_page(network):
    prosecutor = UserFactory(authority=network["desk_de"].authority, roles=["prosecutor"])
    assert login(prosecutor).get(PAGE).status_code == 403
    assert login(prosecutor).post(PAGE, {"public_key": public_key()}).status_code == 403


def test_the_operator_registers_a_receiving_key_in_the_admin(network):
    operator = UserFactory(username="ops", authority=None, is_staff=True, roles=["operator"])
    receiver = network["desk_nl"].authority
    client = login(operator)
    add = "/admin/liaison/authoritykey/add/"
    assert client.get(add).status_code == 200
    refused = client.post(add, {"authority": receiver.pk, "public_key": "short"})
    assert refused.status_code == 200
    assert "Paste the content of the .pub file" in refused.content.decode()
    mine = public_key()
    response = client.post(add, {"authority": receiver.pk, "public_key": mine})
    assert response.status_code == 302, response.content.decode()[:2000]
    key = current_key(authority=receiver, purpose=KeyPurpose.ENCRYPTION)
    assert key.public_key == mine and key.held_by_authority and key.private_key == ""
    assert AuditEvent.objects.filter(action="key.registered", actor=operator).exists()
