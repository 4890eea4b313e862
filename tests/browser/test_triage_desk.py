"""An officer works the queue with the keyboard, in Debian's chromium."""

import pytest
from playwright.sync_api import expect

from cases.choices import CaseStatus
from cases.models import Case
from tests.browser.conftest import sign_in
from tests.cases.factories import open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_finds_assigns_and_assesses_a_case_with_the_keyboard(page, live_server, actors):
    officer = actors["owner"]
    first = open_case(officer, "https://b-social.test/p/first", acute=True)
    open_case(officer, "https://b-social.test/p/second")
    sign_in(page, live_server, officer.username)

    page.goto(f"{live_server.url}/cases/")
    expect(page.locator("table[data-queue] tbody tr")).to_have_count(2)
    page.keyboard.press("j")  # the acute case is first
    current = page.locator("tr.is-current")
    expect(current).to_contain_text(first.reference)
    page.keyboard.press("a")  # assign to me, swapped in place by htmx
    expect(page.locator(f"#case-{first.pk}")).to_contain_text("yours")
    expect(page.locator(f"#case-{first.pk}")).to_contain_text(officer.username)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/cases/{first.reference}/")

    timeline = page.locator("[data-timeline]")
    expect(timeline).to_contain_text(f"{officer.username} took {first.reference}")
    page.get_by_label("Depiction type").select_option("real")
    page.get_by_label("Apparent age group").select_option("prepubescent")
    page.get_by_label("Severity (1–5)").fill("4")
    page.get_by_label("Risk score (0–100)").fill("80")
    page.get_by_role("button", name="Record assessment").click()
    expect(page.get_by_role("alert").first).to_contain_text("Assessment recorded")
    expect(page.locator("[data-status]")).to_have_text("Assessed")
    expect(timeline).to_contain_text(f"{officer.username} assessed {first.reference}")
    expect(page.get_by_role("heading", name="Harmonisation matrix")).to_be_visible()
    assert Case.objects.get(pk=first.pk).status == CaseStatus.ASSESSED
