import pytest

from takedown.core.models import AuditEvent
from tests.liaison.factories import UserFactory


@pytest.mark.django_db
def test_login_page_renders(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'autocomplete="current-password"' in response.content


@pytest.mark.django_db
def test_login_logout_and_failures_are_audited(client):
    user = UserFactory(username="officer1", password="a-long-enough-password")
    assert client.get("/").status_code == 302  # home needs a login

    response = client.post("/accounts/login/", {"username": "officer1", "password": "wrong"})
    assert response.status_code == 200 and b"alert-danger" in response.content
    response = client.post(
        "/accounts/login/", {"username": "officer1", "password": "a-long-enough-password"}
    )
    assert response.status_code == 302
    # A staff session needs the second factor before anything else: enrolment first.
    assert client.get("/")["Location"].startswith("/accounts/2fa/setup/")
    client.post("/accounts/logout/")

    actions = list(AuditEvent.objects.values_list("action", "actor_label"))
    assert actions == [
        ("auth.login_failed", "anonymous:officer1"),
        ("auth.login", "officer1"),
        ("auth.logout", "officer1"),
    ]
    assert AuditEvent.objects.filter(actor=user).count() == 2


@pytest.mark.django_db
def test_user_timezone_must_exist():
    from django.core.exceptions import ValidationError

    user = UserFactory.build(timezone="Mars/Olympus_Mons")
    with pytest.raises(ValidationError, match="timezone"):
        user.full_clean(exclude=["password", "authority"])
