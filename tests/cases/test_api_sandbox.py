"""The sandbox's prosecutor over the real API (issue 17, item 7): on its own sandbox
orders a platform's key has the prosecutor answer its question, resolve its cannot-comply
report, decide its objection, amend and withdraw — through the real services, so the real
clocks move and the real webhooks are enqueued. A real order, or another platform's
sandbox order, is a 404; nothing open to act on is a 409; bodies are strict; retries are
idempotent. A question on a sandbox order is answered by itself after a delay (a Celery
task, called here directly and, where Redis is at hand, by a real worker)."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from cases import tasks
from cases.choices import OrderStatus, ResponseKind
from cases.models import PlatformResponse, TakedownOrder
from cases.services import orders
from deadlines.choices import DeadlineKind, DeadlineState
from deadlines.models import Notification
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from takedown.core.choices import Role
from takedown.core.errors import NotFound
from takedown.core.models import User
from tests.cases.factories import order_request_for
from tests.conftest import service_unavailable
from tests.liaison.factories import AuthorityFactory, UserFactory, api_key_for

pytestmark = pytest.mark.django_db

API = "/api/v1/platform"
PROBLEM = "application/problem+json"
HOOK = "https://hooks.example.test/takedown"
ACTIONS = (
    "answer-clarification",
    "resolve-cannot-comply",
    "decide-objection",
    "amend",
    "withdraw",
    "unsuspend",
)
# A body each endpoint accepts.
BODIES = {
    "answer-clarification": {},
    "resolve-cannot-comply": {"resolution": "maintain"},
    "decide-objection": {"resolution": "rejected"},
    "amend": {},
    "withdraw": {},
    "unsuspend": {},
}
FIELDS = orders.OrderFields(
    kind="order",
    legal_basis="Art. 3 Regulation (EU) 2021/784 (demo)",
    reasons="Child sexual abuse material (synthetic test)",
    contact_point="duty@example.org",
)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


def client_for(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def platform(network):
    """Platform A, with a webhook URL: what the sandbox pushes is enqueued for it."""
    platform = network["platform_a"]
    platform.webhook_url = HOOK
    platform.save(update_fields=["webhook_url"])
    return platform


@pytest.fixture
def api_a(platform):
    return client_for(api_key_for(platform=platform))


@pytest.fixture
def api_b(network):
    return client_for(api_key_for(platform=network["platform_b"]))


@pytest.fixture
def real_order(actors, network):
    """A real order to platform A, issued by the NL prosecution."""
    authority = AuthorityFactory(
        jurisdiction=network["nl"], kind=AuthorityKind.PROSECUTOR, name="NL prosecution"
    )
    authority_key_create(authority=authority)
    prosecutor = UserFactory(authority=authority, roles=[Role.PROSECUTOR])
    request = order_request_for(
        actors["outsider"], "https://a-video.test/v/real-1", jurisdiction="NL"
    )
    return orders.order_issue(request=request, prosecutor=prosecutor, fields=FIELDS)


def assert_problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == code and problem["status"] == status
    return problem


def create(api, items=2) -> dict:
    response = api.post(f"{API}/sandbox/orders/", {"items": items}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def act(api, order_id, action, body=None, **headers):
    return api.post(
        f"{API}/sandbox/orders/{order_id}/{action}/",
        BODIES[action] if body is None else body,
        format="json",
        **headers,
    )


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def platform_says(api, order_id, what, body) -> dict:
    response = api.post(f"{API}/orders/{order_id}/{what}/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def ask(api, order_id, question="Which copy is meant? (synthetic)") -> dict:
    return platform_says(api, order_id, "clarifications", {"question": question})


def cannot_comply(api, order_id) -> dict:
    body = {"ground": "manifest_error", "explanation": "Synthetic: not our host."}
    return platform_says(api, order_id, "cannot-comply", body)


def object_to(api, order_id) -> dict:
    return platform_says(api, order_id, "objections", {"grounds": "Lawful (synthetic)."})


def removal_clock(body) -> dict:
    return next(d for d in body["deadlines"] if d["kind"] == DeadlineKind.REMOVAL)


def events(platform) -> list[str]:
    return list(
        Notification.objects.filter(platform=platform)
        .exclude(event_type="order.issued")
        .order_by("id")
        .values_list("event_type", flat=True)
    )


def sandbox_prosecutor() -> User:
    return User.objects.get(username=orders.SANDBOX_PROSECUTOR)


# --- Each endpoint, its effect -----------------------------------------------------------


def test_the_prosecutor_answers_the_open_question_and_the_clock_resumes(api_a, platform):
    created = create(api_a)
    asked = ask(api_a, created["id"])
    assert removal_clock(asked)["paused"] is True

    body = ok(act(api_a, created["id"], "answer-clarification"))
    (entry,) = body["clarifications"]
    assert entry["answer"].startswith("Sandbox answer") and entry["answered_at"]
    assert removal_clock(body)["paused"] is False
    assert body["status"] == OrderStatus.ISSUED
    assert events(platform) == ["order.clarification_answered"]
    notification = Notification.objects.get(event_type="order.clarification_answered")
    assert notification.payload["data"]["order"] == {
        "id": created["id"],
        "reference": created["reference"],
        "version": 1,
        "status": "issued",
        "sandbox": True,
    }

    # The next question gets the answer the platform chose.
    ask(api_a, created["id"], "And the second one?")
    body = ok(act(api_a, created["id"], "answer-clarification", {"answer": "Both (synthetic)."}))
    assert [c["answer"] for c in body["clarifications"]][1] == "Both (synthetic)."
    assert events(platform) == ["order.clarification_answered"] * 2


def test_the_sandbox_prosecutor_can_never_sign_in(api_a):
    created = create(api_a)
    ask(api_a, created["id"])
    ok(act(api_a, created["id"], "answer-clarification"))
    user = sandbox_prosecutor()
    assert PlatformResponse.objects.get(kind=ResponseKind.CLARIFICATION).answered_by == user
    assert not user.has_usable_password() and not user.is_superuser and not user.is_staff
    assert user.has_role(Role.PROSECUTOR)
    assert user.authority.jurisdiction_id == orders.SANDBOX_CODE
    assert user.authority_id == TakedownOrder.objects.get().issuing_authority_id
    page = Client().post(reverse("login"), {"username": user.username, "password": "x"})
    assert page.status_code == 200  # the form again, no session
    assert "_auth_user_id" not in page.wsgi_request.session

    # A password set on it by hand is taken away at its next act.
    user.set_password("a-long-test-passphrase")
    user.is_staff = True
    user.save()
    ask(api_a, created["id"], "Another one?")
    ok(act(api_a, created["id"], "answer-clarification"))
    user = sandbox_prosecutor()
    assert not user.has_usable_password() and not user.is_staff
    assert User.objects.filter(username=orders.SANDBOX_PROSECUTOR).count() == 1


def test_maintain_after_cannot_comply_resumes_the_clock(api_a, platform):
    created = create(api_a)
    reported = cannot_comply(api_a, created["id"])
    assert reported["status"] == OrderStatus.CANNOT_COMPLY
    assert removal_clock(reported)["paused"] is True

    body = ok(act(api_a, created["id"], "resolve-cannot-comply", {"resolution": "maintain"}))
    assert body["status"] == OrderStatus.ACKNOWLEDGED
    (entry,) = body["cannot_comply"]
    assert entry["answer"] and entry["answered_at"]
    assert removal_clock(body)["paused"] is False
    assert events(platform) == ["order.cannot_comply_resolved"]


def test_withdraw_after_cannot_comply_ends_the_order(api_a, platform):
    created = create(api_a)
    cannot_comply(api_a, created["id"])
    body = ok(
        act(
            api_a,
            created["id"],
            "resolve-cannot-comply",
            {"resolution": "withdraw", "answer": "Withdrawn (synthetic)."},
        )
    )
    assert body["status"] == OrderStatus.WITHDRAWN
    assert body["cannot_comply"][0]["answer"] == "Withdrawn (synthetic)."
    assert removal_clock(body)["state"] == DeadlineState.CANCELLED
    assert {d["state"] for d in body["deadlines"]} <= {DeadlineState.MET, DeadlineState.CANCELLED}
    assert events(platform) == ["order.withdrawn"]


@pytest.mark.parametrize(
    ("resolution", "status", "suspended", "paused", "event"),
    [
        ("rejected", OrderStatus.ISSUED, False, False, "order.objection_decided"),
        ("suspended", OrderStatus.ISSUED, True, True, "order.objection_decided"),
        ("upheld", OrderStatus.WITHDRAWN, False, False, "order.withdrawn"),
    ],
)
def test_the_objection_is_decided(api_a, platform, resolution, status, suspended, paused, event):
    created = create(api_a)
    object_to(api_a, created["id"])
    body = ok(act(api_a, created["id"], "decide-objection", {"resolution": resolution}))
    (entry,) = body["objections"]
    assert entry["resolution"] == resolution and entry["answer"] and entry["answered_at"]
    assert body["status"] == status and body["suspended"] is suspended
    if status != OrderStatus.WITHDRAWN:
        assert removal_clock(body)["paused"] is paused
    assert events(platform) == [event]


def test_a_suspension_is_lifted_and_the_clock_runs_again(api_a, platform):
    created = create(api_a)
    assert_problem(act(api_a, created["id"], "unsuspend"), 409, "invalid_transition")
    object_to(api_a, created["id"])
    ok(act(api_a, created["id"], "decide-objection", {"resolution": "suspended"}))
    body = ok(act(api_a, created["id"], "unsuspend"))
    assert body["suspended"] is False and body["status"] == OrderStatus.ISSUED
    assert removal_clock(body)["paused"] is False
    assert events(platform) == ["order.objection_decided", "order.unsuspended"]
    assert_problem(act(api_a, created["id"], "unsuspend"), 409, "invalid_transition")


def test_amend_issues_a_new_version_that_carries_the_threads(api_a, platform):
    created = create(api_a)
    ask(api_a, created["id"])
    ok(api_a.post(f"{API}/orders/{created['id']}/acknowledge/"))

    body = ok(act(api_a, created["id"], "amend"))
    assert body["id"] != created["id"] and body["version"] == 2
    assert body["reference"] == f"{created['reference']}/2"
    assert body["supersedes"] == created["reference"]
    assert body["note"] == "Sandbox amendment: version 2." == body["signed_payload"]["note"]
    assert body["reasons"] == created["reasons"]
    assert body["sandbox"] is True and body["signed_payload"]["sandbox"] is True
    assert body["status"] == OrderStatus.ACKNOWLEDGED
    assert [i["url"] for i in body["items"]] == [i["url"] for i in created["items"]]
    assert len(body["clarifications"]) == 1  # the thread moved to the new version
    assert removal_clock(body)["due_at"] == removal_clock(created)["due_at"]
    old = api_a.get(f"{API}/orders/{created['id']}/").json()
    assert old["status"] == OrderStatus.SUPERSEDED
    assert events(platform) == ["order.amended"]

    # New reasons; the note stays.
    body = ok(act(api_a, body["id"], "amend", {"reasons": "Corrected reasons (synthetic)."}))
    assert body["version"] == 3 and body["reasons"] == "Corrected reasons (synthetic)."
    assert body["note"] == "Sandbox amendment: version 2."
    # The superseded version takes no more amendments.
    assert_problem(act(api_a, created["id"], "amend"), 409, "invalid_transition")


def test_withdraw_ends_the_clocks(api_a, platform):
    created = create(api_a)
    body = ok(act(api_a, created["id"], "withdraw", {"reason": "Test over (synthetic)."}))
    assert body["status"] == OrderStatus.WITHDRAWN
    assert {d["state"] for d in body["deadlines"]} == {DeadlineState.CANCELLED}
    assert TakedownOrder.objects.get(pk=created["id"]).withdrawn_reason == "Test over (synthetic)."
    assert events(platform) == ["order.withdrawn"]
    assert_problem(act(api_a, created["id"], "withdraw"), 409, "invalid_transition")


# --- Refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize("action", ACTIONS)
def test_a_real_order_is_never_driven_from_the_sandbox(api_a, real_order, action):
    PlatformResponse.objects.create(
        order=real_order,
        kind=ResponseKind.CLARIFICATION,
        message="?",
        created_at=real_order.issued_at,
    )
    before = (
        PlatformResponse.objects.filter(answered_at__isnull=False).count(),
        TakedownOrder.objects.count(),
    )
    assert_problem(act(api_a, real_order.pk, action), 404, "not_found")
    assert_problem(act(api_a, real_order.pk, action, HTTP_IDEMPOTENCY_KEY="real"), 404, "not_found")
    # ... even with a body it would refuse: the order is looked up first.
    assert_problem(act(api_a, real_order.pk, action, {"x": 1}), 404, "not_found")
    real_order.refresh_from_db()
    assert real_order.status == OrderStatus.ISSUED and real_order.version == 1
    assert (
        PlatformResponse.objects.filter(answered_at__isnull=False).count(),
        TakedownOrder.objects.count(),
    ) == before
    assert not User.objects.filter(username=orders.SANDBOX_PROSECUTOR).exists()


def test_the_service_refuses_a_real_order_too(real_order):
    for act_on in (orders.sandbox_order_withdraw, orders.sandbox_order_amend):
        with pytest.raises(NotFound):
            act_on(order=real_order, platform=real_order.platform)
    real_order.refresh_from_db()
    assert real_order.status == OrderStatus.ISSUED


@pytest.mark.parametrize("action", ACTIONS)
def test_another_platforms_sandbox_order_is_not_found(api_a, api_b, action):
    theirs = create(api_b)
    ask(api_b, theirs["id"])
    cannot_comply(api_b, theirs["id"])
    object_to(api_b, theirs["id"])
    assert_problem(act(api_a, theirs["id"], action), 404, "not_found")
    assert_problem(act(api_a, 99999999, action), 404, "not_found")
    order = TakedownOrder.objects.get(pk=theirs["id"])
    assert order.status == OrderStatus.CANNOT_COMPLY
    assert not PlatformResponse.objects.filter(answered_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("answer-clarification", {}),
        ("resolve-cannot-comply", {"resolution": "maintain"}),
        ("resolve-cannot-comply", {"resolution": "withdraw"}),
        ("decide-objection", {"resolution": "upheld"}),
    ],
)
def test_nothing_open_to_answer_is_a_409(api_a, platform, action, body):
    created = create(api_a)
    problem = assert_problem(act(api_a, created["id"], action, body), 409, "invalid_transition")
    assert problem["detail"].startswith("Nothing to")
    order = TakedownOrder.objects.get(pk=created["id"])
    assert order.status == OrderStatus.ISSUED
    assert events(platform) == []


def test_an_answered_question_is_not_answered_twice(api_a, platform):
    created = create(api_a)
    ask(api_a, created["id"])
    ok(act(api_a, created["id"], "answer-clarification"))
    assert_problem(act(api_a, created["id"], "answer-clarification"), 409, "invalid_transition")
    assert events(platform) == ["order.clarification_answered"]


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("answer-clarification", {"answer": "Yes.", "urgent": True}, "urgent"),
        ("answer-clarification", {"answer": 5}, "answer"),
        ("answer-clarification", {"answer": ""}, "answer"),
        ("resolve-cannot-comply", {}, "resolution"),
        ("resolve-cannot-comply", {"resolution": "maybe"}, "resolution"),
        ("resolve-cannot-comply", {"resolution": True}, "resolution"),
        ("decide-objection", {"resolution": "maintain"}, "resolution"),
        ("decide-objection", {"resolution": "rejected", "answer": ["x"]}, "answer"),
        ("amend", {"items": [1]}, "items"),
        ("amend", {"reasons": " "}, "reasons"),
        ("withdraw", {"reason": 0}, "reason"),
    ],
)
def test_a_body_of_the_wrong_shape_is_refused_and_changes_nothing(
    api_a, platform, action, body, field
):
    created = create(api_a)
    ask(api_a, created["id"])
    cannot_comply(api_a, created["id"])
    object_to(api_a, created["id"])
    problem = assert_problem(act(api_a, created["id"], action, body), 400, "validation_failed")
    assert field in problem["errors"], problem
    order = TakedownOrder.objects.get(pk=created["id"])
    assert order.status == OrderStatus.CANNOT_COMPLY and order.version == 1
    assert not PlatformResponse.objects.filter(answered_at__isnull=False).exists()
    assert events(platform) == []


def test_a_body_that_is_not_json_is_refused(api_a):
    created = create(api_a)
    response = api_a.post(
        f"{API}/sandbox/orders/{created['id']}/withdraw/",
        data="{not json",
        content_type="application/json",
    )
    assert_problem(response, 400, "malformed_request")
    assert TakedownOrder.objects.get(pk=created["id"]).status == OrderStatus.ISSUED


# --- Idempotency ---------------------------------------------------------------------------


def test_a_retried_amendment_replays_and_issues_one_version(api_a, platform):
    created = create(api_a)
    first = act(api_a, created["id"], "amend", HTTP_IDEMPOTENCY_KEY="amend-1")
    again = act(api_a, created["id"], "amend", HTTP_IDEMPOTENCY_KEY="amend-1")
    assert first.status_code == again.status_code == 200
    assert "Idempotent-Replayed" not in first and again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert TakedownOrder.objects.filter(is_sandbox=True).count() == 2  # versions 1 and 2
    assert events(platform) == ["order.amended"]
    reused = act(
        api_a,
        created["id"],
        "amend",
        {"note": "Other (synthetic)."},
        HTTP_IDEMPOTENCY_KEY="amend-1",
    )
    assert_problem(reused, 422, "idempotency_key_reused")


def test_a_retried_answer_replays_the_stored_response(api_a, platform):
    created = create(api_a)
    ask(api_a, created["id"])
    first = act(api_a, created["id"], "answer-clarification", HTTP_IDEMPOTENCY_KEY="ans-1")
    again = act(api_a, created["id"], "answer-clarification", HTTP_IDEMPOTENCY_KEY="ans-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert events(platform) == ["order.clarification_answered"]
    # A refusal is not stored: once there is a question, the same key acts.
    ok(act(api_a, created["id"], "withdraw", HTTP_IDEMPOTENCY_KEY="wd-1"))
    assert_problem(
        act(api_a, created["id"], "answer-clarification", HTTP_IDEMPOTENCY_KEY="ans-2"),
        409,
        "invalid_transition",
    )


# --- The canned answer after a delay -----------------------------------------------------


@pytest.fixture
def scheduled(monkeypatch):
    calls = []
    monkeypatch.setattr(
        tasks.answer_sandbox_clarification,
        "apply_async",
        lambda args, countdown: calls.append((args, countdown)),
    )
    return calls


def test_a_sandbox_question_is_scheduled_for_an_answer_after_commit(
    api_a, real_order, scheduled, settings, django_capture_on_commit_callbacks
):
    settings.SANDBOX_ANSWER_DELAY_SECONDS = 7
    created = create(api_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ask(api_a, created["id"])
    assert scheduled == []  # not before the question is committed
    for callback in callbacks:
        if callback.__qualname__.startswith("sandbox_answer_later"):
            callback()
    question = PlatformResponse.objects.get(order_id=created["id"])
    assert scheduled == [([question.pk], 7)]

    # A question on a real order is for a real prosecutor: nothing is scheduled.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ask(api_a, real_order.pk)
    assert not [c for c in callbacks if c.__qualname__.startswith("sandbox_answer_later")]


def test_the_task_answers_an_open_question_once(api_a, platform):
    created = create(api_a)
    ask(api_a, created["id"])
    question = PlatformResponse.objects.get(order_id=created["id"])
    assert tasks.answer_sandbox_clarification(question.pk) is True
    body = api_a.get(f"{API}/orders/{created['id']}/").json()
    (entry,) = body["clarifications"]
    assert entry["answer"].startswith("Sandbox answer, sent by itself")
    assert removal_clock(body)["paused"] is False
    assert events(platform) == ["order.clarification_answered"]
    # Redelivered: nothing more.
    assert tasks.answer_sandbox_clarification(question.pk) is False
    assert events(platform) == ["order.clarification_answered"]


def test_the_task_finds_nothing_when_the_platform_answered_first(api_a, platform):
    created = create(api_a)
    ask(api_a, created["id"])
    ok(act(api_a, created["id"], "answer-clarification", {"answer": "Mine (synthetic)."}))
    question = PlatformResponse.objects.get(order_id=created["id"])
    assert tasks.answer_sandbox_clarification(question.pk) is False
    question.refresh_from_db()
    assert question.answer == "Mine (synthetic)."
    assert events(platform) == ["order.clarification_answered"]


def test_the_task_leaves_alone_what_it_may_not_answer(api_a, platform, real_order):
    # A question on a withdrawn sandbox order: the order takes no answers.
    created = create(api_a)
    ask(api_a, created["id"])
    ok(act(api_a, created["id"], "withdraw"))
    on_sandbox = PlatformResponse.objects.get(order_id=created["id"])
    assert tasks.answer_sandbox_clarification(on_sandbox.pk) is False
    # A question on a real order, and a question that does not exist.
    on_real = orders.order_ask_clarification(
        order=real_order, platform=real_order.platform, question="Which? (synthetic)"
    )
    assert tasks.answer_sandbox_clarification(on_real.pk) is False
    assert tasks.answer_sandbox_clarification(99999999) is False
    assert not PlatformResponse.objects.filter(answered_at__isnull=False).exists()
    assert events(platform) == ["order.withdrawn"]


def test_the_task_follows_the_question_to_a_new_version(api_a, platform):
    created = create(api_a)
    ask(api_a, created["id"])
    amended = ok(act(api_a, created["id"], "amend"))
    question = PlatformResponse.objects.get(kind=ResponseKind.CLARIFICATION)
    assert question.order_id == amended["id"]
    assert tasks.answer_sandbox_clarification(question.pk) is True
    body = api_a.get(f"{API}/orders/{amended['id']}/").json()
    assert body["clarifications"][0]["answered_at"] and removal_clock(body)["paused"] is False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_answers_a_sandbox_question_after_the_delay(network, settings):
    """The whole path: the question over HTTP, the task published after commit with its
    countdown, a real worker answering it."""
    if not settings.REDIS_URL:
        service_unavailable("REDIS_URL is not set: this test needs a real Redis broker")
    from tests.processes import wait_for, worker

    settings.SANDBOX_ANSWER_DELAY_SECONDS = 1
    cache.clear()
    api = client_for(api_key_for(platform=network["platform_a"]))
    created = create(api)
    with worker() as process:
        ask(api, created["id"])

        def answered():
            return PlatformResponse.objects.filter(
                order_id=created["id"], answered_at__isnull=False
            ).first()

        try:
            question = wait_for(answered, timeout=60)
        except AssertionError:
            process.terminate()
            process.wait()
            raise
    assert question.answer.startswith("Sandbox answer, sent by itself")
    assert question.answered_at >= question.created_at
    body = api.get(f"{API}/orders/{created['id']}/").json()
    assert removal_clock(body)["paused"] is False
