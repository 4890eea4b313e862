"""axe-core on the pages people live in: no serious or critical violations (WCAG 2.2 AA)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from cases.services import orders
from evidence import services as evidence
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from tests.browser.conftest import sign_in
from tests.cases.factories import order_request_for
from tests.evidence.conftest import synthetic_png
from tests.liaison.factories import AuthorityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious(page) -> list[str]:
    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]}
        },
    )
    assert results.response["passes"], "axe-core did not run"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_main_pages_have_no_serious_accessibility_violations(browser, live_server, actors, network):
    authority = AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR)
    authority_key_create(authority=authority)
    prosecutor = UserFactory(authority=authority, roles=["prosecutor"], email="p@example.org")
    request = order_request_for(actors["owner"], "https://b-social.test/p/a11y")
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

    package = evidence.package_create(
        case=request.case, officer=actors["owner"], source_url="https://b-social.test/p/a11y"
    )
    evidence.hold_place(package=package, actor=actors["owner"], reason="Court order (test)")
    officer = browser.new_page()
    sign_in(officer, live_server, actors["owner"].username)
    pages = {
        "triage queue": "/cases/",
        "case page": f"/cases/{request.case.reference}/",
        "deadlines board": "/cases/board/",
        "new report": "/cases/new/",
        "joins": "/cases/joins/",
        "change password": "/accounts/password/",
        "security keys": "/accounts/security-keys/",
        "transparency": "/transparency/",
        "evidence package": f"/evidence/{package.reference}/",
        "receiving keys": "/accounts/receiving-keys/",
    }
    # A file on the package, through its form: its full digests must fit a phone too.
    officer.goto(f"{live_server.url}/evidence/{package.reference}/")
    officer.set_input_files(
        "#id_file",
        files=[{"name": "capture.png", "mimeType": "image/png", "buffer": synthetic_png(seed=9)}],
    )
    officer.get_by_role("button", name="Upload").click()
    officer.wait_for_selector("[data-sha256]")
    found = {}
    for name, path in pages.items():
        officer.goto(f"{live_server.url}{path}")
        found[name] = serious(officer)
    clerk = browser.new_page()
    sign_in(clerk, live_server, prosecutor.username)
    for name, path in {"prosecutor queue": "/orders/", "order": f"/orders/{order.pk}/"}.items():
        clerk.goto(f"{live_server.url}{path}")
        found[name] = serious(clerk)
    operator = browser.new_page()
    UserFactory(username="ops", authority=None, is_staff=True, roles=["operator"])
    sign_in(operator, live_server, "ops")
    for name, path in {
        "people": "/accounts/users/",
        "a person": f"/accounts/users/{actors['owner'].pk}/",
        "add a person": "/accounts/users/new/",
    }.items():
        operator.goto(f"{live_server.url}{path}")
        found[name] = serious(operator)
    # This change's pages on a phone: nothing wider than the screen.
    wide = {}
    for client, paths in (
        (
            officer,
            [
                "/cases/joins/",
                "/accounts/password/",
                "/accounts/security-keys/",
                f"/evidence/{package.reference}/",
                "/accounts/receiving-keys/",
            ],
        ),
        (operator, ["/accounts/users/", f"/accounts/users/{actors['owner'].pk}/"]),
    ):
        client.set_viewport_size({"width": 390, "height": 844})
        for path in paths:
            client.goto(f"{live_server.url}{path}")
            overflow = client.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                wide[path] = overflow
    assert wide == {}, f"wider than 390 px (by px): {wide}"
    login_page = browser.new_page()
    login_page.goto(f"{live_server.url}/accounts/login/")
    found["sign in"] = serious(login_page)
    assert {name: v for name, v in found.items() if v} == {}
