"""Staff authentication and session security, through the real sign-in path: the login
form at /accounts/login/, then the second factor at /accounts/2fa/ (enrolment, codes,
recovery codes, step-up), lockout, session lifetimes, the user's session list,
passwords, response headers and the secrets stored behind them.

Nothing here uses ``force_login`` or ``tests.conftest.login``: every client signs in
with a password and a code, as a person would.
"""

import base64
import json
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from cases.models import TakedownOrder
from evidence import services as evidence_services
from evidence.choices import CustodyAction
from evidence.models import EvidenceItem
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from takedown.core import otp
from takedown.core.models import AuditEvent, RecoveryCode, TOTPDevice, UserSession
from takedown.core.security import LOGIN_AT
from takedown.core.selectors import audit_events_for
from tests.cases.factories import open_case, order_request_for
from tests.evidence.conftest import synthetic_png
from tests.liaison.factories import AuthorityFactory, UserFactory, officer_of

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"  # tests.liaison.factories.UserFactory's password
LOGIN_URL = "/accounts/login/"


# --- the real sign-in path ---------------------------------------------------------


def password_step(client: Client, user, password: str = PASSWORD):
    return client.post(LOGIN_URL, {"username": user.username, "password": password})


def session_key(client: Client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def secret_of(user) -> str:
    return TOTPDevice.objects.get(user=user).secret


def fresh_code(user) -> str:
    """A code the server has not seen yet: the earliest time step after the last one used
    that the server still accepts (the current step, or one either side of it)."""
    device = TOTPDevice.objects.get(user=user)
    current = int(time.time() // otp.STEP)
    for counter in range(current - otp.WINDOW, current + otp.WINDOW + 1):
        if counter > device.last_counter:
            return otp.totp(device.secret, counter=counter)
    raise AssertionError("Every code in the window is used: move the clock on.")


def wrong_code(secret: str) -> str:
    """A well-formed code that is right for no step the server accepts now."""
    now = time.time()
    near = {otp.totp(secret, at=now + offset) for offset in range(-90, 91, 30)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in near)


def recovery_codes_in(response) -> list[str]:
    page = response.content.decode()
    listing = re.search(r"<ul[^>]*data-recovery-codes[^>]*>(.*?)</ul>", page, re.S)
    assert listing, "the recovery codes page"
    return re.findall(r"<li>\s*([^<]+?)\s*</li>", listing.group(1))


def enrol(client: Client, user) -> list[str]:
    """The first sign-in's second step: the setup page, then the app's first code."""
    page = client.get("/accounts/2fa/setup/?next=/")
    assert page.status_code == 200
    confirmed = client.post(
        "/accounts/2fa/setup/", {"code": otp.totp(secret_of(user)), "next": "/"}
    )
    assert confirmed.status_code == 200
    return recovery_codes_in(confirmed)


def sign_in(user, client: Client | None = None, *, code: str | None = None) -> Client:
    """Password, then the second factor (enrolment at the first sign-in)."""
    client = client or Client()
    assert password_step(client, user).status_code == 302
    if otp.has_device(user):
        response = client.post("/accounts/2fa/?next=/", {"code": code or fresh_code(user)})
        assert response.status_code == 302, "the second factor was refused"
    else:
        client.recovery_codes = enrol(client, user)
    assert client.get("/").status_code == 200
    return client


def second_factor_confirmed(client: Client, *, minutes_ago: float) -> None:
    session = client.session
    session[otp.SESSION_VERIFIED_AT] = (timezone.now() - timedelta(minutes=minutes_ago)).timestamp()
    session.save()


def assert_step_up_prompt(response, *, next_url: str) -> str:
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/2fa/"
    assert parse_qs(location.query) == {"next": [next_url], "step_up": ["1"]}
    return response["Location"]


def assert_signed_out(client: Client, path: str = "/") -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


# --- the second factor ---------------------------------------------------------------


def test_the_first_sign_in_enrols_the_second_factor():
    user = UserFactory(username="newcomer")
    client = Client()
    assert password_step(client, user).status_code == 302

    # Nothing but enrolment until the second factor is set up.
    for path in ("/", "/cases/", "/accounts/sessions/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/setup/"), path

    page = client.get(client.get("/")["Location"])
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed_at is None
    assert device.secret in page.content.decode()
    assert page["Cache-Control"] == "no-store"

    refused = client.post("/accounts/2fa/setup/", {"code": wrong_code(device.secret), "next": "/"})
    assert refused.status_code == 200
    assert b"data-recovery-codes" not in refused.content
    assert b"not right" in refused.content
    assert not otp.has_device(user)
    assert client.get("/")["Location"].startswith("/accounts/2fa/setup/")

    confirmed = client.post(
        "/accounts/2fa/setup/", {"code": otp.totp(secret_of(user)), "next": "/"}
    )
    codes = recovery_codes_in(confirmed)
    assert len(codes) == otp.RECOVERY_CODES == 10 and len(set(codes)) == 10
    assert otp.has_device(user)
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 10
    assert client.get("/").status_code == 200
    # Enrolled once: the setup page now sends the user to the code page instead.
    assert client.get("/accounts/2fa/setup/")["Location"] == "/accounts/2fa/"
    assert AuditEvent.objects.filter(action="auth.second_factor_enrolled", actor=user).count() == 1


def test_posting_to_the_setup_page_before_opening_it_is_refused_not_a_server_error():
    user = UserFactory()
    client = Client(raise_request_exception=False)
    password_step(client, user)
    response = client.post("/accounts/2fa/setup/", {"code": "123456", "next": "/"})
    assert response.status_code < 500
    assert not otp.has_device(user)


def test_the_next_sign_in_asks_for_a_code_and_a_code_works_only_once():
    user = UserFactory()
    sign_in(user).post("/accounts/logout/")

    client = Client()
    assert password_step(client, user).status_code == 302
    prompt = client.get("/cases/")
    assert prompt.status_code == 302
    assert prompt["Location"] == "/accounts/2fa/?next=%2Fcases%2F"
    assert client.get(prompt["Location"]).status_code == 200

    code = fresh_code(user)
    accepted = client.post(prompt["Location"], {"code": code})
    assert accepted.status_code == 302 and accepted["Location"] == "/cases/"
    assert client.get("/").status_code == 200

    # Replay: someone who saw the code (and knows the password) presents it again.
    intruder = Client()
    password_step(intruder, user)
    replay = intruder.post("/accounts/2fa/?next=/", {"code": code})
    assert replay.status_code == 200 and b"not right" in replay.content
    assert intruder.get("/")["Location"].startswith("/accounts/2fa/")
    assert AuditEvent.objects.filter(action="auth.second_factor_failed", actor=user).count() == 1
    # Thirty seconds on, the next code works for the right person.
    with time_machine.travel(timezone.now() + timedelta(seconds=otp.STEP), tick=True):
        assert intruder.post("/accounts/2fa/?next=/", {"code": fresh_code(user)}).status_code == 302


def test_each_recovery_code_works_exactly_once():
    user = UserFactory()
    first = sign_in(user)
    codes = first.recovery_codes
    first.post("/accounts/logout/")

    start = timezone.now()
    for step, code in enumerate(codes[:2]):
        # Past the one-second rest that the refused code below starts.
        with time_machine.travel(start + timedelta(seconds=5 * step), tick=True):
            client = Client()
            password_step(client, user)
            used = client.post("/accounts/2fa/?next=/", {"code": code})
            assert used.status_code == 302 and used["Location"] == "/"
            assert client.get("/").status_code == 200
            client.post("/accounts/logout/")

            again = Client()
            password_step(again, user)
            refused = again.post("/accounts/2fa/?next=/", {"code": code})
            assert refused.status_code == 200 and b"not right" in refused.content
            assert again.get("/")["Location"].startswith("/accounts/2fa/")

    assert RecoveryCode.objects.filter(user=user, used_at__isnull=False).count() == 2
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 8
    assert AuditEvent.objects.filter(action="auth.recovery_code_used", actor=user).count() == 2
    methods = [
        e.data["method"]
        for e in AuditEvent.objects.filter(action="auth.second_factor_verified", actor=user)
    ]
    assert methods == ["recovery", "recovery"]


def test_wrong_second_factor_codes_are_limited_like_wrong_passwords():
    """Someone holding the password must not be able to try codes without end: a 6-digit
    code falls to about 330,000 guesses on average (three codes are valid at a time)."""
    user = UserFactory()
    sign_in(user).post("/accounts/logout/")
    client = Client()
    password_step(client, user)
    wrong = wrong_code(secret_of(user))
    for _ in range(4 * django_settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/2fa/?next=/", {"code": wrong})
    client.post("/accounts/2fa/?next=/", {"code": fresh_code(user)})
    response = client.get("/")
    assert response.status_code == 302, "the right code after 20 wrong ones must not sign in"


def test_wrong_codes_rest_the_device_across_sign_ins_and_a_right_code_resets_it():
    """The limit belongs to the device, not the session: signing in again (which resets
    the password attempts) does not buy new guesses."""
    user = UserFactory()
    sign_in(user).post("/accounts/logout/")
    wrong = wrong_code(secret_of(user))
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = Client()
        password_step(client, user)
        assert client.post("/accounts/2fa/?next=/", {"code": wrong}).status_code == 200
        assert client.post("/accounts/2fa/?next=/", {"code": wrong}).status_code == 429
        client.post("/accounts/logout/")

        again = Client()
        assert password_step(again, user).status_code == 302
        resting = again.post("/accounts/2fa/?next=/", {"code": fresh_code(user)})
        assert resting.status_code == 429, "the right code is not even checked while resting"
        assert resting["Retry-After"] == "1"
        assert b"Too many wrong codes" in resting.content
    device = TOTPDevice.objects.get(user=user)
    assert device.failure_count == 1
    assert AuditEvent.objects.filter(action="auth.second_factor_throttled", actor=user).count() == 2

    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        signed_in = again.post("/accounts/2fa/?next=/", {"code": fresh_code(user)})
        assert signed_in.status_code == 302
    device.refresh_from_db()
    assert device.failure_count == 0


def test_the_rest_doubles_with_each_wrong_code_up_to_an_hour():
    user = UserFactory()
    sign_in(user)
    device = TOTPDevice.objects.get(user=user)
    wrong = wrong_code(device.secret)
    moment = timezone.now()
    waits = []
    for _ in range(14):
        waits.append(otp.throttle_remaining(device, moment))
        moment += timedelta(seconds=waits[-1])
        assert otp.verify(user=user, code=wrong, now=moment.timestamp()) is None
        device.refresh_from_db()
    assert waits[:6] == [0, 1, 2, 4, 8, 16]
    assert max(waits) == otp.THROTTLE_CAP_SECONDS == waits[-1]
    with pytest.raises(otp.Throttled) as throttled:
        otp.verify(user=user, code=wrong, now=moment.timestamp() + 1)
    assert throttled.value.retry_after == otp.THROTTLE_CAP_SECONDS - 1


# --- lockout ----------------------------------------------------------------------------


def test_behind_the_proxy_the_address_it_saw_is_recorded_and_locked_out(settings):
    """One trusted proxy: the client's own X-Forwarded-For entries are not believed, the
    one the proxy appended is, for lockout, the audit log and the session list."""
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory(username="proxied")
    via_proxy = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.5")
    password_step(via_proxy, user, "not-the-password")
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.ip == "203.0.113.5"
    assert AccessAttempt.objects.get(username="proxied").ip_address == "203.0.113.5"

    assert password_step(via_proxy, user).status_code == 302
    assert AuditEvent.objects.get(action="auth.login", actor=user).ip == "203.0.113.5"
    assert UserSession.objects.get(user=user).ip == "203.0.113.5"

    # No header, or rubbish where the proxy's entry should be: the peer, never a guess.
    bare = Client(REMOTE_ADDR="10.0.0.2")
    password_step(bare, user, "wrong-again")
    forged = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    password_step(forged, user, "wrong-again")
    addresses = AuditEvent.objects.filter(action="auth.login_failed").values_list("ip", flat=True)
    assert sorted(addresses) == ["10.0.0.2", "10.0.0.2", "203.0.113.5"]


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    user = UserFactory(username="direct")
    client = Client(REMOTE_ADDR="198.51.100.8", HTTP_X_FORWARDED_FOR="203.0.113.77")
    password_step(client, user, "not-the-password")
    assert AuditEvent.objects.get(action="auth.login_failed").ip == "198.51.100.8"


def test_a_locked_out_account_refuses_even_the_right_password_and_is_audited():
    user = UserFactory(username="target")
    client = Client()
    limit = django_settings.AXES_FAILURE_LIMIT
    for attempt in range(1, limit):
        response = password_step(client, user, "not-the-password")
        assert response.status_code == 200, attempt  # the form again, with an error
    locking = password_step(client, user, "not-the-password")
    assert locking.status_code == 429
    assert not AuditEvent.objects.filter(action="auth.login", actor=user).exists()

    locked = password_step(client, user)  # the right password
    assert locked.status_code == 429
    assert b"Too many failed sign-ins" in locked.content
    assert locked["Cache-Control"] == "no-store"
    assert_signed_out(client)
    # The account, not only the address, is locked: another address is refused too.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert password_step(elsewhere, user).status_code == 429
    assert_signed_out(elsewhere)

    assert not AuditEvent.objects.filter(action="auth.login", actor=user).exists()
    lockout = AuditEvent.objects.filter(action="auth.locked_out").first()
    assert lockout is not None
    assert lockout.actor_label == "anonymous:target"
    assert lockout.data == {"username": "target"}
    assert lockout.ip == "127.0.0.1"
    assert (
        AuditEvent.objects.filter(
            action="auth.login_failed", actor_label="anonymous:target"
        ).count()
        >= limit
    )


def test_a_lockout_is_visible_to_the_oversight_body_of_the_account(network):
    """Failed sign-ins carry the named account's jurisdiction, so its auditor sees them;
    the lockout they cause must be visible to the same auditor."""
    user = officer_of(network["desk_de"], username="de-officer")
    auditor = UserFactory(authority=network["desk_de"].authority, roles=["auditor"])
    client = Client()
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        password_step(client, user, "not-the-password")
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()
    visible = audit_events_for(user=auditor)
    assert visible.filter(action="auth.login_failed").count() == django_settings.AXES_FAILURE_LIMIT
    assert visible.filter(action="auth.locked_out").exists()


# --- sessions ---------------------------------------------------------------------------


def test_signing_in_gives_a_new_session_id():
    user = UserFactory()
    client = Client()
    planted = client.session  # an anonymous session, as an attacker might plant one
    planted["planted"] = True
    planted.save()
    before = session_key(client)
    assert Session.objects.filter(session_key=before).exists()

    assert password_step(client, user).status_code == 302
    after = session_key(client)
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    # The planted id is worthless: a client presenting it is not signed in.
    stale = Client()
    stale.cookies[django_settings.SESSION_COOKIE_NAME] = before
    assert_signed_out(stale)


def test_completing_the_second_factor_gives_a_new_session_id_again():
    """ASVS 7.2.4: the id seen between password and second factor is worthless after
    it, and the session list follows the new id."""
    user = UserFactory()
    sign_in(user).post("/accounts/logout/")  # enrolled
    client = Client()
    assert password_step(client, user).status_code == 302
    between = session_key(client)
    response = client.post("/accounts/2fa/?next=/", {"code": fresh_code(user)})
    assert response.status_code == 302
    after = session_key(client)
    assert after != between
    assert not Session.objects.filter(session_key=between).exists()
    assert UserSession.objects.filter(user=user, session_key=after).exists()
    assert not UserSession.objects.filter(session_key=between).exists()
    assert client.get("/").status_code == 200
    stale = Client()
    stale.cookies[django_settings.SESSION_COOKIE_NAME] = between
    assert_signed_out(stale)


def test_the_absolute_timeout_ends_a_session_after_12_hours_even_when_active():
    assert django_settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    user = UserFactory()
    with time_machine.travel(timezone.now(), tick=True) as clock:
        client = sign_in(user)
        key = session_key(client)
        # A request every 25 minutes keeps the idle timeout away for 11 h 40 min...
        for _ in range(28):
            clock.shift(timedelta(minutes=25))
            assert client.get("/").status_code == 200
        # ...but not past 12 hours after sign-in.
        clock.shift(timedelta(minutes=25))
        response = client.get("/")
    assert response.status_code == 302 and response["Location"] == LOGIN_URL
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    assert_signed_out(client)
    assert AuditEvent.objects.filter(action="auth.logout", actor=user).exists()


def test_a_session_whose_sign_in_was_13_hours_ago_is_signed_out():
    user = UserFactory()
    client = sign_in(user)
    session = client.session
    session[LOGIN_AT] = (timezone.now() - timedelta(hours=13)).timestamp()
    session.save()
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"] == LOGIN_URL
    page = client.get(LOGIN_URL)
    assert b"Your session ended after 12 hours" in page.content
    assert_signed_out(client, "/cases/")


def test_a_shorter_absolute_lifetime_from_settings_applies(settings):
    settings.SESSION_ABSOLUTE_SECONDS = 60
    user = UserFactory()
    with time_machine.travel(timezone.now(), tick=True) as clock:
        client = sign_in(user)
        clock.shift(timedelta(seconds=61))
        response = client.get("/")
    assert response.status_code == 302 and response["Location"] == LOGIN_URL


def test_the_idle_timeout_is_30_minutes_renewed_by_every_request():
    assert django_settings.SESSION_COOKIE_AGE == 1800
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True
    assert not django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    user = UserFactory()
    with time_machine.travel(timezone.now(), tick=True) as clock:
        client = sign_in(user)
        response = client.get("/")
        cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
        assert int(cookie["max-age"]) == 1800
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        for _ in range(3):  # 29 minutes of quiet, three times: each request renews it
            clock.shift(timedelta(minutes=29))
            assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=31))  # the server side expires it, whatever the browser keeps
        assert_signed_out(client)


def test_deactivating_a_user_ends_their_sessions_at_once():
    user = UserFactory()
    laptop = sign_in(user)
    phone = sign_in(user)
    keys = [session_key(laptop), session_key(phone)]
    assert Session.objects.filter(session_key__in=keys).count() == 2

    user.is_active = False
    user.save()

    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert_signed_out(laptop)
    assert_signed_out(phone)
    assert AuditEvent.objects.filter(
        action="auth.user_deactivated", object_id=str(user.pk)
    ).exists()


def _end_buttons(page: str) -> dict[str, str]:
    """User agent → the value the page's 'End' button posts for that session."""
    buttons = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        found = re.search(r'name="session" value="([^"]+)"', row)
        agent = re.search(r'<td class="small">([^<]*)</td>', row)
        if found and agent:
            buttons[unescape(agent.group(1))] = found.group(1)
    return buttons


def test_users_see_their_sessions_and_end_one_or_all_others():
    user = UserFactory()
    laptop = sign_in(user, Client(HTTP_USER_AGENT="Laptop browser"))
    phone = sign_in(user, Client(HTTP_USER_AGENT="Phone browser"))
    tablet = sign_in(user, Client(HTTP_USER_AGENT="Tablet browser"), code=laptop.recovery_codes[0])

    page = laptop.get("/accounts/sessions/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    for agent in ("Laptop browser", "Phone browser", "Tablet browser"):
        assert agent in html
    assert html.count("this one") == 1
    buttons = _end_buttons(html)
    assert set(buttons) == {"Phone browser", "Tablet browser"}  # no 'End' on the current one

    ended = laptop.post("/accounts/sessions/end/", {"session": buttons["Phone browser"]})
    assert ended.status_code == 302 and ended["Location"] == "/accounts/sessions/"
    assert_signed_out(phone)
    assert tablet.get("/").status_code == 200
    assert laptop.get("/").status_code == 200

    laptop.post("/accounts/sessions/end/", {"session": "others"})
    assert_signed_out(tablet)
    assert laptop.get("/").status_code == 200
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        session_key(laptop)
    ]
    assert [e.data for e in AuditEvent.objects.filter(action="auth.sessions_ended")] == [
        {"count": 1},
        {"count": 1},
    ]


def test_a_user_cannot_end_another_users_session():
    owner = UserFactory()
    intruder = UserFactory()
    owners = sign_in(owner)
    intruders = sign_in(intruder)
    record = UserSession.objects.get(user=owner)

    for handle in (record.session_key, str(record.pk)):
        intruders.post("/accounts/sessions/end/", {"session": handle})

    assert owners.get("/").status_code == 200
    assert Session.objects.filter(session_key=record.session_key).exists()
    assert UserSession.objects.filter(pk=record.pk).exists()
    listing = intruders.get("/accounts/sessions/").content.decode()
    assert record.session_key not in listing
    assert owner.username not in listing


def test_the_session_list_never_shows_a_session_id():
    """A session id is the bearer credential of a signed-in session (second factor
    included). The list must name sessions by an opaque handle, not by their id: the
    page would otherwise hand out live credentials for every other device."""
    user = UserFactory()
    laptop = sign_in(user)
    phone = sign_in(user)
    html = laptop.get("/accounts/sessions/").content.decode()
    assert session_key(phone) not in html
    assert session_key(laptop) not in html


# --- step-up ----------------------------------------------------------------------------


@pytest.fixture
def prosecutor(network):
    authority = AuthorityFactory(
        jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR, name="DE prosecution"
    )
    authority_key_create(authority=authority)
    return UserFactory(authority=authority, roles=["prosecutor"])


def test_issuing_an_order_needs_the_second_factor_within_ten_minutes(actors, prosecutor):
    order_request = order_request_for(actors["owner"], "https://b-social.test/p/step-up")
    url = f"/orders/requests/{order_request.pk}/"
    client = sign_in(prosecutor)
    assert client.get(url).status_code == 200  # confirmed at sign-in, a moment ago

    second_factor_confirmed(client, minutes_ago=9)
    assert client.get(url).status_code == 200

    second_factor_confirmed(client, minutes_ago=11)
    prompt = assert_step_up_prompt(client.get(url), next_url=url)
    # Issuing by POST without the fresh confirmation issues nothing.
    posted = client.post(
        url,
        {
            "kind": "order",
            "items": [order_request.items.get().pk],
            "legal_basis": "Art. 3 (demo)",
            "reasons": "Synthetic test",
            "contact_point": "duty@example.org",
        },
        HTTP_REFERER=f"http://testserver{url}",
    )
    assert_step_up_prompt(posted, next_url=f"http://testserver{url}")
    assert not TakedownOrder.objects.exists()

    page = client.get(prompt)
    assert page.status_code == 200
    confirmed = client.post(prompt, {"code": fresh_code(prosecutor)})
    assert confirmed.status_code == 302 and confirmed["Location"] == url
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.filter(action="auth.second_factor_verified", actor=prosecutor).last()
    assert event.data == {"method": "totp", "step_up": True}


@pytest.fixture
def evidence_file(actors):
    """An officer allowed to read evidence content, signed in, with one uploaded file."""
    officer = actors["owner"]
    officer.user_permissions.add(Permission.objects.get(codename="view_evidence_content"))
    authority_key_create(authority=officer.authority)
    case = open_case(officer, "https://b-social.test/p/step-up-evidence")
    package = evidence_services.package_create(
        case=case,
        officer=officer,
        collection_method="Screen capture by the desk",
        collection_tool="Takedown capture 1.0 (test)",
        captured_at=timezone.now() - timedelta(hours=1),
        source_url="https://b-social.test/p/step-up-evidence",
        legal_basis="Art. 3 (demo)",
        classification="illegal_all",
    )
    client = sign_in(officer)
    png = synthetic_png(seed=88)
    uploaded = client.post(
        f"/evidence/{package.reference}/upload/",
        {"file": SimpleUploadedFile("capture.png", png)},
    )
    assert uploaded.status_code == 302
    return {
        "officer": officer,
        "client": client,
        "package": package,
        "item": EvidenceItem.objects.get(package=package),
        "content": png,
    }


def test_downloading_evidence_needs_the_second_factor_within_ten_minutes(evidence_file):
    client, item, officer = evidence_file["client"], evidence_file["item"], evidence_file["officer"]
    package_page = f"http://testserver/evidence/{evidence_file['package'].reference}/"
    url = f"/evidence/files/{item.file_id}/download/"

    second_factor_confirmed(client, minutes_ago=11)
    refused = client.post(url, {"reason": "Prepare the MLA file"}, HTTP_REFERER=package_page)
    prompt = assert_step_up_prompt(refused, next_url=package_page)
    assert not item.package.custody_events.filter(action=CustodyAction.DOWNLOADED).exists()

    confirmed = client.post(prompt, {"code": fresh_code(officer)})
    assert confirmed.status_code == 302 and confirmed["Location"] == package_page
    assert client.get(package_page).status_code == 200

    response = client.post(url, {"reason": "Prepare the MLA file"}, HTTP_REFERER=package_page)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == evidence_file["content"]
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "capture.png" not in response["Content-Disposition"]  # a server-made name
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert item.package.custody_events.filter(action=CustodyAction.DOWNLOADED).count() == 1


def test_reading_victim_data_needs_the_second_factor_within_ten_minutes(actors):
    officer = actors["owner"]
    officer.user_permissions.add(Permission.objects.get(codename="view_victim_data"))
    case = open_case(officer, "https://b-social.test/p/step-up-victims")
    url = f"/cases/{case.reference}/victims/"
    client = sign_in(officer)

    second_factor_confirmed(client, minutes_ago=11)
    prompt = assert_step_up_prompt(client.get(url), next_url=url)
    assert not AuditEvent.objects.filter(action="victim.data_viewed").exists()

    confirmed = client.post(prompt, {"code": fresh_code(officer)})
    assert confirmed.status_code == 302 and confirmed["Location"] == url
    page = client.get(url)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="victim.data_viewed", actor=officer).count() == 1


# --- passwords ----------------------------------------------------------------------------


def _codes(password: str) -> set[str]:
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    return {error.code for error in refused.value.error_list}


def test_password_rules():
    assert "password_too_short" in _codes("Xk9#mQ2$vL7")  # 11 characters
    assert _codes("qazwsxedcrfv") == {"password_too_common"}  # 12, on the common list
    validate_password("Xk9#mQ2$vL7p")  # 12 characters of nothing common
    passphrase = "correct horse battery staple, paper clip, lantern and rye bread!"
    assert len(passphrase) == 64
    validate_password(passphrase)
    validate_password("x7" * 64)  # 128 characters
    assert _codes("x7" * 64 + "y") == {"password_too_long"}


def test_passwords_are_hashed_with_argon2_outside_the_test_suite():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from takedown.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    encoded = Argon2PasswordHasher().encode("Xk9#mQ2$vL7p", Argon2PasswordHasher().salt())
    assert encoded.startswith("argon2$argon2id$")
    assert Argon2PasswordHasher().verify("Xk9#mQ2$vL7p", encoded)


# --- headers ------------------------------------------------------------------------------


def test_a_page_with_case_data_carries_the_security_headers(actors):
    officer = actors["owner"]
    case = open_case(officer, "https://b-social.test/p/headers")
    client = sign_in(officer)
    response = client.get(f"/cases/{case.reference}/")
    assert response.status_code == 200

    directives = {
        name: values
        for name, *values in (
            part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()
        )
    }
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src == ["'self'"]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"

    html = response.content.decode()
    assert case.reference in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"
    assert not re.search(r"\son[a-z]+\s*=", html), "an inline event handler"


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _sep, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


_PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
https = Client().get("/healthz", HTTP_HOST="takedown.example.org", HTTP_X_FORWARDED_PROTO="https")
http = Client().get("/healthz", HTTP_HOST="takedown.example.org", HTTP_X_FORWARDED_PROTO="http")
print(json.dumps({
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "hsts_header": https.get("Strict-Transport-Security"),
    "https_status": https.status_code,
    "http_status": http.status_code,
    "http_location": http.get("Location"),
    "hasher": settings.PASSWORD_HASHERS[0],
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "session_cookie_name": settings.SESSION_COOKIE_NAME,
    "debug": settings.DEBUG,
}))
"""


def _production(**overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "TAKEDOWN_KEKS", "PYTEST_"))
    }
    env.update(_env_example())
    env.update(  # real values: the placeholders themselves are refused
        SECRET_KEY="x" * 20 + os.urandom(24).hex(),
        TAKEDOWN_KEKS="t1:" + base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="),
    )
    env.update(
        DJANGO_SETTINGS_MODULE="takedown.settings.production",
        TAKEDOWN_VAR_DIR=os.environ.get("TAKEDOWN_VAR_DIR", str(ROOT / "var")),
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    result = subprocess.run(
        [sys.executable, "-c", _PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_send_hsts_for_a_year_and_secure_cookies():
    probe = _production()
    assert probe["hsts_seconds"] >= 31536000
    assert probe["https_status"] == 200
    header = probe["hsts_header"]
    assert header is not None
    assert int(re.search(r"max-age=(\d+)", header).group(1)) >= 31536000
    assert "includeSubDomains" in header and "preload" in header
    assert probe["http_status"] == 301
    assert probe["http_location"].startswith("https://takedown.example.org/")
    assert probe["hasher"] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert probe["session_cookie_secure"] and probe["csrf_cookie_secure"]
    assert probe["session_cookie_name"].startswith("__Host-")
    assert probe["debug"] is False
    # A year is also the default when the operator does not set it.
    assert _production(SECURE_HSTS_SECONDS=None)["hsts_seconds"] >= 31536000


# --- secrets at rest ----------------------------------------------------------------------


def test_the_totp_seed_is_stored_encrypted():
    user = UserFactory()
    sign_in(user)
    secret = secret_of(user)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM core_totpdevice WHERE user_id = %s", [user.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("kek1.")
    assert secret not in raw and secret.lower() not in raw.lower()


def test_recovery_codes_are_stored_only_as_hashes():
    user = UserFactory()
    codes = sign_in(user).recovery_codes
    with connection.cursor() as cursor:
        cursor.execute("SELECT code_hash FROM core_recoverycode WHERE user_id = %s", [user.pk])
        stored = [row[0] for row in cursor.fetchall()]
    assert len(stored) == 10
    for value in stored:
        identify_hasher(value)  # a password-hasher format, not a code
        for code in codes:
            assert code not in value and code.replace("-", "") not in value
