"""A prosecutor issues an order from an officer's request, in Debian's chromium."""

import pytest
from playwright.sync_api import expect

from cases.models import TakedownOrder
from cases.services.orders import order_signature_valid
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from tests.browser.conftest import sign_in
from tests.cases.factories import order_request_for
from tests.liaison.factories import AuthorityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_prosecutor_issues_an_order_from_a_request(page, live_server, actors, network):
    authority = AuthorityFactory(
        jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR, name="DE prosecution"
    )
    authority_key_create(authority=authority)
    prosecutor = UserFactory(authority=authority, roles=["prosecutor"], email="p@example.org")
    request = order_request_for(actors["owner"], "https://b-social.test/p/browser")
    sign_in(page, live_server, prosecutor.username)

    page.goto(f"{live_server.url}/orders/")
    expect(page.locator("table[data-queue]")).to_contain_text(request.case.reference)
    page.get_by_role("link", name="Review and issue").click()
    page.get_by_label("Legal basis").fill("Art. 3 Regulation (EU) 2021/784 (demo)")
    page.get_by_label("Reasons").fill("Child sexual abuse material (synthetic test data).")
    page.get_by_role("button", name="Issue and sign").click()

    expect(page.get_by_role("alert").first).to_contain_text("issued and signed")
    expect(page.locator("[data-order-status]")).to_have_text("Issued")
    expect(page.get_by_role("heading", name="Removal order")).to_be_visible()
    expect(page.get_by_text("✓ valid")).to_be_visible()
    order = TakedownOrder.objects.get()
    assert order.request == request and order_signature_valid(order)
    page.emulate_media(media="print")  # the printable document hides the controls
    expect(page.get_by_role("button", name="Withdraw the order")).to_be_hidden()
