"""An MLA request goes from the DE desk to the NL desk and back, in Debian's chromium."""

import pytest
from playwright.sync_api import expect

from cases.models import MLARequest
from tests.browser.conftest import sign_in
from tests.cases.factories import open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mla_request_from_one_desk_to_another_and_back(browser, live_server, actors, network):
    case = open_case(actors["owner"], "https://b-social.test/p/mla-browser")
    de, nl = browser.new_context(), browser.new_context()
    de_page, nl_page = de.new_page(), nl.new_page()

    sign_in(de_page, live_server, actors["owner"].username)
    de_page.goto(f"{live_server.url}/cases/{case.reference}/")
    de_page.get_by_role("link", name="New MLA request").click()
    de_page.get_by_label("Requested authority").select_option(str(network["desk_nl"].authority.pk))
    de_page.get_by_label("Kind of assistance").select_option("production")
    de_page.get_by_label("Legal basis").fill("Art. 18 Budapest Convention (demo)")
    assert (
        de_page.get_by_label("Request", exact=True)
        .input_value()
        .startswith(f"Case {case.reference}")
    )  # pre-filled
    de_page.get_by_role("button", name="Send now").click()
    expect(de_page.locator("[data-mla-status]")).to_have_text("Sent")
    request = MLARequest.objects.get()

    sign_in(nl_page, live_server, actors["outsider"].username)
    nl_page.goto(f"{live_server.url}/mla/")
    expect(nl_page.locator("[data-mla=incoming]")).to_contain_text(request.reference)
    nl_page.get_by_role("link", name=request.reference).click()
    nl_page.get_by_label("Response").select_option("info_requested")
    nl_page.get_by_label("Message").fill("Which account holder?")
    nl_page.get_by_role("button", name="Send response").click()
    expect(nl_page.locator("[data-mla-status]")).to_have_text("More information requested")

    de_page.reload()
    de_page.get_by_label("Message").fill("The uploader of item 1 (synthetic).")
    de_page.get_by_role("button", name="Reply").click()
    expect(de_page.locator("[data-mla-status]")).to_have_text("Sent")

    nl_page.reload()
    nl_page.get_by_label("Response").select_option("answered")
    nl_page.get_by_label("Message").fill("Subscriber data provided (synthetic).")
    nl_page.get_by_role("button", name="Send response").click()
    expect(nl_page.locator("[data-mla-status]")).to_have_text("Answered")
    de_page.reload()
    expect(de_page.get_by_text("Subscriber data provided (synthetic).")).to_be_visible()
    request.refresh_from_db()
    assert request.status == "answered"
