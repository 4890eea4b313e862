"""Who may see or do what with evidence (see cases/access.py for the idea)."""

from django.db.models import QuerySet

from cases.access import cases_for, cases_involving, is_officer, may_act_on
from cases.models import Case
from takedown.core.audit import audit_scope
from takedown.core.selectors import overseen_jurisdictions

from .models import EvidenceItem, EvidencePackage


def may_handle(user, package_or_case: EvidencePackage | Case) -> bool:
    """Officers of the case's desks (lead or participant) add and manage evidence."""
    case = package_or_case if isinstance(package_or_case, Case) else package_or_case.case
    return may_act_on(user, case)


def may_read_content(user, package: EvidencePackage) -> bool:
    """Content needs the explicit permission as well as a desk of the case."""
    return user.has_perm("evidence.view_evidence_content") and may_handle(user, package)


def may_export(user, package: EvidencePackage) -> bool:
    return user.has_perm("evidence.export_evidence") and may_read_content(user, package)


def packages_for(user) -> QuerySet[EvidencePackage]:
    """Officers: packages of their desks' cases. Auditors: those of the cases their
    jurisdictions are involved in (the chain only, never content)."""
    if is_officer(user):
        return EvidencePackage.objects.filter(case__in=cases_for(user).values("id"))
    codes = overseen_jurisdictions(user)
    if codes:
        return EvidencePackage.objects.filter(case__in=cases_involving(codes).values("id"))
    return EvidencePackage.objects.none()


@audit_scope.register
def _package_scope(package: EvidencePackage) -> set[str]:
    return {package.collecting_authority.jurisdiction_id}


@audit_scope.register
def _item_scope(item: EvidenceItem) -> set[str]:
    return _package_scope(item.package)
