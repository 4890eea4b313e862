"""The network's languages: the browser's pick for everyone, the header's switcher, and
a signed-in user's own preference, which wins and follows them to every device."""

import pytest
from django.conf import settings
from django.utils import translation

from tests.conftest import login
from tests.liaison.factories import UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def in_language(code: str, text: str) -> str:
    with translation.override(code):
        return translation.gettext(text)


@pytest.mark.parametrize("code", [c for c in LANGUAGES if c != "en"])
def test_every_language_has_its_catalogue(code):
    # A string of the sign-in page reads differently in every language but English.
    assert in_language(code, "Sign in") != "Sign in"


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_sign_in_page_speaks_the_browser_language(client, code):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=f"{code},en;q=0.5")
    html = page.content.decode()
    assert f'<html lang="{code}">' in html
    assert in_language(code, "Sign in") in html
    assert page["Content-Language"] == code


def test_the_switcher_sets_the_language_and_goes_back(client):
    response = client.post("/language/", {"language": "nl", "next": "/accounts/login/?x=1"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?x=1"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="nl">' in page  # the cookie wins over the browser


def test_the_switcher_goes_nowhere_outside_the_site_and_ignores_unknown_languages(client):
    response = client.post("/language/", {"language": "de", "next": "https://evil.test/"})
    assert response.status_code == 302 and response["Location"] == "/"
    client.post("/language/", {"language": "xx", "next": "/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"


def test_a_signed_in_users_choice_is_their_preference_everywhere(network):
    user = UserFactory(authority=network["desk_de"].authority)
    client = login(user)
    client.post("/language/", {"language": "fr", "next": "/accounts/preferences/"})
    user.refresh_from_db()
    assert user.language == "fr"
    other_device = login(user)  # no cookie there, a German browser
    page = other_device.get("/accounts/preferences/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<html lang="fr">' in page
    assert in_language("fr", "Your preferences") in page


def test_the_preferences_page_saves_language_and_timezone(network):
    user = UserFactory(authority=network["desk_de"].authority)
    client = login(user)
    page = client.get("/accounts/preferences/").content.decode()
    assert 'name="language"' in page and "Europe/Berlin" in page
    response = client.post(
        "/accounts/preferences/", {"language": "es", "timezone": "Europe/Madrid"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.language, user.timezone) == ("es", "Europe/Madrid")
    # Empty: back to the browser's language.
    client.post("/accounts/preferences/", {"language": "", "timezone": "UTC"})
    page = client.get("/accounts/preferences/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '<html lang="nl">' in page


def test_a_timezone_that_does_not_exist_is_a_form_error(network):
    user = UserFactory(authority=network["desk_de"].authority, timezone="UTC")
    response = login(user).post(
        "/accounts/preferences/", {"language": "de", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode() or "is-invalid" in (
        response.content.decode()
    )
    user.refresh_from_db()
    assert (user.language, user.timezone) == ("", "UTC")  # nothing half-saved


@pytest.mark.parametrize(
    ("code", "pattern"),
    [
        ("en", "%Y-%m-%d %H:%M"),
        ("de", "%d.%m.%Y %H:%M"),
        ("fr", "%d/%m/%Y %H:%M"),
        ("nl", "%d-%m-%Y %H:%M"),
        ("es", "%d/%m/%Y %H:%M"),
    ],
)
def test_dates_are_written_as_the_users_language_writes_them(network, code, pattern):
    from zoneinfo import ZoneInfo

    from takedown.core.models import UserSession

    user = UserFactory(
        authority=network["desk_de"].authority, language=code, timezone="Europe/Berlin"
    )
    client = login(user)
    client.get("/accounts/preferences/")  # the session is recorded
    session = UserSession.objects.filter(user=user).latest("created_at")
    page = client.get("/accounts/sessions/").content.decode()
    local = session.created_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert local.strftime(pattern) in page
