"""Irreversible acts ask first, in a dialog that names the consequence: cancelling
changes nothing, confirming goes ahead (a plain form and an htmx one)."""

import pytest
from playwright.sync_api import expect

from cases.models import Case, TakedownOrder
from cases.services import orders
from cases.services.triage import case_assign
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from tests.browser.conftest import sign_in
from tests.cases.factories import open_case, order_request_for
from tests.liaison.factories import AuthorityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_taking_a_colleagues_case_asks_first(page, live_server, actors):
    officer, colleague = actors["owner"], actors["colleague"]
    case = open_case(officer, "https://b-social.test/p/confirm-take")
    case_assign(case=case, officer=colleague, assignee=colleague, expected_version=None)
    sign_in(page, live_server, officer.username)
    page.goto(f"{live_server.url}/cases/")
    row = page.locator(f"#case-{case.pk}")
    dialog = page.locator("#confirm-dialog")
    row.get_by_role("button", name="Assign to me").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"{colleague.username} is working on this case")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert Case.objects.get(pk=case.pk).assignee == colleague  # nothing changed
    row.get_by_role("button", name="Assign to me").click()
    dialog.get_by_role("button", name="Yes, go ahead").click()
    expect(row).to_contain_text("yours")
    assert Case.objects.get(pk=case.pk).assignee == officer


def test_withdrawing_an_order_names_the_consequence(page, live_server, actors, network):
    authority = AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR)
    authority_key_create(authority=authority)
    prosecutor = UserFactory(authority=authority, roles=["prosecutor"], username="pros-confirm")
    order = orders.order_issue(
        request=order_request_for(actors["owner"], "https://b-social.test/p/confirm-withdraw"),
        prosecutor=prosecutor,
        fields=orders.OrderFields(
            kind="order",
            legal_basis="Art. 3 (demo)",
            reasons="Synthetic test",
            contact_point="p@example.org",
        ),
    )
    sign_in(page, live_server, prosecutor.username)
    page.goto(f"{live_server.url}/orders/{order.pk}/")
    form = page.locator(f"form[action='/orders/{order.pk}/withdraw/']")
    form.get_by_role("textbox").fill("Issued by mistake (test)")
    form.get_by_role("button", name="Withdraw the order").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_contain_text("the platform is told at once")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert not TakedownOrder.objects.get(pk=order.pk).withdrawn_reason
    form.get_by_role("button", name="Withdraw the order").click()
    dialog.get_by_role("button", name="Yes, go ahead").click()
    expect(page.locator("article")).to_contain_text("Issued by mistake (test)")
    assert TakedownOrder.objects.get(pk=order.pk).withdrawn_reason == "Issued by mistake (test)"
