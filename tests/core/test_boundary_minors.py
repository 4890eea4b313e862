"""The smaller trust boundaries: names the assign form will not confirm, a throttled
whoami, failed sign-ins without the typed text, a "back" link that leads somewhere the
reader may go, and logs that carry tracebacks as text."""

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from cases.models import Case
from cases.services import orders
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from takedown.core.choices import Role
from takedown.core.logging import build_logging
from takedown.core.models import AuditEvent
from tests.cases.factories import open_case, order_request_for
from tests.conftest import login
from tests.liaison.factories import AuthorityFactory, UserFactory, api_key_for, officer_of

pytestmark = pytest.mark.django_db


# --- 7. The assign form confirms no names ------------------------------------------------


def test_the_assign_form_answers_every_refused_id_alike(actors, network):
    owner, colleague, outsider = actors["owner"], actors["colleague"], actors["outsider"]
    leaver = officer_of(network["desk_de"], username="leaver", is_active=False)
    case = open_case(owner, "https://b-social.test/p/assign")
    page = login(owner).get(f"/cases/{case.reference}/")
    offered = {officer.username for officer in page.context["assignees"]}
    assert offered == {"owner", "colleague"}  # the desk's active officers only

    answers = set()
    for wanted in (outsider.pk, leaver.pk, 999_999):
        response = login(owner).post(
            f"/cases/{case.reference}/assign/",
            {"version": Case.objects.get(pk=case.pk).version, "assignee": wanted},
            follow=True,
        )
        (message,) = [str(m) for m in response.context["messages"]]
        answers.add(message)
        assert Case.objects.get(pk=case.pk).assignee is None
    assert answers == {"Choose an officer on a desk of this case."}
    assert not any(name in "".join(answers) for name in ("outsider", "leaver"))

    login(owner).post(
        f"/cases/{case.reference}/assign/",
        {"version": Case.objects.get(pk=case.pk).version, "assignee": colleague.pk},
    )
    assert Case.objects.get(pk=case.pk).assignee == colleague


# --- 8. whoami counts like every other call ----------------------------------------------


def test_whoami_is_throttled_in_the_clients_own_bucket(network, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "platform", "2/min")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "partner", "2/min")
    cache.clear()
    platform = APIClient()
    platform.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_for(platform=network['platform_a'])}")
    partner = APIClient()
    hotline = AuthorityFactory(jurisdiction=network["nl"], kind=AuthorityKind.HOTLINE)
    partner.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_for(partner=hotline)}")
    for client in (platform, partner):
        assert [client.get("/api/v1/whoami/").status_code for _n in range(2)] == [200, 200]
        refused = client.get("/api/v1/whoami/")
        assert refused.status_code == 429 and refused.json()["code"] == "throttled"
    # The platform's other calls share the bucket: whoami is no free probe.
    assert platform.get("/api/v1/platform/orders/").status_code == 429


# --- 11. Failed sign-ins keep no typed text; "back" leads somewhere allowed -------------


def test_a_failed_sign_in_with_an_unknown_name_records_a_digest_not_the_text(client):
    typed = "my-secret-password-typed-in-the-wrong-box"
    client.post("/accounts/login/", {"username": typed, "password": "x"})
    client.post("/accounts/login/", {"username": typed, "password": "y"})
    labels = list(
        AuditEvent.objects.filter(action="auth.login_failed").values_list("actor_label", flat=True)
    )
    assert len(labels) == 2 and labels[0] == labels[1]  # repeats still correlate
    assert labels[0].startswith("anonymous:unknown-") and typed not in labels[0]
    assert not AuditEvent.objects.filter(data__icontains="wrong-box").exists()
    UserFactory(username="known")
    client.post("/accounts/login/", {"username": "known", "password": "x"})
    assert AuditEvent.objects.filter(actor_label="anonymous:known").exists()


def test_the_order_document_leads_each_reader_back_to_a_page_of_their_own(actors, network):
    prosecution = AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR)
    authority_key_create(authority=prosecution)
    prosecutor = UserFactory(authority=prosecution, roles=[Role.PROSECUTOR])
    request = order_request_for(actors["owner"], "https://b-social.test/p/back")
    order = orders.order_issue(
        request=request,
        prosecutor=prosecutor,
        fields=orders.OrderFields(
            kind="order",
            legal_basis="Art. 3 (demo)",
            reasons="Synthetic test material",
            contact_point="duty@example.org",
        ),
    )
    for user, target in (
        (prosecutor, "/orders/"),
        (actors["owner"], f"/cases/{order.case.reference}/"),
    ):
        client = login(user)
        back = client.get(f"/orders/{order.pk}/").context["back"][0]
        assert back == target
        assert client.get(back).status_code == 200


# --- 10. Logs carry tracebacks as text, without every frame's locals ----------------------


@pytest.fixture
def captured_log():
    def capture(*, as_json: bool) -> str:
        logging.config.dictConfig(build_logging(json=as_json, level="INFO"))
        stream = io.StringIO()
        logging.getLogger().handlers[0].stream = stream

        def fail():
            hidden_local = "LOCAL-VALUE-42"  # noqa: F841 — must not reach the log
            raise ZeroDivisionError("boom")

        try:
            fail()
        except ZeroDivisionError:
            logging.getLogger("takedown.test").exception("it failed")
        return stream.getvalue()

    yield capture
    logging.config.dictConfig(settings.LOGGING)


def test_production_json_logs_carry_the_formatted_traceback(captured_log):
    (line,) = captured_log(as_json=True).splitlines()
    record = json.loads(line)
    assert "Traceback (most recent call last)" in record["exception"]
    assert "ZeroDivisionError: boom" in record["exception"]
    assert "<traceback object" not in line


def test_local_logs_show_a_plain_traceback_without_locals(captured_log):
    text = captured_log(as_json=False)
    assert "ZeroDivisionError: boom" in text
    assert "LOCAL-VALUE-42" not in text
    assert len(text.splitlines()) < 20
