import pytest

from cases.choices import OrderStatus, ResponseKind
from cases.models import TakedownOrder
from cases.services import orders
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from tests.cases.factories import order_request_for
from tests.conftest import login
from tests.liaison.factories import AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

ISSUE = {
    "kind": "order",
    "legal_basis": "Art. 3 (demo)",
    "reasons": "CSAM (synthetic test)",
    "contact_point": "duty@example.org",
}


@pytest.fixture
def prosecutor(network):
    authority = AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR)
    authority_key_create(authority=authority)
    return UserFactory(authority=authority, roles=["prosecutor"])


@pytest.fixture
def order_request(actors, prosecutor):
    return order_request_for(actors["owner"], "https://b-social.test/p/v1")


def test_prosecutor_issues_from_the_queue(prosecutor, order_request):
    client = login(prosecutor)
    queue = client.get("/orders/").content.decode()
    assert order_request.case.reference in queue and "Review and issue" in queue
    item = order_request.items.get()
    response = client.post(f"/orders/requests/{order_request.pk}/", {**ISSUE, "items": [item.pk]})
    assert response.status_code == 302
    order = TakedownOrder.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert order.reference in page and "✓ valid" in page and "https://b-social.test/p/v1" in page
    assert (
        order_request.case.reference
        not in client.get("/orders/").content.decode().split("Platforms waiting")[0]
    )


def test_issue_form_errors_and_outsiders(prosecutor, order_request, actors, network):
    client = login(prosecutor)
    bad = client.post(f"/orders/requests/{order_request.pk}/", {"kind": "order", "items": []})
    assert bad.status_code == 400 and not TakedownOrder.objects.exists()
    other = UserFactory(
        authority=AuthorityFactory(jurisdiction=network["nl"], kind="prosecutor"),
        roles=["prosecutor"],
    )
    assert login(other).get(f"/orders/requests/{order_request.pk}/").status_code == 404
    assert login(actors["owner"]).get("/orders/").status_code == 403


def test_prosecutor_answers_a_clarification_and_withdraws(prosecutor, order_request, network):
    order = orders.order_issue(
        request=order_request, prosecutor=prosecutor, fields=orders.OrderFields(**ISSUE)
    )
    question = orders.order_ask_clarification(
        order=order, platform=network["platform_b"], question="Which?"
    )
    client = login(prosecutor)
    assert "Which?" in client.get("/orders/").content.decode()
    client.post(f"/orders/{order.pk}/responses/{question.pk}/answer/", {"answer": "All of them."})
    question.refresh_from_db()
    assert question.answer == "All of them." and question.kind == ResponseKind.CLARIFICATION
    client.post(f"/orders/{order.pk}/withdraw/", {"reason": "Issued in error (test)."})
    order.refresh_from_db()
    assert order.status == OrderStatus.WITHDRAWN


def test_officer_verifies_removal_on_the_case_page(prosecutor, order_request, network, actors):
    from django.utils import timezone

    order = orders.order_issue(
        request=order_request, prosecutor=prosecutor, fields=orders.OrderFields(**ISSUE)
    )
    item = order.items.get()
    orders.order_report_removals(
        order=order,
        platform=network["platform_b"],
        removals=[
            orders.RemovalInput(item_id=item.pk, outcome="removed", happened_at=timezone.now())
        ],
    )
    client = login(actors["owner"])
    page = client.get(f"/cases/{order.case.reference}/").content.decode()
    assert "Verified gone" in page and order.reference in page
    client.post(f"/orders/items/{item.pk}/verify/", {"removed": "yes"})
    order.case.refresh_from_db()
    assert order.case.status == "resolved"
    assert (
        login(actors["outsider"])
        .post(f"/orders/items/{item.pk}/verify/", {"removed": "no"})
        .status_code
        == 404
    )


def test_compliance_figures_on_known_data(prosecutor, actors, network):
    from datetime import timedelta

    from django.utils import timezone

    from tests.conftest import login as log_in
    from tests.liaison.factories import api_key_for

    platform = network["platform_b"]
    t0 = timezone.now() - timedelta(days=2)
    authority_key_create(authority=prosecutor.authority, now=t0 - timedelta(days=1))
    made = []
    for n, (ack_after, removed_after) in enumerate([(10, 2), (30, 20), (90, 30)]):
        request = order_request_for(actors["owner"], f"https://b-social.test/p/fig{n}", now=t0)
        order = orders.order_issue(
            request=request, prosecutor=prosecutor, fields=orders.OrderFields(**ISSUE), now=t0
        )
        orders.order_acknowledge(
            order=order, platform=platform, now=t0 + timedelta(minutes=ack_after)
        )
        done = t0 + timedelta(hours=removed_after)
        orders.order_report_removals(
            order=order,
            platform=platform,
            now=done,
            removals=[
                orders.RemovalInput(item_id=i.pk, outcome="removed", happened_at=done)
                for i in order.items.all()
            ],
        )
        made.append(order)
    extra = orders.order_issue(
        request=order_request_for(actors["owner"], "https://b-social.test/p/fig9", now=t0),
        prosecutor=prosecutor,
        fields=orders.OrderFields(**ISSUE),
        now=t0,
    )
    orders.order_cannot_comply(
        order=extra,
        platform=platform,
        ground="force_majeure",
        explanation="Outage.",
        now=t0 + timedelta(minutes=5),
    )
    orders.order_object(order=made[0], platform=platform, grounds="Not illegal here.")
    orders.sandbox_order_create(platform=platform)  # never counted

    figures = log_in(prosecutor).get(f"/api/v1/platforms/{platform.slug}/compliance/").json()
    assert figures["orders"] == 4 and figures["notices"] == 0
    assert figures["time_to_acknowledge"]["count"] == 4
    assert (
        figures["time_to_acknowledge"]["median_seconds"] == 10 * 60
    )  # 5, 10, 30, 90 min: nearest rank
    assert figures["time_to_acknowledge"]["p90_seconds"] == 90 * 60
    assert figures["time_to_removal"]["median_seconds"] == 20 * 3600
    assert figures["acknowledged_within_deadline"] == {"finished": 4, "on_time": 3, "share": 0.75}
    assert figures["removed_within_deadline"] == {"finished": 3, "on_time": 2, "share": 2 / 3}
    assert figures["cannot_comply_by_ground"] == {"force_majeure": 1}
    assert figures["objections"] == 1
    own = api_key_for(platform=platform)
    assert log_in(actors["owner"]).get(f"/orders/platforms/{platform.slug}/").status_code == 200
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {own}")
    assert api.get(f"/api/v1/platforms/{platform.slug}/compliance/").json() == figures
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_for(platform=network['platform_a'])}")
    assert other.get(f"/api/v1/platforms/{platform.slug}/compliance/").status_code == 404
