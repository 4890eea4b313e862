import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from takedown.core.audit import audit_record, verify_chain
from takedown.core.models import GENESIS_HASH, AuditEvent
from tests.conftest import service_unavailable


@pytest.fixture
def events(network):
    return [
        audit_record(action="case.opened", case_id=1, obj=network["de"], data={"n": 1}),
        audit_record(action="case.assessed", case_id=1, obj=network["nl"], data={"n": 2}),
        audit_record(action="order.issued", case_id=2, data={"nested": {"b": 1, "a": [1, 2]}}),
    ]


def test_events_form_a_chain(events):
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert len({e.hash for e in events}) == 3
    assert verify_chain() == (3, None)
    assert events[1].jurisdictions == "|NL|"


def test_verify_audit_command_reports_intact_chain(events, capsys):
    call_command("verify_audit")
    assert "3 events verified" in capsys.readouterr().out


def test_orm_refuses_update_and_delete(events):
    event = AuditEvent.objects.get(pk=events[0].pk)
    event.action = "tampered"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()


def _disable_trigger_as_superuser() -> None:
    # Only a superuser may do this; it switches off every trigger for the session
    # (the test transaction is rolled back afterwards).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")


def _raw_edit(event_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"n": 999}', event_id]
        )


def test_postgres_trigger_refuses_raw_update_and_delete(events):
    if connection.vendor != "postgresql":
        service_unavailable("the append-only trigger is PostgreSQL's")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        _raw_edit(events[1].id)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[1].id])


def test_edit_that_bypasses_the_guards_is_caught(events):
    """A superuser disabling the trigger (PostgreSQL) or raw SQL (SQLite) edits a row:
    verify_audit names the edited event."""
    if connection.vendor == "postgresql":
        _disable_trigger_as_superuser()
    _raw_edit(events[1].id)
    _checked, broken = verify_chain()
    assert broken is not None and broken.event_id == events[1].id
    assert "edited" in broken.reason
    with pytest.raises(CommandError, match=f"event {events[1].id}"):
        call_command("verify_audit")


def test_removed_event_is_caught(events):
    if connection.vendor == "postgresql":
        _disable_trigger_as_superuser()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[1].id])
    _checked, broken = verify_chain()
    assert broken is not None and broken.event_id == events[2].id
    assert "removed" in broken.reason
