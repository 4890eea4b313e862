"""Errors inside the site's layout, in the user's language, with a way back."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from takedown.core.views import handler500
from tests.conftest import login
from tests.liaison.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_unknown_page_is_the_products_404_with_a_way_home(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="navbar' in html and "There is no such page" in html
    assert 'href="/"' in html and "Go to your start page" in html
    assert "URLconf" not in html  # not Django's debug list of patterns


def test_a_refusal_is_the_products_403(network):
    auditor = UserFactory(authority=network["desk_de"].authority, roles=["auditor"])
    response = login(auditor).get("/accounts/users/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You may not open this page" in html and 'class="navbar' in html


def test_the_404_speaks_the_browser_language(client):
    html = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    with translation.override("de"):
        assert translation.gettext("There is no such page") in html


def test_a_server_error_is_the_products_500_even_without_a_request_context():
    with translation.override("en"):
        response = handler500(RequestFactory().get("/cases/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and 'href="/"' in html


def test_the_site_has_a_favicon(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in html
    assert client.get("/static/img/favicon.svg").status_code == 200
