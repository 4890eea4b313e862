from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from cases.choices import MLAStatus
from cases.models import VictimMessage
from cases.services import handover, victims
from cases.services import mla as mla_services
from deadlines.choices import DeadlineKind, DeadlineState
from deadlines.models import Deadline, Escalation, Notification
from deadlines.services import sweep_due
from takedown.core.errors import PermissionDenied, ValidationFailed
from takedown.core.models import AuditEvent
from tests.cases.factories import open_case
from tests.liaison.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mla_case(actors):
    return open_case(actors["owner"], "https://b-social.test/p/mla")  # DE leads


def draft(case, actors, network, **kwargs):
    defaults = {
        "kind": "production",
        "urgency": "standard",
        "legal_basis": "Art. 18 Budapest Convention (demo)",
        "description": "Subscriber data for the uploader (synthetic).",
    }
    return mla_services.mla_create(
        case=case,
        requester=actors["owner"],
        requested_authority=network["desk_nl"].authority,
        items=list(case.items.all()),
        **{**defaults, **kwargs},
    )


def test_mla_round_trip_with_clock_stop(mla_case, actors, network):
    t0 = timezone.now()
    request = mla_services.mla_send(
        request=draft(mla_case, actors, network), actor=actors["owner"], now=t0
    )
    clock = Deadline.objects.get(subject_id=request.pk, kind=DeadlineKind.MLA_RESPONSE)
    assert clock.responsible_authority == network["desk_nl"].authority
    assert clock.due_at - t0 >= timedelta(days=10)
    nl_officer = actors["outsider"]
    mla_services.mla_respond(
        request=request,
        responder=nl_officer,
        action="info_requested",
        text="Which account?",
        now=t0 + timedelta(hours=2),
    )
    clock.refresh_from_db()
    assert clock.state == DeadlineState.PAUSED
    with pytest.raises(PermissionDenied):
        mla_services.mla_reply(request=request, requester=nl_officer, text="?")
    mla_services.mla_reply(
        request=request, requester=actors["owner"], text="Account 1.", now=t0 + timedelta(hours=5)
    )
    clock.refresh_from_db()
    assert clock.state == DeadlineState.OPEN
    request = mla_services.mla_respond(
        request=request,
        responder=nl_officer,
        action="answered",
        text="Data attached (synthetic).",
        now=t0 + timedelta(days=1),
    )
    clock.refresh_from_db()
    assert request.status == MLAStatus.ANSWERED and clock.state == DeadlineState.MET
    assert list(request.messages.values_list("kind", flat=True)) == [
        "info_requested",
        "sent",
        "answered",
    ]


def test_emergency_mla_escalates_along_the_requested_desk(mla_case, actors, network):
    ContactFactory(desk=network["desk_nl"], position=0, name="NL duty")
    t0 = timezone.now()
    request = mla_services.mla_send(
        request=draft(mla_case, actors, network, urgency="emergency"), actor=actors["owner"], now=t0
    )
    clock = Deadline.objects.get(subject_id=request.pk, kind=DeadlineKind.MLA_RESPONSE)
    assert clock.due_at - t0 == timedelta(hours=8)
    sweep_due(now=t0 + timedelta(hours=8, minutes=1))
    assert Escalation.objects.get(deadline=clock, level=1).contact.name == "NL duty"


def test_the_same_data_requested_twice_is_linked_not_sent(mla_case, actors, network):
    first = mla_services.mla_send(request=draft(mla_case, actors, network), actor=actors["owner"])
    second = mla_services.mla_send(
        request=draft(mla_case, actors, network), actor=actors["colleague"]
    )
    assert second.duplicate_of == first and second.status == MLAStatus.WITHDRAWN
    assert not Deadline.objects.filter(
        subject_id=second.pk, kind=DeadlineKind.MLA_RESPONSE
    ).exists()


def test_preservation_needs_a_date_and_holds_evidence(mla_case, actors, network):
    with pytest.raises(ValidationFailed) as caught:
        draft(mla_case, actors, network, kind="preservation")
    assert "preserve_until" in caught.value.fields
    request = draft(
        mla_case,
        actors,
        network,
        kind="preservation",
        preserve_until=date.today() + timedelta(days=90),
        preservation_scope="Account data and uploads",
    )
    mla_services.mla_send(request=request, actor=actors["owner"])
    from evidence.retention import under_hold
    from evidence.services import package_create

    package = package_create(
        case=mla_case, officer=actors["owner"], source_url="https://b-social.test/p/mla"
    )
    assert under_hold(package, timezone.now())


def test_handover_moves_the_lead_and_its_clocks(mla_case, actors, network):
    handover.case_handover(
        case=mla_case,
        officer=actors["owner"],
        to_desk=network["desk_nl"],
        reason="NL has the suspect",
    )
    mla_case.refresh_from_db()
    assert mla_case.lead_desk == network["desk_nl"]
    roles = dict(mla_case.participants.values_list("desk__name", "role"))
    assert roles == {"DE desk": "participant", "NL desk": "lead"}
    assert set(
        Deadline.objects.filter(case_id=mla_case.pk).values_list(
            "responsible_desk__name", flat=True
        )
    ) == {"NL desk"}
    assert AuditEvent.objects.filter(action="case.handed_over").exists()
    with pytest.raises(PermissionDenied):  # the DE desk no longer leads
        handover.case_handover(
            case=mla_case, officer=actors["owner"], to_desk=network["desk_de"], reason="back"
        )


@pytest.fixture
def victim_officer(actors):
    officer = actors["owner"]
    officer.user_permissions.add(Permission.objects.get(codename="view_victim_data"))
    return officer


def test_rule_preference_conflict_needs_a_recorded_decision(mla_case, victim_officer, network):
    network["de"].victim_notification_rule = "privacy_first"
    network["de"].save()
    kwargs = {
        "case": mla_case,
        "officer": victim_officer,
        "pseudonym": "V-1 (synthetic)",
        "preference": "direct",
        "contact_details": "v1@example.org",
    }
    with pytest.raises(ValidationFailed) as caught:
        victims.victim_notice_create(**kwargs)
    assert "privacy first" in caught.value.fields["decision"][0]
    notice = victims.victim_notice_create(
        **kwargs,
        decision="follow_preference",
        decision_reason="Adult survivor asked for direct contact.",
    )
    assert notice.conflict_decision == "follow_preference"
    event = AuditEvent.objects.get(action="victim.notice_recorded")
    assert "V-1" not in str(event.data) and "v1@example.org" not in str(event.data)


def test_opt_out_means_nothing_is_ever_sent(mla_case, victim_officer):
    victims.victim_notice_create(
        case=mla_case, officer=victim_officer, pseudonym="V-2", preference="opt_out"
    )
    direct = victims.victim_notice_create(
        case=mla_case,
        officer=victim_officer,
        pseudonym="V-3",
        preference="direct",
        contact_details="v3@example.org",
    )
    drafts = victims.victim_milestone(case=mla_case, milestone="content_removed")
    assert [d.notice for d in drafts] == [direct]
    assert VictimMessage.objects.count() == 1 and not Notification.objects.exists()
    victims.victim_message_review(message=drafts[0], officer=victim_officer, approve=True)
    notification = Notification.objects.get()
    assert (
        notification.recipient == "v3@example.org" and "removed" in notification.payload["message"]
    )


def test_a_notice_is_written_in_the_victims_language_not_the_officers(mla_case, victim_officer):
    from django.utils import translation

    victims.victim_notice_create(
        case=mla_case,
        officer=victim_officer,
        pseudonym="V-5",
        preference="direct",
        contact_details="v5@example.org",
        language="nl",
    )
    with translation.override("de"):  # the officer works in German
        (draft,) = victims.victim_milestone(case=mla_case, milestone="content_removed")
        victims.victim_message_review(message=draft, officer=victim_officer, approve=True)
    with translation.override("nl"):
        dutch_body = str(victims.MILESTONES["content_removed"])
        dutch_subject = translation.gettext("Information about your case")
    assert dutch_body != str(victims.MILESTONES["content_removed"])  # English here
    notification = Notification.objects.get()
    assert notification.payload["message"] == dutch_body
    assert notification.subject == dutch_subject


def test_only_lead_desk_officers_with_the_permission_see_victims(mla_case, victim_officer, actors):
    victims.victim_notice_create(
        case=mla_case, officer=victim_officer, pseudonym="V-4", preference="opt_out"
    )
    with pytest.raises(PermissionDenied):
        victims.victim_notices_read(case=mla_case, officer=actors["colleague"])  # no permission
    assert len(victims.victim_notices_read(case=mla_case, officer=victim_officer)) == 1
    assert AuditEvent.objects.filter(action="victim.data_viewed", actor=victim_officer).count() == 1


def test_the_requested_desk_answers_with_a_document_stored_as_evidence(mla_case, actors, network):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence.choices import CustodyAction
    from evidence.models import EvidenceItem
    from tests.conftest import login

    request = mla_services.mla_send(request=draft(mla_case, actors, network), actor=actors["owner"])
    nl = login(actors["outsider"])
    # An outsider to the request cannot attach anything, and nothing is stored.
    assert login(actors["colleague"]).post(
        f"/evidence/mla/{request.pk}/documents/",
        {"file": SimpleUploadedFile("records.csv", b"account,created\n1,2026-01-01\n")},
    ).status_code in (403, 404)
    response = nl.post(
        f"/evidence/mla/{request.pk}/documents/",
        {"file": SimpleUploadedFile("records.csv", b"account,created\nsynthetic-1,2026-01-01\n")},
    )
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    package = item.package
    assert package.collecting_authority == network["desk_nl"].authority
    assert list(package.mla_requests.all()) == [request]
    assert mla_case.participants.filter(desk=network["desk_nl"]).exists()  # now a coalition
    assert package.custody_events.get().action == CustodyAction.COLLECTED
    page = login(actors["owner"]).get(f"/mla/{request.pk}/").content.decode()
    assert package.reference in page
