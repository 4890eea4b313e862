"""The chain of custody: one hash-chained event per action, `verify_custody` catching an
edited row and a flipped byte of a stored file, a tampered file refused (and the refusal
recorded) at download, and the append-only guards of the ORM and of PostgreSQL."""

import io
import os
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from evidence import services
from evidence.choices import CustodyAction, PackageStatus
from evidence.models import CustodyEvent, EvidenceItem
from evidence.retention import purge_expired
from evidence.verify import GENESIS_HASH, custody_event_hash
from liaison.models import Authority
from takedown.core.models import AuditEvent
from tests.conftest import login, service_unavailable
from tests.evidence.conftest import synthetic_png

pytestmark = pytest.mark.django_db

LOG = b"".join(
    f"2026-03-01T10:{i // 60:02d}:{i % 60:02d}Z capture step {i} ok (synthetic)\n".encode()
    for i in range(200)
)


def upload(client, package, data: bytes, name: str = "capture.png"):
    response = client.post(
        f"/evidence/{package.reference}/upload/", {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 302
    return response


def download(client, item, reason: str = "Prepare the court file", **kwargs):
    return client.post(f"/evidence/files/{item.file_id}/download/", {"reason": reason}, **kwargs)


def flip_middle_byte(item: EvidenceItem) -> None:
    path = storages["evidence"].path(item.storage_name)
    position = os.path.getsize(path) // 2
    with open(path, "r+b") as stored:
        stored.seek(position)
        byte = stored.read(1)
        stored.seek(position)
        stored.write(bytes([byte[0] ^ 0x01]))


def verify_custody(*args) -> str:
    out = io.StringIO()
    call_command("verify_custody", *args, stdout=out)
    return out.getvalue()


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _disable_trigger_as_superuser() -> None:
    # Only a superuser may do this; it switches off every trigger for the session
    # (the test transaction is rolled back afterwards).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")


def _bypass_guards() -> None:
    if connection.vendor == "postgresql":
        _disable_trigger_as_superuser()


@pytest.fixture
def sealed(evidence_officer, package):
    """A sealed package with a generated PNG and a synthetic log: 3 events."""
    client = login(evidence_officer)
    upload(client, package, synthetic_png(seed=11))
    upload(client, package, LOG, name="capture.log")
    assert client.post(f"/evidence/{package.reference}/seal/").status_code == 302
    package.refresh_from_db()
    assert package.status == PackageStatus.SEALED
    return package


def assert_linked(package) -> list[CustodyEvent]:
    events = list(package.custody_events.select_related("authority").order_by("sequence"))
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    prev = GENESIS_HASH
    for event in events:
        assert event.prev_hash == prev
        assert event.hash == custody_event_hash(
            services.custody_event_body(event), prev_hash=event.prev_hash
        )
        prev = event.hash
    assert len({e.hash for e in events}) == len(events)
    assert services.verify_chain(package) is None
    return events


# --- the chain grows with every action -------------------------------------------------


def test_every_action_appends_one_linked_event(
    evidence_officer, package, receiver, nl_officer, network
):
    client = login(evidence_officer)
    png = synthetic_png(seed=12)
    upload(client, package, png)
    assert [e.action for e in assert_linked(package)] == [CustodyAction.COLLECTED]

    client.post(f"/evidence/{package.reference}/seal/")
    item = EvidenceItem.objects.get(package=package)
    response = download(client, item)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png

    authority, _key = receiver
    response = client.post(
        f"/evidence/{package.reference}/export/", {"receiver": authority.pk, "reason": "MLA"}
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)

    nl_authority = network["desk_nl"].authority
    response = client.post(
        f"/evidence/{package.reference}/transfer/",
        {"to_authority": nl_authority.pk, "reason": "Joint investigation"},
    )
    assert response.status_code == 302
    response = login(nl_officer).post(f"/evidence/{package.reference}/receive/")
    assert response.status_code == 302
    package.refresh_from_db()
    assert package.status == PackageStatus.RECEIVED

    network["de"].evidence_retention_days = 30
    network["de"].save()
    assert len(purge_expired(now=package.sealed_at + timedelta(days=31)).purged) == 1

    events = assert_linked(package)
    assert [e.action for e in events] == [
        CustodyAction.COLLECTED,
        CustodyAction.SEALED,
        CustodyAction.DOWNLOADED,
        CustodyAction.EXPORTED,
        CustodyAction.TRANSFERRED,
        CustodyAction.RECEIVED,
        CustodyAction.VERIFIED,
        CustodyAction.PURGED,
    ]
    by_action = {e.action: e for e in events}
    assert by_action[CustodyAction.COLLECTED].item_digest == item.sha256
    assert by_action[CustodyAction.DOWNLOADED].item_digest == item.sha256
    assert by_action[CustodyAction.DOWNLOADED].reason == "Prepare the court file"
    assert by_action[CustodyAction.DOWNLOADED].actor == evidence_officer
    assert by_action[CustodyAction.SEALED].details["key_id"] == package.signing_key_id
    assert by_action[CustodyAction.EXPORTED].details["to_authority"] == authority.name
    assert by_action[CustodyAction.RECEIVED].actor == nl_officer
    assert by_action[CustodyAction.VERIFIED].details["ok"] is True
    assert by_action[CustodyAction.PURGED].actor_label == "system"
    # The seal signed the chain as it stood when sealing.
    assert package.manifest["custody_head"] == by_action[CustodyAction.SEALED].prev_hash
    assert "1 packages, 0 files verified" in verify_custody()


def test_two_packages_have_separate_chains(evidence_officer, package):
    client = login(evidence_officer)
    upload(client, package, synthetic_png(seed=13))
    other = services.package_create(
        case=package.case, officer=evidence_officer, source_url=package.source_url
    )
    upload(client, other, synthetic_png(seed=14))
    upload(client, package, LOG, name="capture.log")
    assert [e.sequence for e in assert_linked(package)] == [1, 2]
    assert [e.sequence for e in assert_linked(other)] == [1]
    assert other.custody_events.get().prev_hash == GENESIS_HASH


# --- verify_custody ---------------------------------------------------------------------


def test_verify_custody_passes_on_an_intact_store(evidence_officer, sealed):
    download(login(evidence_officer), sealed.items.first())
    output = verify_custody()
    assert "Custody intact: 1 packages, 2 files verified." in output
    assert "1 packages, 2 files" in verify_custody("--package", sealed.reference)
    with pytest.raises(CommandError, match="No package EP-1999-999999"):
        verify_custody("--package", "EP-1999-999999")


def test_an_edited_custody_row_is_caught_and_named(evidence_officer, sealed):
    """A superuser disabling the trigger (PostgreSQL) or raw SQL (SQLite) edits the
    reason of the second event: the command names the package and the event."""
    download(login(evidence_officer), sealed.items.first())
    edited = sealed.custody_events.get(sequence=2)
    _bypass_guards()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evidence_custodyevent SET reason = %s WHERE id = %s",
            ["Uploaded by someone else", edited.id],
        )
    broken = services.verify_chain(sealed)
    assert broken is not None and broken.sequence == 2 and "edited" in broken.reason
    with pytest.raises(CommandError, match=f"package {sealed.reference}, event 2: .*edited"):
        verify_custody()
    with pytest.raises(CommandError, match=f"package {sealed.reference}, event 2"):
        verify_custody("--package", sealed.reference)
    page = login(evidence_officer).get(f"/evidence/{sealed.reference}/")
    assert "BROKEN" in page.content.decode()


def test_an_edited_details_field_is_caught(evidence_officer, sealed):
    """Editing what an event says happened (its JSON details) is caught as well."""
    download(login(evidence_officer), sealed.items.first())
    sealing = sealed.custody_events.get(action=CustodyAction.SEALED)
    _bypass_guards()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evidence_custodyevent SET details = %s WHERE id = %s",
            ['{"key_id": "another-key", "manifest_sha256": "0"}', sealing.id],
        )
    with pytest.raises(CommandError, match=f"package {sealed.reference}, event {sealing.sequence}"):
        verify_custody()


def test_a_removed_custody_row_is_caught_at_the_next_event(evidence_officer, sealed):
    download(login(evidence_officer), sealed.items.first())
    _bypass_guards()
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM evidence_custodyevent WHERE package_id = %s AND sequence = 2",
            [sealed.id],
        )
    broken = services.verify_chain(sealed)
    assert broken is not None and broken.sequence == 3
    with pytest.raises(CommandError, match=f"package {sealed.reference}, event 3: .*broken"):
        verify_custody()


def test_a_removed_last_custody_event_is_caught_by_the_head_the_audit_log_holds(
    evidence_officer, sealed
):
    download(login(evidence_officer), sealed.items.first())
    last = sealed.custody_events.order_by("-sequence").first()
    _bypass_guards()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM evidence_custodyevent WHERE id = %s", [last.id])
    broken = services.verify_chain(sealed)  # what is left still links
    assert broken is not None and broken.sequence == last.sequence
    assert "missing" in broken.reason
    with pytest.raises(CommandError, match=f"event {last.sequence}: .*missing"):
        verify_custody()
    assert (
        "BROKEN" in login(evidence_officer).get(f"/evidence/{sealed.reference}/").content.decode()
    )


def test_an_appended_well_formed_event_is_caught_too(evidence_officer, sealed):
    """A row written to the table directly, with a correct link and hash, is not one
    the system appended: the audit log's head stops before it."""
    from evidence.models import CustodyEvent
    from evidence.verify import custody_event_hash

    last = sealed.custody_events.order_by("-sequence").first()
    forged = CustodyEvent(
        package=sealed,
        sequence=last.sequence + 1,
        action=CustodyAction.VIEWED,
        actor_label="someone",
        occurred_at=last.occurred_at,
        details={},
        prev_hash=last.hash,
    )
    forged.hash = custody_event_hash(services.custody_event_body(forged), prev_hash=last.hash)
    _bypass_guards()
    CustodyEvent.objects.bulk_create([forged])
    broken = services.verify_chain(sealed)
    assert broken is not None and "head the audit log recorded" in broken.reason


def test_the_custody_page_shows_only_what_the_hash_covers(evidence_officer, sealed):
    """The authority shown beside an event is the hashed label, not the row's foreign
    key: editing the key changes nothing a reader sees, and verification holds."""
    from liaison.models import Authority as AuthorityModel

    other = AuthorityModel.objects.exclude(pk=evidence_officer.authority_id).first()
    event = sealed.custody_events.get(sequence=1)
    _bypass_guards()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evidence_custodyevent SET authority_id = %s WHERE id = %s", [other.pk, event.id]
        )
    page = login(evidence_officer).get(f"/evidence/{sealed.reference}/").content.decode()
    chain = page.split("data-chain", 1)[1]
    assert f"({event.authority_label})" in chain and other.name not in chain
    assert services.verify_chain(sealed) is None


def test_renaming_an_authority_does_not_break_the_chains(evidence_officer, sealed):
    """Authorities are configuration an operator edits in the admin; the chain must
    record who acted as it was then, not break when the name changes later."""
    Authority.objects.filter(pk=evidence_officer.authority_id).update(
        name="Renamed police authority"
    )
    assert services.verify_chain(sealed) is None
    assert "Custody intact" in verify_custody()


# --- a flipped byte of a stored file -----------------------------------------------------


def test_a_flipped_byte_is_caught_by_verify_custody_and_names_the_file(sealed):
    png_item, log_item = sealed.items.order_by("created_at", "id")
    flip_middle_byte(png_item)
    with pytest.raises(
        CommandError, match=f"package {sealed.reference}, file {png_item.file_id}"
    ) as caught:
        verify_custody()
    assert str(log_item.file_id) not in str(caught.value)
    assert services.item_check(log_item) is None
    assert services.item_check(png_item) is not None


def test_a_download_of_a_tampered_file_is_refused_and_recorded(evidence_officer, sealed):
    png_item, log_item = sealed.items.order_by("created_at", "id")
    flip_middle_byte(png_item)
    before = sealed.custody_events.count()
    client = login(evidence_officer)

    response = download(client, png_item)
    assert response.status_code == 302
    assert response["Location"] == f"/evidence/{sealed.reference}/"
    assert not response.streaming
    assert "Content-Disposition" not in response
    assert "Refused" in messages_of(response)

    events = assert_linked(sealed)
    assert len(events) == before + 1
    refusal = events[-1]
    assert refusal.action == CustodyAction.VERIFIED
    assert refusal.item_id == png_item.id and refusal.item_digest == png_item.sha256
    assert refusal.actor == evidence_officer
    assert refusal.details["ok"] is False and refusal.details["problem"]
    assert not sealed.custody_events.filter(action=CustodyAction.DOWNLOADED).exists()
    failure = AuditEvent.objects.get(action="evidence.integrity_failure")
    assert failure.actor == evidence_officer and failure.case_id == sealed.case_id
    assert not AuditEvent.objects.filter(action="evidence.downloaded").exists()

    # The intact file of the same package still downloads.
    response = download(client, log_item)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == LOG


# --- append-only ------------------------------------------------------------------------


def test_the_orm_refuses_update_and_delete(evidence_officer, sealed):
    event = CustodyEvent.objects.filter(package=sealed).first()
    event.reason = "tampered"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        CustodyEvent.objects.filter(pk=event.pk).update(reason="tampered")
    with pytest.raises(TypeError, match="append-only"):
        CustodyEvent.objects.filter(package=sealed).delete()
    assert services.verify_chain(sealed) is None
    assert sealed.custody_events.count() == 3


def test_postgres_trigger_refuses_raw_update_and_delete(sealed):
    if connection.vendor != "postgresql":
        service_unavailable("the append-only trigger is PostgreSQL's")
    event = sealed.custody_events.first()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE evidence_custodyevent SET reason = %s WHERE id = %s", ["tampered", event.id]
        )
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM evidence_custodyevent WHERE id = %s", [event.id])
    assert services.verify_chain(sealed) is None
    assert sealed.custody_events.count() == 3
