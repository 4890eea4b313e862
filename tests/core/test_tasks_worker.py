import os

import pytest
from django.conf import settings

from takedown.core.audit import audit_record
from takedown.core.logging import request_id_var
from takedown.core.models import AuditEvent
from takedown.core.tasks import verify_audit_chain
from tests.conftest import service_unavailable
from tests.processes import wait_for, worker


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_sent_through_the_broker():
    if not settings.REDIS_URL:
        service_unavailable("REDIS_URL is not set: this test needs a real Redis broker")
    for n in range(3):
        audit_record(action="case.opened", case_id=n, data={"n": n})

    with worker() as process:
        token = request_id_var.set("e2e-request-42")
        try:
            verify_audit_chain.delay()
        finally:
            request_id_var.reset(token)

        def verdict():
            return AuditEvent.objects.filter(action="audit.chain_verified").first()

        try:
            event = wait_for(verdict, timeout=60)
        except AssertionError:
            process.terminate()
            process.wait()
            raise
    assert event.data == {"checked": 3, "intact": True, "broken": ""}
    assert event.request_id == "e2e-request-42"  # the request id travelled with the task
    assert os.getpid() != process.pid
