"""A page cursor that does not decode is the client's error: 400 ``validation_failed``
naming the parameter, on every paged list (it was a 404, as if the page were missing)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from liaison.choices import AuthorityKind
from tests.conftest import login
from tests.liaison.factories import AuthorityFactory, api_key_for

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_bad_cursor_is_a_validation_error_on_every_list(network, actors):
    cache.clear()
    platform = bearer(api_key_for(platform=network["platform_a"]))
    partner = bearer(
        api_key_for(
            partner=AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.HOTLINE)
        )
    )
    officer = login(actors["owner"])
    # Well-formed cursors whose position is no time ("p=2026", "p=x") as well.
    for client, path, parameter in (
        (platform, "/api/v1/platform/orders/?cursor=not-a-cursor", "cursor"),
        (platform, "/api/v1/platform/orders/?cursor=cD0yMDI2", "cursor"),
        (platform, "/api/v1/platform/webhook/deliveries/?cursor=bz0xJnA9eA%3D%3D", "cursor"),
        (partner, "/api/v1/reports/?cursor=not-a-cursor", "cursor"),
        (partner, "/api/v1/reports/?cursor=cD0yMDI2", "cursor"),
        (officer, "/api/v1/cases/?after=not-a-cursor", "after"),
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        body = response.json()
        assert body["code"] == "validation_failed" and parameter in body["errors"], path
    assert platform.get("/api/v1/platform/orders/").status_code == 200
