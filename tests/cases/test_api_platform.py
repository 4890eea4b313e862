"""The platform API end to end over HTTP: a platform's key lists and reads its own orders,
verifies their signatures from the outside, acknowledges, reports removals, stops the clock
and objects; another platform's key sees none of it; retries are idempotent; bad keys are
401s; each platform is throttled on its own; the sandbox works end to end; and new, amended
and withdrawn orders are pushed to the platform's webhook."""

import base64
import json
from datetime import timedelta

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle
from standardwebhooks import Webhook, WebhookVerificationError

from cases.api import platform_views
from cases.choices import ItemStatus, OrderStatus, ResponseKind
from cases.models import PlatformResponse, TakedownOrder
from cases.selectors import changed_at_of, order_changed_at
from cases.services import orders
from deadlines.models import Notification
from deadlines.outbox import notification_deliver
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from liaison.services import api_key_mint, api_key_revoke
from liaison.webhooks import new_webhook_secret
from tests.cases.factories import order_request_for
from tests.liaison.factories import AuthorityFactory, UserFactory, api_key_for
from tests.liaison.test_api_webhooks import event_validator

pytestmark = pytest.mark.django_db

API = "/api/v1/platform"
PROBLEM = "application/problem+json"

FIELDS = orders.OrderFields(
    kind="order",
    legal_basis="Art. 3 Regulation (EU) 2021/784 (demo)",
    reasons="Child sexual abuse material (synthetic test)",
    contact_point="duty@example.org",
)
NOTICE = orders.OrderFields(**{**FIELDS.__dict__, "kind": "notice"})


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counters live in the shared cache and platform ids are reused between
    tests: start every test from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def prosecution(network):
    """A prosecution authority with a signing key in each jurisdiction of the network:
    each prosecutes the cases its desk leads (platform A is established in NL, B in DE)."""
    made = {}
    for code in ("DE", "NL"):
        authority = AuthorityFactory(
            jurisdiction=network[code.lower()],
            kind=AuthorityKind.PROSECUTOR,
            name=f"{code} prosecution",
        )
        authority_key_create(authority=authority)
        made[code] = {
            "authority": authority,
            "prosecutor": UserFactory(authority=authority, roles=["prosecutor"]),
        }
    return made


@pytest.fixture
def issue(actors, prosecution):
    """Issue an order (or notice) through the services, as a prosecutor does: to platform
    A (a-video.test, NL desk and prosecutor) unless another host is given."""
    counter = iter(range(1, 1000))
    by_host = {
        "a-video.test": (actors["outsider"], prosecution["NL"]["prosecutor"]),
        "b-social.test": (actors["owner"], prosecution["DE"]["prosecutor"]),
    }

    def make(*, fields=FIELDS, host="a-video.test"):
        officer, prosecutor = by_host[host]
        urls = [f"https://{host}/v/{next(counter)}-{n}" for n in range(2)]
        request = order_request_for(officer, *urls, jurisdiction=officer.jurisdiction_code)
        return orders.order_issue(request=request, prosecutor=prosecutor, fields=fields)

    return make


def client_for(secret: str | None = None) -> APIClient:
    client = APIClient()
    if secret is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def api_a(network):
    return client_for(api_key_for(platform=network["platform_a"]))


@pytest.fixture
def api_b(network):
    return client_for(api_key_for(platform=network["platform_b"]))


def url(order, action=""):
    return f"{API}/orders/{order.pk}/" + (f"{action}/" if action else "")


def removal(item_id, outcome="removed", **extra):
    return {
        "item": item_id,
        "outcome": outcome,
        "happened_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        **extra,
    }


def item_ids(order):
    return list(order.items.order_by("id").values_list("pk", flat=True))


def deadline_state(body, kind):
    (deadline,) = [d for d in body["deadlines"] if d["kind"] == kind]
    return deadline["state"]


def assert_problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == code and problem["status"] == status
    assert problem["type"].endswith(code)
    return problem


# --- Reading orders ---------------------------------------------------------------------


def test_list_shows_only_this_platforms_orders_newest_first(issue, api_a, api_b):
    first, second = issue(), issue()
    theirs = issue(host="b-social.test")
    body = api_a.get(f"{API}/orders/").json()
    assert [o["id"] for o in body["results"]] == [second.pk, first.pk]
    assert {o["reference"] for o in body["results"]} == {first.reference, second.reference}
    assert [o["id"] for o in api_b.get(f"{API}/orders/").json()["results"]] == [theirs.pk]


def test_cursor_pagination_follows_the_next_link(issue, api_a, monkeypatch):
    monkeypatch.setattr(platform_views.OrderList.pagination_class, "page_size", 2)
    made = [issue() for _n in range(5)]
    seen, link, pages = [], f"{API}/orders/", 0
    while link:
        response = api_a.get(link)
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["results"]) <= 2
        assert body["next"] is None or "cursor=" in body["next"]
        seen += [o["id"] for o in body["results"]]
        link, pages = body["next"], pages + 1
    assert pages == 3
    assert seen == [o.pk for o in reversed(made)]


def test_filters_by_status_and_kind(issue, api_a, network):
    acknowledged = issue()
    orders.order_acknowledge(order=acknowledged, platform=network["platform_a"])
    issued = issue()
    notice = issue(fields=NOTICE)

    def ids(query):
        response = api_a.get(f"{API}/orders/{query}")
        assert response.status_code == 200, response.content
        return {o["id"] for o in response.json()["results"]}

    assert ids("?status=acknowledged") == {acknowledged.pk}
    assert ids("?status=issued") == {issued.pk, notice.pk}
    assert ids("?status=issued&status=acknowledged") == {acknowledged.pk, issued.pk, notice.pk}
    assert ids("?kind=notice") == {notice.pk}
    assert ids("?kind=order&status=issued") == {issued.pk}
    assert_problem(api_a.get(f"{API}/orders/?status=lost"), 400, "validation_failed")


def test_detail_carries_signature_items_threads_and_deadlines(issue, api_a):
    order = issue()
    response = api_a.get(url(order))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["id"] == order.pk and body["reference"] == order.reference
    assert body["status"] == "issued" and body["kind"] == "order" and body["sandbox"] is False
    assert body["issuing_state"] == "NL" and body["issuing_authority"] == "NL prosecution"
    assert body["signature"]["algorithm"] == "Ed25519"
    assert body["signature"]["key_id"] == order.signing_key_id
    assert body["signature"]["value"] == order.signature
    assert body["signed_payload"] == order.signed_payload
    assert body["signed_payload"]["addressee"]["id"] == order.platform.slug
    assert [i["id"] for i in body["items"]] == item_ids(order)
    assert {i["status"] for i in body["items"]} == {"online"}
    assert [u["url"] for u in body["signed_payload"]["urls"]] == [i["url"] for i in body["items"]]
    assert body["clarifications"] == body["objections"] == body["cannot_comply"] == []
    assert deadline_state(body, "acknowledgement") == "open"
    assert deadline_state(body, "removal") == "open"
    (removal_deadline,) = [d for d in body["deadlines"] if d["kind"] == "removal"]
    assert removal_deadline["paused"] is False and removal_deadline["due_at"]


def verify_from_outside(body: dict) -> None:
    """What a platform engineer does: fetch the public key, check the signature over the
    canonical JSON of ``signed_payload``. Only ``cryptography`` and the standard library."""
    keys = client_for().get("/api/v1/keys/").json()["results"]
    (key,) = [k for k in keys if k["key_id"] == body["signature"]["key_id"]]
    assert key["algorithm"] == "Ed25519" and key["revoked_at"] is None

    def unb64(text: str) -> bytes:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    public = Ed25519PublicKey.from_public_bytes(unb64(key["public_key"]))
    message = json.dumps(
        body["signed_payload"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    public.verify(unb64(body["signature"]["value"]), message)  # raises when it does not hold
    return key


def test_the_signature_verifies_from_the_outside_and_a_tampered_payload_does_not(
    issue, api_a, prosecution
):
    body = api_a.get(url(issue())).json()
    key = verify_from_outside(body)
    assert key["authority"] == "NL prosecution" and key["is_sandbox"] is False
    tampered = json.loads(json.dumps(body))
    tampered["signed_payload"]["urls"][0]["url"] = "https://a-video.test/v/something-else"
    with pytest.raises(InvalidSignature):
        verify_from_outside(tampered)


# --- Acting on orders -------------------------------------------------------------------


def test_acknowledge_then_a_second_acknowledge_is_a_conflict(issue, api_a):
    order = issue()
    response = api_a.post(url(order, "acknowledge"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "acknowledged" and body["acknowledged_at"]
    assert deadline_state(body, "acknowledgement") == "met"
    assert deadline_state(body, "removal") == "open"
    assert_problem(api_a.post(url(order, "acknowledge")), 409, "invalid_transition")
    order.refresh_from_db()
    assert order.status == OrderStatus.ACKNOWLEDGED
    assert PlatformResponse.objects.filter(order=order, kind="acknowledgement").count() == 1


def test_removals_partial_then_complete(issue, api_a):
    order = issue()
    first, second = item_ids(order)
    response = api_a.post(url(order, "removals"), {"removals": [removal(first)]}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "acknowledged"  # reporting a removal is receipt too
    assert {i["id"]: i["status"] for i in body["items"]} == {first: "removed", second: "online"}
    response = api_a.post(
        url(order, "removals"),
        {"removals": [removal(second, "disabled", jurisdictions=["DE", "NL"])]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "completed" and body["completed_at"]
    assert {i["id"]: i["status"] for i in body["items"]} == {first: "removed", second: "disabled"}
    assert deadline_state(body, "removal") == "met"
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert order.items.get(pk=second).disabled_in == "DE,NL"
    assert_problem(
        api_a.post(url(order, "removals"), {"removals": [removal(first)]}, format="json"),
        409,
        "invalid_transition",
    )


def test_removals_with_an_item_of_another_order_are_refused_and_nothing_is_written(issue, api_a):
    order, other = issue(), issue()
    (mine, _second) = item_ids(order)
    problem = assert_problem(
        api_a.post(
            url(order, "removals"),
            {"removals": [removal(mine), removal(item_ids(other)[0])]},
            format="json",
        ),
        400,
        "validation_failed",
    )
    assert "item" in problem["errors"]["removals"]["1"]
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED and order.acknowledged_at is None
    assert not PlatformResponse.objects.filter(order=order).exists()
    assert set(order.items.values_list("status", flat=True)) == {ItemStatus.ONLINE}


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"removals": [{"item": 0, "outcome": "disabled"}]}, "happened_at"),
        ({"removals": []}, "removals"),
        ({"removals": [{"item": 0, "outcome": "vanished", "happened_at": "now"}]}, "outcome"),
    ],
)
def test_malformed_removals_are_field_errors(issue, api_a, payload, where):
    order = issue()
    problem = assert_problem(
        api_a.post(url(order, "removals"), payload, format="json"), 400, "validation_failed"
    )
    assert where in json.dumps(problem["errors"])
    assert not PlatformResponse.objects.filter(order=order).exists()


def test_disabled_without_jurisdictions_is_refused(issue, api_a):
    order = issue()
    first, _second = item_ids(order)
    problem = assert_problem(
        api_a.post(
            url(order, "removals"), {"removals": [removal(first, "disabled")]}, format="json"
        ),
        400,
        "validation_failed",
    )
    assert "jurisdictions" in problem["errors"]["removals"]["0"]
    assert not PlatformResponse.objects.filter(order=order).exists()
    assert order.items.get(pk=first).status == ItemStatus.ONLINE


def test_a_long_list_of_jurisdictions_is_stored_or_refused_never_a_server_error(issue, api_a):
    """100 well-formed codes (300 characters joined): either all of them are recorded or
    the input is refused with nothing written (PostgreSQL enforces column lengths)."""
    order = issue()
    first, _second = item_ids(order)
    codes = [f"{a}{b}" for a in "ABCDEFGHIJ" for b in "ABCDEFGHIJ"]
    response = api_a.post(
        url(order, "removals"),
        {"removals": [removal(first, "disabled", jurisdictions=codes)]},
        format="json",
    )
    if response.status_code == 400:
        assert_problem(response, 400, "validation_failed")
        assert not PlatformResponse.objects.filter(order=order).exists()
        assert order.items.get(pk=first).status == ItemStatus.ONLINE
    else:
        assert response.status_code == 200, response.content
        assert set(order.items.get(pk=first).disabled_in.split(",")) == set(codes)


@pytest.mark.parametrize(
    "ground",
    ["force_majeure", "de_facto_impossibility", "manifest_error", "insufficient_information"],
)
def test_cannot_comply_on_an_annex_iii_ground_stops_the_clock(issue, api_a, ground):
    order = issue()
    response = api_a.post(
        url(order, "cannot-comply"),
        {"ground": ground, "explanation": "We cannot (synthetic test)."},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "cannot_comply" and body["acknowledged_at"]
    (report,) = body["cannot_comply"]
    assert report["ground"] == ground and report["message"] == "We cannot (synthetic test)."
    assert report["answer"] == "" or report["answer"] is None
    assert deadline_state(body, "removal") == "paused"
    assert_problem(
        api_a.post(
            url(order, "cannot-comply"), {"ground": ground, "explanation": "Again."}, format="json"
        ),
        409,
        "invalid_transition",
    )


def test_cannot_comply_on_another_ground_is_refused(issue, api_a):
    order = issue()
    problem = assert_problem(
        api_a.post(
            url(order, "cannot-comply"),
            {"ground": "too_busy", "explanation": "Weekend."},
            format="json",
        ),
        400,
        "validation_failed",
    )
    assert "ground" in problem["errors"]
    assert assert_problem(
        api_a.post(url(order, "cannot-comply"), {"ground": "force_majeure"}, format="json"),
        400,
        "validation_failed",
    )["errors"].keys() == {"explanation"}
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED
    assert not PlatformResponse.objects.filter(order=order).exists()


def test_a_clarification_question_pauses_the_removal_clock_until_answered(
    issue, api_a, prosecution
):
    order = issue()
    response = api_a.post(
        url(order, "clarifications"), {"question": "Which jurisdiction?"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    (question,) = body["clarifications"]
    assert question["message"] == "Which jurisdiction?" and question["answered_at"] is None
    assert body["status"] == "issued"
    detail = api_a.get(url(order)).json()
    assert deadline_state(detail, "removal") == "paused"
    assert [d["paused"] for d in detail["deadlines"] if d["kind"] == "removal"] == [True]
    orders.clarification_answer(
        response=PlatformResponse.objects.get(pk=question["id"]),
        prosecutor=prosecution["NL"]["prosecutor"],
        answer="Everywhere.",
    )
    detail = api_a.get(url(order)).json()
    assert detail["clarifications"][0]["answer"] == "Everywhere."
    assert detail["clarifications"][0]["answered_at"]
    assert deadline_state(detail, "removal") == "open"


def test_an_objection_is_recorded_but_does_not_stop_the_clock(issue, api_a):
    order = issue()
    response = api_a.post(
        url(order, "objections"), {"grounds": "Art. 9 (2): the content is lawful."}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    (objection,) = body["objections"]
    assert objection["message"] == "Art. 9 (2): the content is lawful."
    assert objection["resolution"] in ("", None)
    assert deadline_state(body, "removal") == "open"
    assert deadline_state(api_a.get(url(order)).json(), "removal") == "open"
    assert_problem(
        api_a.post(url(order, "objections"), {"grounds": "  "}, format="json"),
        400,
        "validation_failed",
    )


# --- Isolation --------------------------------------------------------------------------

ACTIONS = [
    ("acknowledge", {}),
    ("removals", None),  # filled in with a real item of the order
    ("cannot-comply", {"ground": "force_majeure", "explanation": "Flood."}),
    ("clarifications", {"question": "Which one?"}),
    ("objections", {"grounds": "Not ours."}),
]


def test_another_platform_gets_404_on_every_endpoint_and_changes_nothing(issue, api_b):
    order = issue()
    before = api_b.get(f"{API}/orders/").json()["results"]
    assert order.pk not in {o["id"] for o in before}
    assert_problem(api_b.get(url(order)), 404, "not_found")
    for action, payload in ACTIONS:
        data = payload if payload is not None else {"removals": [removal(item_ids(order)[0])]}
        assert_problem(api_b.post(url(order, action), data, format="json"), 404, "not_found")
        # …with an Idempotency-Key too: the refusal is not stored nor replayed as success
        assert_problem(
            api_b.post(url(order, action), data, format="json", HTTP_IDEMPOTENCY_KEY="iso"),
            404,
            "not_found",
        )
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED
    assert not PlatformResponse.objects.filter(order=order).exists()
    sandbox = api_b.post(f"{API}/sandbox/orders/", {"items": 1}, format="json")
    assert sandbox.status_code == 201
    assert [o["id"] for o in api_b.get(f"{API}/orders/").json()["results"]] == [
        sandbox.json()["id"]
    ]


def test_an_intake_partners_key_is_forbidden_on_the_platform_api(issue, network):
    order = issue()
    hotline = AuthorityFactory(jurisdiction=network["nl"], kind=AuthorityKind.HOTLINE)
    partner = client_for(api_key_for(partner=hotline))
    assert_problem(partner.get(f"{API}/orders/"), 403, "permission_denied")
    assert_problem(partner.get(url(order)), 403, "permission_denied")
    for action, payload in ACTIONS:
        assert_problem(
            partner.post(url(order, action), payload or {}, format="json"),
            403,
            "permission_denied",
        )
    assert_problem(
        partner.post(f"{API}/sandbox/orders/", {}, format="json"), 403, "permission_denied"
    )
    assert not PlatformResponse.objects.filter(order=order).exists()
    assert TakedownOrder.objects.filter(is_sandbox=True).count() == 0


# --- Idempotency ------------------------------------------------------------------------


def test_a_retry_with_the_same_key_replays_the_stored_response(issue, api_a):
    order = issue()
    body = {"grounds": "Lawful in NL (synthetic test)."}
    first = api_a.post(url(order, "objections"), body, format="json", HTTP_IDEMPOTENCY_KEY="obj-1")
    again = api_a.post(url(order, "objections"), body, format="json", HTTP_IDEMPOTENCY_KEY="obj-1")
    assert first.status_code == again.status_code == 201
    assert "Idempotent-Replayed" not in first
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content  # the same bytes, as the guide promises
    assert again["Content-Type"] == first["Content-Type"] == "application/json"
    assert PlatformResponse.objects.filter(order=order, kind=ResponseKind.OBJECTION).count() == 1
    problem = assert_problem(
        api_a.post(
            url(order, "objections"),
            {"grounds": "Something else."},
            format="json",
            HTTP_IDEMPOTENCY_KEY="obj-1",
        ),
        422,
        "idempotency_key_reused",
    )
    assert problem["title"]
    assert PlatformResponse.objects.filter(order=order, kind=ResponseKind.OBJECTION).count() == 1
    # a new key is a new request
    other = api_a.post(url(order, "objections"), body, format="json", HTTP_IDEMPOTENCY_KEY="obj-2")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    assert PlatformResponse.objects.filter(order=order, kind=ResponseKind.OBJECTION).count() == 2


def test_a_retried_acknowledge_is_replayed_not_a_conflict(issue, api_a):
    order = issue()
    first = api_a.post(url(order, "acknowledge"), HTTP_IDEMPOTENCY_KEY="ack-1")
    again = api_a.post(url(order, "acknowledge"), HTTP_IDEMPOTENCY_KEY="ack-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert PlatformResponse.objects.filter(order=order, kind="acknowledgement").count() == 1
    # the same key on another order is another request: refused, not replayed
    assert_problem(
        api_a.post(url(issue(), "acknowledge"), HTTP_IDEMPOTENCY_KEY="ack-1"),
        422,
        "idempotency_key_reused",
    )


def test_keys_are_per_platform(issue, api_a, api_b):
    mine, theirs = issue(), issue(host="b-social.test")
    assert api_a.post(url(mine, "acknowledge"), HTTP_IDEMPOTENCY_KEY="k").status_code == 200
    response = api_b.post(url(theirs, "acknowledge"), HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 200 and "Idempotent-Replayed" not in response
    assert response.json()["id"] == theirs.pk


# --- Authentication ---------------------------------------------------------------------


def assert_unauthorised(response):
    assert_problem(response, 401, response.json()["code"])
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] in ("not_authenticated", "authentication_failed")


def test_no_key_unknown_key_revoked_key_and_expired_key_are_401(issue, network):
    order = issue()
    platform = network["platform_a"]
    revoked_key, revoked = api_key_mint(owner=platform, name="revoked", expires_at=None)
    api_key_revoke(key=revoked_key)
    _expired_key, expired = api_key_mint(
        owner=platform, name="expired", expires_at=timezone.now() - timedelta(minutes=1)
    )
    clients = {
        "none": client_for(),
        "unknown": client_for("ABCdef12.thisisnotakeythisisnotakeythisisnot"),
        "empty": client_for(""),
        "revoked": client_for(revoked),
        "expired": client_for(expired),
    }
    for name, client in clients.items():
        for response in (
            client.get(f"{API}/orders/"),
            client.get(url(order)),
            client.post(url(order, "acknowledge")),
        ):
            assert response.status_code == 401, (name, response.content)
            assert_unauthorised(response)
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED


# --- Throttling -------------------------------------------------------------------------


def test_each_platform_is_throttled_on_its_own(issue, api_a, api_b, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "platform", "3/min")
    cache.clear()
    for _n in range(3):
        assert api_a.get(f"{API}/orders/").status_code == 200
    throttled = api_a.get(f"{API}/orders/")
    assert_problem(throttled, 429, "throttled")
    assert int(throttled["Retry-After"]) > 0
    assert_problem(api_a.post(url(issue(), "acknowledge")), 429, "throttled")
    # another platform counts on its own
    for _n in range(3):
        assert api_b.get(f"{API}/orders/").status_code == 200
    assert_problem(api_b.get(f"{API}/orders/"), 429, "throttled")


# --- Sandbox ----------------------------------------------------------------------------


def test_sandbox_order_end_to_end(api_a, network):
    response = api_a.post(f"{API}/sandbox/orders/", {"items": 3}, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["sandbox"] is True and created["signed_payload"]["sandbox"] is True
    assert created["reference"].startswith(f"SANDBOX-{network['platform_a'].slug}-")
    assert len(created["items"]) == 3
    listed = api_a.get(f"{API}/orders/").json()["results"]
    assert [(o["id"], o["sandbox"]) for o in listed] == [(created["id"], True)]
    key = verify_from_outside(created)
    assert key["is_sandbox"] is True
    order = api_a.get(f"{API}/orders/{created['id']}/")
    assert order.status_code == 200
    ack = api_a.post(f"{API}/orders/{created['id']}/acknowledge/")
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    done = api_a.post(
        f"{API}/orders/{created['id']}/removals/",
        {"removals": [removal(i["id"], "not_found") for i in created["items"]]},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "completed"
    assert {i["status"] for i in done.json()["items"]} == {"not_found"}
    assert not TakedownOrder.objects.filter(is_sandbox=False).exists()
    bad = api_a.post(f"{API}/sandbox/orders/", {"items": 21}, format="json")
    assert_problem(bad, 400, "validation_failed")
    # JSON has one number type: 3.0 is the integer 3, 2.5 is not an integer.
    whole = api_a.post(f"{API}/sandbox/orders/", {"items": 3.0}, format="json")
    assert whole.status_code == 201 and len(whole.json()["items"]) == 3
    assert_problem(
        api_a.post(f"{API}/sandbox/orders/", {"items": 2.5}, format="json"),
        400,
        "validation_failed",
    )


def test_sandbox_orders_are_not_visible_to_other_platforms(api_a, api_b):
    created = api_a.post(f"{API}/sandbox/orders/", {}, format="json").json()
    assert len(created["items"]) == 2
    assert api_b.get(f"{API}/orders/").json()["results"] == []
    assert_problem(api_b.get(f"{API}/orders/{created['id']}/"), 404, "not_found")


# --- Webhook push -----------------------------------------------------------------------


def deliver(event_type, platform, receiver, count):
    notification = Notification.objects.get(event_type=event_type, platform=platform)
    outcome = notification_deliver(notification_id=notification.pk)
    assert outcome is not None and outcome.ok, outcome
    received = receiver.wait_for(count)[count - 1]
    assert received.headers["webhook-id"] == f"msg_{notification.pk}"
    return Webhook(platform.webhook_secret).verify(received.body, received.headers)


def test_new_amended_and_withdrawn_orders_are_pushed_signed(
    issue, network, prosecution, webhook_receiver
):
    platform = network["platform_a"]
    platform.webhook_url = webhook_receiver.url
    platform.webhook_secret = new_webhook_secret()
    platform.save()

    order = issue()
    event = deliver("order.issued", platform, webhook_receiver, 1)
    assert event["type"] == "order.issued"
    assert event["data"]["order"] == {
        "id": order.pk,
        "reference": order.reference,
        "version": 1,
        "status": "issued",
        "sandbox": False,
    }

    amended = orders.order_amend(
        order=order,
        prosecutor=prosecution["NL"]["prosecutor"],
        fields=orders.OrderFields(**{**FIELDS.__dict__, "note": "Corrected reasons."}),
    )
    event = deliver("order.amended", platform, webhook_receiver, 2)
    assert event["data"]["order"]["id"] == amended.pk and event["data"]["order"]["version"] == 2

    orders.order_withdraw(order=amended, prosecutor=prosecution["NL"]["prosecutor"], reason="Test.")
    event = deliver("order.withdrawn", platform, webhook_receiver, 3)
    assert (
        event["data"]["order"]["id"] == amended.pk
        and event["data"]["order"]["status"] == "withdrawn"
    )
    # Each body is what the schema's webhooks describe.
    validator = event_validator("OrderEvent")
    for received in webhook_receiver.requests:
        validator.validate(json.loads(received.body))

    forged = webhook_receiver.requests[0]
    with pytest.raises(WebhookVerificationError):
        Webhook(new_webhook_secret()).verify(forged.body, forged.headers)
    assert {n.platform_id for n in Notification.objects.all()} == {platform.pk}


def test_no_push_without_a_webhook(issue, network):
    issue()
    assert not Notification.objects.filter(platform=network["platform_a"]).exists()


# --- Strict input: no coercion, no unknown fields, times with their offset ----------------


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("clarifications", {"question": 5}, "question"),
        ("objections", {"grounds": -849706271}, "grounds"),
        ("cannot-comply", {"ground": "technical", "explanation": ["x"]}, "explanation"),
        ("clarifications", {"question": "Which account?", "urgent": True}, "urgent"),
        ("removals", {"removals": [{"item": "1", "outcome": "removed"}]}, "removals"),
        ("removals", {"removals": []}, "removals"),
    ],
    ids=["int as text", "negative int as text", "list as text", "unknown", "nested", "empty"],
)
def test_a_body_of_the_wrong_shape_is_refused_and_changes_nothing(
    issue, api_a, action, body, field
):
    order = issue()
    before = PlatformResponse.objects.count()
    response = api_a.post(url(order, action), body, format="json")
    problem = assert_problem(response, 400, "validation_failed")
    assert field in problem["errors"], problem
    assert PlatformResponse.objects.count() == before


def test_a_removal_time_without_its_offset_is_refused(issue, api_a):
    order = issue()
    item = order.items.first()
    body = {
        "removals": [{"item": item.pk, "outcome": "removed", "happened_at": "2026-12-01T09:30:00"}]
    }
    problem = assert_problem(
        api_a.post(url(order, "removals"), body, format="json"), 400, "validation_failed"
    )
    assert "offset" in json.dumps(problem["errors"])
    body["removals"][0]["happened_at"] = timezone.now().isoformat()
    assert api_a.post(url(order, "removals"), body, format="json").status_code == 200


def test_the_schema_says_what_the_server_refuses():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for name in (
        "ReportInputRequest",
        "ItemInputRequest",
        "RemovalRequest",
        "ClarificationInputRequest",
    ):
        assert components[name]["additionalProperties"] is False, name
    assert components["RemovalsInputRequest"]["properties"]["removals"]["minItems"] == 1
    assert "enum" in json.dumps(components["OrderItem"]["properties"]["status"]) or (
        "$ref" in json.dumps(components["OrderItem"]["properties"]["status"])
    )
    header = next(
        p
        for p in schema["paths"]["/api/v1/platform/orders/{id}/acknowledge/"]["post"]["parameters"]
        if p["name"] == "Idempotency-Key"
    )
    assert header["schema"]["maxLength"] == 255 and header["schema"]["minLength"] == 1


def test_an_idempotency_key_with_a_space_is_refused_as_the_schema_says(issue, api_a):
    order = issue()
    response = api_a.post(url(order, "acknowledge"), HTTP_IDEMPOTENCY_KEY="two words")
    assert_problem(response, 400, "invalid_idempotency_key")


# --- The changes feed ----------------------------------------------------------------


def test_the_changes_feed_shows_only_orders_changed_since_the_last_poll(
    issue, api_a, prosecution, network
):
    first, second = issue(), issue()
    listing = api_a.get(f"{API}/orders/").json()["results"]
    since = max(order["changed_at"] for order in listing)

    def changed():
        response = api_a.get(f"{API}/orders/", {"updated_since": since})
        assert response.status_code == 200, response.content
        return {order["reference"] for order in response.json()["results"]}

    assert changed() == set()  # nothing since the last poll
    question = orders.order_ask_clarification(
        order=second, platform=network["platform_a"], question="Which account?"
    )
    since = api_a.get(f"{API}/orders/{second.pk}/").json()["changed_at"]
    assert changed() == set()
    orders.clarification_answer(
        response=question, prosecutor=prosecution["NL"]["prosecutor"], answer="All of them."
    )
    assert changed() == {second.reference}  # an answer to the platform is a change
    since = api_a.get(f"{API}/orders/{second.pk}/").json()["changed_at"]
    orders.order_withdraw(
        order=first, prosecutor=prosecution["NL"]["prosecutor"], reason="Issued in error"
    )
    assert changed() == {first.reference}  # so is a withdrawal


def test_an_action_answers_with_the_same_changed_at_as_the_feed(issue, api_a, prosecution):
    """The answer to an action computes ``changed_at`` from the order's loaded answers;
    the list and the detail compute it in SQL. They must agree at every step."""
    order = issue()

    def agree(response):
        assert response.status_code in (200, 201), response.content
        detail = api_a.get(url(order)).json()
        listed = next(
            o for o in api_a.get(f"{API}/orders/").json()["results"] if o["id"] == order.pk
        )
        assert response.json()["changed_at"] == detail["changed_at"] == listed["changed_at"]
        return response.json()["changed_at"]

    def aggregated():
        return (
            TakedownOrder.objects.annotate(changed_at=order_changed_at())
            .prefetch_related("responses")
            .get(pk=order.pk)
        )

    acknowledged = agree(api_a.post(url(order, "acknowledge")))
    asked = agree(
        api_a.post(url(order, "clarifications"), {"question": "Which account?"}, format="json")
    )
    assert asked > acknowledged
    question = order.responses.get(kind=ResponseKind.CLARIFICATION)
    orders.clarification_answer(
        response=question, prosecutor=prosecution["NL"]["prosecutor"], answer="All of them."
    )
    # Each of those touched the order itself too; put its own change back before the
    # question, so that the question and its answer are what the clock must find.
    question.refresh_from_db()
    TakedownOrder.objects.filter(pk=order.pk).update(
        updated_at=question.created_at - timedelta(minutes=1)
    )
    loaded = aggregated()
    assert loaded.changed_at == question.answered_at > loaded.updated_at
    assert changed_at_of(loaded) == loaded.changed_at
    PlatformResponse.objects.filter(pk=question.pk).update(answered_at=None)
    loaded = aggregated()
    assert changed_at_of(loaded) == loaded.changed_at == question.created_at


def test_the_changes_feed_needs_a_time_with_its_offset(api_a):
    response = api_a.get(f"{API}/orders/", {"updated_since": "2026-12-01T09:30:00"})
    problem = assert_problem(response, 400, "validation_failed")
    assert "updated_since" in problem["errors"]


def test_every_client_response_says_what_is_left_of_the_rate(api_a, network, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "platform", "3/min")
    cache.clear()
    seen = []
    for _n in range(4):
        response = api_a.get(f"{API}/orders/")
        seen.append(
            (
                response.status_code,
                response["RateLimit-Limit"],
                response["RateLimit-Remaining"],
                0 < int(response["RateLimit-Reset"]) <= 60,
            )
        )
    assert seen == [
        (200, "3", "2", True),
        (200, "3", "1", True),
        (200, "3", "0", True),
        (429, "3", "0", True),
    ]
    # An intake partner's calls, and whoami, carry them too.
    hotline = AuthorityFactory(jurisdiction=network["nl"], kind=AuthorityKind.HOTLINE)
    partner = client_for(api_key_for(partner=hotline))
    assert partner.get("/api/v1/reports/")["RateLimit-Limit"] == "600"
    assert partner.get("/api/v1/whoami/")["RateLimit-Remaining"] == "598"


def test_filters_say_what_the_schema_says(api_a, prosecution):
    public = APIClient()
    assert public.get("/api/v1/keys/", {"authority": 99999}).json()["results"] == []  # none
    assert public.get("/api/v1/keys/", {"authority": "abc"}).status_code == 400
    authority = prosecution["NL"]["prosecutor"].authority
    keys = public.get("/api/v1/keys/", {"authority": authority.pk}).json()["results"]
    assert keys and all(k["authority"] == authority.name for k in keys), keys
    for path, name in (("/api/v1/keys/", "purpose"), (f"{API}/orders/", "kind")):
        client = public if path.startswith("/api/v1/keys") else api_a
        problem = assert_problem(client.get(path, {name: ""}), 400, "validation_failed")
        assert name in problem["errors"]


def test_the_signed_payload_is_described_as_it_is_sent(issue, api_a, client):
    schema = json.loads(client.get("/api/schema/?format=json").content)
    assert schema["servers"] == [{"url": "/", "description": "This installation"}]
    described = schema["components"]["schemas"]["SignedPayload"]["properties"]
    sent = api_a.get(url(issue())).json()["signed_payload"]
    assert set(sent) == set(described)  # no drift either way
    assert set(sent["issuing_authority"]) == {"id", "name", "email"}


def test_the_changes_feed_takes_any_offset_python_reads(api_a):
    """An offset past the database's range (±15:59 in PostgreSQL) is read as the same
    moment in UTC, not a server error; one past the calendar is a clear 400."""
    response = api_a.get(f"{API}/orders/", {"updated_since": "3300-06-29T21:41:36.2-20:23"})
    assert response.status_code == 200, response.content
    response = api_a.get(f"{API}/orders/", {"updated_since": "9999-12-31T23:59:00-20:00"})
    assert_problem(response, 400, "validation_failed")
