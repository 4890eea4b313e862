"""Which oversight bodies may read the events of a clock: the responsible party's
jurisdiction, and (through its case) every jurisdiction of the case it guards."""

from takedown.core.audit import audit_scope

from .models import Deadline


@audit_scope.register
def _deadline_scope(deadline: Deadline) -> set[str]:
    return {deadline.jurisdiction_id} - {None}
