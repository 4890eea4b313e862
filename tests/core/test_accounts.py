"""Accounts through their pages: a user changes their password (current password and
second factor); an operator adds people, sets desks, roles and personal permissions,
sets a password, resets a lost second factor and deactivates a leaver — all audited."""

import pytest
from django.test import Client
from django.utils import timezone

from takedown.core.choices import Role
from takedown.core.models import AuditEvent, SecurityKey, TOTPDevice, User, UserSession
from tests.conftest import login
from tests.core.test_security import (
    PASSWORD,
    second_factor_confirmed,
    sign_in,
    wrong_code,
)
from tests.liaison.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-long-passphrase-for-tests"


def _password_is(username: str, password: str) -> bool:
    return User.objects.get(username=username).check_password(password)


def test_a_user_changes_their_password_with_the_second_factor(actors):
    officer = actors["owner"]
    other_device = sign_in(officer)  # enrols; a second session, ended by the change
    client = sign_in(officer)
    recovery = iter(other_device.recovery_codes)
    page = client.get("/accounts/password/")
    assert page.status_code == 200

    def change(**fields):
        body = {
            "old_password": PASSWORD,
            "code": next(recovery),
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            **fields,
        }
        return client.post("/accounts/password/", body)

    wrong_current = change(old_password="not-it")
    assert (
        wrong_current.status_code == 400 and "old_password" in wrong_current.context["form"].errors
    )
    weak = change(new_password1="short", new_password2="short")
    assert weak.status_code == 400 and "new_password2" in weak.context["form"].errors
    bad_code = change(code=wrong_code(TOTPDevice.objects.get(user=officer).secret))
    assert bad_code.status_code == 400 and "code" in bad_code.context["form"].errors
    assert AuditEvent.objects.filter(action="auth.password_change_failed").count() == 1
    assert _password_is(officer.username, PASSWORD)

    # A wrong code rests the device, as at sign-in: the next try is refused unchecked.
    assert change().status_code == 429
    TOTPDevice.objects.filter(user=officer).update(failure_count=0, last_failure_at=None)

    done = change()
    assert done.status_code == 302
    assert _password_is(officer.username, NEW_PASSWORD)
    assert not _password_is(officer.username, PASSWORD)
    assert client.get("/").status_code == 200  # this session stays
    assert other_device.get("/")["Location"].startswith("/accounts/login/")
    event = AuditEvent.objects.get(action="auth.password_changed")
    assert event.data["other_sessions_ended"] == 1 and NEW_PASSWORD not in str(event.data)


@pytest.fixture
def operator():
    return UserFactory(username="operator", authority=None, is_staff=True, roles=[Role.OPERATOR])


def test_an_operator_adds_a_person_with_desks_roles_and_permissions(operator, network):
    client = login(operator)
    assert client.get("/accounts/users/new/").status_code == 200
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "new.officer",
            "email": "new.officer@example.org",
            "authority": network["desk_de"].authority.pk,
            "timezone": "Europe/Berlin",
            "roles": [Role.LIAISON_OFFICER.value],
            "desks": [network["desk_de"].pk],
            "permissions": ["evidence.view_evidence_content"],
            "is_active": "on",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    person = User.objects.get(username="new.officer")
    assert person.has_role(Role.LIAISON_OFFICER)
    assert list(person.desks.all()) == [network["desk_de"]]
    assert person.has_perm("evidence.view_evidence_content")
    assert not person.has_perm("cases.view_victim_data")
    assert _password_is("new.officer", NEW_PASSWORD)
    created = AuditEvent.objects.get(action="user.created")
    assert created.actor == operator and created.data["desks"] == ["DE desk"]
    assert NEW_PASSWORD not in str(created.data)
    # A taken name and a weak password are form errors; nothing is written.
    again = client.post(
        "/accounts/users/new/",
        {"username": "new.officer", "timezone": "UTC", "password1": "x", "password2": "x"},
    )
    assert again.status_code == 400 and User.objects.filter(username="new.officer").count() == 1


def test_an_operator_deactivates_a_leaver_and_their_sessions_end(operator, actors):
    leaver = actors["colleague"]
    leaver_client = login(leaver)
    assert leaver_client.get("/").status_code == 200
    assert UserSession.objects.filter(user=leaver).exists()
    client = login(operator)
    form = client.get(f"/accounts/users/{leaver.pk}/").context["form"]
    body = {
        name: value
        for name, value in form.initial.items()
        if name not in ("is_active", "username") and value is not None
    }
    response = client.post(f"/accounts/users/{leaver.pk}/", body)  # is_active unticked
    assert response.status_code == 302
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert leaver_client.get("/")["Location"].startswith("/accounts/login/")
    assert AuditEvent.objects.get(action="user.updated").data["active"] is False


def test_an_operator_cannot_change_their_own_account(operator, network):
    """Neither lock themselves out nor raise their own rights (desks, roles, content):
    their own account is another operator's to change."""
    client = login(operator)
    response = client.post(
        f"/accounts/users/{operator.pk}/",
        {
            "timezone": "UTC",
            "roles": [Role.OPERATOR.value, Role.PROSECUTOR.value],
            "desks": [network["desk_de"].pk],
            "permissions": ["evidence.view_evidence_content"],
            "is_active": "on",
        },
    )
    assert response.status_code == 404
    operator = User.objects.get(pk=operator.pk)
    assert operator.is_active and not operator.desks.exists()
    assert not operator.has_perm("evidence.view_evidence_content")
    assert not operator.has_role(Role.PROSECUTOR)
    assert client.post(f"/accounts/users/{operator.pk}/second-factor/reset/").status_code == 404


def test_an_operator_sets_a_password_and_resets_a_lost_second_factor(operator, actors):
    person = actors["outsider"]
    sign_in(person)  # enrolled
    assert TOTPDevice.objects.filter(user=person).exists()
    client = login(operator)
    client.post(
        f"/accounts/users/{person.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert _password_is(person.username, NEW_PASSWORD)
    SecurityKey.objects.create(
        user=person,
        name="lost key",
        credential_id="lost",
        public_key="pk",
        created_at=timezone.now(),
    )
    client.post(f"/accounts/users/{person.pk}/second-factor/reset/")
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not SecurityKey.objects.filter(user=person).exists()  # a lost key stays no key
    actions = list(
        AuditEvent.objects.filter(action__startswith="user.").values_list("action", flat=True)
    )
    assert actions == ["user.password_set", "user.second_factor_reset"]
    # The next sign-in enrols again.
    fresh = Client()
    fresh.post("/accounts/login/", {"username": person.username, "password": NEW_PASSWORD})
    assert fresh.get("/")["Location"].startswith("/accounts/2fa/setup/")


def test_resetting_a_second_factor_needs_a_fresh_confirmation(operator, actors):
    client = login(operator)
    second_factor_confirmed(client, minutes_ago=30)  # signed in, but not just now
    person = actors["outsider"]
    response = client.post(f"/accounts/users/{person.pk}/second-factor/reset/")
    assert response.status_code == 302 and "step_up" in response["Location"]
    assert not AuditEvent.objects.filter(action="user.second_factor_reset").exists()


def test_only_operators_manage_people_and_never_a_superuser(operator, actors):
    for user in (actors["owner"],):
        client = login(user)
        assert client.get("/accounts/users/").status_code == 403
        assert client.get(f"/accounts/users/{actors['colleague'].pk}/").status_code == 403
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert login(operator).get(f"/accounts/users/{root.pk}/").status_code == 404
    listing = login(operator).get("/accounts/users/").content.decode()
    assert "owner" in listing and ">root<" not in listing
