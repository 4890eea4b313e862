"""A prosecutor returns an officer's request without an order, saying why; the officer
reads the reason on the case and may ask again."""

import pytest
from django.contrib.messages import get_messages

from cases.choices import OrderRequestStatus
from cases.models import OrderRequest
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from takedown.core.models import AuditEvent
from tests.cases.factories import order_request_for
from tests.conftest import login
from tests.liaison.factories import AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def prosecutor(network):
    authority = AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR)
    authority_key_create(authority=authority)
    return UserFactory(authority=authority, roles=["prosecutor"])


def test_a_returned_request_carries_its_reason_to_the_officer(prosecutor, actors):
    request = order_request_for(actors["owner"], "https://b-social.test/p/return")
    client = login(prosecutor)
    response = client.post(
        f"/orders/requests/{request.pk}/decline/",
        {"reason": "Add the capture of the page as evidence first."},
    )
    assert response.status_code == 302 and response["Location"] == "/orders/"
    request.refresh_from_db()
    assert request.status == OrderRequestStatus.DECLINED and request.handled_by == prosecutor
    queue = client.get("/orders/").content.decode()
    assert request.case.reference not in queue.split('id="requests-h"')[1].split("</table>")[0]
    page = login(actors["owner"]).get(f"/cases/{request.case.reference}/").content.decode()
    assert "Add the capture of the page as evidence first." in page.split("data-declined")[1]
    event = AuditEvent.objects.get(action="order_request.declined")
    assert event.actor == prosecutor and "Add the capture" in event.data["reason"]


def test_without_a_reason_nothing_is_returned(prosecutor, actors):
    request = order_request_for(actors["owner"], "https://b-social.test/p/return-empty")
    response = login(prosecutor).post(f"/orders/requests/{request.pk}/decline/", {"reason": " "})
    assert response.status_code == 302
    assert response["Location"] == f"/orders/requests/{request.pk}/"
    assert [str(m) for m in get_messages(response.wsgi_request)]  # says why
    assert OrderRequest.objects.get(pk=request.pk).status == OrderRequestStatus.OPEN


def test_another_authoritys_prosecutor_cannot_return_it(prosecutor, actors, network):
    request = order_request_for(actors["owner"], "https://b-social.test/p/return-other")
    other = UserFactory(
        authority=AuthorityFactory(jurisdiction=network["nl"], kind=AuthorityKind.PROSECUTOR),
        roles=["prosecutor"],
    )
    response = login(other).post(
        f"/orders/requests/{request.pk}/decline/", {"reason": "Not mine (test)"}
    )
    assert response.status_code == 404
    assert OrderRequest.objects.get(pk=request.pk).status == OrderRequestStatus.OPEN
