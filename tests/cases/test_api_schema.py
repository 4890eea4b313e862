"""The contract platforms and partners build against: the OpenAPI document covers every
endpoint under /api/v1/, the docs render from local assets, and schemathesis finds no
server error, no undocumented status code or content type and no response that
contradicts the schema on the platform and report endpoints."""

import itertools
import json
import re
import uuid
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import schemathesis
import yaml
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.generation.meta import TestPhase

from cases.models import TakedownOrder
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


def test_links_lead_to_operations_that_take_the_id(db):
    """Every OpenAPI link names an operation of the document and fills a path parameter
    it has, from a field the answer has (or the request's own path)."""
    document = json.loads(Client().get(SCHEMA_URL, {"format": "json"}).content)
    operations = {
        op["operationId"]: (path, op)
        for path, item in document["paths"].items()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    seen = 0
    for path, item in document["paths"].items():
        for operation in item.values():
            for response in (
                (operation.get("responses") or {}).values() if isinstance(operation, dict) else ()
            ):
                for link in response.get("links", {}).values():
                    target_path, _ = operations[link["operationId"]]
                    for name, expression in link["parameters"].items():
                        assert "{" + name + "}" in target_path
                        assert expression in (
                            "$request.path.id",
                            "$response.body#/id",
                            "$response.body#/results/0/id",
                        )
                        if expression == "$request.path.id":
                            assert "{id}" in path
                    seen += 1
    sandbox = document["paths"]["/api/v1/platform/sandbox/orders/"]["post"]["responses"]["201"]
    assert "v1_platform_orders_removals_create" in sandbox["links"]
    assert seen > 50


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
        secret=secret,
        order_ids=[o.pk for o in issued],  # mine and B's: B's must be 404s
        mine=[o.pk for o in mine],
        report_ids=[report.json()["id"]],
    )
    # The raw WSGI handler closes the database connection around each request (Django's
    # test client, used above, does not): that would end the test's transaction. Keep it
    # open while schemathesis calls the app, as the test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    WORLD.clear()


# Loaded once at collection from the app itself (no database needed for the document).
# ``schemathesis.pytest.from_fixture`` would let a fixture load it, but schemathesis 4.32
# reads ``Function._nodeid``, which pytest 9.2 no longer has.
schema = schemathesis.openapi.from_wsgi(
    f"{SCHEMA_URL}?format=json", get_wsgi_application()
).include(path_regex=r"^/api/v1/(platform/|reports/|imports/)")
schema.config.generation.update(modes=["positive", "negative"])

WORLD: dict = {}  # real ids and the key, filled in by the platform_world fixture


@schema.auth(refresh_interval=None)  # each test's world has a new key
class PlatformKey:
    """Platform A's key on every request (the ``ignored_auth`` check tries without)."""

    def get(self, case, ctx):
        return WORLD.get("secret")  # none while the tests are collected

    def set(self, case, secret, ctx):
        if secret:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {secret}"}


# --- Grounding valid requests in the server's state --------------------------------------
# Some of what makes a request valid is state, not shape: which jurisdictions the network
# has, which items an order holds, which cursors and idempotency keys were handed out,
# what a CSV file holds. A request the schema calls valid gets those parts from the
# server's world before it is sent, so the positive checks judge the shape alone and
# "rejected" means a real defect. Invalid requests are sent as generated.

PICK = itertools.count()


def pick(choices):
    return choices[next(PICK) % len(choices)]


def hosted_url() -> str:
    host = pick(["a-video.test", "b-social.test", "elsewhere.test", "192.0.2.10", "[2001:db8::7]"])
    return f"https://{host}/v/st-{next(PICK)}"


def _ground_items(items):
    for item in items:
        if isinstance(item, dict):
            if item.get("url"):
                item["url"] = hosted_url()
            if item.get("hosting_country"):
                item["hosting_country"] = "NL"


def _ground_removals(case, *, stateful):
    if stateful:  # the order a link led to, sandbox ones made in the scenario included
        order_id = (case.path_parameters or {}).get("id")
    else:
        order_id = pick(WORLD["mine"])
        case.path_parameters = {**(case.path_parameters or {}), "id": order_id}
    found = TakedownOrder.objects.filter(pk=order_id).exclude(items=None)
    items = list(found.order_by("items").values_list("items", flat=True))
    removals = case.body["removals"][: len(items)]  # each item at most once
    moment = (timezone.now() - timedelta(minutes=1)).isoformat()
    for removal, item in zip(removals, items, strict=False):
        removal.update(item=item, happened_at=moment)
        if removal.get("jurisdictions"):
            removal["jurisdictions"] = ["NL"]
    case.body = {**case.body, "removals": removals}


@schemathesis.hook
def before_call(context, case, kwargs):
    if not WORLD or not case.meta or not case.meta.generation.mode.is_positive:
        return
    path, body = case.operation.path, case.body
    stateful = case.meta.phase.name == TestPhase.STATEFUL  # its ids come from links
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers = {**case.headers, "Idempotency-Key": str(uuid.uuid4())}
    if case.query and "cursor" in case.query:  # a cursor is what a page's `next` hands out
        case.query = {k: v for k, v in case.query.items() if k != "cursor"}
    if stateful:
        pass
    elif path.startswith("/api/v1/platform/orders/{id}/") and next(PICK) % 2:
        case.path_parameters = {"id": pick(WORLD["order_ids"])}  # B's among them: 404s
    elif path == "/api/v1/reports/{id}/":
        case.path_parameters = {"id": pick(WORLD["report_ids"])}
    if not isinstance(body, dict):
        return
    if body.get("reporting_jurisdiction"):
        body["reporting_jurisdiction"] = "NL"  # platform A's own
    if path == "/api/v1/reports/":
        _ground_items(body.get("items") or [])
    elif path == "/api/v1/reports/bulk/":
        body["file"] = f"url\n{hosted_url()}\n{hosted_url()}\n"
    elif path.endswith("/removals/") and body.get("removals"):
        _ground_removals(case, stateful=stateful)


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
    """Every check schemathesis has, on valid and invalid requests; each example in a
    savepoint, so every one meets the same world (an order one removal completed would
    answer every later one with 409)."""
    with transaction.atomic():
        case.call_and_validate(additional_checks=[errors_are_problem_documents])
        transaction.set_rollback(True)


class PlatformWorkflow(schema.as_state_machine()):
    """Sequences a platform runs, along the links schemathesis infers from the document
    (list → order → acknowledge → removals, sandbox order → its actions, deliveries →
    redeliver): the ids come from earlier answers. Each scenario in a savepoint."""

    def setup(self):
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        checks = [*(additional_checks or []), errors_are_problem_documents]
        super().validate_response(response, case, additional_checks=checks, **kwargs)


def test_platform_workflows_keep_the_contract(platform_world):
    PlatformWorkflow.run(
        settings=settings(
            max_examples=30,
            stateful_step_count=8,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )


def test_the_schema_version_is_the_changelogs_newest():
    import re
    from pathlib import Path

    from django.conf import settings

    changelog = (Path(__file__).resolve().parents[2] / "docs" / "api-changelog.md").read_text()
    newest = re.search(r"^## (\d+\.\d+\.\d+)", changelog, re.M).group(1)
    assert settings.SPECTACULAR_SETTINGS["VERSION"] == newest
