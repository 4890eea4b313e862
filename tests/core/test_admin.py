"""The Django admin, driven through its real views.

Every registered model is covered by iterating ``admin.site._registry``, so a model
added later is checked without touching this file.
"""

import logging

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseParticipant, VictimMessage, VictimNotice
from deadlines.models import Notification
from liaison.models import AuthorityKey, Contact, Jurisdiction, Platform
from takedown.core.admin import ReadOnlyAdminMixin
from takedown.core.audit import audit_record
from takedown.core.choices import Role
from takedown.core.models import AuditEvent
from takedown.core.roles import SUPERUSER_ONLY
from tests.conftest import login
from tests.liaison.factories import (
    AuthorityFactory,
    DeskFactory,
    JurisdictionFactory,
    PlatformFactory,
    UserFactory,
)

REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
READ_ONLY = [(model, ma) for model, ma in REGISTRY if isinstance(ma, ReadOnlyAdminMixin)]
# Never added through the admin: all read-only models but those whose add page runs a
# service (AuthorityKey: registering an authority's own public key).
NEVER_ADDED = [
    (model, ma)
    for model, ma in READ_ONLY
    if type(ma).has_add_permission is ReadOnlyAdminMixin.has_add_permission
]

MARKERS = (
    "MARKER-WEBHOOK-SECRET",
    "MARKER-CONTACT-SECRET",
    "MARKER-PRIVATE-KEY",
    "MARKER-VICTIM-NAME",
    "MARKER-VICTIM-CONTACT",
    "MARKER-VICTIM-BODY",
)


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def label(model) -> str:
    return model._meta.label


def ids(pairs) -> list[str]:
    return [label(model) for model, _model_admin in pairs]


def as_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def errors_of(response) -> str:
    """The admin's form errors, for an assertion message when a POST did not redirect."""
    if response.context is None:
        return f"status {response.status_code}"
    return f"status {response.status_code}: {response.context.get('errors')!r}"


@pytest.fixture(autouse=True)
def quiet_expected_denials(caplog):
    """The 403s here are the expected outcome; each one logged as a warning costs about
    a second of rich traceback rendering."""
    caplog.set_level(logging.ERROR, logger="django.request")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def operator(db):
    user = UserFactory(username="operator", is_staff=True, roles=[Role.OPERATOR])
    assert user.groups.filter(name="operator").exists()
    return user


@pytest.fixture
def world(db):
    """A minimal graph with a secret or a piece of victim data in every sensitive field."""
    now = timezone.now()
    jurisdiction = JurisdictionFactory(code="DE", name="Germany", timezone="Europe/Berlin")
    authority = AuthorityFactory(jurisdiction=jurisdiction)
    desk = DeskFactory(authority=authority, name="DE desk")
    officer = UserFactory(username="officer", authority=authority)
    platform = PlatformFactory(establishment_jurisdiction=jurisdiction, domains=["a-video.test"])
    platform.webhook_secret = "MARKER-WEBHOOK-SECRET"
    platform.save()
    contact = Contact.objects.create(
        platform=platform,
        position=0,
        role="primary",
        name="Platform webhook",
        channel="webhook",
        webhook_url="https://a-video.test/hook",
        webhook_secret="MARKER-CONTACT-SECRET",
    )
    key = AuthorityKey.objects.create(
        authority=authority,
        purpose="signing",
        key_id="admin-test-signing-1",
        public_key="cHVibGljLWtleQ",
        private_key="MARKER-PRIVATE-KEY",
        valid_from=now,
    )
    case = Case.objects.create(reference="TD-ADMIN-1", lead_desk=desk, created_at=now)
    CaseParticipant.objects.create(case=case, desk=desk, role="lead", joined_at=now)
    notice = VictimNotice.objects.create(
        case=case,
        pseudonym="MARKER-VICTIM-NAME",
        contact_details="MARKER-VICTIM-CONTACT",
        preference="direct",
        rule="either",
        created_by=officer,
        created_at=now,
    )
    message = VictimMessage.objects.create(
        notice=notice, milestone="removed", body="MARKER-VICTIM-BODY", created_at=now
    )
    notification = Notification.objects.create(
        channel="email",
        recipient="victim-support@example.org",
        event_type="victim.removed",
        payload={"body": "MARKER-VICTIM-BODY"},
        dedupe_key="admin-test-victim-removed",
        case_id=case.pk,
        created_at=now,
    )
    event = audit_record(action="case.created", actor=officer, obj=case, case_id=case.pk)
    return {
        "jurisdiction": jurisdiction,
        "platform": platform,
        "contact": contact,
        "key": key,
        "case": case,
        "notice": notice,
        "message": message,
        "notification": notification,
        "event": event,
    }


# 1. Every registered model's changelist (and add view, where adding is allowed).


@pytest.mark.parametrize(("model", "model_admin"), REGISTRY, ids=ids(REGISTRY))
def test_changelist_renders_for_superuser(model, model_admin, superuser, world):
    client = login(superuser)
    assert client.get(url(model, "changelist")).status_code == 200
    if model_admin.has_add_permission(as_request(superuser)):
        assert client.get(url(model, "add")).status_code == 200


def test_registry_was_read_at_collection():
    """Guards the parametrisations above against an empty registry."""
    assert READ_ONLY and NEVER_ADDED
    assert {"cases.Case", "core.AuditEvent", "liaison.Platform"} <= {label(m) for m, _ in REGISTRY}


# 2. Read-only models: viewable, never added or changed through the admin.


@pytest.mark.parametrize(("model", "model_admin"), NEVER_ADDED, ids=ids(NEVER_ADDED))
@pytest.mark.parametrize("who", ["superuser", "operator"])
def test_read_only_models_cannot_be_added(model, model_admin, who, request):
    client = login(request.getfixturevalue(who))
    assert client.get(url(model, "add")).status_code == 403
    assert client.post(url(model, "add"), {}).status_code == 403


@pytest.mark.parametrize("who", ["superuser", "operator"])
def test_post_to_read_only_case_is_refused(who, request, world):
    case = world["case"]
    client = login(request.getfixturevalue(who))
    response = client.post(
        url(Case, "change", case.pk),
        {"reference": "TD-TAMPERED", "status": "closed", "priority": 1, "summary": "x"},
    )
    assert response.status_code == 403
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.reference, fresh.status, fresh.priority, fresh.summary, fresh.version) == (
        case.reference,
        case.status,
        case.priority,
        case.summary,
        case.version,
    )


@pytest.mark.parametrize("who", ["superuser", "operator"])
def test_post_to_audit_event_is_refused(who, request, world):
    event = world["event"]
    client = login(request.getfixturevalue(who))
    response = client.post(
        url(AuditEvent, "change", event.pk),
        {"action": "tampered", "actor_label": "nobody", "prev_hash": "0" * 64},
    )
    assert response.status_code == 403
    fresh = AuditEvent.objects.get(pk=event.pk)
    assert (fresh.action, fresh.actor_label, fresh.prev_hash, fresh.hash) == (
        event.action,
        event.actor_label,
        event.prev_hash,
        event.hash,
    )
    assert client.post(url(AuditEvent, "delete", event.pk), {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("model", [AuthorityKey, VictimNotice, VictimMessage], ids=label)
def test_post_to_other_read_only_rows_is_refused(model, superuser, world):
    obj = model.objects.get()
    before = model.objects.filter(pk=obj.pk).values().get()
    response = login(superuser).post(url(model, "change", quote(obj.pk)), {"milestone": "x"})
    assert response.status_code == 403
    assert model.objects.filter(pk=obj.pk).values().get() == before


# 3. Configuration models: the operator keeps them up to date.

JURISDICTION_FORM = {
    "name": "Austria",
    "in_network": "on",
    "timezone": "Europe/Vienna",
    "holiday_calendar": "AT",
    "age_threshold": "18",
    "criminalises_real": "on",
    "criminalises_simulated": "on",
    "accepts_direct_orders": "on",
    "victim_notification_rule": "either",
    "evidence_standard_notes": "",
    "profile_note": "",
    "evidence_retention_days": "3650",
    "case_retention_days": "3650",
}


def inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


# LU: a code the factories never hand out.
def test_operator_adds_and_changes_a_jurisdiction(operator):
    client = login(operator)
    assert client.get(url(Jurisdiction, "add")).status_code == 200
    response = client.post(url(Jurisdiction, "add"), {"code": "LU", **JURISDICTION_FORM})
    assert response.status_code == 302, errors_of(response)
    lu = Jurisdiction.objects.get(code="LU")
    assert (lu.name, lu.timezone, lu.criminalises_drawn) == ("Austria", "Europe/Vienna", False)

    assert client.get(url(Jurisdiction, "change", "LU")).status_code == 200
    response = client.post(
        url(Jurisdiction, "change", "LU"),
        # The code is read-only once created: a posted value is ignored.
        {**JURISDICTION_FORM, "code": "XX", "name": "Republic of Austria", "business_days": "on"},
    )
    assert response.status_code == 302, errors_of(response)
    lu.refresh_from_db()
    assert (lu.name, lu.business_days) == ("Republic of Austria", True)
    assert not Jurisdiction.objects.filter(code="XX").exists()


def platform_form(jurisdiction, **overrides) -> dict:
    return {
        "name": "C Cloud",
        "slug": "c-cloud",
        "kind": "cloud",
        "establishment_jurisdiction": jurisdiction.pk,
        "legal_representative_jurisdiction": "",
        "webhook_url": "",
        "is_active": "on",
        **inline_management("domains"),
        **inline_management("roster"),
        **overrides,
    }


def test_operator_adds_a_platform_with_a_domain_and_a_contact(operator):
    nl = JurisdictionFactory(code="NL", name="Netherlands", timezone="Europe/Amsterdam")
    client = login(operator)
    assert client.get(url(Platform, "add")).status_code == 200
    response = client.post(
        url(Platform, "add"),
        platform_form(
            nl,
            **inline_management("domains", total=1),
            **{"domains-0-domain": "c-cloud.test"},
            **inline_management("roster", total=1),
            **{
                "roster-0-position": "0",
                "roster-0-role": "primary",
                "roster-0-name": "Abuse desk",
                "roster-0-email": "abuse@c-cloud.test",
                "roster-0-channel": "email",
                "roster-0-webhook_url": "",
                "roster-0-on_call": "24/7",
                "roster-0-user": "",
            },
        ),
    )
    assert response.status_code == 302, errors_of(response)
    platform = Platform.objects.get(slug="c-cloud")
    assert platform.establishment_jurisdiction == nl
    assert platform.webhook_secret == ""
    assert list(platform.domains.values_list("domain", flat=True)) == ["c-cloud.test"]
    assert list(platform.roster.values_list("name", flat=True)) == ["Abuse desk"]


def test_operator_changes_a_platform_and_its_secret_survives(operator, world):
    platform = world["platform"]
    domain = platform.domains.get()
    contact = world["contact"]
    client = login(operator)
    page = client.get(url(Platform, "change", platform.pk))
    assert page.status_code == 200
    response = client.post(
        url(Platform, "change", platform.pk),
        platform_form(
            platform.establishment_jurisdiction,
            name="A Video (renamed)",
            slug=platform.slug,
            kind="social",
            # A posted secret is not a form field and must be ignored.
            webhook_secret="overwritten",
            **inline_management("domains", total=1, initial=1),
            **{
                "domains-0-id": domain.pk,
                "domains-0-platform": platform.pk,
                "domains-0-domain": domain.domain,
            },
            **inline_management("roster", total=1, initial=1),
            **{
                "roster-0-id": contact.pk,
                "roster-0-platform": platform.pk,
                "roster-0-position": "0",
                "roster-0-role": "primary",
                "roster-0-name": "Renamed webhook",
                "roster-0-email": "",
                "roster-0-channel": "webhook",
                "roster-0-webhook_url": contact.webhook_url,
                "roster-0-on_call": "24/7",
                "roster-0-user": "",
            },
        ),
    )
    assert response.status_code == 302, errors_of(response)
    platform = Platform.objects.get(pk=platform.pk)
    assert (platform.name, platform.kind) == ("A Video (renamed)", "social")
    assert platform.webhook_secret == "MARKER-WEBHOOK-SECRET"
    contact = Contact.objects.get(pk=contact.pk)
    assert contact.name == "Renamed webhook"
    assert contact.webhook_secret == "MARKER-CONTACT-SECRET"


def test_operator_cannot_add_users_or_touch_victim_data(operator, world):
    client = login(operator)
    assert client.get(url(type(operator), "add")).status_code == 403
    assert client.get(url(VictimNotice, "changelist")).status_code == 403
    assert client.get(url(VictimMessage, "changelist")).status_code == 403


# 4. Secrets and victim data never reach an admin page.


def admin_pages(user):
    """Every changelist, add, change, history and delete page, with the status each
    should return for ``user``."""
    request = as_request(user)
    for model, model_admin in REGISTRY:
        may_view = model_admin.has_view_or_change_permission(request)
        yield url(model, "changelist"), 200 if may_view else 403
        if model_admin.has_add_permission(request):
            yield url(model, "add"), 200
        for obj in model._default_manager.all():
            pk = quote(obj.pk)
            may_view = model_admin.has_view_or_change_permission(request, obj)
            yield url(model, "change", pk), 200 if may_view else 403
            yield url(model, "history", pk), 200 if may_view else 403
            may_delete = model_admin.has_delete_permission(request, obj)
            yield url(model, "delete", pk), 200 if may_delete else 403


@pytest.mark.parametrize("who", ["superuser", "operator"])
def test_no_admin_page_shows_secrets_or_victim_data(who, request, world):
    user = request.getfixturevalue(who)
    client = login(user)
    # The objects holding the markers really are in the database, decryptable.
    assert Platform.objects.get(pk=world["platform"].pk).webhook_secret == MARKERS[0]
    assert VictimNotice.objects.get().pseudonym == "MARKER-VICTIM-NAME"

    pages = dict(admin_pages(user))
    for model in (Platform, Contact, AuthorityKey, VictimNotice, VictimMessage, Notification):
        assert url(model, "change", quote(model._default_manager.get().pk)) in pages

    for page, expected in pages.items():
        response = client.get(page)
        assert response.status_code == expected, page
        body = response.content.decode()
        leaked = [marker for marker in MARKERS if marker in body]
        assert not leaked, f"{page} shows {leaked}"


def test_platform_page_says_whether_a_secret_is_set(superuser, world):
    body = login(superuser).get(url(Platform, "change", world["platform"].pk)).content.decode()
    assert "webhook secret set" in body.lower()
    assert "MARKER-WEBHOOK-SECRET" not in body


# 5. No N+1 queries on the audit log.


def test_audit_changelist_query_count_does_not_grow(superuser):
    client = login(superuser)  # the login itself is one audited event
    page = url(AuditEvent, "changelist")
    client.get(page)  # warm caches (content types, permissions)

    audit_record(action="test.event", actor=superuser)
    assert AuditEvent.objects.filter(action="test.event").count() == 1
    with CaptureQueriesContext(connection) as few:
        assert client.get(page).status_code == 200

    for _ in range(4):
        audit_record(action="test.event", actor=superuser)
    with CaptureQueriesContext(connection) as many:
        response = client.get(page)
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="test.event").count() == 5
    shown = [event.action for event in response.context["cl"].result_list]
    assert shown.count("test.event") == 5
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


@pytest.mark.parametrize(("model", "model_admin"), REGISTRY, ids=ids(REGISTRY))
def test_the_operator_may_view_every_registered_model_but_victims_data(
    model, model_admin, operator, world
):
    """What the operations guide sends an operator to look at is there (escalations,
    delivery attempts, custody events); victims' data is the superuser's alone."""
    superuser_only = model._meta.label_lower in SUPERUSER_ONLY
    status = login(operator).get(url(model, "changelist")).status_code
    assert status == (403 if superuser_only else 200)


def test_the_operator_sees_attempts_and_escalations_inline(operator, world):
    from deadlines.choices import DeadlineKind
    from deadlines.models import Deadline, DeliveryAttempt, Escalation
    from deadlines.services import Responsible, deadline_start

    notification = world["notification"]
    now = timezone.now()
    DeliveryAttempt.objects.create(
        notification=notification,
        attempted_at=now,
        succeeded=False,
        status_code=503,
        error="ATTEMPT-ERROR-MARK",
        duration_ms=12,
    )
    client = login(operator)
    page = client.get(url(Notification, "change", notification.pk))
    assert page.status_code == 200 and "ATTEMPT-ERROR-MARK" in page.content.decode()
    case = world["case"]
    deadline = deadline_start(
        kind=DeadlineKind.ASSESSMENT,
        subject=case,
        label="assess",
        responsible=Responsible(desk=case.lead_desk),
        case_id=case.pk,
    )
    Escalation.objects.create(
        deadline=deadline,
        level=1,
        kind="escalation",
        recipient_label="ESCALATED-TO-MARK",
        created_at=now,
    )
    page = client.get(url(Deadline, "change", deadline.pk))
    assert page.status_code == 200 and "ESCALATED-TO-MARK" in page.content.decode()
