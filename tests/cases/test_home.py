"""Each role's start page shows its work now, scoped as the pages it links to."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.services import orders
from deadlines.choices import DeadlineKind, NotificationStatus
from deadlines.models import Deadline, Notification
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from tests.cases.factories import open_case, order_request_for
from tests.conftest import login
from tests.liaison.factories import AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

ISSUE = {
    "kind": "order",
    "legal_basis": "Art. 3 (demo)",
    "reasons": "CSAM (synthetic test)",
    "contact_point": "duty@example.org",
}


def section(page: str, role: str) -> str:
    start = page.index(f'data-home="{role}"')
    return page[start:]


def test_the_officer_sees_overdue_clocks_and_acute_cases_nobody_took(actors):
    owner, outsider = actors["owner"], actors["outsider"]
    acute = open_case(owner, "https://b-social.test/p/home-acute", acute=True)
    earlier = timezone.now() - timedelta(days=3)
    calm = open_case(owner, "https://b-social.test/p/home-calm", now=earlier)  # 48 h ago+
    assert Deadline.objects.get(kind=DeadlineKind.ASSESSMENT, case_id=calm.pk).due_at < (
        timezone.now()
    )
    page = login(owner).get("/").content.decode()
    mine = section(page, "officer")
    assert acute.reference in mine.split('id="home-acute-h"')[1]  # nobody has taken it
    overdue = mine.split("Overdue")[1].split("At risk")[0]
    assert f"/cases/id/{calm.pk}/" in overdue or calm.reference in overdue
    # Another desk's officer sees none of it.
    theirs = login(outsider).get("/").content.decode()
    assert acute.reference not in theirs and calm.reference not in theirs


def test_the_prosecutor_sees_requests_by_time_left_and_the_orders_they_issued(actors, network):
    authority = AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR)
    authority_key_create(authority=authority)
    prosecutor = UserFactory(authority=authority, roles=["prosecutor"])
    waiting = order_request_for(actors["owner"], "https://b-social.test/p/home-1")
    issued_from = order_request_for(actors["owner"], "https://b-social.test/p/home-2")
    order = orders.order_issue(
        request=issued_from, prosecutor=prosecutor, fields=orders.OrderFields(**ISSUE)
    )
    page = section(login(prosecutor).get("/").content.decode(), "prosecutor")
    assert f"/orders/requests/{waiting.pk}/" in page and waiting.case.reference in page
    assert f"/orders/{order.pk}/" in page.split('id="home-issued-h"')[1]
    assert 'data-home="officer"' not in page  # a prosecutor only


def test_the_auditor_sees_the_chain_verdict_and_the_latest_refusals(network):
    auditor = UserFactory(
        authority=AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.REGULATOR),
        roles=["auditor"],
    )
    client = login(auditor)
    client.post("/audit/verify/")  # records a verdict on the whole chain
    client.get("/accounts/users/")  # refused: an operator's page
    page = section(client.get("/").content.decode(), "auditor")
    assert "intact" in page and "/accounts/users/" in page


def test_the_operator_sees_the_outbox_the_sweep_and_keys_ending_soon(network):
    operator = UserFactory(username="ops", authority=None, is_staff=True, roles=["operator"])
    Notification.objects.create(
        channel="email",
        recipient="desk@example.org",
        event_type="test",
        payload={},
        dedupe_key="home-test",
        status=NotificationStatus.DEAD,
        created_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    key = authority_key_create(authority=network["desk_de"].authority)
    key.valid_until = timezone.now() + timedelta(days=5)
    key.save()
    page = section(login(operator).get("/").content.decode(), "operator")
    assert 'data-figure="dead"' in page and ">1</a>" in page.split('data-figure="dead"')[1][:200]
    assert key.key_id in page


def test_a_user_without_a_role_is_told_so(network):
    nobody = UserFactory(authority=network["desk_de"].authority)
    page = login(nobody).get("/").content.decode()
    assert "has no role yet" in page
