"""The liaison officer's actions on a case (cases/services/triage.py), called through
their real entry points: assign, assess (with the harmonisation matrix), close as not
illegal, merge, split and request an order — with optimistic locking throughout."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType

from cases.choices import (
    CaseStatus,
    Classification,
    Instrument,
    ItemStatus,
    OrderRequestStatus,
    ParticipantRole,
)
from cases.models import Assessment, Case, OrderRequest, ReportedItem
from cases.selectors import case_timeline
from cases.services.intake import ItemInput
from cases.services.triage import (
    case_assess,
    case_assign,
    case_close_not_illegal,
    case_merge,
    case_split,
    next_action,
    order_request_create,
)
from deadlines.choices import DeadlineKind, DeadlineState
from deadlines.models import Deadline
from deadlines.services import RUNNING, sweep_due
from liaison.choices import AuthorityKind, ContactRole
from takedown.core.choices import Role
from takedown.core.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from takedown.core.models import AuditEvent
from tests.cases.factories import open_case
from tests.liaison.factories import (
    AuthorityFactory,
    ContactFactory,
    DeskFactory,
    JurisdictionFactory,
    PlatformFactory,
    UserFactory,
    officer_of,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


# --- Helpers ------------------------------------------------------------------------


def de_case(submitter, *paths, now=T0, **kwargs) -> Case:
    """A case only the DE desk works: platform B is established in DE, reported from DE."""
    urls = [f"https://b-social.test/{p}" for p in paths or ("p/1",)]
    return open_case(submitter, *urls, now=now, **kwargs)


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def clocks(case: Case, *states) -> dict[str, Deadline]:
    """The case's deadlines by kind (running ones unless states are given)."""
    return {
        d.kind: d
        for d in Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(Case),
            subject_id=case.pk,
            state__in=states or RUNNING,
        )
    }


def events(case: Case, action: str):
    return AuditEvent.objects.filter(case_id=case.pk, action=action)


def assess(case: Case, officer, **overrides) -> Assessment:
    values = {
        "depiction_type": "real",
        "age_group": "prepubescent",
        "severity": 4,
        "risk_score": 80,
        "classification": None,
        "categories": ["synthetic"],
        "expected_version": fresh(case).version,
        "now": T0 + timedelta(hours=3),
    }
    values.update(overrides)
    return case_assess(case=case, officer=officer, **values)


@contextmanager
def writes_nothing(*cases: Case):
    """Around a refused action: no audit event, no version bump, no status, item,
    participant or clock change."""

    def state():
        ids = [c.pk for c in cases]
        return (
            AuditEvent.objects.count(),
            list(
                Case.objects.filter(pk__in=ids)
                .order_by("pk")
                .values_list("pk", "version", "status", "assignee", "classification")
            ),
            list(ReportedItem.objects.order_by("pk").values_list("pk", "case_id", "status")),
            sorted(Case.desks.through.objects.values_list("case_id", "desk_id", "role")),
            list(
                Deadline.objects.order_by("pk").values_list(
                    "pk", "subject_id", "state", "assignee_id", "due_at"
                )
            ),
            Case.objects.count(),
            OrderRequest.objects.count(),
            Assessment.objects.count(),
        )

    before = state()
    yield
    assert state() == before


# --- Assign -------------------------------------------------------------------------


def test_first_assignment_moves_a_new_case_to_triage_and_the_clocks_follow(actors):
    owner, colleague = actors["owner"], actors["colleague"]
    case = de_case(owner)
    assert case.status == CaseStatus.NEW and case.version == 1

    case = case_assign(
        case=case,
        officer=owner,
        assignee=colleague,
        expected_version=1,
        now=T0 + timedelta(hours=1),
    )
    stored = fresh(case)
    assert (stored.status, stored.assignee, stored.version) == (CaseStatus.TRIAGE, colleague, 2)
    assert case.version == 2  # the returned case carries the new version
    running = clocks(case)
    assert set(running) == {DeadlineKind.ASSESSMENT, DeadlineKind.FINAL_ORDER}
    assert all(d.assignee == colleague for d in running.values())
    event = events(case, "case.assigned").get()
    assert event.data == {"from": "new", "to": "new", "before": None, "after": "colleague"}
    assert events(case, "case.triaged").get().data == {"from": "new", "to": "triage"}
    assert event.actor == owner and event.occurred_at == T0 + timedelta(hours=1)
    assert event.jurisdictions == "|DE|"

    # Reassigning keeps the status and hands the clocks over.
    case_assign(case=case, officer=colleague, assignee=owner, expected_version=2)
    stored = fresh(case)
    assert (stored.status, stored.assignee, stored.version) == (CaseStatus.TRIAGE, owner, 3)
    assert all(d.assignee == owner for d in clocks(case).values())
    latest = events(case, "case.assigned").order_by("-id").first()
    assert latest.data == {
        "from": "triage",
        "to": "triage",
        "before": "colleague",
        "after": "owner",
    }


def test_unassigning_leaves_the_status_and_clears_the_clocks(actors):
    owner = actors["owner"]
    case = de_case(owner)
    case_assign(case=case, officer=owner, assignee=owner, expected_version=1)
    case_assign(case=case, officer=owner, assignee=None, expected_version=2)
    stored = fresh(case)
    assert (stored.status, stored.assignee) == (CaseStatus.TRIAGE, None)
    assert all(d.assignee is None for d in clocks(case).values())
    assert events(case, "case.assigned").order_by("-id").first().data == {
        "from": "triage",
        "to": "triage",
        "before": "owner",
        "after": None,
    }


def test_unassigned_new_case_stays_new(actors):
    case = de_case(actors["owner"])
    case_assign(case=case, officer=actors["owner"], assignee=None, expected_version=1)
    assert fresh(case).status == CaseStatus.NEW


def test_the_assignee_must_sit_on_a_desk_of_the_case(actors):
    case = de_case(actors["owner"])  # the NL desk is not on it
    with writes_nothing(case), pytest.raises(ValidationFailed) as caught:
        case_assign(
            case=case, officer=actors["owner"], assignee=actors["outsider"], expected_version=1
        )
    assert "assignee" in caught.value.fields
    assert "outsider" not in caught.value.detail  # the answer confirms no name


def test_an_officer_of_a_participating_desk_may_act_and_be_assigned(actors, network):
    # Platform A is in NL: the NL desk leads and the reporting DE desk participates.
    case = open_case(actors["owner"], "https://a-video.test/v/1", now=T0)
    assert case.lead_desk == network["desk_nl"]
    case = case_assign(
        case=case, officer=actors["outsider"], assignee=actors["owner"], expected_version=1
    )
    case = case_assign(
        case=case, officer=actors["owner"], assignee=actors["outsider"], expected_version=2
    )
    assert fresh(case).assignee == actors["outsider"]


def test_the_outsider_is_refused_every_action(actors, network):
    owner, outsider = actors["owner"], actors["outsider"]
    case = de_case(owner, "p/1", "p/2")
    other = de_case(owner, "p/3")
    assess(other, owner)
    assessed = fresh(other)
    AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR)
    item = assessed.items.get()
    attempts = [
        lambda: case_assign(case=case, officer=outsider, assignee=None, expected_version=1),
        lambda: assess(case, outsider),
        lambda: case_close_not_illegal(
            case=case, officer=outsider, reason="synthetic", expected_version=1
        ),
        lambda: case_split(
            case=case, items=[case.items.first()], officer=outsider, expected_version=1
        ),
        lambda: case_merge(
            survivor=case,
            merged=assessed,
            officer=outsider,
            survivor_version=None,
            merged_version=None,
        ),
        lambda: order_request_create(
            case=assessed,
            officer=outsider,
            platform=network["platform_b"],
            items=[item],
            expected_version=assessed.version,
        ),
    ]
    for attempt in attempts:
        with writes_nothing(case, assessed), pytest.raises(PermissionDenied):
            attempt()


def test_a_desk_member_without_the_officer_role_may_not_act(actors, network):
    case = de_case(actors["owner"])
    clerk = UserFactory(authority=network["desk_de"].authority, desks=[network["desk_de"]])
    with writes_nothing(case), pytest.raises(PermissionDenied):
        case_assign(case=case, officer=clerk, assignee=None, expected_version=1)
    # A prosecutor who also sits on the desk is still not a liaison officer.
    prosecutor = UserFactory(
        authority=network["desk_de"].authority,
        roles=[Role.PROSECUTOR],
        desks=[network["desk_de"]],
    )
    with writes_nothing(case), pytest.raises(PermissionDenied):
        case_assign(case=case, officer=prosecutor, assignee=None, expected_version=1)


def test_closed_and_merged_cases_refuse_assignment(actors):
    owner = actors["owner"]
    closed = de_case(owner, "p/1")
    case_close_not_illegal(case=closed, officer=owner, reason="Synthetic test", expected_version=1)
    survivor, merged = de_case(owner, "p/2"), de_case(owner, "p/3")
    case_merge(
        survivor=survivor, merged=merged, officer=owner, survivor_version=1, merged_version=1
    )
    for case in (fresh(closed), fresh(merged)):
        with writes_nothing(case), pytest.raises(InvalidTransition):
            case_assign(case=case, officer=owner, assignee=owner, expected_version=case.version)


# --- Optimistic locking ------------------------------------------------------------


def test_the_second_of_two_officers_gets_a_conflict_and_nothing_is_overwritten(actors):
    owner, colleague = actors["owner"], actors["colleague"]
    case = de_case(owner)
    # Both load the case page at version 1.
    seen_by_owner, seen_by_colleague = fresh(case), fresh(case)
    assert seen_by_owner.version == seen_by_colleague.version == 1

    case_assign(
        case=seen_by_owner,
        officer=owner,
        assignee=owner,
        expected_version=seen_by_owner.version,
    )
    with writes_nothing(case), pytest.raises(Conflict) as caught:
        case_assign(
            case=seen_by_colleague,
            officer=colleague,
            assignee=colleague,
            expected_version=seen_by_colleague.version,
        )
    assert case.reference in caught.value.detail
    assert caught.value.status == 409

    seen_by_colleague.refresh_from_db()
    assert seen_by_colleague.assignee == owner  # the first officer's change stands
    assert seen_by_colleague.version == 2
    assert events(case, "case.assigned").count() == 1
    assert all(d.assignee == owner for d in clocks(case).values())


def test_every_action_bumps_the_version_by_one(actors, network):
    owner = actors["owner"]
    AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR)
    case = de_case(owner, "p/1", "p/2", "p/3")
    assert fresh(case).version == 1
    case_assign(case=case, officer=owner, assignee=owner, expected_version=1)
    assert fresh(case).version == 2
    assess(case, owner, expected_version=2)
    assert fresh(case).version == 3
    new_case = case_split(
        case=case, items=[case.items.order_by("id").last()], officer=owner, expected_version=3
    )
    assert fresh(case).version == 4 and new_case.version == 1
    order_request_create(
        case=case,
        officer=owner,
        platform=network["platform_b"],
        items=[case.items.order_by("id").first()],
        expected_version=4,
    )
    assert fresh(case).version == 5
    case_merge(survivor=case, merged=new_case, officer=owner, survivor_version=5, merged_version=1)
    assert fresh(case).version == 6 and fresh(new_case).version == 2


def test_a_stale_version_is_refused_by_every_action(actors, network):
    owner, colleague = actors["owner"], actors["colleague"]
    AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR)
    case, other = de_case(owner, "p/1", "p/2"), de_case(owner, "p/3")
    assess(case, owner, expected_version=1)  # version 2, assessed
    stale = 1
    attempts = [
        lambda: case_assign(case=case, officer=colleague, assignee=None, expected_version=stale),
        lambda: assess(case, colleague, expected_version=stale),
        lambda: case_close_not_illegal(
            case=case, officer=colleague, reason="synthetic", expected_version=stale
        ),
        lambda: case_split(
            case=case, items=[case.items.first()], officer=colleague, expected_version=stale
        ),
        lambda: order_request_create(
            case=case,
            officer=colleague,
            platform=network["platform_b"],
            items=[case.items.first()],
            expected_version=stale,
        ),
        lambda: case_merge(
            survivor=case,
            merged=other,
            officer=colleague,
            survivor_version=stale,
            merged_version=1,
        ),
        lambda: case_merge(
            survivor=other,
            merged=case,
            officer=colleague,
            survivor_version=1,
            merged_version=stale,
        ),
    ]
    for attempt in attempts:
        with writes_nothing(case, other), pytest.raises(Conflict, match=case.reference):
            attempt()


# --- Assess and the harmonisation matrix --------------------------------------------


@pytest.fixture
def legal(network):
    """Legal profiles that make the matrix matter (illustrative, not statements of law).

    FR criminalises drawn material and accepts direct orders; NL (from ``network``) does
    not criminalise drawn material; PL criminalises it but requires an MLA request; US is
    outside the network (a notice, no order) and has no desk."""
    fr = JurisdictionFactory(code="FR", name="France", criminalises_drawn=True)
    pl = JurisdictionFactory(
        code="PL", name="Poland", criminalises_drawn=True, accepts_direct_orders=False
    )
    us = JurisdictionFactory(
        code="US", name="United States", timezone="America/New_York", in_network=False
    )
    desk_fr = DeskFactory(authority=AuthorityFactory(jurisdiction=fr), name="FR desk")
    desk_pl = DeskFactory(authority=AuthorityFactory(jurisdiction=pl), name="PL desk")
    return {
        "fr": fr,
        "pl": pl,
        "us": us,
        "desk_fr": desk_fr,
        "desk_pl": desk_pl,
        "prosecutor_fr": AuthorityFactory(
            jurisdiction=fr, kind=AuthorityKind.PROSECUTOR, name="FR prosecution"
        ),
        "platform_fr": PlatformFactory(establishment_jurisdiction=fr, domains=["fr-host.test"]),
        "platform_pl": PlatformFactory(establishment_jurisdiction=pl, domains=["pl-host.test"]),
        "platform_us": PlatformFactory(establishment_jurisdiction=us, domains=["us-host.test"]),
        "officer": officer_of(desk_fr, username="fr-officer"),
    }


def coalition_case(legal) -> Case:
    """Two items on a French platform (FR leads), one each on Polish, US and Dutch ones."""
    return open_case(
        legal["officer"],
        "https://fr-host.test/1",
        "https://fr-host.test/2",
        "https://pl-host.test/1",
        "https://us-host.test/1",
        "https://a-video.test/c/1",
        jurisdiction="FR",
        now=T0,
    )


def test_the_matrix_per_jurisdiction_for_drawn_material(legal, network):
    case = coalition_case(legal)
    assert case.lead_desk == legal["desk_fr"]
    assert set(case.desks.values_list("name", flat=True)) == {"FR desk", "PL desk", "NL desk"}

    assessment = assess(case, legal["officer"], depiction_type="drawn")

    rows = {
        code: (row["criminal"], row["establishes_platform"], row["instrument"])
        for code, row in assessment.matrix.items()
    }
    assert rows == {
        "FR": (True, True, Instrument.ORDER),  # domestic platform
        "NL": (False, True, Instrument.ORDER),  # in the network, accepts direct orders
        "PL": (True, True, Instrument.MLA),  # requires an MLA request
        "US": (False, True, Instrument.NOTICE),  # outside the network
    }
    assert all(row["name"] and row["reason"] for row in assessment.matrix.values())
    assert assessment.suggested_classification == Classification.ILLEGAL_SOME
    assert assessment.classification == Classification.ILLEGAL_SOME
    event = events(case, "case.assessed").get()
    assert event.data["suggested"] == Classification.ILLEGAL_SOME
    assert event.data["overridden"] is False
    assert event.data["instruments"] == {"FR": "order", "NL": "order", "PL": "mla", "US": "notice"}
    assert next_action(fresh(case), assessment)[0] == "order"


def test_real_material_is_illegal_in_every_involved_jurisdiction(legal):
    case = coalition_case(legal)
    assessment = assess(case, legal["officer"], depiction_type="real")
    assert all(row["criminal"] for row in assessment.matrix.values())
    assert assessment.suggested_classification == Classification.ILLEGAL_ALL
    assert fresh(case).classification == Classification.ILLEGAL_ALL


def test_a_jurisdiction_without_any_platform_of_the_case_gets_no_instrument(legal):
    # Two items hosted in FR on no registered platform, one on a Polish platform.
    case = open_case(
        legal["officer"],
        items=[
            ItemInput(url="https://unlisted-fr.test/1", hosting_country="FR"),
            ItemInput(url="https://unlisted-fr.test/2", hosting_country="FR"),
            ItemInput(url="https://pl-host.test/9"),
        ],
        jurisdiction="FR",
        now=T0,
    )
    assert case.lead_desk == legal["desk_fr"]
    assessment = assess(case, legal["officer"], depiction_type="drawn")
    assert assessment.matrix["FR"]["establishes_platform"] is False
    assert assessment.matrix["FR"]["instrument"] == Instrument.NONE
    assert assessment.matrix["PL"]["instrument"] == Instrument.MLA
    assert assessment.suggested_classification == Classification.ILLEGAL_ALL
    code, text = next_action(fresh(case), assessment)
    assert code == "mla" and "MLA" in text


def test_a_platform_outside_the_network_gets_a_notice(legal):
    case = open_case(legal["officer"], "https://us-host.test/7", jurisdiction="FR", now=T0)
    # No desk in the US: the reporting desk leads.
    assert case.lead_desk == legal["desk_fr"]
    assessment = assess(case, legal["officer"], depiction_type="real")
    assert set(assessment.matrix) == {"FR", "US"}
    assert assessment.matrix["US"] == {
        **assessment.matrix["US"],
        "criminal": True,
        "establishes_platform": True,
        "instrument": Instrument.NOTICE,
    }
    assert next_action(fresh(case), assessment)[0] == "notice"


def test_material_not_criminal_where_the_lead_desk_sits_gets_no_instrument(actors, network):
    # NL does not criminalise drawn material; an NL-only case.
    officer = actors["outsider"]
    case = open_case(officer, "https://a-video.test/d/1", jurisdiction="NL", now=T0)
    assessment = assess(case, officer, depiction_type="drawn")
    assert assessment.matrix == {
        "NL": {
            **assessment.matrix["NL"],
            "criminal": False,
            "establishes_platform": True,
            "instrument": Instrument.NONE,
        }
    }
    assert assessment.suggested_classification == Classification.ILLEGAL_NONE
    assert next_action(fresh(case), assessment)[0] == "close"  # not an order
    AuthorityFactory(jurisdiction=network["nl"], kind=AuthorityKind.PROSECUTOR)
    case = fresh(case)
    with writes_nothing(case), pytest.raises(InvalidTransition, match="not illegal"):
        order_request_create(
            case=case,
            officer=officer,
            platform=network["platform_a"],
            items=list(case.items.all()),
            expected_version=case.version,
        )


def test_the_officer_overrides_the_suggested_classification(legal):
    case = coalition_case(legal)
    assessment = assess(
        case, legal["officer"], depiction_type="drawn", classification=Classification.ILLEGAL_ALL
    )
    assert assessment.suggested_classification == Classification.ILLEGAL_SOME
    assert assessment.classification == Classification.ILLEGAL_ALL
    assert fresh(case).classification == Classification.ILLEGAL_ALL
    event = events(case, "case.assessed").get()
    assert event.data["overridden"] is True
    assert event.data["classification"] == Classification.ILLEGAL_ALL
    assert event.data["suggested"] == Classification.ILLEGAL_SOME


def test_assessing_meets_the_assessment_clock_and_requeues_on_the_final_order(legal):
    case = coalition_case(legal)
    officer = legal["officer"]
    case_assign(case=case, officer=officer, assignee=officer, expected_version=1)
    before = clocks(case)
    assert fresh(case).queue_due_at == before[DeadlineKind.ASSESSMENT].due_at

    at = T0 + timedelta(hours=5)
    assess(case, officer, now=at, expected_version=2)

    stored = fresh(case)
    assert (stored.status, stored.version) == (CaseStatus.ASSESSED, 3)
    assessment_clock = Deadline.objects.get(pk=before[DeadlineKind.ASSESSMENT].pk)
    assert assessment_clock.state == DeadlineState.MET
    assert assessment_clock.met_at == at and assessment_clock.next_check_at is None
    assert set(clocks(case)) == {DeadlineKind.FINAL_ORDER}
    assert stored.queue_due_at == before[DeadlineKind.FINAL_ORDER].due_at
    assert stored.queue_due_at - T0 >= timedelta(days=7)
    assert events(case, "case.assessed").get().occurred_at == at
    assert AuditEvent.objects.filter(
        action="deadline.met", object_id=str(assessment_clock.pk)
    ).exists()


def test_an_assessed_case_can_be_assessed_again(legal):
    case = coalition_case(legal)
    assess(case, legal["officer"], depiction_type="drawn")
    again = assess(case, legal["officer"], depiction_type="real", now=T0 + timedelta(hours=6))
    stored = fresh(case)
    assert stored.status == CaseStatus.ASSESSED
    assert stored.classification == Classification.ILLEGAL_ALL
    assert case.assessments.count() == 2 and case.assessments.latest() == again


def test_next_action_proposes_assessment_before_anything_else(actors):
    case = de_case(actors["owner"])
    assert next_action(case, None)[0] == "assess"
    case_assign(case=case, officer=actors["owner"], assignee=actors["owner"], expected_version=1)
    assert next_action(fresh(case), None)[0] == "assess"


def test_next_action_proposes_nothing_for_a_closed_case(actors):
    case = de_case(actors["owner"])
    case_close_not_illegal(
        case=case, officer=actors["owner"], reason="synthetic", expected_version=1
    )
    assert next_action(fresh(case), None) == ("", "")


def test_next_action_proposes_no_order_once_the_officer_found_it_legal_everywhere(legal):
    """The officer overrides to ``illegal_none``; order_request_create refuses an order
    for such a case, so the case page must not propose one."""
    case = coalition_case(legal)
    assessment = assess(
        case, legal["officer"], depiction_type="real", classification=Classification.ILLEGAL_NONE
    )
    code, _text = next_action(fresh(case), assessment)
    assert code not in {"order", "mla", "notice"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("depiction_type", "photo"),
        ("severity", 9),
        ("risk_score", 101),
        ("age_group", "adult"),
        ("classification", "illegal_maybe"),
    ],
)
def test_bad_assessment_input_is_a_validation_error_and_writes_nothing(actors, field, value):
    case = de_case(actors["owner"])
    with writes_nothing(case), pytest.raises(ValidationFailed):
        assess(case, actors["owner"], **{field: value})


def test_assessing_an_unassigned_case_assigns_the_officer_and_their_clocks(actors):
    owner = actors["owner"]
    case = de_case(owner)
    assess(case, owner)
    assert fresh(case).assignee == owner
    # Reminders go to whoever holds the work: the running final-order clock too.
    assert clocks(case)[DeadlineKind.FINAL_ORDER].assignee == owner


def test_a_closed_case_cannot_be_assessed(actors):
    case = de_case(actors["owner"])
    case_close_not_illegal(
        case=case, officer=actors["owner"], reason="synthetic", expected_version=1
    )
    with writes_nothing(case), pytest.raises(InvalidTransition):
        assess(case, actors["owner"])


# --- Close as not illegal -----------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_closing_as_not_illegal_needs_a_reason(actors, reason):
    case = de_case(actors["owner"])
    with writes_nothing(case), pytest.raises(ValidationFailed) as caught:
        case_close_not_illegal(
            case=case, officer=actors["owner"], reason=reason, expected_version=1
        )
    assert "reason" in caught.value.fields


def test_closing_as_not_illegal_stops_every_running_clock(actors):
    owner = actors["owner"]
    case = de_case(owner)
    case_assign(case=case, officer=owner, assignee=owner, expected_version=1)
    started = clocks(case)
    at = T0 + timedelta(hours=2)
    case_close_not_illegal(
        case=case,
        officer=owner,
        reason="Synthetic: adult material",
        expected_version=2,
        now=at,
    )
    stored = fresh(case)
    assert stored.status == CaseStatus.NOT_ILLEGAL
    assert (stored.closed_at, stored.queue_due_at, stored.version) == (at, None, 3)
    assert clocks(case) == {}
    final = Deadline.objects.get(pk=started[DeadlineKind.FINAL_ORDER].pk)
    assert (final.state, final.cancelled_at, final.next_check_at) == (
        DeadlineState.CANCELLED,
        at,
        None,
    )
    decided = Deadline.objects.get(pk=started[DeadlineKind.ASSESSMENT].pk)
    assert decided.state in (DeadlineState.MET, DeadlineState.CANCELLED)
    assert decided.next_check_at is None
    event = events(case, "case.closed_not_illegal").get()
    assert event.data == {
        "from": "triage",
        "to": "not_illegal",
        "reason": "Synthetic: adult material",
    }


def test_a_case_under_action_cannot_be_closed_as_not_illegal(actors, network):
    owner = actors["owner"]
    AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR)
    case = de_case(owner)
    assess(case, owner)
    case = fresh(case)
    order_request_create(
        case=case,
        officer=owner,
        platform=network["platform_b"],
        items=list(case.items.all()),
        expected_version=case.version,
    )
    case = fresh(case)
    assert case.status == CaseStatus.ACTION
    with writes_nothing(case), pytest.raises(InvalidTransition):
        case_close_not_illegal(
            case=case, officer=owner, reason="synthetic", expected_version=case.version
        )


# --- Merge --------------------------------------------------------------------------


def test_merge_moves_items_participants_and_running_clocks_to_the_survivor(actors, network):
    owner = actors["owner"]
    # The survivor: DE only, reported later. The merged case: DE leads too (only a desk
    # leading both merges), reported earlier by the NL desk, which participates.
    survivor = de_case(owner, "p/1", now=T0 + timedelta(hours=6))
    merged = open_case(actors["outsider"], "https://b-social.test/p/2", jurisdiction="NL", now=T0)
    merged_items = set(merged.items.values_list("id", flat=True))
    survivor_clocks, merged_clocks = clocks(survivor), clocks(merged)

    at = T0 + timedelta(hours=8)
    result = case_merge(
        survivor=survivor,
        merged=merged,
        officer=owner,
        survivor_version=1,
        merged_version=1,
        now=at,
    )
    assert result.pk == survivor.pk and result.version == 2

    survivor, merged = fresh(survivor), fresh(merged)
    assert merged_items <= set(survivor.items.values_list("id", flat=True))
    assert not merged.items.exists()
    assert (merged.status, merged.merged_into, merged.queue_due_at, merged.version) == (
        CaseStatus.MERGED,
        survivor,
        None,
        2,
    )
    roles = dict(survivor.participants.values_list("desk__name", "role"))
    assert roles == {"DE desk": ParticipantRole.LEAD, "NL desk": ParticipantRole.PARTICIPANT}
    assert survivor.lead_desk == network["desk_de"]

    # The merged case's clocks started earlier: they bind, and the survivor's twins stop.
    running = clocks(survivor)
    assert {k: d.pk for k, d in running.items()} == {k: d.pk for k, d in merged_clocks.items()}
    assert running[DeadlineKind.ASSESSMENT].due_at == T0 + timedelta(hours=48)
    assert all(d.case_id == survivor.pk for d in running.values())
    assert all(survivor.reference in d.label for d in running.values())
    for twin in survivor_clocks.values():
        twin.refresh_from_db()
        assert twin.state == DeadlineState.CANCELLED and twin.next_check_at is None
    assert clocks(merged) == {}
    assert survivor.queue_due_at == T0 + timedelta(hours=48)

    merged_in = events(survivor, "case.merged_in").get()
    assert merged_in.data["other"] == merged.reference
    assert set(merged_in.data["items"]) == merged_items
    assert events(merged, "case.merged_into").get().data == {
        "from": "new",
        "to": "merged",
        "survivor": survivor.reference,
    }

    # Events stay where they were written; the survivor's timeline shows both.
    timeline = list(case_timeline(survivor))
    assert {e.case_id for e in timeline} == {survivor.pk, merged.pk}
    opened = [e for e in timeline if e.action == "case.opened"]
    assert {e.case_id for e in opened} == {survivor.pk, merged.pk}
    assert timeline[0].occurred_at == at  # newest first


def test_merge_keeps_the_survivors_clock_when_it_is_due_first(actors):
    owner = actors["owner"]
    survivor = de_case(owner, "p/1", now=T0)
    merged = de_case(owner, "p/2", now=T0 + timedelta(hours=3))
    survivor_clocks, merged_clocks = clocks(survivor), clocks(merged)
    case_merge(
        survivor=survivor, merged=merged, officer=owner, survivor_version=1, merged_version=1
    )
    running = clocks(survivor)
    assert {k: d.pk for k, d in running.items()} == {k: d.pk for k, d in survivor_clocks.items()}
    assert running[DeadlineKind.ASSESSMENT].due_at == T0 + timedelta(hours=48)
    for moved_not in merged_clocks.values():
        moved_not.refresh_from_db()
        assert (moved_not.subject_id, moved_not.state) == (merged.pk, DeadlineState.CANCELLED)
    assert fresh(survivor).queue_due_at == T0 + timedelta(hours=48)


def test_merging_an_acute_case_makes_the_survivor_acute_and_moves_its_requests(actors, network):
    owner = actors["owner"]
    AuthorityFactory(jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR)
    survivor = de_case(owner, "p/1")
    merged = de_case(owner, "p/2", acute=True)
    assess(merged, owner)
    merged = fresh(merged)
    request = order_request_create(
        case=merged,
        officer=owner,
        platform=network["platform_b"],
        items=list(merged.items.all()),
        expected_version=merged.version,
    )
    merged = fresh(merged)
    case_merge(
        survivor=survivor,
        merged=merged,
        officer=owner,
        survivor_version=1,
        merged_version=merged.version,
    )
    assert fresh(survivor).acute is True
    request.refresh_from_db()
    assert request.case_id == survivor.pk


def test_moved_clocks_remind_the_survivors_assignee(actors):
    owner, outsider = actors["owner"], actors["outsider"]
    survivor = de_case(owner, "p/1", now=T0 + timedelta(hours=6))
    # DE leads both (only then may they merge); NL reported the merged case and is on it.
    merged = open_case(outsider, "https://b-social.test/p/2", jurisdiction="NL", now=T0)
    case_assign(case=survivor, officer=owner, assignee=owner, expected_version=1)
    case_assign(case=merged, officer=outsider, assignee=outsider, expected_version=1)
    case_merge(
        survivor=survivor, merged=merged, officer=owner, survivor_version=2, merged_version=2
    )
    assert fresh(survivor).assignee == owner
    # The merged case's earlier clocks now guard the survivor's work: they remind the
    # survivor's assignee (deadline_assign: "reminders go to whoever now holds the work").
    assert {k: d.assignee for k, d in clocks(survivor).items()} == {
        DeadlineKind.ASSESSMENT: owner,
        DeadlineKind.FINAL_ORDER: owner,
    }


def test_moved_clocks_escalate_along_the_survivors_lead_desk(actors, network):
    owner = actors["owner"]
    survivor = de_case(owner, "p/1", now=T0 + timedelta(hours=6))
    merged = open_case(actors["outsider"], "https://b-social.test/p/2", jurisdiction="NL", now=T0)
    case_merge(
        survivor=survivor, merged=merged, officer=owner, survivor_version=1, merged_version=1
    )
    # The survivor's clocks answer to its lead desk, as case_clocks_start sets them.
    assert {k: d.responsible_desk for k, d in clocks(survivor).items()} == {
        DeadlineKind.ASSESSMENT: network["desk_de"],
        DeadlineKind.FINAL_ORDER: network["desk_de"],
    }


def test_a_missed_clock_of_the_merged_case_does_not_keep_escalating_there(actors, network):
    owner = actors["owner"]
    for position, role in enumerate([ContactRole.PRIMARY, ContactRole.BACKUP]):
        ContactFactory(desk=network["desk_de"], position=position, role=role)
    merged = de_case(owner, "p/1", now=T0)
    survivor = de_case(owner, "p/2", now=T0 + timedelta(hours=47))
    sweep_due(now=T0 + timedelta(hours=48, minutes=1))
    missed = Deadline.objects.get(case_id=merged.pk, kind=DeadlineKind.ASSESSMENT)
    assert missed.state == DeadlineState.MISSED and missed.next_check_at is not None

    case_merge(
        survivor=survivor,
        merged=merged,
        officer=owner,
        survivor_version=1,
        merged_version=1,
        now=T0 + timedelta(hours=49),
    )
    case_type = ContentType.objects.get_for_model(Case)
    still_acting = Deadline.objects.filter(
        subject_type=case_type, subject_id=merged.pk, next_check_at__isnull=False
    )
    assert not still_acting.exists(), "a merged case's clock still escalates"


def test_a_case_cannot_be_merged_into_itself(actors):
    case = de_case(actors["owner"])
    with writes_nothing(case), pytest.raises(ValidationFailed) as caught:
        case_merge(
            survivor=case,
            merged=fresh(case),
            officer=actors["owner"],
            survivor_version=1,
            merged_version=1,
        )
    assert "merged" in caught.value.fields


def test_closed_or_merged_cases_cannot_be_merged(actors):
    owner = actors["owner"]
    open_one = de_case(owner, "p/1")
    closed = de_case(owner, "p/2")
    case_close_not_illegal(case=closed, officer=owner, reason="synthetic", expected_version=1)
    gone = de_case(owner, "p/3")
    case_merge(survivor=open_one, merged=gone, officer=owner, survivor_version=1, merged_version=1)
    open_one = fresh(open_one)
    for other in (fresh(closed), fresh(gone)):
        for survivor, merged in ((open_one, other), (other, open_one)):
            with writes_nothing(open_one, other), pytest.raises(InvalidTransition):
                case_merge(
                    survivor=survivor,
                    merged=merged,
                    officer=owner,
                    survivor_version=survivor.version,
                    merged_version=merged.version,
                )


def test_merge_needs_the_officer_on_both_cases(actors, network):
    owner, outsider = actors["owner"], actors["outsider"]
    de_only = de_case(owner, "p/1")
    nl_only = open_case(outsider, "https://a-video.test/v/1", jurisdiction="NL", now=T0)
    with writes_nothing(de_only, nl_only), pytest.raises(PermissionDenied):
        case_merge(
            survivor=de_only, merged=nl_only, officer=owner, survivor_version=1, merged_version=1
        )


def test_the_timeline_follows_a_chain_of_merges(actors):
    owner = actors["owner"]
    first, second, third = (de_case(owner, f"p/{n}") for n in (1, 2, 3))
    case_merge(survivor=second, merged=first, officer=owner, survivor_version=1, merged_version=1)
    case_merge(survivor=third, merged=second, officer=owner, survivor_version=1, merged_version=2)
    assert set(first.items.values_list("id", flat=True)) == set()
    assert third.items.count() == 3
    # The first case's work is now in the third: so is its history.
    ids = set(case_timeline(third).values_list("case_id", flat=True))
    assert ids == {first.pk, second.pk, third.pk}


# --- Split --------------------------------------------------------------------------


def test_split_moves_items_into_a_new_case_whose_clocks_run_from_the_original_report(
    actors, network
):
    owner = actors["owner"]
    case = open_case(
        owner,
        "https://b-social.test/p/1",
        "https://b-social.test/p/2",
        "https://a-video.test/v/3",
        now=T0,
    )
    original = clocks(case)
    chosen = case.items.get(domain="a-video.test")
    at = T0 + timedelta(hours=30)

    new_case = case_split(case=case, items=[chosen], officer=owner, expected_version=1, now=at)

    assert new_case.pk != case.pk and new_case.reference != case.reference
    assert new_case.reference.startswith(f"TD-{at.year}-")
    assert list(new_case.items.values_list("id", flat=True)) == [chosen.pk]
    assert set(case.items.values_list("domain", flat=True)) == {"b-social.test"}
    assert new_case.lead_desk == case.lead_desk
    assert sorted(new_case.participants.values_list("desk", "role")) == sorted(
        case.participants.values_list("desk", "role")
    )
    assert (new_case.status, new_case.created_at, new_case.acute) == (CaseStatus.NEW, T0, False)
    assert fresh(case).version == 2

    split_clocks = clocks(new_case)
    assert set(split_clocks) == {DeadlineKind.ASSESSMENT, DeadlineKind.FINAL_ORDER}
    for kind, deadline in split_clocks.items():
        assert deadline.started_at == T0  # splitting does not buy time
        assert deadline.due_at == original[kind].due_at
        assert deadline.case_id == new_case.pk
    assert fresh(new_case).queue_due_at == T0 + timedelta(hours=48)
    # The original keeps its own clocks.
    assert {k: d.pk for k, d in clocks(case).items()} == {k: d.pk for k, d in original.items()}

    split = events(case, "case.split").get()
    assert split.data == {
        "from": "new",
        "to": "new",
        "new_case": new_case.reference,
        "items": [chosen.pk],
    }
    opened = events(new_case, "case.opened").get()
    assert opened.data["split_from"] == case.reference and opened.occurred_at == at


def test_a_split_from_an_assigned_acute_case_keeps_the_assignee_and_short_clocks(actors):
    owner = actors["owner"]
    case = de_case(owner, "p/1", "p/2", acute=True)
    case_assign(case=case, officer=owner, assignee=owner, expected_version=1)
    new_case = case_split(
        case=case, items=[case.items.order_by("id").last()], officer=owner, expected_version=2
    )
    assert (new_case.status, new_case.assignee, new_case.acute) == (CaseStatus.TRIAGE, owner, True)
    running = clocks(new_case)
    assert running[DeadlineKind.ASSESSMENT].due_at == T0 + timedelta(hours=24)
    assert all(d.assignee == owner for d in running.values())


def test_split_refuses_all_items_no_items_and_items_of_another_case(actors):
    owner = actors["owner"]
    case = de_case(owner, "p/1", "p/2")
    other = de_case(owner, "p/3")
    foreign = other.items.get()
    for chosen in (list(case.items.all()), [], [foreign], [case.items.first(), foreign]):
        with writes_nothing(case, other), pytest.raises(ValidationFailed) as caught:
            case_split(case=case, items=chosen, officer=owner, expected_version=1)
        assert "items" in caught.value.fields


def test_a_closed_case_cannot_be_split(actors):
    owner = actors["owner"]
    case = de_case(owner, "p/1", "p/2")
    case_close_not_illegal(case=case, officer=owner, reason="synthetic", expected_version=1)
    with writes_nothing(case), pytest.raises(InvalidTransition):
        case_split(case=case, items=[case.items.first()], officer=owner, expected_version=2)


# --- Order requests -----------------------------------------------------------------


@pytest.fixture
def prosecutors(network):
    """Two prosecution authorities in DE (the first binds), one in NL."""
    return {
        "de": AuthorityFactory(
            jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR, name="DE prosecution"
        ),
        "de_other": AuthorityFactory(
            jurisdiction=network["de"], kind=AuthorityKind.PROSECUTOR, name="DE prosecution 2"
        ),
        "nl": AuthorityFactory(
            jurisdiction=network["nl"], kind=AuthorityKind.PROSECUTOR, name="NL prosecution"
        ),
    }


def assessed_de_case(owner, *paths) -> Case:
    case = de_case(owner, *paths)
    assess(case, owner)
    return fresh(case)


def test_an_order_request_goes_to_the_lead_jurisdictions_prosecutors(actors, network, prosecutors):
    owner = actors["owner"]
    case = assessed_de_case(owner, "p/1", "p/2")
    items = list(case.items.all())
    at = T0 + timedelta(hours=4)
    request = order_request_create(
        case=case,
        officer=owner,
        platform=network["platform_b"],
        items=items,
        note="Synthetic request",
        expected_version=case.version,
        now=at,
    )
    assert request.authority == prosecutors["de"]
    assert request.authority.kind == AuthorityKind.PROSECUTOR
    assert (request.status, request.requested_by, request.platform, request.created_at) == (
        OrderRequestStatus.OPEN,
        owner,
        network["platform_b"],
        at,
    )
    assert set(request.items.all()) == set(items)
    assert request.note == "Synthetic request"
    stored = fresh(case)
    assert (stored.status, stored.version) == (CaseStatus.ACTION, case.version + 1)
    event = events(case, "case.order_requested").get()
    assert event.data == {
        "from": "assessed",
        "to": "action",
        "request": request.pk,
        "authority": "DE prosecution",
        "platform": network["platform_b"].name,
        "items": [i.pk for i in items],
    }
    assert event.occurred_at == at

    # The prosecutor has these items now: the same request again is refused, and the
    # queue still lists the case once (the defect was a second, never-settled request).
    with writes_nothing(stored), pytest.raises(InvalidTransition, match="already has"):
        order_request_create(
            case=stored,
            officer=owner,
            platform=network["platform_b"],
            items=items[:1],
            expected_version=stored.version,
        )
    assert OrderRequest.objects.filter(case=case).count() == 1


def test_the_lead_desks_jurisdiction_not_the_platforms_decides_the_prosecutor(
    actors, network, prosecutors
):
    # NL leads (platform A is in NL); the request goes to NL's prosecutors.
    owner = actors["owner"]
    case = open_case(owner, "https://a-video.test/v/1", now=T0)
    assess(case, owner)
    case = fresh(case)
    request = order_request_create(
        case=case,
        officer=owner,
        platform=network["platform_a"],
        items=list(case.items.all()),
        expected_version=case.version,
    )
    assert request.authority == prosecutors["nl"]


@pytest.mark.parametrize("assigned", [False, True])
def test_only_an_assessed_case_can_be_sent_to_a_prosecutor(actors, network, prosecutors, assigned):
    owner = actors["owner"]
    case = de_case(owner)
    if assigned:
        case_assign(case=case, officer=owner, assignee=owner, expected_version=1)
    case = fresh(case)
    with writes_nothing(case), pytest.raises(InvalidTransition):
        order_request_create(
            case=case,
            officer=owner,
            platform=network["platform_b"],
            items=list(case.items.all()),
            expected_version=case.version,
        )
    assert not events(case, "case.order_requested").exists()


def test_a_case_found_legal_everywhere_cannot_be_sent_to_a_prosecutor(actors, network, prosecutors):
    owner = actors["owner"]
    case = de_case(owner)
    assess(case, owner, classification=Classification.ILLEGAL_NONE)
    case = fresh(case)
    assert case.status == CaseStatus.ASSESSED
    with writes_nothing(case), pytest.raises(InvalidTransition):
        order_request_create(
            case=case,
            officer=owner,
            platform=network["platform_b"],
            items=list(case.items.all()),
            expected_version=case.version,
        )


def test_the_items_must_be_of_the_case_and_on_the_chosen_platform(actors, network, prosecutors):
    owner = actors["owner"]
    case = open_case(
        owner, "https://b-social.test/p/1", "https://a-video.test/v/1", now=T0
    )  # a coalition: NL leads
    assess(case, owner)
    case = fresh(case)
    on_b = case.items.get(platform=network["platform_b"])
    on_a = case.items.get(platform=network["platform_a"])
    elsewhere = assessed_de_case(owner, "p/9").items.get()
    for platform, items in (
        (network["platform_b"], [on_a]),
        (network["platform_b"], [on_b, on_a]),
        (network["platform_b"], []),
        (network["platform_b"], [elsewhere]),
    ):
        with writes_nothing(case), pytest.raises(ValidationFailed) as caught:
            order_request_create(
                case=case,
                officer=owner,
                platform=platform,
                items=items,
                expected_version=case.version,
            )
        assert "items" in caught.value.fields


def test_an_item_already_removed_needs_no_order(actors, network, prosecutors):
    owner = actors["owner"]
    case = assessed_de_case(owner, "p/1", "p/2")
    removed = case.items.order_by("id").first()
    # Test setup: what a platform's outcome report would have recorded.
    ReportedItem.objects.filter(pk=removed.pk).update(status=ItemStatus.REMOVED)
    with writes_nothing(case), pytest.raises(InvalidTransition, match="no longer online"):
        order_request_create(
            case=case,
            officer=owner,
            platform=network["platform_b"],
            items=list(case.items.all()),
            expected_version=case.version,
        )


def test_without_a_prosecution_authority_no_request_is_made(actors, network):
    owner = actors["owner"]
    AuthorityFactory(jurisdiction=network["nl"], kind=AuthorityKind.PROSECUTOR)  # wrong one
    case = assessed_de_case(owner)
    with writes_nothing(case), pytest.raises(InvalidTransition, match="prosecution"):
        order_request_create(
            case=case,
            officer=owner,
            platform=network["platform_b"],
            items=list(case.items.all()),
            expected_version=case.version,
        )


def test_only_a_desk_leading_both_cases_merges_them(actors, network):
    """A participant cannot fold its own case (and its desks) into another lead's case,
    nor the other way round: the desks of a merged case come along."""
    nl_case = open_case(actors["outsider"], "https://a-video.test/v/m", jurisdiction="NL")
    de_led = open_case(actors["outsider"], "https://b-social.test/p/m", jurisdiction="NL")
    assert nl_case.lead_desk == network["desk_nl"] and de_led.lead_desk == network["desk_de"]
    for survivor, merged in ((de_led, nl_case), (nl_case, de_led)):
        with writes_nothing(survivor), pytest.raises(PermissionDenied):
            case_merge(
                survivor=survivor,
                merged=merged,
                officer=actors["outsider"],
                survivor_version=None,
                merged_version=None,
            )
