"""docs/examples/verify_order.py, run as a platform would run it: in its own process,
without Django, on the JSON the API serves."""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from cases.services import orders
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create, authority_key_revoke
from tests.cases.factories import order_request_for
from tests.liaison.factories import AuthorityFactory, UserFactory, api_key_for

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "examples" / "verify_order.py"

FIELDS = orders.OrderFields(
    kind="order",
    legal_basis="Art. 3 Regulation (EU) 2021/784 (demo)",
    reasons="Child sexual abuse material (synthetic test) — ünïcode too",
    contact_point="duty@example.org",
)


@pytest.fixture
def prosecution(network):
    authority = AuthorityFactory(
        jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR, name="DE prosecution"
    )
    authority_key_create(authority=authority)
    return {
        "authority": authority,
        "prosecutor": UserFactory(authority=authority, roles=["prosecutor"]),
    }


@pytest.fixture
def served(actors, prosecution, network, tmp_path):
    """A real signed order, as GET /api/v1/platform/orders/{id}/ and GET /api/v1/keys/
    serve it, written to files."""
    request = order_request_for(
        actors["owner"], "https://b-social.test/p/d1", "https://b-social.test/p/d2"
    )
    order = orders.order_issue(request=request, prosecutor=prosecution["prosecutor"], fields=FIELDS)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_for(platform=network['platform_b'])}")
    order_response = api.get(f"/api/v1/platform/orders/{order.pk}/")
    assert order_response.status_code == 200, order_response.content
    keys_response = APIClient().get("/api/v1/keys/")
    assert keys_response.status_code == 200, keys_response.content
    order_json, keys_json = order_response.json(), keys_response.json()
    (tmp_path / "order.json").write_text(json.dumps(order_json), "utf-8")
    (tmp_path / "keys.json").write_text(json.dumps(keys_json), "utf-8")
    return {"order": order, "order_json": order_json, "dir": tmp_path}


def run_script(*args, cwd: Path) -> subprocess.CompletedProcess:
    """As a platform runs it: its own interpreter, no Django settings in the environment,
    outside the repository (so nothing of the project can be imported)."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_documented_example_verifies_a_served_order(served):
    result = run_script(
        served["dir"] / "order.json", served["dir"] / "keys.json", cwd=served["dir"]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("VALID: " + served["order"].reference)


def _tampered(served, change) -> Path:
    order_json = copy.deepcopy(served["order_json"])
    change(order_json)
    path = served["dir"] / "tampered.json"
    path.write_text(json.dumps(order_json), "utf-8")
    return path


def test_a_tampered_url_in_the_signed_payload_fails(served):
    def change(order_json):
        order_json["signed_payload"]["urls"][0]["url"] = "https://b-social.test/p/other"

    result = run_script(_tampered(served, change), served["dir"] / "keys.json", cwd=served["dir"])
    assert result.returncode == 1, result.stdout + result.stderr
    assert "signature does not match" in result.stdout


def test_a_tampered_url_outside_the_signed_payload_fails(served):
    def change(order_json):
        order_json["items"][0]["url"] = "https://b-social.test/p/other"

    result = run_script(_tampered(served, change), served["dir"] / "keys.json", cwd=served["dir"])
    assert result.returncode == 1, result.stdout + result.stderr
    assert "differs from its signed payload in: items" in result.stdout


def test_a_revoked_key_fails(served, tmp_path):
    authority_key_revoke(key_id=served["order"].signing_key_id, reason="compromised (test)")
    keys = APIClient().get("/api/v1/keys/").json()
    (tmp_path / "keys-now.json").write_text(json.dumps(keys), "utf-8")
    result = run_script(served["dir"] / "order.json", tmp_path / "keys-now.json", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "revoked" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_the_example_fetches_the_order_and_the_keys_itself(live_server, served):
    """--base-url and --api-key: the order with the platform's key, the keys (public)."""
    api_key = api_key_for(platform=served["order"].platform, name="verifier")
    result = run_script(
        served["order"].pk, "--base-url", live_server.url, "--api-key", api_key, cwd=served["dir"]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("VALID: " + served["order"].reference)


GUIDE = Path(__file__).resolve().parents[2] / "docs" / "platform-integration.md"


def test_the_guides_removals_example_is_accepted_as_written(served, network):
    """The body of the guide's removals example, with the item ids of a real order of
    three items: every outcome and jurisdiction in it is one the API accepts."""
    import re

    from cases.models import TakedownOrder

    guide = GUIDE.read_text("utf-8")
    section = guide[guide.index("### Report removals") :]
    body = re.search(r"-d '(\{.*?\})'", section, re.S).group(1)
    example = json.loads(body)
    order = TakedownOrder.objects.get(pk=served["order"].pk)
    extra = order.case.items.create(
        url="https://b-social.test/p/d3", platform=order.platform, created_at=order.issued_at
    )
    order.items.add(extra)
    ids = iter(order.items.order_by("id").values_list("id", flat=True))
    for removal in example["removals"]:
        removal["item"] = next(ids)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_for(platform=network['platform_b'])}")
    response = api.post(f"/api/v1/platform/orders/{order.pk}/removals/", example, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "completed"
