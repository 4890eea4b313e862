"""Security keys in Debian's chromium, with the DevTools virtual authenticator: a
prosecutor must register one, signs in and confirms a critical act with it, and a
cloned key (its counter behind) is refused. The crypto is real: the browser's
authenticator signs, py_webauthn verifies."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from liaison.choices import AuthorityKind
from takedown.core import otp
from takedown.core.models import AuditEvent, SecurityKey, TOTPDevice
from tests.liaison.factories import AuthorityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def _password(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/accounts/2fa/**")


def test_a_prosecutor_signs_in_with_a_security_key_and_a_clone_is_refused(
    page, live_server, network, settings
):
    settings.WEBAUTHN_REQUIRED_ROLES = ["prosecutor"]
    authority = AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR)
    prosecutor = UserFactory(authority=authority, roles=["prosecutor"], username="pros")
    device = TOTPDevice.objects.create(
        user=prosecutor, secret=otp.new_secret(), confirmed_at=prosecutor.date_joined
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]

    # 1. TOTP still signs in, but a prosecutor is sent to register a key first.
    _password(page, live_server, prosecutor.username)
    page.get_by_label("Code from your app, or a recovery code").fill(otp.totp(device.secret))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/accounts/security-keys/")
    page.goto(f"{live_server.url}/orders/")
    page.wait_for_url(f"{live_server.url}/accounts/security-keys/")
    page.get_by_label("Name of the new key").fill("blue key")
    page.get_by_role("button", name="Add a security key or passkey").click()
    expect(page.locator("table[data-security-keys]")).to_contain_text("blue key")
    key = SecurityKey.objects.get(user=prosecutor)
    assert key.name == "blue key"
    page.goto(f"{live_server.url}/orders/")
    expect(page).to_have_url(f"{live_server.url}/orders/")

    # 2. The next sign-in with the key alone.
    page.get_by_role("button", name="Sign out").click()
    _password(page, live_server, prosecutor.username)
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(f"{live_server.url}/")
    verified = AuditEvent.objects.filter(action="auth.second_factor_verified").last()
    assert verified.data["method"] == "webauthn"

    # 3. Step-up with the key: a session confirmed an hour ago must confirm again.
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session = SessionStore(session_key=cookie["value"])
    session[otp.SESSION_VERIFIED_AT] -= 3600
    session.save()
    page.goto(f"{live_server.url}/accounts/security-keys/")
    page.wait_for_url("**/accounts/2fa/?**step_up=1**")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(f"{live_server.url}/accounts/security-keys/")
    counted = SecurityKey.objects.get(pk=key.pk).sign_count
    assert counted > key.sign_count  # every use moves the counter on

    # 4. A clone: the same private key with a counter from before.
    (credential,) = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})[
        "credentials"
    ]
    cdp.send("WebAuthn.clearCredentials", {"authenticatorId": authenticator})
    cdp.send(
        "WebAuthn.addCredential",
        {"authenticatorId": authenticator, "credential": {**credential, "signCount": 0}},
    )
    page.get_by_role("button", name="Sign out").click()
    _password(page, live_server, prosecutor.username)
    page.get_by_role("button", name="Use a security key").click()
    expect(page.get_by_role("status")).to_contain_text("not accepted")
    assert "/accounts/2fa/" in page.url
    refused = AuditEvent.objects.get(action="auth.security_key_refused")
    assert refused.data["cloned"] is True
    assert SecurityKey.objects.get(pk=key.pk).sign_count == counted
