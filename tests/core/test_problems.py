"""Every problem document's ``type`` is a page of this installation's catalogue that
explains its code, and each code has one title whatever went wrong (``detail`` says
that)."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from takedown.core.api.problems import CATALOGUE
from tests.liaison.factories import api_key_for

pytestmark = pytest.mark.django_db


def test_problem_types_resolve_to_the_catalogue_with_one_title_per_code(network):
    cache.clear()
    platform = APIClient()
    platform.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_for(platform=network['platform_a'])}")
    order = platform.post("/api/v1/platform/sandbox/orders/", {"items": 1}, format="json").json()
    platform.post(f"/api/v1/platform/orders/{order['id']}/acknowledge/")
    answers = {
        "not_found (unknown URL)": Client().get("/api/v1/nowhere/"),
        "not_found (an order)": platform.get("/api/v1/platform/orders/999999/"),
        "not_authenticated": APIClient().get("/api/v1/platform/orders/"),
        "validation_failed": platform.post(
            f"/api/v1/platform/orders/{order['id']}/clarifications/", {}, format="json"
        ),
        "invalid_transition": platform.post(f"/api/v1/platform/orders/{order['id']}/acknowledge/"),
        "malformed_request": platform.post(
            "/api/v1/platform/sandbox/orders/", "{", content_type="application/json"
        ),
    }
    titles: dict[str, set[str]] = {}
    for what, response in answers.items():
        body = response.json()
        code = body["code"]
        assert what.startswith(code), (what, body)
        assert body["type"] == f"http://testserver/problems/{code}"
        assert body["title"] == str(CATALOGUE[code][1])
        titles.setdefault(code, set()).add(body["title"])
        page = Client().get(body["type"].removeprefix("http://testserver"))
        assert page.status_code == 200 and f"<code>{code}</code>" in page.content.decode()
    assert all(len(seen) == 1 for seen in titles.values())
    assert answers["not_found (an order)"].json()["detail"]  # what went wrong, this time
    assert Client().get("/problems/no_such_code").status_code == 404
    catalogue = Client().get("/problems/").content.decode()
    assert all(f'id="{code}"' in catalogue for code in CATALOGUE)
