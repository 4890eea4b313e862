"""The defects the copies of a rule had caused (issue "One home for every rule"), each
through its real entry point: the page, the API or the command."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import F
from rest_framework.test import APIClient

from cases.choices import CaseStatus, ItemStatus, OrderRequestStatus
from cases.models import Case, OrderRequest, ReportedItem
from cases.services import orders
from evidence import services as evidence
from evidence.choices import CustodyAction
from evidence.models import CustodyEvent, EvidenceItem
from liaison.choices import AuthorityKind, KeyPurpose
from liaison.keys import authority_key_create, authority_key_revoke
from liaison.models import AuthorityKey
from takedown.core.choices import Role
from takedown.core.models import AuditEvent
from tests.cases.factories import assessed_case, join, order_request_for
from tests.conftest import login
from tests.evidence.conftest import synthetic_png
from tests.liaison.factories import (
    AuthorityFactory,
    JurisdictionFactory,
    UserFactory,
    api_key_for,
)

pytestmark = pytest.mark.django_db

ISSUE = {
    "kind": "order",
    "legal_basis": "Art. 3 (demo)",
    "reasons": "Synthetic test material",
    "contact_point": "duty@example.org",
}


@pytest.fixture
def prosecutor(network):
    authority = AuthorityFactory(
        jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR, name="DE prosecution"
    )
    authority_key_create(authority=authority)
    return UserFactory(authority=authority, roles=[Role.PROSECUTOR])


def request_page(client, case, items):
    item_list = list(items)
    return client.post(
        f"/cases/{case.reference}/order-request/",
        {
            "version": Case.objects.get(pk=case.pk).version,
            "platform": item_list[0].platform_id,
            "items": [i.pk for i in item_list],
            "note": "",
        },
    )


# --- 1. The same order could be requested twice -----------------------------------------


def test_an_order_is_requested_once_and_issuing_settles_every_request_it_covers(actors, prosecutor):
    owner = actors["owner"]
    case = assessed_case(owner, "https://b-social.test/p/d1-a", "https://b-social.test/p/d1-b")
    officer = login(owner)
    assert request_page(officer, case, case.items.all()).status_code == 302

    page = officer.get(f"/cases/{case.reference}/").content.decode()
    assert "waiting for a prosecutor" in page
    assert "Request a takedown order" not in page  # nothing left to request

    again = request_page(officer, case, case.items.all())
    assert again.status_code == 400
    assert "A prosecutor already has these items" in again.content.decode()
    assert OrderRequest.objects.filter(case=case).count() == 1
    queue = login(prosecutor).get("/orders/").content.decode()
    assert queue.split("Platforms waiting")[0].count(case.reference) == 1

    # A second open request for the same items (as the defect left behind) is settled by
    # the order that covers it.
    first = OrderRequest.objects.get(case=case)
    twin = OrderRequest.objects.create(
        case=case,
        requested_by=owner,
        authority=first.authority,
        platform=first.platform,
        created_at=first.created_at,
    )
    twin.items.set(first.items.all())
    issued = login(prosecutor).post(
        f"/orders/requests/{first.pk}/", {**ISSUE, "items": [i.pk for i in first.items.all()]}
    )
    assert issued.status_code == 302
    assert set(OrderRequest.objects.filter(case=case).values_list("status", flat=True)) == {
        OrderRequestStatus.FULFILLED
    }
    assert AuditEvent.objects.filter(
        action="order_request.fulfilled", object_id=str(twin.pk)
    ).exists()
    assert (
        "waiting for a prosecutor" not in officer.get(f"/cases/{case.reference}/").content.decode()
    )


# --- 2. An officer could request an order for a DISABLED item ---------------------------


def test_no_order_is_requested_for_an_item_no_longer_online(actors):
    owner = actors["owner"]
    case = assessed_case(owner, "https://b-social.test/p/d2")
    item = case.items.get()
    ReportedItem.objects.filter(pk=item.pk).update(status=ItemStatus.DISABLED)  # test setup
    response = request_page(login(owner), case, [item])
    assert response.status_code == 400
    assert "no longer online" in response.content.decode()
    assert not OrderRequest.objects.exists()


# --- 3. The case moved to "action" without an event or a version bump -------------------


def test_issuing_moves_the_case_with_its_event_and_version(actors, prosecutor):
    request = order_request_for(actors["owner"], "https://b-social.test/p/d3")
    case = request.case
    # Test setup: the case as the defect could leave it, assessed with an open request.
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ASSESSED)
    version = Case.objects.get(pk=case.pk).version
    login(prosecutor).post(
        f"/orders/requests/{request.pk}/", {**ISSUE, "items": [request.items.get().pk]}
    )
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == CaseStatus.ACTION and stored.version == version + 1
    event = AuditEvent.objects.get(action="case.order_issued", case_id=case.pk)
    assert (event.data["from"], event.data["to"]) == ("assessed", "action")


# --- 4. Oversight scope computed six ways -----------------------------------------------


def test_every_event_of_a_case_reaches_the_oversight_of_every_jurisdiction_in_it(
    actors, network, prosecutor
):
    """The NL desk's officer joins the DE-led case, downloads its evidence and verifies
    removal: the DE (lead) auditor sees those events, as the NL one does; a third
    jurisdiction's auditor sees nothing of the case."""
    owner, nl_officer = actors["owner"], actors["outsider"]
    url = "https://b-social.test/p/d4"
    request = order_request_for(owner, url)
    case = request.case
    join(nl_officer, url, jurisdiction="NL", lead=owner)  # the lead lets the NL desk in
    for codename in ("view_evidence_content",):
        nl_officer.user_permissions.add(Permission.objects.get(codename=codename))
    package = evidence.package_create(case=case, officer=owner, source_url=url)
    assert (
        login(owner)
        .post(
            f"/evidence/{package.reference}/upload/",
            {"file": SimpleUploadedFile("c.png", synthetic_png())},
        )
        .status_code
        == 302
    )
    file_id = EvidenceItem.objects.get(package=package).file_id
    owner.user_permissions.add(Permission.objects.get(codename="view_evidence_content"))
    owner = type(owner).objects.get(pk=owner.pk)  # a fresh permission cache
    evidence.package_share(
        package=package, officer=owner, desk=network["desk_nl"], reason="joint review"
    )
    downloaded = login(nl_officer).post(
        f"/evidence/files/{file_id}/download/", {"reason": "review"}
    )
    assert downloaded.status_code == 200
    order = orders.order_issue(
        request=request, prosecutor=prosecutor, fields=orders.OrderFields(**ISSUE)
    )
    item = case.items.get()
    orders.order_report_removals(
        order=order,
        platform=item.platform,
        removals=[
            orders.RemovalInput(item_id=item.pk, outcome="removed", happened_at=order.issued_at)
        ],
    )
    assert (
        login(nl_officer).post(f"/orders/items/{item.pk}/verify/", {"removed": "yes"}).status_code
        == 302
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RESOLVED

    fr = JurisdictionFactory(code="FR", name="France")

    def auditor_of(jurisdiction):
        return login(
            UserFactory(authority=AuthorityFactory(jurisdiction=jurisdiction), roles=[Role.AUDITOR])
        )

    def seen(client) -> set[str]:
        page = client.get(f"/audit/?case_id={case.pk}")
        return {event.action for event in page.context["events"]}

    wanted = {"evidence.downloaded", "case.resolved", "item.verified"}
    assert wanted <= seen(auditor_of(network["de"]))
    assert wanted <= seen(auditor_of(network["nl"]))
    assert seen(auditor_of(fr)) == set()


# --- 5. An export was recorded before the signing key was checked -----------------------


def test_an_export_without_a_signing_key_records_nothing(actors, network):
    owner = actors["owner"]
    for codename in ("view_evidence_content", "export_evidence"):
        owner.user_permissions.add(Permission.objects.get(codename=codename))
    authority_key_create(authority=owner.authority)
    case = assessed_case(owner, "https://b-social.test/p/d5")
    package = evidence.package_create(
        case=case,
        officer=owner,
        collection_method="Screen capture",
        collection_tool="Capture (test)",
        captured_at=case.created_at,
        source_url="https://b-social.test/p/d5",
        hosting_provider="Example hosting (test)",
        provenance="Synthetic",
        legal_basis="Art. 3 (demo)",
        classification="illegal_all",
        content_sha256="0" * 64,
    )
    evidence.package_seal(package=package, officer=owner)
    receiver = network["desk_nl"].authority
    authority_key_create(authority=receiver, purpose=KeyPurpose.ENCRYPTION)
    signing = AuthorityKey.objects.get(authority=owner.authority, purpose=KeyPurpose.SIGNING)
    authority_key_revoke(key_id=signing.key_id, reason="test")
    officer = login(owner)
    custody, events = CustodyEvent.objects.count(), AuditEvent.objects.count()

    response = officer.post(
        f"/evidence/{package.reference}/export/", {"receiver": receiver.pk, "reason": "test"}
    )
    assert response.status_code == 302
    assert "no signing key" in str(next(iter(response.wsgi_request._messages)))
    assert not CustodyEvent.objects.filter(action=CustodyAction.EXPORTED).exists()
    assert not AuditEvent.objects.filter(action="evidence.exported").exists()
    assert (CustodyEvent.objects.count(), AuditEvent.objects.count()) == (custody, events)


# --- 6. A stale close overwrote -----------------------------------------------------------


def test_closing_a_resolved_case_checks_the_version_the_officer_saw(actors):
    owner = actors["owner"]
    case = assessed_case(owner, "https://b-social.test/p/d6")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.RESOLVED)  # test setup
    seen = Case.objects.get(pk=case.pk).version
    Case.objects.filter(pk=case.pk).update(version=F("version") + 1)  # someone else acted
    response = login(owner).post(
        f"/cases/{case.reference}/close-resolved/", {"version": seen, "reason": ""}
    )
    assert response.status_code == 302
    assert "changed by someone else" in str(next(iter(response.wsgi_request._messages)))
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RESOLVED


# --- 7. Unaudited key re-wrapping and clock assignment ------------------------------------


def test_rewrapping_evidence_keys_is_audited():
    call_command("rotate_evidence_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    event = AuditEvent.objects.get(action="evidence.keys_rewrapped")
    assert event.data["data_keys"] == 0 and event.actor_label == "operator:rotate_evidence_keys"


def test_assigning_a_case_records_who_its_clocks_now_remind(actors):
    owner = actors["owner"]
    case = assessed_case(owner, "https://b-social.test/p/d7")
    colleague = actors["colleague"]
    officer = login(owner)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    response = officer.post(
        f"/cases/{case.reference}/assign/",
        {"version": Case.objects.get(pk=case.pk).version, "assignee": colleague.pk},
    )
    assert response.status_code == 302
    assigned = AuditEvent.objects.filter(action="deadline.assigned", case_id=case.pk, id__gt=before)
    assert assigned.exists()
    assert {e.data["after"] for e in assigned} == {colleague.username}


# --- 8. A 403 logged two tracebacks ------------------------------------------------------


def test_a_refusal_is_one_log_line_without_a_traceback(actors, network, caplog):
    prosecutor = UserFactory(roles=[Role.PROSECUTOR])
    caplog.set_level(logging.WARNING, logger="django.request")
    assert login(prosecutor).get("/cases/").status_code == 403
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_for(platform=network['platform_a'])}")
    assert api.get("/api/v1/cases/").status_code == 403
    refusals = [r for r in caplog.records if r.name == "django.request"]
    assert len(refusals) == 2
    assert all(record.exc_info is None and record.levelno == logging.WARNING for record in refusals)
    assert "Traceback" not in caplog.text
