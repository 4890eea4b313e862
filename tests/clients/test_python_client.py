"""The typed Python client in clients/python/: it is exactly what the current OpenAPI
document generates (so a schema change without `make client` fails here), and it works
— whoami, a sandbox order, the list and its cursor, the changes feed, acknowledging,
reporting removals, errors as Problems, the signature checked against GET /api/v1/keys/
— against a live server, as a platform uses it. clients/examples/verify_orders.py, the
example built on it, runs against the live server too."""

import copy
import importlib.util
import shutil
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import attrs
import pytest
from django.core.cache import cache
from django.test import Client as DjangoClient

from cases.api import platform_views
from cases.services import orders
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create, authority_key_revoke
from liaison.services import api_key_mint
from tests.cases.factories import order_request_for
from tests.liaison.factories import AuthorityFactory, UserFactory, api_key_for

ROOT = Path(__file__).resolve().parents[2]
CLIENT_DIR = ROOT / "clients" / "python"
HINT = "run `make client`"

# The committed client itself, not an installed copy of it.
sys.path.insert(0, str(CLIENT_DIR))
import takedown_client  # noqa: E402
from takedown_client import AuthenticatedClient  # noqa: E402
from takedown_client.api.v1 import (  # noqa: E402
    v1_platform_orders_acknowledge_create,
    v1_platform_orders_list,
    v1_platform_orders_removals_create,
    v1_platform_orders_retrieve,
    v1_platform_sandbox_orders_create,
    v1_whoami_retrieve,
)
from takedown_client.models import (  # noqa: E402
    ApiClient,
    DeadlineKindEnum,
    DeadlineStateEnum,
    ItemStatusEnum,
    OrderStatusEnum,
    OutcomeEnum,
    PlatformOrder,
    Problem,
    PublicKey,
    RemovalRequest,
    RemovalsInputRequest,
    SandboxOrderInputRequest,
    V1PlatformOrdersListStatusItem,
)


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = load("takedown_clients_generate", ROOT / "clients" / "generate.py")
example = load("takedown_clients_verify_orders", ROOT / "clients" / "examples" / "verify_orders.py")

live = pytest.mark.django_db(transaction=True)  # the live server's thread sees the data


def test_the_client_is_imported_from_the_repository():
    assert Path(takedown_client.__file__).is_relative_to(CLIENT_DIR)


# --- The committed client is what the schema generates --------------------------------


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """The client generated now from the document the app serves at /api/schema/."""
    response = DjangoClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    work = tmp_path_factory.mktemp("client")
    schema = work / "schema.json"
    schema.write_bytes(response.content)
    warnings = generator.generate(schema, work / "python")
    return SimpleNamespace(path=work / "python", warnings=warnings)


def test_the_committed_client_is_what_the_schema_generates(regenerated):
    stale = generator.differences(regenerated.path, CLIENT_DIR)
    assert not stale, (
        f"clients/python/ is not what the current OpenAPI document generates; {HINT} "
        "and commit the result:\n" + "\n".join(f"  {line}" for line in stale)
    )


def test_the_schema_generates_without_warnings(regenerated):
    """A warning means the generator left an operation or a model out of the client."""
    assert regenerated.warnings == "", regenerated.warnings


def test_the_check_fails_on_any_difference_and_the_sync_repairs_it(regenerated, tmp_path):
    tree = tmp_path / "python"
    shutil.copytree(regenerated.path, tree)
    edited = tree / "takedown_client" / "models" / "platform_order.py"
    edited.write_text(edited.read_text("utf-8") + "# edited by hand\n", "utf-8")
    (tree / "takedown_client" / "client.py").unlink()
    (tree / "takedown_client" / "api" / "v1" / "v1_gone.py").write_text("", "utf-8")
    # an in-place install and byte-compiled files are not differences
    (tree / "takedown_platform_client.egg-info").mkdir()
    (tree / "takedown_platform_client.egg-info" / "PKG-INFO").write_text("x", "utf-8")
    (tree / "takedown_client" / "__pycache__").mkdir()
    (tree / "takedown_client" / "__pycache__" / "types.cpython-311.pyc").write_bytes(b"\0")
    assert generator.differences(regenerated.path, tree) == [
        "stale: takedown_client/api/v1/v1_gone.py",
        "new: takedown_client/client.py",
        "changed: takedown_client/models/platform_order.py",
    ]
    changed = generator.sync(regenerated.path, tree)
    assert len(changed) == 3
    assert generator.differences(regenerated.path, tree) == []
    assert (tree / "takedown_platform_client.egg-info" / "PKG-INFO").exists()


# --- Driving the generated client against a live server -------------------------------


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counters live in the shared cache and platform ids are reused."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(live_server, network, actors):
    """Platform A (established in NL) with a key and a real order signed by the NL
    prosecution; platform B with a key of its own."""
    authority = AuthorityFactory(
        jurisdiction=network["nl"], kind=AuthorityKind.PROSECUTOR, name="NL prosecution"
    )
    authority_key_create(authority=authority)
    prosecutor = UserFactory(authority=authority, roles=["prosecutor"])
    request = order_request_for(
        actors["outsider"],
        "https://a-video.test/v/client-1",
        "https://a-video.test/v/client-2",
        jurisdiction="NL",
    )
    fields = orders.OrderFields(
        kind="order",
        legal_basis="Art. 3 Regulation (EU) 2021/784 (demo)",
        reasons="Child sexual abuse material (synthetic test) — ünïcode too",
        contact_point="duty@example.org",
    )
    order = orders.order_issue(request=request, prosecutor=prosecutor, fields=fields)
    return SimpleNamespace(
        url=live_server.url,
        order=order,
        prosecutor=prosecutor,
        platform=network["platform_a"],
        key=api_key_mint(
            owner=network["platform_a"],
            name="typed client",
            expires_at=datetime.now(UTC) + timedelta(days=365),
        )[1],
        other_key=api_key_for(platform=network["platform_b"]),
    )


@pytest.fixture
def api(world):
    with AuthenticatedClient(
        base_url=world.url, token=world.key, raise_on_unexpected_status=True
    ) as client:
        yield client


def sandbox_order(api, items=2) -> PlatformOrder:
    created = v1_platform_sandbox_orders_create.sync(
        client=api, body=SandboxOrderInputRequest(items=items)
    )
    assert isinstance(created, PlatformOrder), created
    return created


def five_minutes_ago() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=5)


@live
def test_whoami_answers_with_the_typed_api_client(api, world):
    me = v1_whoami_retrieve.sync(client=api)
    assert isinstance(me, ApiClient)
    assert (me.kind, me.name, me.jurisdiction) == ("platform", world.platform.name, "NL")
    assert me.key_name == "typed client" and world.key.startswith(me.key_prefix)
    assert isinstance(me.key_expires, datetime) and me.key_expires > datetime.now(UTC)


@live
def test_a_sandbox_order_is_listed_acknowledged_and_completed(api, world):
    created = v1_platform_sandbox_orders_create.sync(
        client=api, body=SandboxOrderInputRequest(items=3), idempotency_key="sandbox-1"
    )
    assert isinstance(created, PlatformOrder)
    assert created.sandbox is True and created.signed_payload.sandbox is True
    assert created.reference.startswith(f"SANDBOX-{world.platform.slug}-")
    assert created.status is OrderStatusEnum.ISSUED
    assert [item.status for item in created.items] == [ItemStatusEnum.ONLINE] * 3

    listed = [order for order, _sent in example.list_orders(api)]
    assert all(isinstance(order, PlatformOrder) for order in listed)
    assert [order.id for order in listed] == [created.id, world.order.id]  # newest first
    issued = example.list_orders(api, status=[V1PlatformOrdersListStatusItem.ACKNOWLEDGED])
    assert list(issued) == []

    acknowledged = v1_platform_orders_acknowledge_create.sync(
        created.id, client=api, idempotency_key=f"ack-{created.id}"
    )
    assert isinstance(acknowledged, PlatformOrder)
    assert acknowledged.status is OrderStatusEnum.ACKNOWLEDGED
    assert isinstance(acknowledged.acknowledged_at, datetime)
    replay = v1_platform_orders_acknowledge_create.sync_detailed(
        created.id, client=api, idempotency_key=f"ack-{created.id}"
    )
    assert replay.status_code == 200 and replay.headers["Idempotent-Replayed"] == "true"

    first, second, third = (item.id for item in created.items)
    completed = v1_platform_orders_removals_create.sync(
        created.id,
        client=api,
        idempotency_key=f"removals-{created.id}-1",
        body=RemovalsInputRequest(
            removals=[
                RemovalRequest(
                    item=first, outcome=OutcomeEnum.REMOVED, happened_at=five_minutes_ago()
                ),
                RemovalRequest(
                    item=second,
                    outcome=OutcomeEnum.DISABLED,
                    jurisdictions=["NL"],
                    happened_at=five_minutes_ago(),
                ),
                RemovalRequest(
                    item=third, outcome=OutcomeEnum.NOT_FOUND, happened_at=five_minutes_ago()
                ),
            ]
        ),
    )
    assert isinstance(completed, PlatformOrder)
    assert completed.status is OrderStatusEnum.COMPLETED
    assert {item.id: item.status for item in completed.items} == {
        first: ItemStatusEnum.REMOVED,
        second: ItemStatusEnum.DISABLED,
        third: ItemStatusEnum.NOT_FOUND,
    }
    (removal,) = [d for d in completed.deadlines if d.kind is DeadlineKindEnum.REMOVAL]
    assert removal.state is DeadlineStateEnum.MET

    fetched = v1_platform_orders_retrieve.sync(created.id, client=api)
    assert isinstance(fetched, PlatformOrder) and fetched.status is OrderStatusEnum.COMPLETED


@live
def test_the_list_is_followed_page_by_page_with_its_cursor(api, world, monkeypatch):
    monkeypatch.setattr(platform_views.OrderList.pagination_class, "page_size", 2)
    made = [sandbox_order(api, items=1) for _n in range(3)]
    first = v1_platform_orders_list.sync(client=api)
    assert len(first.results) == 2 and example.cursor_of(first.next_)
    seen = [order.id for order, _sent in example.list_orders(api)]
    assert seen == [order.id for order in reversed(made)] + [world.order.id]


@live
def test_the_changes_feed_shows_what_changed_since_the_last_poll(api, world):
    def changed_since(since: datetime) -> set[str]:
        return {order.reference for order, _sent in example.list_orders(api, updated_since=since)}

    seen = [order for order, _sent in example.list_orders(api)]
    since = max(order.changed_at for order in seen)
    assert isinstance(since, datetime) and since.tzinfo is not None
    assert changed_since(since) == set()  # nothing since the last poll
    acknowledged = v1_platform_orders_acknowledge_create.sync(world.order.id, client=api)
    assert changed_since(since) == {world.order.reference}
    since = acknowledged.changed_at
    assert changed_since(since) == set()
    orders.order_withdraw(order=world.order, prosecutor=world.prosecutor, reason="In error")
    assert changed_since(since) == {world.order.reference}
    # a time with a "+01:00" offset goes into the query string encoded, not as a space
    later = since.astimezone(timezone(timedelta(hours=1)))
    assert changed_since(later - timedelta(seconds=1)) == {world.order.reference}


@live
def test_each_signature_verifies_with_the_published_key_and_a_tampered_one_does_not(api, world):
    sandbox = sandbox_order(api)
    keys = example.signing_keys(api)
    assert all(isinstance(key, PublicKey) for key in keys.values())
    listed = list(example.list_orders(api))
    assert [order.id for order, _sent in listed] == [sandbox.id, world.order.id]
    for order, sent in listed:
        summary = example.verify(order, sent["signed_payload"], keys)
        assert summary.startswith(f"{order.reference} v1 ")
        # The typed model gives back exactly the document that was signed.
        assert order.signed_payload.to_dict() == sent["signed_payload"]
        assert keys[order.signature.key_id].is_sandbox is (order.id == sandbox.id)
    real, sent = listed[1]
    assert "ünïcode" in real.signed_payload.reasons

    tampered = copy.deepcopy(sent["signed_payload"])
    tampered["urls"][0]["url"] = "https://a-video.test/v/something-else"
    with pytest.raises(example.NotAuthentic, match="signature does not match"):
        example.verify(real, tampered, keys)
    moved = attrs.evolve(real, items=[attrs.evolve(real.items[0], url="https://a-video.test/x")])
    with pytest.raises(example.NotAuthentic, match="differs from its signed payload in: items"):
        example.verify(moved, sent["signed_payload"], keys)
    with pytest.raises(example.NotAuthentic, match="not published"):
        example.verify(real, sent["signed_payload"], {})


@live
def test_errors_come_back_as_typed_problems(api, world):
    assert isinstance(
        v1_platform_orders_acknowledge_create.sync(world.order.id, client=api), PlatformOrder
    )
    again = v1_platform_orders_acknowledge_create.sync(world.order.id, client=api)
    assert isinstance(again, Problem)
    assert (again.status, again.code) == (409, "invalid_transition")

    refused = v1_platform_orders_removals_create.sync(
        world.order.id,
        client=api,
        body=RemovalsInputRequest(
            removals=[
                RemovalRequest(
                    item=world.order.items.first().pk,
                    outcome=OutcomeEnum.DISABLED,
                    happened_at=five_minutes_ago(),
                )
            ]
        ),
    )
    assert isinstance(refused, Problem) and refused.code == "validation_failed"
    assert "jurisdictions" in refused.errors["removals"]["0"]

    with AuthenticatedClient(base_url=world.url, token=world.other_key) as other:
        hidden = v1_platform_orders_retrieve.sync(world.order.id, client=other)
    assert isinstance(hidden, Problem) and (hidden.status, hidden.code) == (404, "not_found")
    with AuthenticatedClient(base_url=world.url, token="not-a-key") as stranger:
        unknown = v1_whoami_retrieve.sync(client=stranger)
    assert isinstance(unknown, Problem) and unknown.status == 401


# --- The example ---------------------------------------------------------------------


@live
def test_the_example_lists_and_verifies_every_order(api, world, capsys):
    sandbox = sandbox_order(api)
    arguments = ["--base-url", world.url, "--api-key", world.key]
    assert example.main(arguments) == example.VALID
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["VALID:", sandbox.reference],
        ["VALID:", world.order.reference],
    ]
    assert example.main([*arguments, "--status", "acknowledged"]) == example.VALID
    assert capsys.readouterr().out == ""
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert example.main([*arguments, "--updated-since", future]) == example.VALID
    assert capsys.readouterr().out == ""

    authority_key_revoke(key_id=world.order.signing_key_id, reason="compromised (test)")
    assert example.main(arguments) == example.INVALID
    out = capsys.readouterr().out
    assert f"NOT AUTHENTIC: {world.order.reference}" in out and "revoked" in out
    assert f"VALID: {sandbox.reference}" in out

    assert example.main(["--base-url", world.url, "--api-key", "not-a-key"]) == example.UNCHECKED
    assert "401" in capsys.readouterr().err


@live
def test_the_readme_example_runs_as_written(world, monkeypatch):
    """The generated README's example (clients/templates/README.md.jinja), pointed at
    the live server: it acknowledges the issued order and reports every item removed."""
    readme = (CLIENT_DIR / "README.md").read_text("utf-8")
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    assert "https://takedown.example.org" in code
    monkeypatch.setenv("TAKEDOWN_API_KEY", world.key)
    exec(code.replace("https://takedown.example.org", world.url), {})  # noqa: S102
    world.order.refresh_from_db()
    assert world.order.status == "completed"


# --- Self-service webhooks and the sandbox's prosecutor, through the client -------------

from standardwebhooks import Webhook as StandardWebhook  # noqa: E402
from takedown_client.api.v1 import (  # noqa: E402
    v1_platform_orders_cannot_comply_create,
    v1_platform_orders_clarifications_create,
    v1_platform_orders_objections_create,
    v1_platform_sandbox_orders_amend_create,
    v1_platform_sandbox_orders_answer_clarification_create,
    v1_platform_sandbox_orders_decide_objection_create,
    v1_platform_sandbox_orders_resolve_cannot_comply_create,
    v1_platform_sandbox_orders_withdraw_create,
    v1_platform_webhook_deliveries_retrieve,
    v1_platform_webhook_test_create,
    v1_platform_webhook_update,
)
from takedown_client.models import (  # noqa: E402
    CannotComplyInputRequest,
    CannotComplyResolutionEnum,
    ClarificationInputRequest,
    Delivery,
    DeliveryStatusEnum,
    GroundEnum,
    ObjectionInputRequest,
    ResolutionEnum,
    SandboxAmendInputRequest,
    SandboxAnswerInputRequest,
    SandboxCannotComplyResolutionInputRequest,
    SandboxObjectionDecisionInputRequest,
    SandboxWithdrawInputRequest,
    WebhookInputRequest,
)
from takedown_client.models import Webhook as WebhookSettings  # noqa: E402

from tests.liaison.test_api_webhooks import deliver_all  # noqa: E402


@live
def test_a_webhook_is_set_up_and_its_test_event_verifies(api, world, webhook_receiver):
    settings_ = v1_platform_webhook_update.sync(
        client=api, body=WebhookInputRequest(url=webhook_receiver.url)
    )
    assert isinstance(settings_, WebhookSettings)
    assert settings_.url == webhook_receiver.url and settings_.secret.startswith("whsec_")

    sent = v1_platform_webhook_test_create.sync(client=api, idempotency_key="test-event-1")
    assert isinstance(sent, Delivery) and sent.status is DeliveryStatusEnum.PENDING
    deliver_all()
    received = webhook_receiver.wait_for(1)[0]
    headers = {key.lower(): value for key, value in received.headers.items()}
    event = StandardWebhook(settings_.secret).verify(received.body, headers)
    assert event["type"] == "webhook.test" and headers["webhook-id"] == sent.webhook_id

    logged = v1_platform_webhook_deliveries_retrieve.sync(sent.id, client=api)
    assert logged.status is DeliveryStatusEnum.DELIVERED
    assert [attempt.succeeded for attempt in logged.attempt_log] == [True]


@live
def test_a_full_sandbox_round_trip(api, world):
    order = sandbox_order(api)

    asked = v1_platform_orders_clarifications_create.sync(
        order.id, client=api, body=ClarificationInputRequest(question="Which copy?")
    )
    assert asked.clarifications[-1].answer in (None, "")
    answered = v1_platform_sandbox_orders_answer_clarification_create.sync(
        order.id, client=api, body=SandboxAnswerInputRequest(answer="The first one.")
    )
    assert answered.clarifications[-1].answer == "The first one."
    again = v1_platform_sandbox_orders_answer_clarification_create.sync(
        order.id, client=api, body=SandboxAnswerInputRequest()
    )
    assert isinstance(again, Problem) and again.code == "invalid_transition"

    v1_platform_orders_cannot_comply_create.sync(
        order.id,
        client=api,
        body=CannotComplyInputRequest(
            ground=GroundEnum.INSUFFICIENT_INFORMATION, explanation="The URL is truncated."
        ),
    )
    maintained = v1_platform_sandbox_orders_resolve_cannot_comply_create.sync(
        order.id,
        client=api,
        body=SandboxCannotComplyResolutionInputRequest(
            resolution=CannotComplyResolutionEnum.MAINTAIN
        ),
    )
    assert maintained.status is OrderStatusEnum.ACKNOWLEDGED

    v1_platform_orders_objections_create.sync(
        order.id, client=api, body=ObjectionInputRequest(grounds="Not illegal here.")
    )
    decided = v1_platform_sandbox_orders_decide_objection_create.sync(
        order.id,
        client=api,
        body=SandboxObjectionDecisionInputRequest(resolution=ResolutionEnum.REJECTED),
    )
    assert decided.objections[-1].resolution == ResolutionEnum.REJECTED

    amended = v1_platform_sandbox_orders_amend_create.sync(
        order.id, client=api, body=SandboxAmendInputRequest(reasons="Corrected reasons.")
    )
    assert amended.id != order.id and amended.version == 2
    assert v1_platform_orders_retrieve.sync(order.id, client=api).status is (
        OrderStatusEnum.SUPERSEDED
    )
    withdrawn = v1_platform_sandbox_orders_withdraw_create.sync(
        amended.id, client=api, body=SandboxWithdrawInputRequest(reason="Test over.")
    )
    assert withdrawn.status is OrderStatusEnum.WITHDRAWN

    real = v1_platform_sandbox_orders_withdraw_create.sync(
        world.order.id, client=api, body=SandboxWithdrawInputRequest()
    )
    assert isinstance(real, Problem) and real.code == "not_found"
