"""Reads of evidence, scoped to what the caller may see."""

from django.db.models import Q

from cases.selectors import case_list_for_user
from takedown.core.choices import Role

from .models import EvidencePackage


def packages_for(user):
    """Officers: packages of their desks' cases. Auditors: those of the jurisdictions
    they oversee (the chain only, never content)."""
    if user.has_role(Role.LIAISON_OFFICER):
        return EvidencePackage.objects.filter(case__in=case_list_for_user(user=user).values("id"))
    if user.has_role(Role.AUDITOR) and user.jurisdiction_code:
        code = user.jurisdiction_code
        return EvidencePackage.objects.filter(
            Q(case__lead_desk__authority__jurisdiction=code)
            | Q(collecting_authority__jurisdiction=code)
        )
    return EvidencePackage.objects.none()
