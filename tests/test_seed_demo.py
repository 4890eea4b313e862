from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from cases.choices import CaseStatus
from cases.models import Case, ReportedItem
from liaison.models import Contact, Jurisdiction, LiaisonDesk, Platform
from takedown.core.audit import verify_chain
from takedown.core.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Jurisdiction,
            LiaisonDesk,
            Contact,
            Platform,
            User,
            Case,
            ReportedItem,
            AuditEvent,
        )
    }


def test_seed_demo_is_complete_and_idempotent(capsys):
    call_command("seed_demo")
    first = _counts()
    output = capsys.readouterr().out
    assert "officer.de" in output and "takedown-demo-2026" in output

    call_command("seed_demo")
    assert _counts() == first
    assert "nothing changed" in capsys.readouterr().out

    assert first["Jurisdiction"] >= 4 and first["Platform"] >= 3
    assert 25 <= first["Case"] <= 40
    assert set(Counter(Case.objects.values_list("status", flat=True))) == set(CaseStatus.values)
    profiles = Jurisdiction.objects.all()
    assert {j.criminalises_drawn for j in profiles} == {True, False}
    assert any(not j.accepts_direct_orders for j in profiles)
    assert len({j.timezone for j in profiles}) == len(profiles)
    assert len({j.evidence_retention_days for j in profiles}) > 1
    assert all("Illustrative" in j.profile_note for j in profiles)
    for desk in LiaisonDesk.objects.all():
        assert desk.roster.count() >= 3
    assert all(
        domain.endswith((".test", "example.org"))
        for domain in Platform.objects.values_list("domains__domain", flat=True)
    )
    assert verify_chain()[1] is None
    # A desk waits to join another desk's case: the lead sees it on /cases/joins/.
    from cases.models import JoinRequest

    assert JoinRequest.objects.filter(status="pending", desk__name__contains="NL").count() == 1


def test_seed_demo_is_refused_in_production():
    with (
        override_settings(SETTINGS_MODULE="takedown.settings.production"),
        pytest.raises(CommandError, match="production"),
    ):
        call_command("seed_demo")


def test_demo_history_lies_in_the_past():
    from django.utils import timezone

    from cases.models import TakedownOrder

    call_command("seed_demo")
    now = timezone.now()
    assert TakedownOrder.objects.exists()
    assert not TakedownOrder.objects.filter(issued_at__gt=now).exists()
    assert not AuditEvent.objects.filter(occurred_at__gt=now).exists()


@pytest.mark.django_db(transaction=True)
def test_demo_platform_webhooks_are_delivered_to_the_stand_in_receiver(live_server, settings):
    """The embedded demo's outbox shows deliveries: each demo platform has a secret and
    a URL on the app's own receiver, which checks the signature."""
    from django.utils import timezone

    from deadlines.choices import NotificationChannel, NotificationStatus
    from deadlines.models import Notification
    from deadlines.outbox import notifications_deliver, pending_notification_ids

    settings.DEMO_WEBHOOK_RECEIVER = True
    call_command("seed_demo", no_logins=True, webhook_base=live_server.url)
    assert all(p.webhook_secret for p in Platform.objects.all())
    hooks = Notification.objects.filter(channel=NotificationChannel.WEBHOOK, platform__isnull=False)
    assert hooks.exists()
    now = timezone.now()  # the receiver checks the signature's timestamp against its clock
    notifications_deliver(pending_notification_ids(now=now), now=now)
    assert set(hooks.values_list("status", flat=True)) == {NotificationStatus.DELIVERED}


@pytest.mark.django_db(transaction=True)
def test_the_stand_in_receiver_refuses_a_bad_signature_and_is_off_by_default(
    live_server, settings, client
):
    settings.DEMO_WEBHOOK_RECEIVER = True
    call_command("seed_demo", no_logins=True, webhook_base=live_server.url)
    slug = Platform.objects.first().slug
    headers = {"webhook-id": "msg_1", "webhook-timestamp": "1", "webhook-signature": "v1,AAAA"}
    response = client.post(
        f"/demo/hooks/{slug}/", b"{}", content_type="application/json", headers=headers
    )
    assert response.status_code == 401
    settings.DEMO_WEBHOOK_RECEIVER = False
    assert (
        client.post(f"/demo/hooks/{slug}/", b"{}", content_type="application/json").status_code
        == 404
    )
