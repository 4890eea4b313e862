"""Protected sources: who they are is read one at a time, by a source handler of the
lead desk, and every read is an audit event (which names the source's row, never who
they are). Intake records them (``ReportInput.protected_source``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.access import may_see_source_identity
from cases.models import Case, ProtectedSource
from takedown.core.audit import atomic, audit_record
from takedown.core.errors import PermissionDenied
from takedown.core.models import User


def source_identity_read(*, case: Case, source: ProtectedSource, officer: User) -> ProtectedSource:
    if not may_see_source_identity(officer, case):
        raise PermissionDenied(
            _("Only the lead desk's source handlers may see who a protected source is.")
        )
    with atomic():
        audit_record(action="source.identity_viewed", actor=officer, obj=source, case_id=case.pk)
    return source
