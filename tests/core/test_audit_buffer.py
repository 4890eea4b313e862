"""The audit buffer of ``takedown.core.audit.atomic``: events join the chain when the
outermost block commits, and only the events of work that commits."""

import threading

import pytest
from django.db import connection, connections

from takedown.core.audit import atomic, audit_record, verify_chain
from takedown.core.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)


class Boom(Exception):
    pass


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_events_join_the_chain_when_the_outermost_block_commits():
    audit_record(action="before")
    with atomic():
        audit_record(action="first")
        with atomic():
            audit_record(action="inner")
        assert _actions() == ["before"]  # held back until the commit
        audit_record(action="last")
    assert _actions() == ["before", "first", "inner", "last"]
    assert verify_chain() == (4, None)


def test_an_inner_block_that_rolls_back_takes_its_events_with_it():
    with atomic():
        audit_record(action="kept")
        with pytest.raises(Boom), atomic():
            audit_record(action="dropped")
            raise Boom
        audit_record(action="after")
    assert _actions() == ["kept", "after"]
    assert verify_chain() == (2, None)


def test_a_failed_transaction_records_nothing():
    with pytest.raises(Boom), atomic():
        audit_record(action="never")
        raise Boom
    assert _actions() == []
    assert getattr(connection, "audit_pending", None) is None


def test_a_transaction_marked_for_rollback_records_nothing():
    from django.db import transaction

    with atomic():
        audit_record(action="dry-run")
        transaction.set_rollback(True)
    assert _actions() == []


def test_one_instance_serves_nested_calls_as_a_decorator():
    block = atomic()

    @block
    def record(depth: int) -> None:
        audit_record(action=f"depth-{depth}")
        if depth:
            record(depth - 1)

    record(2)
    assert _actions() == ["depth-2", "depth-1", "depth-0"]
    assert verify_chain() == (3, None)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_concurrent_writers_keep_one_unbroken_chain():
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(10):
                with atomic():
                    audit_record(action=f"w{n}.{i}.a")
                    audit_record(action=f"w{n}.{i}.b")
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert verify_chain() == (120, None)
    actions = _actions()
    # Each transaction's events stay together in the chain.
    for index in range(0, 120, 2):
        assert actions[index].endswith(".a")
        assert actions[index + 1] == actions[index][:-1] + "b"
