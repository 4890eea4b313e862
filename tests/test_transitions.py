"""Every (state, action) pair of every transition table, through the service that
performs the action.

For each pair the object is put in the state (test setup writes the status directly),
then the service is called: where the table allows the move, it happens — the status
is the move's target (or unchanged, for a move without one) and the move's audit event
is written exactly once; where it does not, the service raises ``InvalidTransition`` and
nothing changes (the row, the audit log, custody and the clocks). A table row without a
driver here, or a driver without a row, fails the test: a new action is tried from its
first day.

One world is built for the module (as in the access matrix) and every pair runs in a
savepoint that is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from cases.choices import CaseStatus, ItemStatus, MLAStatus, OrderStatus, ResponseKind
from cases.models import Case, PlatformResponse
from cases.services import handover, joins, orders, triage, victims
from cases.services import mla as mla_services
from cases.transitions import CASE, ITEM, JOIN, MLA, ORDER, ORDER_REQUEST, VICTIM_MESSAGE
from deadlines.models import Deadline
from evidence import services as evidence
from evidence.exports import package_export
from evidence.models import CustodyEvent
from evidence.transitions import PACKAGE
from liaison.choices import AuthorityKind, KeyPurpose
from liaison.keys import authority_key_create
from takedown.core.choices import Role
from takedown.core.errors import InvalidTransition
from takedown.core.models import AuditEvent
from takedown.core.transitions import Machine
from tests.cases.factories import assessed_case, open_case, submit
from tests.conftest import login
from tests.evidence.conftest import synthetic_png
from tests.liaison.factories import (
    AuthorityFactory,
    DeskFactory,
    JurisdictionFactory,
    PlatformFactory,
    UserFactory,
    officer_of,
)

FIELDS = orders.OrderFields(
    kind="order",
    legal_basis="Art. 3 (demo)",
    reasons="Synthetic test material",
    contact_point="duty@example.org",
)


def build_world():
    w = SimpleNamespace()
    de = JurisdictionFactory(code="DE", name="Germany", timezone="Europe/Berlin")
    nl = JurisdictionFactory(code="NL", name="Netherlands", timezone="Europe/Amsterdam")
    w.de_police = AuthorityFactory(jurisdiction=de, name="DE police")
    w.nl_police = AuthorityFactory(jurisdiction=nl, name="NL police")
    authority_key_create(authority=w.de_police)
    authority_key_create(authority=w.nl_police, purpose=KeyPurpose.ENCRYPTION)
    w.nl_desk = DeskFactory(authority=w.nl_police, name="NL desk")
    w.officer = officer_of(DeskFactory(authority=w.de_police, name="DE desk"), username="de")
    for codename in ("view_evidence_content", "export_evidence", "view_victim_data"):
        w.officer.user_permissions.add(Permission.objects.get(codename=codename))
    w.nl_officer = officer_of(w.nl_desk, username="nl")
    prosecution = AuthorityFactory(jurisdiction=de, kind=AuthorityKind.PROSECUTOR)
    authority_key_create(authority=prosecution)
    w.prosecutor = UserFactory(username="pros", authority=prosecution, roles=[Role.PROSECUTOR])
    PlatformFactory(establishment_jurisdiction=de, domains=["b-social.test"])

    # The case (DE leads, platform B): t1 and t4 ordered, t2 requested, t3 free.
    w.case = assessed_case(w.officer, *(f"https://b-social.test/p/t{n}" for n in (1, 2, 3, 4)))
    w.t1, w.t2, w.t3, w.t4 = w.case.items.order_by("id")
    w.platform = w.t1.platform
    ordered = triage.order_request_create(
        case=w.case,
        officer=w.officer,
        platform=w.platform,
        items=[w.t1, w.t4],
        expected_version=None,
    )
    w.order = orders.order_issue(request=ordered, prosecutor=w.prosecutor, fields=FIELDS)
    w.open_request = triage.order_request_create(
        case=w.case, officer=w.officer, platform=w.platform, items=[w.t2], expected_version=None
    )
    w.other_case = open_case(w.officer, "https://b-social.test/p/other")

    w.mla = mla_services.mla_create(
        case=w.case,
        requester=w.officer,
        requested_authority=w.nl_police,
        kind="production",
        urgency="standard",
        legal_basis="Art. 18 (demo)",
        description="Subscriber data (synthetic).",
        items=[w.t1],
    )
    victims.victim_notice_create(
        case=w.case,
        officer=w.officer,
        pseudonym="V (synthetic)",
        preference="direct",
        contact_details="victim@example.org",
    )
    (w.message,) = victims.victim_milestone(case=w.case, milestone="content_removed")

    w.package = evidence.package_create(
        case=w.case,
        officer=w.officer,
        collection_method="Screen capture",
        collection_tool="Capture 1.0 (test)",
        captured_at=timezone.now() - timedelta(hours=1),
        source_url="https://b-social.test/p/t1",
        hosting_provider="Example hosting (test)",
        provenance="Synthetic",
        legal_basis="Art. 3 (demo)",
        classification="illegal_all",
    )
    # Signed in once: a sign-in is an audit event of its own.
    w.officer_client, w.nl_client = login(w.officer), login(w.nl_officer)
    upload(w, w.package)
    evidence.package_seal(package=w.package, officer=w.officer)
    evidence.package_transfer(
        package=w.package, officer=w.officer, to_authority=w.nl_police, reason="test"
    )
    # The NL desk reports an item of the case: it asks the lead desk to let it in.
    (w.join,) = submit(w.nl_officer, w.t3.url, jurisdiction="NL").report.join_requests.all()
    return w


def upload(w, package):
    response = w.officer_client.post(
        f"/evidence/{package.reference}/upload/",
        {"file": SimpleUploadedFile("capture.png", synthetic_png())},
    )
    assert response.status_code == 302


def respond(kind):
    def setup(w):
        PlatformResponse.objects.create(
            order=w.order,
            kind=kind,
            message="synthetic",
            ground="force_majeure" if kind == ResponseKind.CANNOT_COMPLY else "",
            created_at=timezone.now(),
        )

    return setup


def answer(w, kind):
    return PlatformResponse.objects.get(order=w.order, kind=kind, answered_at__isnull=True)


def outcome(item, result="removed"):
    return orders.RemovalInput(item_id=item.pk, outcome=result, happened_at=timezone.now())


def removals(w, *items):
    return orders.order_report_removals(order=w.order, platform=w.platform, removals=items)


def mla_respond(action):
    return lambda w: mla_services.mla_respond(
        request=w.mla, responder=w.nl_officer, action=action, text="synthetic"
    )


def verified_but(w, item, status=ItemStatus.REMOVED):
    """Every other item of the case verified removed; ``item`` reported on."""
    w.case.items.exclude(pk=item.pk).update(status=ItemStatus.VERIFIED_REMOVED)
    w.case.items.filter(pk=item.pk).update(status=status)


@dataclass
class Driver:
    """How to perform one action: ``target`` is the object in the state, ``call`` the
    service call. ``event_of`` names the object whose event the move writes, where it
    is not the target (a guard of one table checked by another's service)."""

    target: str
    call: object
    setup: object = None
    event: tuple[str, str] | None = None
    conditional: bool = False  # the service does other work when the move is not allowed
    # Where the service makes another move on the way (reporting a removal is receipt
    # too): the state the object ends in, by the state it started from.
    ends_in: dict = field(default_factory=dict)


DRIVERS: dict[Machine, dict[str, Driver]] = {
    CASE: {
        "assigned": Driver(
            "case",
            lambda w: triage.case_assign(
                case=w.case, officer=w.officer, assignee=None, expected_version=None
            ),
        ),
        "triaged": Driver(
            "case",
            lambda w: triage.case_assign(
                case=w.case, officer=w.officer, assignee=w.officer, expected_version=None
            ),
            conditional=True,
        ),
        "assessed": Driver(
            "case",
            lambda w: triage.case_assess(
                case=w.case,
                officer=w.officer,
                depiction_type="real",
                age_group="prepubescent",
                severity=4,
                risk_score=80,
                classification=None,
                expected_version=None,
            ),
        ),
        "closed_not_illegal": Driver(
            "case",
            lambda w: triage.case_close_not_illegal(
                case=w.case, officer=w.officer, reason="synthetic", expected_version=None
            ),
        ),
        "merged_in": Driver(
            "case",
            lambda w: triage.case_merge(
                survivor=w.case,
                merged=w.other_case,
                officer=w.officer,
                survivor_version=None,
                merged_version=None,
            ),
        ),
        "merged_into": Driver(
            "case",
            lambda w: triage.case_merge(
                survivor=w.other_case,
                merged=w.case,
                officer=w.officer,
                survivor_version=None,
                merged_version=None,
            ),
        ),
        "split": Driver(
            "case",
            lambda w: triage.case_split(
                case=w.case, items=[w.t3], officer=w.officer, expected_version=None
            ),
        ),
        "order_requested": Driver(
            "case",
            lambda w: triage.order_request_create(
                case=w.case,
                officer=w.officer,
                platform=w.platform,
                items=[w.t3],
                expected_version=None,
            ),
        ),
        "order_issued": Driver(
            "case",
            lambda w: orders.order_issue(
                request=w.open_request, prosecutor=w.prosecutor, fields=FIELDS
            ),
        ),
        "handed_over": Driver(
            "case",
            lambda w: handover.case_handover(
                case=w.case, officer=w.officer, to_desk=w.nl_desk, reason="synthetic"
            ),
        ),
        "resolved": Driver(
            "case",
            lambda w: orders.item_verify_removal(item=w.t1, officer=w.officer, removed=True),
            setup=lambda w: verified_but(w, w.t1),
            conditional=True,
        ),
        "closed": Driver(
            "case",
            lambda w: triage.case_close(case=w.case, officer=w.officer, expected_version=None),
        ),
    },
    ITEM: {
        "ordered": Driver(
            "t3",
            lambda w: triage.order_request_create(
                case=w.case,
                officer=w.officer,
                platform=w.platform,
                items=[w.t3],
                expected_version=None,
            ),
            event=("case", "case.order_requested"),
        ),
        "removed": Driver("t1", lambda w: removals(w, outcome(w.t1))),
        "not_found": Driver("t1", lambda w: removals(w, outcome(w.t1, "not_found"))),
        "disabled": Driver(
            "t1",
            lambda w: removals(
                w,
                orders.RemovalInput(
                    item_id=w.t1.pk,
                    outcome="disabled",
                    happened_at=timezone.now(),
                    jurisdictions=("DE",),
                ),
            ),
        ),
        "verified": Driver(
            "t1", lambda w: orders.item_verify_removal(item=w.t1, officer=w.officer, removed=True)
        ),
        "reopened": Driver(
            "t1", lambda w: orders.item_verify_removal(item=w.t1, officer=w.officer, removed=False)
        ),
    },
    ORDER_REQUEST: {
        "fulfilled": Driver(
            "open_request",
            lambda w: orders.order_issue(
                request=w.open_request, prosecutor=w.prosecutor, fields=FIELDS
            ),
        ),
        "declined": Driver(
            "open_request",
            lambda w: orders.order_request_decline(
                request=w.open_request, prosecutor=w.prosecutor, reason="Transition table"
            ),
        ),
    },
    ORDER: {
        "acknowledged": Driver(
            "order", lambda w: orders.order_acknowledge(order=w.order, platform=w.platform)
        ),
        "removals_reported": Driver(
            "order",
            lambda w: removals(w, outcome(w.t1)),
            ends_in={OrderStatus.ISSUED: OrderStatus.ACKNOWLEDGED},
        ),
        "completed": Driver("order", lambda w: removals(w, outcome(w.t1), outcome(w.t4))),
        "cannot_comply": Driver(
            "order",
            lambda w: orders.order_cannot_comply(
                order=w.order, platform=w.platform, ground="force_majeure", explanation="x"
            ),
        ),
        "clarification_asked": Driver(
            "order",
            lambda w: orders.order_ask_clarification(
                order=w.order, platform=w.platform, question="Which one?"
            ),
        ),
        "clarification_answered": Driver(
            "order",
            lambda w: orders.clarification_answer(
                response=answer(w, ResponseKind.CLARIFICATION),
                prosecutor=w.prosecutor,
                answer="This one.",
            ),
            setup=respond(ResponseKind.CLARIFICATION),
        ),
        "cannot_comply_maintained": Driver(
            "order",
            lambda w: orders.cannot_comply_resolve(
                response=answer(w, ResponseKind.CANNOT_COMPLY),
                prosecutor=w.prosecutor,
                maintain=True,
                answer="It stands.",
            ),
            setup=respond(ResponseKind.CANNOT_COMPLY),
        ),
        "objection_filed": Driver(
            "order",
            lambda w: orders.order_object(order=w.order, platform=w.platform, grounds="Art. 9"),
        ),
        "objection_decided": Driver(
            "order",
            lambda w: orders.objection_decide(
                response=answer(w, ResponseKind.OBJECTION),
                prosecutor=w.prosecutor,
                resolution="rejected",
                answer="It stands.",
            ),
            setup=respond(ResponseKind.OBJECTION),
        ),
        "unsuspended": Driver(
            "order",
            lambda w: orders.order_unsuspend(order=w.order, prosecutor=w.prosecutor),
            setup=lambda w: type(w.order).objects.filter(pk=w.order.pk).update(suspended=True),
        ),
        "superseded": Driver(
            "order",
            lambda w: orders.order_amend(order=w.order, prosecutor=w.prosecutor, fields=FIELDS),
        ),
        "withdrawn": Driver(
            "order",
            lambda w: orders.order_withdraw(order=w.order, prosecutor=w.prosecutor, reason="x"),
        ),
    },
    MLA: {
        "sent": Driver("mla", lambda w: mla_services.mla_send(request=w.mla, actor=w.officer)),
        "linked_duplicate": Driver(
            "mla",
            lambda w: mla_services.mla_send(request=w.mla, actor=w.officer),
            setup=lambda w: mla_services.mla_send(
                request=mla_services.mla_create(
                    case=w.case,
                    requester=w.officer,
                    requested_authority=w.nl_police,
                    kind="production",
                    urgency="standard",
                    legal_basis="Art. 18 (demo)",
                    description="The same data (synthetic).",
                    items=[w.t1],
                ),
                actor=w.officer,
            ),
        ),
        "accepted": Driver("mla", mla_respond(MLAStatus.ACCEPTED)),
        "info_requested": Driver("mla", mla_respond(MLAStatus.INFO_REQUESTED)),
        "refused": Driver("mla", mla_respond(MLAStatus.REFUSED)),
        "answered": Driver("mla", mla_respond(MLAStatus.ANSWERED)),
        "information_given": Driver(
            "mla",
            lambda w: mla_services.mla_reply(request=w.mla, requester=w.officer, text="Here."),
        ),
        "document_added": Driver(
            "mla",
            lambda w: document(w),
        ),
        "withdrawn": Driver(
            "mla",
            lambda w: mla_services.mla_withdraw(request=w.mla, requester=w.officer, reason="x"),
        ),
    },
    VICTIM_MESSAGE: {
        "notice_approved": Driver(
            "message",
            lambda w: victims.victim_message_review(
                message=w.message, officer=w.officer, approve=True
            ),
        ),
        "notice_discarded": Driver(
            "message",
            lambda w: victims.victim_message_review(
                message=w.message, officer=w.officer, approve=False
            ),
        ),
    },
    JOIN: {
        "accepted": Driver(
            "join", lambda w: joins.join_decide(join=w.join, officer=w.officer, accept=True)
        ),
        "declined": Driver(
            "join", lambda w: joins.join_decide(join=w.join, officer=w.officer, accept=False)
        ),
    },
    PACKAGE: {
        "package_updated": Driver(
            "package",
            lambda w: evidence.package_update(
                package=w.package, officer=w.officer, collection_tool="Capture 1.1 (test)"
            ),
        ),
        "file_added": Driver("package", lambda w: upload_or_refuse(w)),
        "sealed": Driver(
            "package", lambda w: evidence.package_seal(package=w.package, officer=w.officer)
        ),
        "followed_up": Driver(
            "package",
            lambda w: evidence.package_create(case=w.case, officer=w.officer, previous=w.package),
        ),
        "exported": Driver(
            "package",
            lambda w: package_export(
                package=w.package, officer=w.officer, receiver=w.nl_police, reason="test"
            ),
        ),
        "transferred": Driver(
            "package",
            lambda w: evidence.package_transfer(
                package=w.package, officer=w.officer, to_authority=w.nl_police, reason="test"
            ),
        ),
        "received": Driver(
            "package", lambda w: evidence.package_receive(package=w.package, officer=w.nl_officer)
        ),
        "receipt_failed": Driver(
            "package",
            lambda w: evidence.package_receive(package=w.package, officer=w.nl_officer),
            setup=lambda w: (
                type(w.package).objects.filter(pk=w.package.pk).update(signature="AAAA")
            ),
        ),
    },
}


def document(w):
    """The requested desk attaches a document through the page (the upload is the
    service's only entry point)."""
    response = w.nl_client.post(
        f"/evidence/mla/{w.mla.pk}/documents/",
        {"file": SimpleUploadedFile("answer.pdf", b"%PDF-1.4 synthetic answer")},
    )
    assert response.status_code == 302
    message = list(response.wsgi_request._messages)[-1]
    if "error" in message.tags:
        raise InvalidTransition(message.message)


def upload_or_refuse(w):
    response = w.officer_client.post(
        f"/evidence/{w.package.reference}/upload/",
        {"file": SimpleUploadedFile("more.png", synthetic_png(seed=7))},
    )
    assert response.status_code == 302
    message = list(response.wsgi_request._messages)[-1]
    if "error" in message.tags:
        raise InvalidTransition(message.message)


def _force(obj, field_name: str, state: str) -> None:
    """Test setup: the row in ``state`` (with what its constraints then require)."""
    values = {field_name: state}
    if isinstance(obj, Case):
        other = Case.objects.exclude(pk=obj.pk).order_by("id").first()
        values["merged_into"] = other if state == CaseStatus.MERGED else None
    type(obj).objects.filter(pk=obj.pk).update(**values)


def _snapshot(obj):
    obj.refresh_from_db()
    return (
        model_to_dict(obj),
        AuditEvent.objects.count(),
        CustodyEvent.objects.count(),
        list(Deadline.objects.order_by("id").values_list("id", "state", "subject_id")),
    )


def _events(obj, action: str) -> int:
    return AuditEvent.objects.filter(
        action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).count()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        yield built
        transaction.set_rollback(True)


PAIRS = [
    pytest.param(machine, action, state, id=f"{machine.event}.{action} from {state}")
    for machine in DRIVERS
    for action in machine.moves
    for state in machine.states
]


def test_every_action_of_every_table_has_a_driver():
    for machine, drivers in DRIVERS.items():
        assert set(drivers) == set(machine.moves), machine.event


@pytest.mark.parametrize(("machine", "action", "state"), PAIRS)
def test_pair(world, machine, action, state, db):
    driver = DRIVERS[machine][action]
    w = world
    target = getattr(w, driver.target)
    with transaction.atomic():
        _force(target, machine.field, state)
        if driver.setup:
            driver.setup(w)
        for name in (
            "case",
            "other_case",
            "order",
            "open_request",
            "mla",
            "message",
            "package",
            "join",
        ):
            getattr(w, name).refresh_from_db()
        for name in ("t1", "t2", "t3", "t4"):
            getattr(w, name).refresh_from_db()
        before = _snapshot(target)
        move = machine.moves[action]
        event_obj = getattr(w, driver.event[0]) if driver.event else target
        event_name = driver.event[1] if driver.event else f"{machine.event}.{action}"
        events_before = _events(event_obj, event_name)
        if state in move.from_:
            driver.call(w)
            target.refresh_from_db()
            expected = driver.ends_in.get(state, move.to or state)
            assert getattr(target, machine.field) == expected
            assert _events(event_obj, event_name) == events_before + 1
        else:
            try:
                driver.call(w)
            except InvalidTransition:
                assert _snapshot(target) == before, "a refused move changed something"
            else:
                assert driver.conditional, f"{action} was performed from {state}"
                assert _events(event_obj, event_name) == events_before
        transaction.set_rollback(True)
