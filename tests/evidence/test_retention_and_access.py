"""Retention (purge after the lead jurisdiction's period, legal hold and preservation
requests stop the clock, the daily task), who may see and read evidence, and transfers
between desks of different jurisdictions."""

import io
import os
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from cases.models import MLARequest
from evidence import services
from evidence.choices import CustodyAction, PackageStatus
from evidence.models import EvidenceItem
from evidence.retention import purge_expired
from evidence.tasks import purge_expired_evidence
from takedown.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from takedown.core.models import AuditEvent
from tests.conftest import login
from tests.evidence.conftest import synthetic_png
from tests.liaison.factories import UserFactory

pytestmark = pytest.mark.django_db

PNG = synthetic_png(seed=71)
LOG = b"".join(
    f"2026-03-01T10:{i // 60:02d}:{i % 60:02d}Z capture step {i} ok (synthetic)\n".encode()
    for i in range(120)
)


def upload(client, package, data: bytes, name: str):
    response = client.post(
        f"/evidence/{package.reference}/upload/", {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 302


def download(client, item, reason: str = "Prepare the court file"):
    return client.post(f"/evidence/files/{item.file_id}/download/", {"reason": reason})


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def flip_middle_byte(item: EvidenceItem) -> None:
    path = storages["evidence"].path(item.storage_name)
    position = os.path.getsize(path) // 2
    with open(path, "r+b") as stored:
        stored.seek(position)
        byte = stored.read(1)
        stored.seek(position)
        stored.write(bytes([byte[0] ^ 0x01]))


@pytest.fixture
def sealed(evidence_officer, package, network):
    network["de"].evidence_retention_days = 30
    network["de"].save()
    client = login(evidence_officer)
    upload(client, package, PNG, "capture.png")
    upload(client, package, LOG, "capture.log")
    assert client.post(f"/evidence/{package.reference}/seal/").status_code == 302
    package.refresh_from_db()
    assert package.status == PackageStatus.SEALED
    return package


def stored_paths(package) -> list[str]:
    storage = storages["evidence"]
    return [storage.path(i.storage_name) for i in package.items.all()]


# --- retention ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # files go when the purge commits
def test_content_is_purged_after_the_retention_period(evidence_officer, sealed):
    items = list(sealed.items.order_by("created_at", "id"))
    digests = [(i.sha256, i.md5, i.size) for i in items]
    paths = stored_paths(sealed)
    assert all(os.path.exists(p) for p in paths)

    assert len(purge_expired(now=sealed.sealed_at + timedelta(days=29)).purged) == 0
    assert all(os.path.exists(p) for p in paths)
    assert sealed.custody_events.filter(action=CustodyAction.PURGED).count() == 0

    when = sealed.sealed_at + timedelta(days=31)
    assert len(purge_expired(now=when).purged) == 1
    assert not any(os.path.exists(p) for p in paths)
    assert not any(storages["evidence"].exists(i.storage_name) for i in items)

    sealed.refresh_from_db()
    assert sealed.purged_at == when
    # Metadata, digests, the seal and the chain are kept.
    assert sealed.source_url and sealed.manifest and services.seal_valid(sealed)
    refreshed = list(sealed.items.order_by("created_at", "id"))
    assert [(i.sha256, i.md5, i.size) for i in refreshed] == digests
    assert all(i.purged_at == when and i.wrapped_key == "" for i in refreshed)
    purged = list(sealed.custody_events.filter(action=CustodyAction.PURGED).order_by("sequence"))
    assert [e.item_digest for e in purged] == [d[0] for d in digests]
    assert purged[-1].sequence == sealed.custody_events.count()  # the chain's last events
    assert services.verify_chain(sealed) is None
    out = io.StringIO()
    call_command("verify_custody", stdout=out)
    assert "1 packages, 0 files verified" in out.getvalue()
    assert AuditEvent.objects.filter(action="evidence.purged", case_id=sealed.case_id).exists()

    client = login(evidence_officer)
    certificate = client.get(f"/evidence/{sealed.reference}/purge-certificate/")
    assert certificate.status_code == 200
    html = certificate.content.decode()
    assert sealed.reference in html and sealed.case.reference in html
    for sha256, md5, _size in digests:
        assert sha256 in html and md5 in html
    case_page = client.get(f"/cases/{sealed.case.reference}/").content.decode()
    assert f"/evidence/{sealed.reference}/purge-certificate/" in case_page

    # Content is gone for good: a download is refused, a second run does nothing.
    response = download(client, refreshed[0])
    assert response.status_code == 302 and not response.streaming
    assert "purged" in messages_of(response)
    assert not sealed.custody_events.filter(action=CustodyAction.DOWNLOADED).exists()
    assert len(purge_expired(now=when + timedelta(days=1)).purged) == 0
    with pytest.raises(InvalidTransition):
        services.package_purge(package=sealed, now=when)


def test_no_purge_certificate_before_a_purge(evidence_officer, sealed):
    response = login(evidence_officer).get(f"/evidence/{sealed.reference}/purge-certificate/")
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)  # files go when the purge commits
def test_a_legal_hold_keeps_the_package_until_lifted_and_the_run_says_why(sealed):
    late = sealed.sealed_at + timedelta(days=365)
    hold = services.hold_place(
        package=sealed, actor="operator:ops", reason="Court order 12/2026", now=sealed.sealed_at
    )
    run = purge_expired(now=late)
    assert run.purged == [] and run.kept == [(sealed.reference, "legal hold: Court order 12/2026")]
    assert "kept 1 past their retention period" in run.summary()
    assert all(os.path.exists(p) for p in stored_paths(sealed))
    sealed.refresh_from_db()
    assert sealed.purged_at is None
    assert not sealed.custody_events.filter(action=CustodyAction.PURGED).exists()
    with pytest.raises(InvalidTransition):
        services.package_purge(package=sealed, now=late)

    services.hold_lift(hold=hold, actor="operator:ops", reason="Proceedings closed", now=late)
    assert purge_expired(now=late).purged == [sealed.reference]
    assert not any(os.path.exists(p) for p in stored_paths(sealed))
    actions = AuditEvent.objects.filter(object_id=str(sealed.pk)).values_list("action", flat=True)
    assert {"evidence.hold_placed", "evidence.hold_lifted", "evidence.purged"} <= set(actions)


def test_a_hold_with_an_end_date_holds_through_that_day(sealed):
    late = sealed.sealed_at + timedelta(days=365)
    services.hold_place(
        package=sealed,
        actor="operator:ops",
        reason="Appeal pending",
        until=late.date(),
        now=sealed.sealed_at,
    )
    assert purge_expired(now=late, dry_run=True).purged == []
    assert purge_expired(now=late + timedelta(days=1), dry_run=True).purged == [sealed.reference]


def test_a_hold_needs_a_reason_and_no_end_date_in_the_past(sealed):
    with pytest.raises(ValidationFailed) as refused:
        services.hold_place(
            package=sealed, actor="operator:ops", reason="  ", until=date(2020, 1, 1)
        )
    assert set(refused.value.fields) == {"reason", "until"}
    assert not sealed.holds.exists()


def test_the_lead_desks_officer_places_and_lifts_a_hold_on_the_page(
    evidence_officer, sealed, nl_officer, network
):
    client = login(evidence_officer)
    page = client.get(f"/evidence/{sealed.reference}/")
    assert b"data-on-hold" not in page.content and b"Place a legal hold" in page.content
    response = client.post(
        f"/evidence/{sealed.reference}/holds/", {"reason": "Court order 7/2026", "until": ""}
    )
    assert response.status_code == 302, response.content
    assert "Legal hold placed" in messages_of(response)
    hold = sealed.holds.get()
    assert (hold.reason, hold.placed_by, hold.until) == (
        "Court order 7/2026",
        evidence_officer.get_username(),
        None,
    )
    page = client.get(f"/evidence/{sealed.reference}/")
    assert b"data-on-hold" in page.content and b"Court order 7/2026" in page.content
    case_page = client.get(f"/cases/{sealed.case.reference}/")
    assert b"legal hold" in case_page.content
    # A refused lift (no reason) changes nothing and says why.
    refused = client.post(f"/evidence/{sealed.reference}/holds/{hold.pk}/lift/", {"reason": ""})
    assert refused.status_code == 302 and "required" in messages_of(refused).lower()
    hold.refresh_from_db()
    assert hold.lifted_at is None
    # Another desk the package is shared with reads it, but the hold is not its decision.
    services.package_share(
        package=sealed, officer=evidence_officer, desk=network["desk_nl"], reason="Joint case"
    )
    other = login(nl_officer)
    assert b"Place a legal hold" not in other.get(f"/evidence/{sealed.reference}/").content
    assert other.post(f"/evidence/{sealed.reference}/holds/", {"reason": "Mine"}).status_code == 403
    assert (
        other.post(
            f"/evidence/{sealed.reference}/holds/{hold.pk}/lift/", {"reason": "Mine"}
        ).status_code
        == 403
    )
    lifted = client.post(
        f"/evidence/{sealed.reference}/holds/{hold.pk}/lift/", {"reason": "Case closed"}
    )
    assert "Legal hold lifted" in messages_of(lifted)
    hold.refresh_from_db()
    assert hold.lifted_by == evidence_officer.get_username() and hold.lift_reason == "Case closed"
    assert b"data-on-hold" not in client.get(f"/evidence/{sealed.reference}/").content


def test_the_operator_places_lists_and_lifts_holds_by_command(sealed):
    out = io.StringIO()
    call_command(
        "legal_hold",
        "place",
        sealed.reference,
        "--reason",
        "Regulator's request",
        "--until",
        "2099-12-31",
        stdout=out,
    )
    hold = sealed.holds.get()
    assert hold.until == date(2099, 12, 31) and hold.placed_by.startswith("operator:")
    out = io.StringIO()
    call_command("legal_hold", "list", stdout=out)
    assert sealed.reference in out.getvalue() and "1 holds in force." in out.getvalue()
    call_command("legal_hold", "lift", sealed.reference, "--reason", "Withdrawn", stdout=out)
    assert services.holds_in_force(sealed).count() == 0
    with pytest.raises(CommandError, match="No hold in force"):
        call_command("legal_hold", "lift", sealed.reference, "--reason", "Again")
    with pytest.raises(CommandError, match="No package"):
        call_command("legal_hold", "place", "EV-NONE", "--reason", "x")
    with pytest.raises(CommandError, match="end date"):
        call_command(
            "legal_hold", "place", sealed.reference, "--reason", "x", "--until", "2001-01-01"
        )


def _preservation(sealed, officer, network, *, status: str, until):
    return MLARequest.objects.create(
        reference=f"MLA-TEST-{status}",
        case=sealed.case,
        requesting_authority=officer.authority,
        requested_authority=network["desk_nl"].authority,
        requested_by=officer,
        kind="preservation",
        status=status,
        legal_basis="Art. 16 (demo)",
        description="Preserve the hosting records (synthetic)",
        preserve_until=until,
        created_at=sealed.sealed_at,
        sent_at=sealed.sealed_at if status != "draft" else None,
    )


@pytest.mark.django_db(transaction=True)  # files go when the purge commits
def test_a_running_preservation_request_holds_the_case_packages(evidence_officer, sealed, network):
    expired = sealed.sealed_at + timedelta(days=31)
    until = (expired + timedelta(days=10)).date()
    _preservation(sealed, evidence_officer, network, status="sent", until=until)
    assert len(purge_expired(now=expired).purged) == 0
    assert all(os.path.exists(p) for p in stored_paths(sealed))
    assert len(purge_expired(now=expired + timedelta(days=9)).purged) == 0
    # Once the preservation period is over, the clock runs again.
    assert len(purge_expired(now=expired + timedelta(days=11)).purged) == 1
    assert not any(os.path.exists(p) for p in stored_paths(sealed))


def test_a_draft_or_withdrawn_preservation_request_does_not_hold(evidence_officer, sealed, network):
    expired = sealed.sealed_at + timedelta(days=31)
    until = (expired + timedelta(days=10)).date()
    _preservation(sealed, evidence_officer, network, status="draft", until=until)
    _preservation(sealed, evidence_officer, network, status="withdrawn", until=until)
    assert len(purge_expired(now=expired).purged) == 1


@pytest.mark.django_db(transaction=True)  # files go when the purge commits
def test_the_daily_task_purges_what_expired(sealed, network):
    network["de"].evidence_retention_days = 0
    network["de"].save()
    assert purge_expired_evidence.run() == 1
    sealed.refresh_from_db()
    assert sealed.purged_at is not None
    assert not any(os.path.exists(p) for p in stored_paths(sealed))
    assert purge_expired_evidence() == 0  # called as a plain function: nothing left


def test_retention_follows_the_lead_jurisdiction(sealed, network):
    network["nl"].evidence_retention_days = 1  # not the case's lead jurisdiction
    network["nl"].save()
    assert len(purge_expired(now=sealed.sealed_at + timedelta(days=2)).purged) == 0


# --- who may see and read ------------------------------------------------------------


@pytest.fixture
def auditor(network):
    return UserFactory(
        username="auditor-de", roles=["auditor"], authority=network["desk_de"].authority
    )


def test_the_officer_with_the_permission_downloads_and_it_is_logged(evidence_officer, sealed):
    item = sealed.items.order_by("created_at", "id").first()
    response = download(login(evidence_officer), item, reason="Court hearing")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG
    event = sealed.custody_events.order_by("-sequence").first()
    assert event.action == CustodyAction.DOWNLOADED and event.actor == evidence_officer
    assert event.reason == "Court hearing" and event.item_digest == item.sha256
    assert AuditEvent.objects.filter(action="evidence.downloaded", actor=evidence_officer).exists()


def test_a_download_needs_a_reason(evidence_officer, sealed):
    item = sealed.items.first()
    response = download(login(evidence_officer), item, reason="  ")
    assert response.status_code == 302 and not response.streaming
    assert not sealed.custody_events.filter(action=CustodyAction.DOWNLOADED).exists()


def test_a_colleague_without_the_permission_gets_403_and_no_event(actors, sealed):
    item = sealed.items.first()
    before = sealed.custody_events.count()
    client = login(actors["colleague"])
    page = client.get(f"/evidence/{sealed.reference}/")
    assert page.status_code == 200  # same desk: sees the package, not the content
    assert f"/evidence/files/{item.file_id}/download/" not in page.content.decode()
    assert download(client, item).status_code == 403
    assert sealed.custody_events.count() == before
    denied = AuditEvent.objects.get(action="auth.denied", actor=actors["colleague"])
    assert denied.data["path"] == f"/evidence/files/{item.file_id}/download/"


def test_an_outsider_gets_404_everywhere(actors, sealed):
    item = sealed.items.first()
    before = sealed.custody_events.count()
    client = login(actors["outsider"])
    assert client.get(f"/evidence/{sealed.reference}/").status_code == 404
    assert download(client, item).status_code == 404
    assert client.post(f"/evidence/{sealed.reference}/seal/").status_code == 404
    assert client.post(f"/evidence/{sealed.reference}/receive/").status_code == 404
    services.package_purge(package=sealed)
    assert client.get(f"/evidence/{sealed.reference}/purge-certificate/").status_code == 404
    assert sealed.custody_events.count() == before + 2  # the purges, nothing of the outsider


def test_an_auditor_sees_the_chain_but_never_the_content(auditor, evidence_officer, sealed):
    download(login(evidence_officer), sealed.items.first())
    client = login(auditor)
    page = client.get(f"/evidence/{sealed.reference}/")
    assert page.status_code == 200
    html = page.content.decode()
    for event in sealed.custody_events.all():
        assert event.hash[:14] in html
    assert "Downloaded" in html and evidence_officer.username in html
    for item in sealed.items.all():
        assert f"/evidence/files/{item.file_id}/download/" not in html
    for action in ("upload", "export", "transfer", "seal", "follow-up"):
        assert f"/evidence/{sealed.reference}/{action}/" not in html
    before = sealed.custody_events.count()
    for item in sealed.items.all():
        assert download(client, item).status_code in (403, 404)
    assert sealed.custody_events.count() == before
    assert not AuditEvent.objects.filter(action="evidence.downloaded", actor=auditor).exists()


def test_an_auditor_of_another_jurisdiction_does_not_see_the_package(network, sealed):
    outsider = UserFactory(roles=["auditor"], authority=network["desk_nl"].authority)
    assert login(outsider).get(f"/evidence/{sealed.reference}/").status_code == 404


# --- transfers --------------------------------------------------------------------------


def test_a_transfer_is_recorded_on_both_sides_with_the_receivers_verification(
    evidence_officer, sealed, nl_officer, network
):
    de_authority, nl_authority = evidence_officer.authority, network["desk_nl"].authority
    services.package_transfer(
        package=sealed, officer=evidence_officer, to_authority=nl_authority, reason="JIT"
    )
    sealed.refresh_from_db()
    assert sealed.status == PackageStatus.SHARED
    assert services.package_receive(package=sealed, officer=nl_officer) == []
    sealed.refresh_from_db()
    assert sealed.status == PackageStatus.RECEIVED

    transferred, received, verified = sealed.custody_events.order_by("sequence")[3:]
    assert transferred.action == CustodyAction.TRANSFERRED
    body = services.custody_event_body(transferred)
    assert body["authority"] == de_authority.name
    assert transferred.details == {
        "to_authority": nl_authority.name,
        "to_authority_id": nl_authority.pk,
        "to_jurisdiction": "NL",
        "shared_with": ["NL desk"],  # the receiving desk may now open the package
    }
    assert sealed.shares.get().desk == network["desk_nl"]
    assert transferred.reason == "JIT"
    assert received.action == CustodyAction.RECEIVED
    assert received.actor == nl_officer and received.authority == nl_authority
    assert verified.action == CustodyAction.VERIFIED and verified.authority == nl_authority
    assert verified.details == {"ok": True, "problems": []}
    assert services.verify_chain(sealed) is None


def test_receive_reports_a_flipped_byte(evidence_officer, sealed, nl_officer, network):
    services.package_transfer(
        package=sealed,
        officer=evidence_officer,
        to_authority=network["desk_nl"].authority,
        reason="JIT",
    )
    item = sealed.items.order_by("created_at", "id").first()
    flip_middle_byte(item)
    response = login(nl_officer).post(f"/evidence/{sealed.reference}/receive/")
    assert response.status_code == 302
    assert "verification FAILED" in messages_of(response)
    assert str(item.file_id) in messages_of(response)
    sealed.refresh_from_db()
    assert sealed.status == PackageStatus.SHARED  # not accepted as received
    verified = sealed.custody_events.order_by("-sequence").first()
    assert verified.action == CustodyAction.VERIFIED and verified.details["ok"] is False
    assert any(str(item.file_id) in p for p in verified.details["problems"])
    assert sealed.custody_events.filter(action=CustodyAction.RECEIVED).count() == 1


def test_a_draft_cannot_be_transferred_and_only_a_transferred_package_is_received(
    evidence_officer, package, nl_officer, network
):
    with pytest.raises(InvalidTransition):
        services.package_transfer(
            package=package,
            officer=evidence_officer,
            to_authority=network["desk_nl"].authority,
            reason="x",
        )
    with pytest.raises(InvalidTransition):
        services.package_receive(package=package, officer=nl_officer)


def test_only_the_authority_it_was_transferred_to_records_its_receipt(
    evidence_officer, actors, sealed, nl_officer, network
):
    """The sender's side cannot write "received" and "verified" into the chain on the
    receiver's behalf: the receipt is the receiving authority's to record."""
    services.package_transfer(
        package=sealed,
        officer=evidence_officer,
        to_authority=network["desk_nl"].authority,
        reason="JIT",
    )
    before = sealed.custody_events.count()
    for sender_side in (evidence_officer, actors["colleague"]):
        with pytest.raises((PermissionDenied, InvalidTransition)):
            services.package_receive(package=sealed, officer=sender_side)
    assert sealed.custody_events.count() == before
    assert services.package_receive(package=sealed, officer=nl_officer) == []


def test_custody_times_are_utc_with_the_offset_and_the_viewers_local_time_beside(
    evidence_officer, sealed
):
    import zoneinfo

    event = sealed.custody_events.order_by("sequence").first()
    utc = event.occurred_at.astimezone(zoneinfo.ZoneInfo("UTC"))
    stamp = utc.strftime("%Y-%m-%d %H:%M:%S")
    evidence_officer.timezone = "UTC"
    evidence_officer.save(update_fields=["timezone"])
    page = login(evidence_officer).get(f"/evidence/{sealed.reference}/").content.decode()
    assert f"{stamp} UTC+00:00</time>" in page and "data-local-time" not in page

    evidence_officer.timezone = "Europe/Berlin"
    evidence_officer.save(update_fields=["timezone"])
    page = login(evidence_officer).get(f"/evidence/{sealed.reference}/").content.decode()
    berlin = event.occurred_at.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    offset = berlin.strftime("%z")
    local = f"{berlin:%Y-%m-%d %H:%M:%S} UTC{offset[:3]}:{offset[3:]} Europe/Berlin"
    assert f"{stamp} UTC+00:00</time>" in page  # the record's time, as stored and hashed
    assert f'<span class="text-body-secondary" data-local-time>({local})</span>' in page


def test_the_holders_see_names_and_full_digests_oversight_sees_digests_only(
    auditor, evidence_officer, sealed
):
    items = list(sealed.items.all())
    holder = login(evidence_officer).get(f"/evidence/{sealed.reference}/").content.decode()
    for item in items:
        assert item.original_name in holder
        assert f'<code class="url-text user-select-all" data-sha256>{item.sha256}</code>' in holder
        assert f'<code class="url-text user-select-all" data-md5>{item.md5}</code>' in holder
    assert sealed.source_url in holder
    assert f"/evidence/{sealed.reference}/case-uco.json" in holder

    client = login(auditor)
    overseen = client.get(f"/evidence/{sealed.reference}/").content.decode()
    for item in items:
        assert item.sha256 in overseen and item.md5 in overseen
        assert item.original_name not in overseen
    assert sealed.source_url not in overseen and "data-particulars-withheld" in overseen
    assert f"/evidence/{sealed.reference}/case-uco.json" not in overseen
    assert client.get(f"/evidence/{sealed.reference}/case-uco.json").status_code == 403


def test_missing_before_sealing_names_the_fields_as_the_form_labels_them(evidence_officer, package):
    bare = services.package_create(
        case=package.case, officer=evidence_officer, source_url="https://b-social.test/p/2"
    )
    page = login(evidence_officer).get(f"/evidence/{bare.reference}/").content.decode()
    missing = page.split("Missing before sealing", 1)[1].split("</div>", 1)[0]
    assert "Collection method" in missing and "a file (or the content" in missing
    assert "collection_method" not in missing and "content_sha256" not in missing


def test_a_purge_leaves_a_signed_certificate_the_offline_verifier_checks(
    evidence_officer, sealed, tmp_path
):
    import json
    import subprocess
    import sys
    from pathlib import Path

    from liaison.keys import current_key

    items = list(sealed.items.order_by("created_at", "id"))
    when = sealed.sealed_at + timedelta(days=31)
    assert purge_expired(now=when).purged == [sealed.reference]
    client = login(evidence_officer)
    page = client.get(f"/evidence/{sealed.reference}/purge-certificate/").content.decode()
    assert f"/evidence/{sealed.reference}/purge-certificate.json" in page
    response = client.get(f"/evidence/{sealed.reference}/purge-certificate.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    files = document["certificate"]["files"]
    assert files == [
        {"file_id": str(i.file_id), "sha256": i.sha256, "md5": i.md5, "size": i.size} for i in items
    ]
    sealed.refresh_from_db()
    head = sealed.custody_events.order_by("-sequence").first()
    assert document["certificate"]["custody_head"] == head.hash  # the purge is in it
    # The personal fields are gone from the package, its files and the stored manifest;
    # the certificate says which, and that the seal verified before they went.
    assert sealed.hosting_ip is None and sealed.provenance == ""
    assert {i.original_name for i in sealed.items.all()} == {""}
    assert sealed.manifest["template"]["provenance"] == ""
    assert sealed.manifest["template"]["hosting_ip"] == ""
    assert document["certificate"]["minimised"] == {
        "package": ["hosting_ip", "provenance"],
        "files": ["original_name"],
    }
    sealed_event = sealed.custody_events.get(action=CustodyAction.SEALED)
    assert document["certificate"]["seal"] == {
        "key_id": sealed.signing_key_id,
        "manifest_sha256": sealed_event.details["manifest_sha256"],
        "valid_at_purge": True,
    }
    certificate = tmp_path / "certificate.json"
    certificate.write_bytes(response.content)
    issuer = tmp_path / "issuer.pub"
    issuer.write_text(current_key(authority=sealed.collecting_authority).public_key)

    def verify(path):
        root = Path(__file__).resolve().parents[2]
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "evidence.verify",
                str(path),
                "--certificate",
                "--trusted-key",
                str(issuer),
            ],
            capture_output=True,
            text=True,
            cwd=root,
            timeout=60,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(root)},
        )

    checked = verify(certificate)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "VERDICT: VERIFIED" in checked.stdout
    assert "cleared at purge: hosting_ip, provenance, original_name" in checked.stdout
    document["certificate"]["files"][0]["size"] += 1  # a forged line
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(document))
    refused = verify(forged)
    assert refused.returncode == 1
    assert "the certificate's Ed25519 signature does not verify" in refused.stdout
