"""Each role's start page and main pages, in German and in English, on a desk (1280 px),
a tablet (768 px) and a phone (390 px): no serious accessibility violation, nothing wider than the
screen, the navigation folded behind its button on the phone."""

import pytest
from django.utils import translation

from cases.services import orders
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from takedown.core.models import User
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import serious
from tests.cases.factories import order_request_for
from tests.liaison.factories import AuthorityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1280, 768, 390)  # a desk, a tablet, a phone


def words(code: str, text: str) -> str:
    with translation.override(code):
        return translation.gettext(text)


def overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def widest(page) -> list[str]:
    """The elements reaching past the screen's right edge, to say what to fix."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main *')]
          .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .slice(-3).map(e => e.tagName + '.' + e.className)"""
    )


@pytest.fixture
def people(actors, network):
    authority = AuthorityFactory(
        jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR, language="de"
    )
    authority_key_create(authority=authority)
    prosecutor = UserFactory(authority=authority, roles=["prosecutor"], username="pros")
    request = order_request_for(actors["owner"], "https://b-social.test/p/roles")
    order = orders.order_issue(
        request=request,
        prosecutor=prosecutor,
        fields=orders.OrderFields(
            kind="order",
            legal_basis="Art. 3 (demo)",
            reasons="Synthetic test",
            contact_point="p@example.org",
        ),
    )
    order_request_for(actors["owner"], "https://b-social.test/p/roles-waiting")
    UserFactory(
        username="audit",
        authority=AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.REGULATOR),
        roles=["auditor"],
    )
    UserFactory(username="ops", authority=None, is_staff=True, roles=["operator"])
    return {
        actors["owner"].username: [
            "/",
            "/cases/",
            f"/cases/{request.case.reference}/",
            "/cases/board/",
        ],
        "pros": ["/", "/orders/", f"/orders/{order.pk}/"],
        "audit": ["/", "/audit/"],
        "ops": ["/", "/accounts/users/", "/deadlines/outbox/"],
    }


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_role_lives_in_its_language_on_a_desk_and_on_a_phone(
    browser, live_server, people, language
):
    problems, wide, wrong_language = {}, {}, {}
    for username, paths in people.items():
        page = browser.new_page()
        sign_in(page, live_server, username)  # (its labels are English)
        User.objects.filter(username=username).update(language=language)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                if page.get_attribute("html", "lang") != language:
                    wrong_language[f"{username} {path}"] = page.get_attribute("html", "lang")
                if found := serious(page):
                    problems[f"{username} {path} @{width}"] = found
                if width < 1280 and (px := overflow(page)) > 0:
                    wide[f"{username} {path} @{width}"] = (px, widest(page))
        page.close()
    assert wrong_language == {}
    assert problems == {}
    assert wide == {}, f"wider than the screen (by px): {wide}"


def test_the_home_page_speaks_german_to_a_german_officer(browser, live_server, actors):
    page = browser.new_page()
    sign_in(page, live_server, actors["owner"].username)
    User.objects.filter(pk=actors["owner"].pk).update(language="de")
    page.reload()
    heading = page.locator("h2#home-clocks-h").inner_text()
    assert (
        heading
        == words("de", "Clocks of your desks that need you")
        != ("Clocks of your desks that need you")
    )


def test_on_a_phone_the_navigation_folds_behind_its_button(browser, live_server, actors):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(page, live_server, actors["owner"].username)
    queue_link = page.locator("#main-nav").get_by_role("link", name="Triage queue")
    assert not queue_link.is_visible()
    page.get_by_role("button", name="Menu").click()  # Bootstrap's collapse, served here
    queue_link.wait_for(state="visible")
    queue_link.click()
    page.wait_for_url(f"{live_server.url}/cases/")


def test_the_language_menu_switches_at_once_before_and_after_signing_in(
    browser, live_server, actors
):
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(words("en", "Language")).select_option("nl")
    page.wait_for_function("document.documentElement.lang === 'nl'")
    assert words("nl", "Sign in") in page.content()
    page.get_by_label(words("nl", "Language")).select_option("en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    sign_in(page, live_server, actors["owner"].username)
    page.get_by_label("Language").select_option("es")
    page.wait_for_function("document.documentElement.lang === 'es'")
    assert User.objects.get(pk=actors["owner"].pk).language == "es"  # their preference now
