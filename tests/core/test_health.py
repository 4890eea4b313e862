import pytest
from django.test import override_settings

from takedown.celery import app as celery_app


def test_healthz_answers_without_io(client):
    # No database fixture: any query would raise here.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_database_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == ["database", "broker"]


@pytest.mark.django_db
def test_readyz_names_an_unreachable_broker(client, monkeypatch):
    # A Redis broker on a port where nothing listens.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    with override_settings(CELERY_BROKER_TRANSPORT_OPTIONS={}):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert set(body["failing"]) == {"broker"}


def test_every_response_carries_a_request_id(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    generated = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")["X-Request-ID"]
    assert generated != "bad id with spaces" and len(generated) == 32


@pytest.mark.django_db
def test_idempotency_records_are_kept_seven_days():
    from datetime import timedelta

    from django.utils import timezone

    from takedown.core.models import IdempotencyRecord
    from takedown.core.tasks import purge_idempotency_records

    old = IdempotencyRecord.objects.create(owner="platform:x", key="old", request_hash="h")
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    IdempotencyRecord.objects.create(owner="platform:x", key="new", request_hash="h")
    assert purge_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
