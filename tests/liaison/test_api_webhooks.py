"""A platform runs its own webhook through the API with its key: sets the URL (the first
time it gets a signing secret), rotates the secret with a grace period in which both
secrets sign, sends a test event that a Standard Webhooks receiver verifies, reads its
delivery log and has deliveries sent again. Another platform sees none of it; the
address checks apply; bad input leaves nothing changed."""

from datetime import UTC, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient
from standardwebhooks import Webhook, WebhookVerificationError

from deadlines.choices import NotificationStatus
from deadlines.models import Notification
from deadlines.outbox import notification_deliver, notify_platform
from liaison.choices import WebhookEvent
from liaison.models import Platform
from takedown.core.models import AuditEvent
from tests.liaison.factories import AuthorityFactory, PlatformFactory, api_key_for

pytestmark = pytest.mark.django_db

API = "/api/v1/platform/webhook"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def platform():
    return PlatformFactory(slug="a-video", name="A Video")


def client_for(platform) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_for(platform=platform)}")
    return client


@pytest.fixture
def api(platform):
    return client_for(platform)


def lowered(headers: dict) -> dict:
    return {key.lower(): value for key, value in headers.items()}


def deliver_all():
    """What the worker does (it is tested with a real worker in tests/deadlines)."""
    for pk in Notification.objects.filter(status=NotificationStatus.PENDING).values_list(
        "pk", flat=True
    ):
        notification_deliver(notification_id=pk)


def test_a_platform_sets_its_url_gets_a_secret_once_and_a_test_event_verifies(
    api, platform, webhook_receiver
):
    assert api.get(f"{API}/").json()["url"] is None

    answer = api.put(f"{API}/", {"url": webhook_receiver.url}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    secret = body["secret"]
    assert secret.startswith("whsec_") and body["url"] == webhook_receiver.url
    assert set(body["events"]) == set(WebhookEvent.values)
    # Shown once: reading it again, or moving the URL, never shows it.
    assert api.get(f"{API}/").json()["secret"] is None
    again = api.put(f"{API}/", {"url": webhook_receiver.url + "/v2"}, format="json").json()
    assert again["secret"] is None and again["url"].endswith("/v2")
    platform.refresh_from_db()
    assert platform.webhook_secret == secret  # stored encrypted, usable by the worker

    sent = api.post(f"{API}/test/", HTTP_IDEMPOTENCY_KEY="test-1")
    assert sent.status_code == 202, sent.content
    delivery = sent.json()
    assert delivery["type"] == "webhook.test" and delivery["status"] == "pending"
    deliver_all()
    (received,) = webhook_receiver.requests
    event = Webhook(secret).verify(received.body, lowered(received.headers))
    assert event["type"] == "webhook.test" and event["data"]["platform"] == "a-video"
    assert event["timestamp"].endswith("Z")
    assert lowered(received.headers)["webhook-id"] == delivery["webhook_id"]

    log = api.get(f"{API}/deliveries/{delivery['id']}/").json()
    assert log["status"] == "delivered" and log["attempts"] == 1
    (attempt,) = log["attempt_log"]
    assert attempt["succeeded"] and attempt["status_code"] == 204
    assert AuditEvent.objects.filter(action="webhook.url_set").count() == 2


def test_order_events_arrive_in_the_standard_webhooks_envelope(platform, webhook_receiver):
    platform.webhook_url = webhook_receiver.url
    platform.webhook_secret = "whsec_" + "A" * 43 + "="
    platform.save()
    now = timezone.now()
    notification = notify_platform(
        platform=platform,
        event_type=WebhookEvent.ORDER_ISSUED.value,
        payload={"order": {"id": 7}},
        dedupe_key="envelope",
        now=now,
    )
    assert notification_deliver(notification_id=notification.pk, now=now).ok
    (received,) = webhook_receiver.requests
    event = Webhook(platform.webhook_secret).verify(received.body, lowered(received.headers))
    assert event == {
        "type": "order.issued",
        "timestamp": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": {"order": {"id": 7}},
    }


def test_rotation_signs_with_both_secrets_during_the_grace_period_then_only_the_new(
    api, platform, webhook_receiver, settings
):
    settings.WEBHOOK_SECRET_GRACE_HOURS = 1
    old = api.put(f"{API}/", {"url": webhook_receiver.url}, format="json").json()["secret"]
    rotated = api.post(f"{API}/rotate-secret/")
    assert rotated.status_code == 200, rotated.content
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != old
    until = rotated.json()["previous_secret_valid_until"]
    assert until is not None

    api.post(f"{API}/test/")
    deliver_all()
    (during,) = webhook_receiver.requests
    headers = lowered(during.headers)
    assert len(headers["webhook-signature"].split()) == 2
    Webhook(old).verify(during.body, headers)  # a receiver not yet switched still verifies
    Webhook(new).verify(during.body, headers)

    # A retried rotation (its answer lost) must not cut the receiver's old secret off.
    newer = api.post(f"{API}/rotate-secret/").json()
    assert newer["previous_secret_valid_until"] == until

    platform.refresh_from_db()
    after_grace = platform.webhook_previous_secret_until + timedelta(seconds=1)
    assert platform.webhook_signing_secrets(after_grace) == [newer["secret"]]
    notification = notify_platform(
        platform=platform,
        event_type=WebhookEvent.WEBHOOK_TEST.value,
        payload={},
        dedupe_key="after-grace",
        now=after_grace,
    )
    notification_deliver(notification_id=notification.pk, now=after_grace)
    headers = lowered(webhook_receiver.requests[-1].headers)
    assert len(headers["webhook-signature"].split()) == 1
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(webhook_receiver.requests[-1].body, headers)


def test_deliveries_can_be_sent_again_once_settled(api, platform, webhook_receiver):
    api.put(f"{API}/", {"url": webhook_receiver.url}, format="json")
    delivery = api.post(f"{API}/test/").json()

    refused = api.post(f"{API}/deliveries/{delivery['id']}/redeliver/")
    assert refused.status_code == 409 and refused.headers["Content-Type"] == PROBLEM
    assert refused.json()["code"] == "invalid_transition"

    deliver_all()
    again = api.post(f"{API}/deliveries/{delivery['id']}/redeliver/")
    assert again.status_code == 202, again.content
    assert again.json()["status"] == "pending" and again.json()["redeliverable"] is False
    deliver_all()
    first, second = webhook_receiver.requests
    assert lowered(first.headers)["webhook-id"] == lowered(second.headers)["webhook-id"]
    log = api.get(f"{API}/deliveries/{delivery['id']}/").json()
    assert log["status"] == "delivered" and len(log["attempt_log"]) == 2
    assert AuditEvent.objects.filter(action="notification.redelivered").count() == 1


def test_the_log_lists_newest_first_and_filters(api, platform, webhook_receiver):
    api.put(f"{API}/", {"url": webhook_receiver.url}, format="json")
    ids = [api.post(f"{API}/test/").json()["id"] for _ in range(3)]
    listed = api.get(f"{API}/deliveries/").json()["results"]
    assert [row["id"] for row in listed] == ids[::-1]
    assert api.get(f"{API}/deliveries/", {"status": "delivered"}).json()["results"] == []
    assert len(api.get(f"{API}/deliveries/", {"type": "webhook.test"}).json()["results"]) == 3
    bad = api.get(f"{API}/deliveries/", {"status": "lost"})
    assert bad.status_code == 400 and bad.json()["code"] == "validation_failed"


def test_another_platform_sees_and_touches_none_of_it(api, platform, webhook_receiver):
    api.put(f"{API}/", {"url": webhook_receiver.url}, format="json")
    delivery = api.post(f"{API}/test/").json()
    other = client_for(PlatformFactory())
    assert other.get(f"{API}/deliveries/").json()["results"] == []
    assert other.get(f"{API}/deliveries/{delivery['id']}/").status_code == 404
    assert other.post(f"{API}/deliveries/{delivery['id']}/redeliver/").status_code == 404
    assert other.get(f"{API}/").json()["url"] is None


def test_partners_and_the_anonymous_are_refused(platform):
    partner = APIClient()
    partner.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_for(partner=AuthorityFactory())}")
    assert partner.get(f"{API}/").status_code == 403
    assert APIClient().get(f"{API}/deliveries/").status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "not a url"}, "url"),
        ({"url": 5}, "url"),
        ({"url": "https://user@hooks.example.org/x"}, "url"),  # what the pattern says
        ({"url": "https://hooks.example.org/x y"}, "url"),
        ({"url": " https://hooks.example.org/x"}, "url"),
        ({}, "url"),
        ({"url": "https://hooks.example.org/x", "secret": "whsec_mine"}, "secret"),
    ],
)
def test_bad_input_is_a_field_error_and_changes_nothing(api, platform, body, field):
    answer = api.put(f"{API}/", body, format="json")
    assert answer.status_code == 400 and answer.headers["Content-Type"] == PROBLEM
    assert field in answer.json()["errors"]
    platform.refresh_from_db()
    assert platform.webhook_url == "" and platform.webhook_secret == ""


def test_production_address_checks_apply(api, platform, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    settings.WEBHOOK_ALLOW_HTTP = False
    for url in ("http://hooks.example.org/x", "https://127.0.0.1/hook", "https://10.0.0.5/"):
        answer = api.put(f"{API}/", {"url": url}, format="json")
        assert answer.status_code == 400, url
        assert "url" in answer.json()["errors"]
    assert Platform.objects.get(pk=platform.pk).webhook_url == ""


def test_a_test_event_needs_a_url_and_removing_it_stops_events(api, platform, webhook_receiver):
    refused = api.post(f"{API}/test/")
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    api.put(f"{API}/", {"url": webhook_receiver.url}, format="json")
    assert api.delete(f"{API}/").status_code == 204
    assert api.get(f"{API}/").json()["url"] is None
    assert api.post(f"{API}/test/").status_code == 409
    platform.refresh_from_db()
    assert platform.webhook_secret  # kept for when a URL is set again


def event_validator(component: str):
    """The schema's own description of an event body, as a JSON Schema validator."""
    from jsonschema import Draft202012Validator

    document = APIClient().get("/api/schema/?format=json").json()
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    )


def test_the_schema_describes_every_event_and_what_is_sent_matches_it(
    api, platform, webhook_receiver
):
    document = APIClient().get("/api/schema/?format=json").json()
    assert document["openapi"].startswith("3.1")
    assert set(document["webhooks"]) == set(WebhookEvent.values)
    api.put(f"{API}/", {"url": webhook_receiver.url}, format="json")
    api.post(f"{API}/test/")
    deliver_all()
    import json

    sent = json.loads(webhook_receiver.requests[0].body)
    event_validator("TestEvent").validate(sent)
    with pytest.raises(Exception, match="required"):
        event_validator("TestEvent").validate({**sent, "data": {}})
