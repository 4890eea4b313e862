from datetime import timedelta

import pytest
from django.utils import timezone

from cases.choices import CaseStatus, ItemStatus, OrderStatus
from cases.models import TakedownOrder
from cases.services import orders
from deadlines.choices import DeadlineKind, DeadlineState
from deadlines.models import Deadline
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create, authority_key_revoke, authority_key_rotate
from takedown.core.errors import InvalidTransition, PermissionDenied
from tests.cases.factories import order_request_for
from tests.liaison.factories import AuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = orders.OrderFields(
    kind="order",
    legal_basis="Art. 3 Regulation (EU) 2021/784 (demo)",
    reasons="Child sexual abuse material (synthetic test)",
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
def request_(actors, prosecution):
    return order_request_for(
        actors["owner"], "https://b-social.test/p/o1", "https://b-social.test/p/o2"
    )


def test_issue_signs_the_annex_fields_and_starts_the_platform_clocks(
    request_, prosecution, network
):
    order = orders.order_issue(
        request=request_, prosecutor=prosecution["prosecutor"], fields=FIELDS
    )
    assert order.status == OrderStatus.ISSUED and order.reference.startswith("DE-ORD-")
    payload = order.signed_payload
    assert (
        payload["issuing_state"] == "DE"
        and payload["addressee"]["platform"] == network["platform_b"].name
    )
    assert [u["url"] for u in payload["urls"]] == [
        "https://b-social.test/p/o1",
        "https://b-social.test/p/o2",
    ]
    assert orders.order_signature_valid(order)
    kinds = set(
        Deadline.objects.filter(case_id=order.case_id, state="open").values_list("kind", flat=True)
    )
    assert {DeadlineKind.ACKNOWLEDGEMENT, DeadlineKind.REMOVAL} <= kinds
    assert (
        Deadline.objects.get(case_id=order.case_id, kind=DeadlineKind.FINAL_ORDER).state
        == DeadlineState.MET
    )
    request_.refresh_from_db()
    assert request_.status == "fulfilled"


def test_a_tampered_order_fails_verification(request_, prosecution):
    order = orders.order_issue(
        request=request_, prosecutor=prosecution["prosecutor"], fields=FIELDS
    )
    order.signed_payload["urls"][0]["url"] = "https://b-social.test/p/other"
    assert not orders.order_signature_valid(order)


def test_rotation_keeps_old_signatures_valid_and_revocation_does_not(request_, prosecution):
    order = orders.order_issue(
        request=request_, prosecutor=prosecution["prosecutor"], fields=FIELDS
    )
    new_key = authority_key_rotate(authority=prosecution["authority"])
    assert new_key.key_id != order.signing_key_id
    assert orders.order_signature_valid(order)
    authority_key_revoke(key_id=order.signing_key_id, reason="compromised (test)")
    assert not orders.order_signature_valid(order)


def test_only_the_issuing_authoritys_prosecutors(request_, actors):
    with pytest.raises(PermissionDenied):
        orders.order_issue(request=request_, prosecutor=actors["owner"], fields=FIELDS)


def test_full_platform_flow_with_clock_stops(request_, prosecution, network):
    prosecutor, platform = prosecution["prosecutor"], network["platform_b"]
    t0 = timezone.now()
    order = orders.order_issue(request=request_, prosecutor=prosecutor, fields=FIELDS, now=t0)
    orders.order_acknowledge(order=order, platform=platform, now=t0 + timedelta(minutes=10))
    with pytest.raises(InvalidTransition):
        orders.order_acknowledge(order=order, platform=platform, now=t0 + timedelta(minutes=11))
    question = orders.order_ask_clarification(
        order=order, platform=platform, question="Which jurisdiction?", now=t0 + timedelta(hours=2)
    )
    removal = Deadline.objects.get(subject_id=order.pk, kind=DeadlineKind.REMOVAL)
    assert removal.state == DeadlineState.PAUSED
    orders.clarification_answer(
        response=question, prosecutor=prosecutor, answer="Everywhere.", now=t0 + timedelta(hours=5)
    )
    removal.refresh_from_db()
    assert removal.state == DeadlineState.OPEN
    assert removal.due_at == order.removal_due_at + timedelta(hours=3)  # the pause is given back
    items = list(order.items.all())
    orders.order_report_removals(
        order=order,
        platform=platform,
        now=t0 + timedelta(hours=6),
        removals=[
            orders.RemovalInput(
                item_id=items[0].pk, outcome="removed", happened_at=t0 + timedelta(hours=6)
            ),
        ],
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.ACKNOWLEDGED
    orders.order_report_removals(
        order=order,
        platform=platform,
        now=t0 + timedelta(hours=7),
        removals=[
            orders.RemovalInput(
                item_id=items[1].pk,
                outcome="disabled",
                happened_at=t0 + timedelta(hours=7),
                jurisdictions=("DE", "NL"),
            ),
        ],
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    verification = Deadline.objects.get(subject_id=order.pk, kind=DeadlineKind.VERIFICATION)
    assert (
        verification.state == DeadlineState.OPEN
        and verification.responsible_desk == order.case.lead_desk
    )


def test_cannot_comply_pauses_and_the_prosecutor_maintains_or_withdraws(
    request_, prosecution, network
):
    prosecutor, platform = prosecution["prosecutor"], network["platform_b"]
    order = orders.order_issue(request=request_, prosecutor=prosecutor, fields=FIELDS)
    report = orders.order_cannot_comply(
        order=order, platform=platform, ground="manifest_error", explanation="The URL is not ours."
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.CANNOT_COMPLY
    assert (
        Deadline.objects.get(subject_id=order.pk, kind=DeadlineKind.REMOVAL).state
        == DeadlineState.PAUSED
    )
    orders.cannot_comply_resolve(
        response=report, prosecutor=prosecutor, maintain=False, answer="Agreed."
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.WITHDRAWN
    assert not Deadline.objects.filter(subject_id=order.pk, state__in=["open", "paused"]).exists()


def test_no_order_for_items_already_removed(actors, prosecution):
    from cases.models import ReportedItem

    request_ = order_request_for(actors["owner"], "https://b-social.test/p/rem")
    ReportedItem.objects.filter(pk__in=request_.items.values("pk")).update(
        status=ItemStatus.REMOVED
    )
    with pytest.raises(InvalidTransition) as caught:
        orders.order_issue(request=request_, prosecutor=prosecution["prosecutor"], fields=FIELDS)
    assert "still online" in caught.value.fields["items"][0]


def test_no_direct_order_where_the_platforms_jurisdiction_requires_mla(
    request_, prosecution, network
):
    from tests.liaison.factories import JurisdictionFactory, PlatformFactory

    strict = JurisdictionFactory(code="PL", accepts_direct_orders=False)
    request_.platform = PlatformFactory(establishment_jurisdiction=strict, domains=["pl-host.test"])
    request_.save()
    request_.items.update(platform=request_.platform)
    with pytest.raises(InvalidTransition, match="requires an MLA request"):
        orders.order_issue(request=request_, prosecutor=prosecution["prosecutor"], fields=FIELDS)
    notice = orders.order_issue(
        request=request_,
        prosecutor=prosecution["prosecutor"],
        fields=orders.OrderFields(**{**FIELDS.__dict__, "kind": "notice"}),
    )
    assert notice.kind == "notice" and notice.reference.startswith("DE-NTC-")


def test_a_second_authoritys_order_for_the_same_item_is_linked_not_sent(
    request_, prosecution, network, actors
):
    first = orders.order_issue(
        request=request_, prosecutor=prosecution["prosecutor"], fields=FIELDS
    )
    other_authority = AuthorityFactory(
        jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR, name="DE regional"
    )
    authority_key_create(authority=other_authority)
    from cases.models import OrderRequest

    second_request = OrderRequest.objects.create(
        case=request_.case,
        requested_by=actors["owner"],
        authority=other_authority,
        platform=request_.platform,
        created_at=timezone.now(),
    )
    second_request.items.set(request_.items.all())
    second = orders.order_issue(
        request=second_request,
        prosecutor=UserFactory(authority=other_authority, roles=["prosecutor"]),
        fields=FIELDS,
    )
    assert second.duplicate_of == first
    assert not Deadline.objects.filter(
        subject_id=second.pk, kind=DeadlineKind.ACKNOWLEDGEMENT
    ).exists()


def test_officer_verification_resolves_the_case_and_a_failed_check_reopens(
    request_, prosecution, network, actors
):
    order = orders.order_issue(
        request=request_, prosecutor=prosecution["prosecutor"], fields=FIELDS
    )
    now = timezone.now()
    orders.order_report_removals(
        order=order,
        platform=network["platform_b"],
        removals=[
            orders.RemovalInput(item_id=i.pk, outcome="removed", happened_at=now)
            for i in order.items.all()
        ],
    )
    first, second = order.items.order_by("id")
    orders.item_verify_removal(item=first, officer=actors["owner"], removed=False)
    first.refresh_from_db()
    assert first.status == ItemStatus.ONLINE
    orders.item_verify_removal(item=second, officer=actors["colleague"], removed=True)
    order.case.refresh_from_db()
    assert order.case.status == CaseStatus.ACTION  # one item is back online
    assert (
        Deadline.objects.get(subject_id=order.pk, kind=DeadlineKind.VERIFICATION).state
        == DeadlineState.OPEN
    )


def test_sandbox_orders_are_signed_with_a_sandbox_key_and_never_escalate(network):
    order = orders.sandbox_order_create(platform=network["platform_a"], item_count=3)
    assert order.is_sandbox and order.items.count() == 3 and orders.order_signature_valid(order)
    assert order.signing_key_id and "sig" in order.signing_key_id
    assert not Deadline.objects.filter(subject_id=order.pk, next_check_at__isnull=False).exists()
    assert TakedownOrder.objects.filter(is_sandbox=False).count() == 0


def test_the_amended_webhook_carries_the_status_of_the_new_version(request_, prosecution, network):
    """An amendment of an acknowledged order is itself acknowledged, and the platform's
    ``order.amended`` event says so (it said "issued": the status was set after the push)."""
    from deadlines.models import Notification

    platform = network["platform_b"]
    platform.webhook_url = "https://hooks.example.test/takedown"
    platform.save(update_fields=["webhook_url"])
    order = orders.order_issue(
        request=request_, prosecutor=prosecution["prosecutor"], fields=FIELDS
    )
    orders.order_acknowledge(order=order, platform=platform)
    new = orders.order_amend(order=order, prosecutor=prosecution["prosecutor"], fields=FIELDS)
    event = Notification.objects.get(event_type="order.amended")
    assert event.payload["data"]["order"] == {
        "id": new.pk,
        "reference": new.reference,
        "version": 2,
        "status": OrderStatus.ACKNOWLEDGED,
        "sandbox": False,
    }


def test_an_order_for_some_of_the_requested_items_still_fulfils_the_request(request_, prosecution):
    first = request_.items.order_by("id").first()
    orders.order_issue(
        request=request_, prosecutor=prosecution["prosecutor"], fields=FIELDS, items=[first]
    )
    request_.refresh_from_db()
    assert request_.status == "fulfilled"
