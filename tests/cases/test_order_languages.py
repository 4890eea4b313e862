"""An order speaks the issuing authority's language and the platform's: the printable
document's labels and the webhook's human fields side by side, from one catalogue."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cases.models import TakedownOrder
from cases.services import orders
from deadlines.models import Notification
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from tests.cases.factories import order_request_for
from tests.conftest import login
from tests.liaison.factories import AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

ISSUE = {
    "kind": "order",
    "legal_basis": "Art. 3 (demo)",
    "reasons": "CSAM (synthetic test)",
    "contact_point": "duty@example.org",
}


def words(code: str, text: str) -> str:
    with translation.override(code):
        return translation.gettext(text)


@pytest.fixture
def german_prosecutor(network):
    authority = AuthorityFactory(
        jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR, language="de"
    )
    authority_key_create(authority=authority)
    return UserFactory(authority=authority, roles=["prosecutor"])


@pytest.fixture
def dutch_platform(network):
    platform = network["platform_b"]  # b-social.test
    platform.order_languages = ["nl", "en"]
    platform.webhook_url = "https://hooks.b-social.test/takedown"
    platform.save()
    return platform


def issue(prosecutor, officer) -> TakedownOrder:
    request = order_request_for(officer, "https://b-social.test/p/lang")
    return orders.order_issue(
        request=request, prosecutor=prosecutor, fields=orders.OrderFields(**ISSUE)
    )


def test_the_document_carries_the_issuers_and_the_platforms_labels(
    german_prosecutor, dutch_platform, actors
):
    order = issue(german_prosecutor, actors["owner"])
    page = login(german_prosecutor).get(f"/orders/{order.pk}/").content.decode()
    for label in ("Reasons", "Legal basis", "Issuing authority", "Removal due"):
        german, dutch = words("de", label), words("nl", label)
        assert german != dutch
        assert f'<span lang="de">{german}</span> / <span lang="nl">{dutch}</span>' in page
    title_de = words("de", "Removal order")
    assert f'<span lang="de">{title_de}</span>' in page and '<span lang="nl">' in page


def test_a_platform_that_reads_the_issuers_language_gets_it_once(
    german_prosecutor, dutch_platform, actors
):
    dutch_platform.order_languages = ["de"]
    dutch_platform.save()
    order = issue(german_prosecutor, actors["owner"])
    page = login(german_prosecutor).get(f"/orders/{order.pk}/").content.decode()
    assert f'<span lang="de">{words("de", "Reasons")}</span>' in page
    assert '<span lang="nl">' not in page and " / <span" not in page


def test_the_webhook_carries_the_human_fields_in_both_languages(
    german_prosecutor, dutch_platform, actors
):
    order = issue(german_prosecutor, actors["owner"])
    sent = Notification.objects.get(event_type="order.issued", platform=dutch_platform)
    texts = json.loads(json.dumps(sent.payload))["data"]["texts"]
    assert [t["language"] for t in texts] == ["de", "nl"]
    assert texts[0]["event"] == words("de", "A new order or notice for you")
    assert texts[1]["event"] == words("nl", "A new order or notice for you")
    assert texts[1]["status"] == words("nl", order.get_status_display())
    assert sent.payload["data"]["order"]["reference"] == order.reference  # unchanged


def test_only_languages_the_catalogues_write_may_be_designated(dutch_platform):
    dutch_platform.order_languages = ["nl", "xx"]
    with pytest.raises(ValidationError) as refused:
        dutch_platform.full_clean()
    assert "xx" in str(refused.value)
    dutch_platform.order_languages = "nl"  # not a list
    with pytest.raises(ValidationError):
        dutch_platform.full_clean()
