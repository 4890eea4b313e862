"""Who may do what with the network's own records, and which oversight bodies may read
their events (see takedown/core/audit.py, "Who may read an event")."""

from takedown.core.audit import audit_scope
from takedown.core.choices import Role
from takedown.core.models import User

from .models import Agreement, ApiKey, Authority, AuthorityKey, Contact, Jurisdiction, Platform


@audit_scope.register
def _jurisdiction_scope(jurisdiction: Jurisdiction) -> set[str]:
    return {jurisdiction.code}


@audit_scope.register
def _agreement_scope(agreement: Agreement) -> set[str]:
    """Every party to it."""
    return set(agreement.parties.values_list("code", flat=True))


@audit_scope.register
def _authority_scope(authority: Authority) -> set[str]:
    return {authority.jurisdiction_id}


@audit_scope.register
def _authority_key_scope(key: AuthorityKey) -> set[str]:
    return _authority_scope(key.authority)


@audit_scope.register
def _platform_scope(platform: Platform) -> set[str]:
    return {platform.establishment_jurisdiction_id}


@audit_scope.register
def _api_key_scope(key: ApiKey) -> set[str]:
    owner = key.platform or key.partner
    return audit_scope(owner) if owner is not None else set()


@audit_scope.register
def _contact_scope(contact: Contact) -> set[str]:
    owner = contact.desk.authority if contact.desk_id else contact.platform
    return audit_scope(owner) if owner is not None else set()


def may_register_receiving_key(user) -> bool:
    """An officer of an authority registers the key evidence exported to the authority
    is encrypted to: one it generated itself (``evidence/receiver.py generate``)."""
    return (
        isinstance(user, User)
        and user.authority_id is not None
        and user.has_role(Role.LIAISON_OFFICER)
    )
