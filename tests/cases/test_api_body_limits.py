"""Every JSON endpoint refuses a body nested too deeply (400 ``malformed_request``,
before the parser recurses) and a body over the size limit (413 ``payload_too_large``,
before it is read), with or without an Idempotency-Key, and changes nothing."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from cases.models import Report, TakedownOrder
from liaison.choices import AuthorityKind
from takedown.core.api.parsers import nesting_depth_exceeds
from tests.liaison.factories import AuthorityFactory, api_key_for

pytestmark = pytest.mark.django_db

ORDER_ACTIONS = (
    "api-order-acknowledge",
    "api-order-removals",
    "api-order-cannot-comply",
    "api-order-clarifications",
    "api-order-objections",
)


def client_with(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def endpoints(network):
    """(name, client, path) of every JSON POST of the API, with a sandbox order to act on."""
    cache.clear()
    platform = client_with(api_key_for(platform=network["platform_a"]))
    partner = client_with(
        api_key_for(
            partner=AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.HOTLINE)
        )
    )
    made = platform.post(reverse("api-platform-sandbox"), {"items": 1}, format="json")
    assert made.status_code == 201
    order = made.json()["id"]
    return [
        ("api-reports", partner, reverse("api-reports")),
        ("api-platform-sandbox", platform, reverse("api-platform-sandbox")),
        *((name, platform, reverse(name, kwargs={"pk": order})) for name in ORDER_ACTIONS),
    ]


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("idempotency_key", [None, "limits-1"])
def test_deeply_nested_json_is_refused_before_it_is_parsed(endpoints, idempotency_key):
    headers = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
    orders, reports = TakedownOrder.objects.count(), Report.objects.count()
    for name, client, path in endpoints:
        response = client.post(path, nested(5000), content_type="application/json", **headers)
        assert response.status_code == 400, name
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "malformed_request", name
    assert (TakedownOrder.objects.count(), Report.objects.count()) == (orders, reports)


@pytest.mark.parametrize("idempotency_key", [None, "limits-2"])
def test_a_body_over_the_limit_is_refused_before_it_is_read(endpoints, settings, idempotency_key):
    settings.API_MAX_BODY_BYTES = 2048
    headers = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}
    body = json.dumps({"question": "x" * 4096})
    for name, client, path in endpoints:
        response = client.post(path, body, content_type="application/json", **headers)
        assert response.status_code == 413, name
        assert response.json()["code"] == "payload_too_large", name


def test_the_depth_scan_ignores_brackets_in_strings_and_counts_real_nesting():
    assert not nesting_depth_exceeds(b'{"a": "[[[[[[[[[[ {{{{ \\" [[[["}', 3)
    assert not nesting_depth_exceeds(b'[[["\\\\"]]]', 3)
    assert nesting_depth_exceeds(b'[[[["\\\\"]]]]', 3)
    assert nesting_depth_exceeds(nested(33).encode(), 32)
    assert not nesting_depth_exceeds(nested(32).encode(), 32)
