"""The public report page in a real browser, without JavaScript: a report and its
follow-up by code, and a survivor's report reaching the officers' victim-notice page."""

import pytest
from django.contrib.auth.models import Permission

from cases.models import Case
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import serious

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def citizen(browser):
    """A browser with scripts off: the page must work without them."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    yield context.new_page()
    context.close()


def fill_report(page, url: str) -> None:
    page.get_by_label("The country you are reporting to").select_option("DE")
    page.get_by_label("Web addresses, one per line").fill(url)
    page.get_by_label("Sexualised pictures or videos of a child").check()


@pytest.fixture
def phone(browser):
    """Scripts on, for axe-core and measuring: the same pages at 390 px."""
    page = browser.new_page(viewport={"width": 390, "height": 800})
    yield page
    page.close()


def checked(phone, citizen, live_server) -> list[str]:
    """axe-core's serious findings on the page the citizen got (an answer to a POST),
    with its styles, and whether it is wider than the phone."""
    phone.set_content(
        citizen.content().replace("<head>", f'<head><base href="{live_server.url}/">')
    )
    wide = phone.evaluate("document.documentElement.scrollWidth") > 390
    return serious(phone) + (["wider than 390 px"] if wide else [])


def test_a_report_from_the_public_and_its_follow_up(citizen, phone, live_server, network):
    citizen.goto(f"{live_server.url}/report/")
    phone.goto(f"{live_server.url}/report/")
    assert serious(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    citizen.get_by_role("button", name="Send the report").click()  # nothing filled in
    assert citizen.get_by_text("This field is required.").first.is_visible()
    fill_report(citizen, "https://b-social.test/p/browser-public")
    citizen.get_by_role("button", name="Send the report").click()
    code = citizen.locator("[data-follow-up-code]").inner_text()
    assert len(code) == 24 and checked(phone, citizen, live_server) == []
    citizen.get_by_role("link", name="Go to the follow-up page").click()
    citizen.get_by_label("Your follow-up code").fill(code.lower())
    citizen.get_by_role("button", name="Show my report").click()
    assert citizen.locator("[data-stage]").inner_text() == "Received"
    assert checked(phone, citizen, live_server) == []
    citizen.get_by_label("Information to add").fill("It was posted again on Tuesday.")
    citizen.get_by_role("button", name="Add").click()
    assert citizen.get_by_text("Your information was added to the report.").is_visible()


def test_a_survivors_report_reaches_the_victim_notice_path(citizen, browser, live_server, actors):
    citizen.goto(f"{live_server.url}/report/")
    fill_report(citizen, "https://b-social.test/p/browser-survivor")
    citizen.get_by_label("It shows me", exact=True).check()
    citizen.get_by_label("Tell me directly").check()
    citizen.get_by_label("How we can reach you (optional)").fill("survivor@example.org")
    citizen.get_by_role("button", name="Send the report").click()
    assert citizen.get_by_text("Your report is handled first").is_visible()
    case = Case.objects.get()
    assert case.acute
    owner = actors["owner"]  # an officer of the lead desk (platform B is in DE)
    owner.user_permissions.add(Permission.objects.get(codename="view_victim_data"))
    officer = browser.new_page()
    sign_in(officer, live_server, owner.username)
    officer.goto(f"{live_server.url}/cases/{case.reference}/")
    assert "survivor@example.org" in officer.locator("[data-public-reports]").inner_text()
    officer.goto(f"{live_server.url}/cases/{case.reference}/victims/")
    assert officer.locator("[data-from-survivor]").is_visible()
    assert "Direct" in officer.locator("[data-notice]").inner_text()


def test_a_whistleblower_is_seen_only_by_the_handler(citizen, browser, live_server, actors):
    citizen.goto(f"{live_server.url}/report/")
    fill_report(citizen, "https://b-social.test/p/browser-whistle")
    citizen.get_by_label("How we can reach you (optional)").fill("whistle@example.org")
    citizen.get_by_label("I am a whistleblower or an informant: protect who I am").check()
    citizen.get_by_label("Your name (protected, optional)").fill("Whistle Blower-Test")
    citizen.get_by_role("button", name="Send the report").click()
    assert citizen.locator("[data-follow-up-code]").is_visible()
    case = Case.objects.get()
    colleague = browser.new_page()  # the lead desk, but no source handler
    sign_in(colleague, live_server, actors["colleague"].username)
    colleague.goto(f"{live_server.url}/cases/{case.reference}/")
    assert colleague.locator("[data-protected-sources]").is_visible()
    assert "Whistle Blower-Test" not in colleague.content()
    assert "whistle@example.org" not in colleague.content()
    assert colleague.get_by_role("button", name="Show who it is (logged)").count() == 0
    owner = actors["owner"]
    owner.user_permissions.add(Permission.objects.get(codename="handle_protected_sources"))
    handler = browser.new_page()
    sign_in(handler, live_server, owner.username)
    handler.goto(f"{live_server.url}/cases/{case.reference}/")
    handler.get_by_role("button", name="Show who it is (logged)").click()
    identity = handler.locator("[data-source-identity]").inner_text()
    assert "Whistle Blower-Test" in identity and "whistle@example.org" in identity
