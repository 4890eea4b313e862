"""Joining a case grants nothing by itself; senders speak only for their own jurisdiction.

Through the real entry points: the report form, the partner and platform APIs, the join
pages and the evidence pages.
"""

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from cases.choices import JoinStatus
from cases.models import BulkImport, CaseParticipant, JoinRequest, Report
from deadlines.choices import DeadlineKind, DeadlineState
from deadlines.models import Deadline
from evidence import services as evidence
from evidence.choices import CustodyAction
from evidence.models import EvidenceItem
from liaison.choices import AuthorityKind
from liaison.keys import authority_key_create
from liaison.models import Agreement
from takedown.core.models import AuditEvent, User
from tests.cases.factories import open_case, submit
from tests.conftest import login
from tests.evidence.conftest import synthetic_png
from tests.liaison.factories import (
    AuthorityFactory,
    DeskFactory,
    JurisdictionFactory,
    api_key_for,
    officer_of,
)

pytestmark = pytest.mark.django_db

URL = "https://b-social.test/p/shared-secret"


def _with_content_permission(user) -> User:
    user.user_permissions.add(Permission.objects.get(codename="view_evidence_content"))
    return User.objects.get(pk=user.pk)  # a fresh permission cache


@pytest.fixture
def led(actors):
    """A DE-led case with a package holding one file; the NL officer may read content
    wherever the rules let them."""
    owner = _with_content_permission(actors["owner"])
    case = open_case(owner, URL)
    package = evidence.package_create(case=case, officer=owner, source_url=URL)
    response = login(owner).post(
        f"/evidence/{package.reference}/upload/",
        {"file": SimpleUploadedFile("c.png", synthetic_png())},
    )
    assert response.status_code == 302
    outsider = _with_content_permission(actors["outsider"])
    file_id = EvidenceItem.objects.get(package=package).file_id
    return owner, outsider, case, package, file_id


def _reads_evidence(officer, package, file_id) -> bool:
    client = login(officer)
    page = client.get(f"/evidence/{package.reference}/").status_code
    download = client.post(f"/evidence/files/{file_id}/download/", {"reason": "review"})
    assert (page == 200) == (download.status_code == 200), (page, download.status_code)
    return page == 200


def test_a_matching_report_links_the_case_but_grants_nothing(led, network):
    owner, outsider, case, package, file_id = led
    response = login(outsider).post(
        "/cases/new/",
        {"source": "law_enforcement", "reporting_jurisdiction": "NL", "items": URL},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert case.reference in page and "led by DE" in page  # told reference and lead only

    join = JoinRequest.objects.get(case=case)
    assert join.status == JoinStatus.PENDING and join.desk == network["desk_nl"]
    assert not CaseParticipant.objects.filter(case=case, desk=network["desk_nl"]).exists()
    assert login(outsider).get(f"/cases/{case.reference}/").status_code == 404
    assert not _reads_evidence(outsider, package, file_id)

    # The lead desk sees the request with a clock it answers for.
    clock = Deadline.objects.get(kind=DeadlineKind.JOIN_DECISION)
    assert clock.responsible_desk == network["desk_de"] and clock.case_id == case.pk
    assert clock.state == DeadlineState.OPEN
    lead_page = login(owner).get(f"/cases/{case.reference}/").content.decode()
    assert "data-join-requests" in lead_page and "NL desk" in lead_page
    # The asking desk sees its request on the joins page: reference and lead only.
    asked = login(outsider).get("/cases/joins/")
    assert asked.status_code == 200
    assert case.reference in asked.content.decode()
    assert f"/cases/{case.reference}/" not in asked.content.decode()


def test_the_lead_lets_the_desk_in_and_evidence_still_needs_a_share(led, network):
    owner, outsider, case, package, file_id = led
    submit(outsider, URL, jurisdiction="NL")
    join = JoinRequest.objects.get(case=case)

    # Only the lead desk decides: to anyone else the request does not exist.
    assert (
        login(outsider).post(f"/cases/joins/{join.pk}/decide/", {"decision": "accept"}).status_code
        == 404
    )
    response = login(owner).post(f"/cases/joins/{join.pk}/decide/", {"decision": "accept"})
    assert response.status_code == 302
    join.refresh_from_db()
    assert join.status == JoinStatus.ACCEPTED and join.decided_by == owner
    assert CaseParticipant.objects.filter(case=case, desk=network["desk_nl"]).exists()
    assert Deadline.objects.get(kind=DeadlineKind.JOIN_DECISION).state == DeadlineState.MET
    assert login(outsider).get(f"/cases/{case.reference}/").status_code == 200
    assert not _reads_evidence(outsider, package, file_id)  # membership alone: no content

    shared = login(owner).post(
        f"/evidence/{package.reference}/share/",
        {"desk": network["desk_nl"].pk, "reason": "joint investigation"},
    )
    assert shared.status_code == 302
    event = package.custody_events.order_by("-sequence").filter(action=CustodyAction.GRANTED).get()
    assert event.details["desk"] == "NL desk" and event.reason == "joint investigation"
    assert evidence.verify_chain(package) is None
    assert _reads_evidence(outsider, package, file_id)

    share = package.shares.get()
    withdrawn = login(owner).post(
        f"/evidence/{package.reference}/shares/{share.pk}/withdraw/", {"reason": "done"}
    )
    assert withdrawn.status_code == 302
    assert package.custody_events.filter(action=CustodyAction.REVOKED).count() == 1
    assert not _reads_evidence(outsider, package, file_id)


def test_only_the_lead_desk_shares_and_only_with_a_desk_of_the_case(led, network):
    owner, _outsider, _case, package, _file_id = led
    before = package.custody_events.count()
    # NL is not on the case: it is not a choice, and nothing is written.
    response = login(owner).post(
        f"/evidence/{package.reference}/share/",
        {"desk": network["desk_nl"].pk, "reason": "x"},
    )
    assert response.status_code == 302
    assert package.shares.count() == 0 and package.custody_events.count() == before


def test_a_declined_desk_stays_out(led, network):
    owner, outsider, case, _package, _file_id = led
    submit(outsider, URL, jurisdiction="NL")
    join = JoinRequest.objects.get(case=case)
    login(owner).post(
        f"/cases/joins/{join.pk}/decide/", {"decision": "decline", "reason": "not needed"}
    )
    join.refresh_from_db()
    assert join.status == JoinStatus.DECLINED and join.reason == "not needed"
    assert login(outsider).get(f"/cases/{case.reference}/").status_code == 404
    assert AuditEvent.objects.filter(action="join.declined").count() == 1
    assert "not needed" in login(outsider).get("/cases/joins/").content.decode()


def test_an_agreement_can_let_the_desks_of_its_parties_in_at_once(led, network):
    _owner, outsider, case, package, file_id = led
    agreement = Agreement.objects.create(
        name="DE–NL (test)", valid_from=date(2020, 1, 1), joins_without_acceptance=True
    )
    agreement.parties.set([network["de"], network["nl"]])
    submit(outsider, URL, jurisdiction="NL")
    assert not JoinRequest.objects.exists()
    assert login(outsider).get(f"/cases/{case.reference}/").status_code == 200
    assert not _reads_evidence(outsider, package, file_id)  # content still needs a share


# --- The reporting jurisdiction is the sender's own ----------------------------------------


def test_an_officer_cannot_report_for_another_jurisdiction(actors):
    client = login(actors["owner"])  # the DE desk
    form = client.get("/cases/new/").context["form"]
    assert [j.code for j in form.fields["reporting_jurisdiction"].queryset] == ["DE"]
    response = client.post(
        "/cases/new/",
        {"source": "law_enforcement", "reporting_jurisdiction": "NL", "items": URL},
    )
    assert response.status_code == 400
    assert "reporting_jurisdiction" in response.context["form"].errors
    assert not Report.objects.exists()


def test_an_officer_on_two_jurisdictions_desks_chooses_among_their_own(network):
    officer = officer_of(network["desk_de"], username="both")
    officer.desks.add(network["desk_nl"])
    form = login(officer).get("/cases/new/").context["form"]
    assert sorted(j.code for j in form.fields["reporting_jurisdiction"].queryset) == ["DE", "NL"]
    result = submit(officer, URL, jurisdiction="NL")
    assert result.report.reporting_jurisdiction_id == "NL"


@pytest.fixture
def nl_hotline(network):
    return AuthorityFactory(jurisdiction=network["nl"], kind=AuthorityKind.HOTLINE)


def _api(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_partner_reports_for_its_own_jurisdiction_only(nl_hotline):
    api = _api(api_key_for(partner=nl_hotline))
    body = {"source": "hotline", "items": [{"url": URL}]}
    refused = api.post("/api/v1/reports/", {**body, "reporting_jurisdiction": "DE"}, format="json")
    assert refused.status_code == 400
    problem = refused.json()
    assert problem["code"] == "validation_failed"
    assert "NL" in problem["errors"]["reporting_jurisdiction"][0]
    assert not Report.objects.exists()

    accepted = api.post("/api/v1/reports/", body, format="json")  # defaults to its own
    assert accepted.status_code == 201, accepted.json()
    assert Report.objects.get().reporting_jurisdiction_id == "NL"

    csv = SimpleUploadedFile("r.csv", f"url\n{URL}/2\n".encode(), content_type="text/csv")
    bulk = api.post(
        "/api/v1/reports/bulk/",
        {"file": csv, "source": "hotline", "reporting_jurisdiction": "DE"},
        format="multipart",
    )
    assert bulk.status_code == 400 and "reporting_jurisdiction" in bulk.json()["errors"]
    assert not BulkImport.objects.exists()


def test_a_platform_reports_for_its_establishment_only(network):
    fr = JurisdictionFactory(code="FR", name="France")
    DeskFactory(authority=AuthorityFactory(jurisdiction=fr))
    api = _api(api_key_for(platform=network["platform_a"]))  # established in NL
    body = {"items": [{"url": "https://a-video.test/v/self"}]}
    refused = api.post("/api/v1/reports/", {**body, "reporting_jurisdiction": "FR"}, format="json")
    assert refused.status_code == 400
    assert api.post("/api/v1/reports/", body, format="json").status_code == 201


# --- A NUL character in an imported CSV: a clear refusal, nothing written ----------------


def test_a_csv_with_a_nul_character_is_refused_in_the_form_and_the_api(actors, nl_hotline):
    body = f"url\n{URL}/nul\x00\n".encode()
    page = login(actors["owner"]).post(
        "/cases/import/",
        {
            "file": SimpleUploadedFile("nul.csv", body, content_type="text/csv"),
            "source": "hotline",
            "reporting_jurisdiction": "DE",
        },
    )
    assert page.status_code == 400 and "NUL" in str(page.context["form"].errors)
    api = _api(api_key_for(partner=nl_hotline))
    response = api.post(
        "/api/v1/reports/bulk/",
        {"file": SimpleUploadedFile("nul.csv", body, content_type="text/csv"), "source": "hotline"},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_csv"
    assert not BulkImport.objects.exists() and not Report.objects.exists()


def test_a_desk_holding_a_share_cannot_pass_the_evidence_on(led, network):
    """Where evidence goes is the lead desk's decision: a shared desk may read it, not
    transfer or export it; and the MLA form describes only packages the desk holds."""
    owner, outsider, case, package, _file_id = led
    submit(outsider, URL, jurisdiction="NL")
    login(owner).post(
        f"/cases/joins/{JoinRequest.objects.get(case=case).pk}/decide/", {"decision": "accept"}
    )
    evidence.package_update(
        package=package,
        officer=owner,
        collection_method="Screen capture",
        collection_tool="Capture 1.0 (test)",
        captured_at=timezone.now(),
        hosting_provider="Example hosting (test)",
        provenance="Synthetic",
        legal_basis="Art. 3 (demo)",
        classification="illegal_all",
    )
    authority_key_create(authority=owner.authority)
    evidence.package_seal(package=package, officer=owner)
    mla_page = login(outsider).get(f"/cases/{case.reference}/mla/new/")
    assert package.reference not in mla_page.content.decode()  # not held: not described
    evidence.package_share(package=package, officer=owner, desk=network["desk_nl"], reason="x")
    before = package.custody_events.count()
    outsider = User.objects.get(pk=outsider.pk)
    outsider.user_permissions.add(Permission.objects.get(codename="export_evidence"))
    client = login(User.objects.get(pk=outsider.pk))
    page = client.get(f"/evidence/{package.reference}/")
    assert page.status_code == 200 and not page.context["can_transfer"]
    assert not page.context["can_export"]
    fr = AuthorityFactory(jurisdiction=JurisdictionFactory(code="FR", name="France"))
    refused = client.post(
        f"/evidence/{package.reference}/transfer/", {"to_authority": fr.pk, "reason": "on"}
    )
    assert refused.status_code == 403
    assert package.custody_events.count() == before and package.shares.count() == 1
    assert (
        package.reference
        in login(outsider).get(f"/cases/{case.reference}/mla/new/").content.decode()
    )


def test_an_agreement_no_longer_in_force_lets_nobody_in(led, network):
    _owner, outsider, case, _package, _file_id = led
    ended = Agreement.objects.create(
        name="DE–NL, ended (test)",
        valid_from=date(2020, 1, 1),
        valid_until=date(2021, 1, 1),
        joins_without_acceptance=True,
    )
    ended.parties.set([network["de"], network["nl"]])
    submit(outsider, URL, jurisdiction="NL")
    assert JoinRequest.objects.get(case=case).status == JoinStatus.PENDING
    assert login(outsider).get(f"/cases/{case.reference}/").status_code == 404
