"""Who may see or do what with evidence (see cases/access.py for the idea)."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from cases.access import cases_for, cases_involving, desk_ids_for, is_officer, may_act_on
from cases.models import Case
from liaison.models import LiaisonDesk
from takedown.core.audit import audit_scope
from takedown.core.selectors import overseen_jurisdictions

from .models import EvidenceItem, EvidencePackage, PackageShare


def _held_by(desk_ids) -> Q:
    """The desks that hold a package: the case's lead desk, the desks of the authority
    that collected it, and desks it is shared with (a share or a transfer). Being on the
    case is not enough: a desk joins by reporting the same URL or hash, which circulate."""
    return (
        Q(case__lead_desk_id__in=desk_ids)
        | Exists(
            LiaisonDesk.objects.filter(authority=OuterRef("collecting_authority"), pk__in=desk_ids)
        )
        | Exists(
            PackageShare.objects.filter(
                package=OuterRef("pk"), desk_id__in=desk_ids, revoked_at__isnull=True
            )
        )
    )


def holds(user, package: EvidencePackage) -> bool:
    return (
        is_officer(user)
        and EvidencePackage.objects.filter(_held_by(desk_ids_for(user)), pk=package.pk).exists()
    )


def may_handle(user, package_or_case: EvidencePackage | Case) -> bool:
    """Officers of the case's desks add packages; a package itself is handled by the
    desks that hold it."""
    if isinstance(package_or_case, Case):
        return may_act_on(user, package_or_case)
    return may_act_on(user, package_or_case.case) and holds(user, package_or_case)


def may_see_particulars(user, package: EvidencePackage) -> bool:
    """The template's particulars (source URL, hosting, provenance) and the files'
    uploaded names are the holding desks'. Oversight sees the package's events and
    digests, never content or personal fields."""
    return holds(user, package)


def may_read_content(user, package: EvidencePackage) -> bool:
    """Content needs the explicit permission as well as a desk that holds the package."""
    return user.has_perm("evidence.view_evidence_content") and may_handle(user, package)


def may_share(user, package: EvidencePackage) -> bool:
    """Where evidence goes is the lead desk's decision: its officers who may read the
    content share it with another desk of the case (and withdraw the share) and transfer
    it. A desk holding it by a share cannot pass it on."""
    return may_read_content(user, package) and package.case.lead_desk_id in desk_ids_for(user)


def may_hold(user, package: EvidencePackage) -> bool:
    """A legal hold is the lead desk's decision: its officers place and lift holds, on
    an open or a closed case (the operator does it by command)."""
    return is_officer(user) and package.case.lead_desk_id in desk_ids_for(user)


def may_export(user, package: EvidencePackage) -> bool:
    """A sealed export to another authority: the lead desk's, with the permission."""
    return user.has_perm("evidence.export_evidence") and may_share(user, package)


def shareable_desks(package: EvidencePackage):
    """Desks of the case that do not hold the package (the choices of the share form)."""
    held = PackageShare.objects.filter(package=package, revoked_at__isnull=True).values("desk")
    return (
        LiaisonDesk.objects.filter(pk__in=package.case.participants.values("desk"))
        .exclude(pk=package.case.lead_desk_id)
        .exclude(authority=package.collecting_authority_id)
        .exclude(pk__in=held)
        .order_by("name")
    )


def packages_for(user) -> QuerySet[EvidencePackage]:
    """Officers: the packages their desks hold, on their cases. Auditors: those of the
    cases their jurisdictions are involved in (the chain only, never content)."""
    if is_officer(user):
        return EvidencePackage.objects.filter(
            _held_by(desk_ids_for(user)), case__in=cases_for(user).values("id")
        )
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
