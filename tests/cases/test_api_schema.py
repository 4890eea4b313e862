"""The contract platforms and partners build against: the OpenAPI document covers every
endpoint under /api/v1/, the docs render from local assets, and schemathesis finds no
server error, no undocumented status code or content type and no response that
contradicts the schema on the platform and report endpoints."""

import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
import schemathesis
import yaml
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from cases.services import orders
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from tests.cases.factories import order_request_for
from tests.liaison.factories import AuthorityFactory, UserFactory, api_key_for

SCHEMA_URL = "/api/schema/"


def api_v1_routes() -> set[str]:
    """Every route the URL configuration serves under /api/v1/, parameters as ``{}``."""
    found = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                found.add("/" + re.sub(r"<[^>]+>", "{}", route))

    walk(get_resolver().url_patterns, "")
    return found


def test_schema_is_openapi_3_and_describes_every_api_v1_endpoint(db):
    client = Client()
    response = client.get(SCHEMA_URL, {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    documented = {re.sub(r"\{[^}]+\}", "{}", path) for path in document["paths"]}
    routes = api_v1_routes()
    assert "/api/v1/platform/orders/{}/removals/" in routes  # the walk found the API
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert {p for p in documented if p.startswith("/api/v1/")} == routes
    # the default rendering is YAML, and it is the same document
    as_yaml = client.get(SCHEMA_URL)
    assert as_yaml.status_code == 200
    assert yaml.safe_load(as_yaml.content)["paths"].keys() == document["paths"].keys()
    # the platform operations and their bearer key are described
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    }
    assert {
        ("GET", "/api/v1/platform/orders/"),
        ("GET", "/api/v1/platform/orders/{id}/"),
        ("POST", "/api/v1/platform/orders/{id}/acknowledge/"),
        ("POST", "/api/v1/platform/orders/{id}/removals/"),
        ("POST", "/api/v1/platform/orders/{id}/cannot-comply/"),
        ("POST", "/api/v1/platform/orders/{id}/clarifications/"),
        ("POST", "/api/v1/platform/orders/{id}/objections/"),
        ("POST", "/api/v1/platform/sandbox/orders/"),
        ("GET", "/api/v1/keys/"),
    } <= operations
    assert document["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


def test_docs_render_from_local_static_assets(db):
    client = Client()
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    parser = _Assets()
    parser.feed(html)
    assets = [u for u in parser.urls if u.startswith("/static/")]
    assert any(u.endswith("swagger-ui-bundle.js") for u in assets)
    assert any(u.endswith(".css") for u in assets)
    assert not re.search(r"(?i)(https?:)?//[^\"' ]*(cdn|unpkg|jsdelivr|cloudflare)", html)
    for url in parser.urls:
        assert url.startswith("/"), f"{url} is not served by us"
        assert not url.startswith("//"), f"{url} is another host"
        asset = client.get(url)
        assert asset.status_code == 200, url
        body = b"".join(asset) if asset.streaming else asset.content
        assert body, url
        if url.startswith("/api/docs/"):  # the initialiser script: points at our schema
            script = body.decode()
            # No other host: a URL with a scheme or a protocol-relative one. (Not a
            # search for "cdn": the script carries a random CSRF token.)
            assert SCHEMA_URL in script
            assert not re.search(r"(https?:)?//[\w.-]+\.\w+/", script)


# --- schemathesis -----------------------------------------------------------------------

FIELDS = orders.OrderFields(
    kind="order",
    legal_basis="Art. 3 Regulation (EU) 2021/784 (demo)",
    reasons="Child sexual abuse material (synthetic test)",
    contact_point="duty@example.org",
)


@pytest.fixture
def platform_world(db, network, actors, monkeypatch):
    """Platform A with a key, real orders (issued, acknowledged, one with a question, a
    sandbox one), a report it filed; platform B's order to be invisible. Throttling is
    lifted for the run (its 429 is tested in test_api_platform)."""
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "platform", "1000000/min")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "partner", "1000000/min")
    cache.clear()
    platform = network["platform_a"]
    issued = []
    for code, officer, host in (
        ("NL", actors["outsider"], "a-video.test"),
        ("DE", actors["owner"], "b-social.test"),
    ):
        authority = AuthorityFactory(
            jurisdiction=network[code.lower()],
            kind=AuthorityKind.PROSECUTOR,
            name=f"{code} prosecution",
        )
        authority_key_create(authority=authority)
        prosecutor = UserFactory(authority=authority, roles=["prosecutor"])
        for n in range(3 if code == "NL" else 1):
            request = order_request_for(
                officer,
                f"https://{host}/v/st-{n}-1",
                f"https://{host}/v/st-{n}-2",
                jurisdiction=code,
            )
            issued.append(orders.order_issue(request=request, prosecutor=prosecutor, fields=FIELDS))
    mine = [o for o in issued if o.platform_id == platform.pk]
    orders.order_acknowledge(order=mine[1], platform=platform)
    orders.order_ask_clarification(order=mine[2], platform=platform, question="Which one?")
    mine.append(orders.sandbox_order_create(platform=platform))
    secret = api_key_for(platform=platform)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    report = api.post(
        "/api/v1/reports/",
        {
            "source": "hotline",
            "reporting_jurisdiction": "NL",
            "items": [{"url": "https://a-video.test/v/self-reported"}],
        },
        format="json",
    )
    assert report.status_code == 201, report.content
    WORLD.update(
        order_ids=[o.pk for o in issued],  # mine and B's: B's must be 404s
        items_of={o.pk: [i.pk for i in o.items.all()] for o in mine},
        report_ids=[report.json()["id"]],
    )
    # The raw WSGI handler closes the database connection around each request (Django's
    # test client, used above, does not): that would end the test's transaction. Keep it
    # open while schemathesis calls the app, as the test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"headers": {"Authorization": f"Bearer {secret}"}}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    WORLD.clear()


# Loaded once at collection from the app itself (no database needed for the document).
# ``schemathesis.pytest.from_fixture`` would let a fixture load it, but schemathesis 4.32
# reads ``Function._nodeid``, which pytest 9.2 no longer has.
schema = schemathesis.openapi.from_wsgi(
    f"{SCHEMA_URL}?format=json", get_wsgi_application()
).include(path_regex=r"^/api/v1/(platform/|reports/|imports/)")

WORLD: dict = {}  # real ids, filled in by the platform_world fixture


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Besides random ids (mostly 404s), real ones: the order and report endpoints are
    then exercised past the lookup (B's orders among them: those must be 404s)."""
    path = context.operation.path
    if path.startswith("/api/v1/platform/orders/{id}/"):
        real = WORLD["order_ids"]
    elif path == "/api/v1/reports/{id}/":
        real = WORLD["report_ids"]
    else:
        return st.just(path_parameters)
    return st.one_of(
        st.just(path_parameters),
        st.sampled_from(real).map(lambda pk: {**(path_parameters or {}), "id": pk}),
    )


PAST = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 1, 1)).map(
    lambda moment: moment.replace(tzinfo=UTC).isoformat()
)
HOSTED_URLS = st.builds(
    "https://{}/v/st-{}".format,
    st.sampled_from(["a-video.test", "b-social.test", "elsewhere.test"]),
    st.integers(min_value=0, max_value=10**6),
)


@schema.hook
def flatmap_body(context, body):
    """Random reports hardly ever come from a known jurisdiction with a usable URL: besides
    them, reports from a jurisdiction of the network with real URLs, so intake's success
    path is exercised too."""
    if context.operation.path != "/api/v1/reports/" or not isinstance(body, dict):
        return st.just(body)
    real = st.tuples(
        st.sampled_from(["NL", "DE"]),
        st.lists(HOSTED_URLS.map(lambda url: {"url": url}), min_size=1, max_size=3),
    ).map(lambda chosen: {**body, "reporting_jurisdiction": chosen[0], "items": chosen[1]})
    return st.one_of(st.just(body), real)


@schema.hook
def flatmap_case(context, case):
    """Removals: besides random ones, outcomes for real items of one of the platform's
    orders, at a past time (the order in the path and its own items go together)."""
    body = case.body
    if (
        not context.operation.path.endswith("/removals/")
        or not isinstance(body, dict)
        or not isinstance(body.get("removals"), list)
        or not body["removals"]
    ):
        return st.just(case)
    entries = body["removals"]

    def aim(chosen):
        order_id, items, times = chosen
        case.path_parameters = {**(case.path_parameters or {}), "id": order_id}
        case.body = {
            **body,
            "removals": [
                {**entry, "item": pk, "happened_at": when} if isinstance(entry, dict) else entry
                for entry, pk, when in zip(entries, items, times, strict=True)
            ],
        }
        return case

    size = {"min_size": len(entries), "max_size": len(entries)}
    real = (
        st.sampled_from(sorted(WORLD["items_of"].items()))
        .flatmap(
            lambda pair: st.tuples(
                st.just(pair[0]), st.lists(st.sampled_from(pair[1]), **size), st.lists(PAST, **size)
            )
        )
        .map(aim)
    )
    return st.one_of(st.just(case), real)


def errors_are_problem_documents(ctx, response, case):
    """The contract beyond the schema: every error is application/problem+json (RFC 9457)
    with a stable ``code`` and the response's status."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.split(";")[0].strip() == "application/problem+json", (
        f"{response.status_code} error served as {content_type!r}, not application/problem+json"
    )
    problem = json.loads(response.content)
    assert isinstance(problem.get("code"), str) and problem["code"], "no stable code"
    assert problem.get("status") == response.status_code, "status differs from the response's"
    return None


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_platform_and_report_endpoints_keep_the_contract(case, platform_world):
    case.call_and_validate(
        headers=platform_world["headers"],
        checks=[
            schemathesis.checks.not_a_server_error,
            schemathesis.checks.status_code_conformance,
            schemathesis.checks.content_type_conformance,
            schemathesis.checks.response_schema_conformance,
            errors_are_problem_documents,
        ],
    )


def test_the_schema_version_is_the_changelogs_newest():
    import re
    from pathlib import Path

    from django.conf import settings

    changelog = (Path(__file__).resolve().parents[2] / "docs" / "api-changelog.md").read_text()
    newest = re.search(r"^## (\d+\.\d+\.\d+)", changelog, re.M).group(1)
    assert settings.SPECTACULAR_SETTINGS["VERSION"] == newest
