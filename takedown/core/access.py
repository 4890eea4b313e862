"""Who may manage accounts (see cases/access.py for the idea: one home per rule).

Operators run the installation: they add people, set their desks, roles and personal
permissions, set a password, reset a lost second factor and deactivate leavers. A
superuser's account is beyond them (it could be used to raise their own rights).
"""

from __future__ import annotations

from django.db.models import QuerySet

from .choices import Role
from .models import User


def may_manage_users(user) -> bool:
    return isinstance(user, User) and user.has_role(Role.OPERATOR)


def users_for(user) -> QuerySet[User]:
    """The accounts an operator manages: everyone but superusers and themselves (their
    own roles, desks and permissions are another operator's to set)."""
    if not may_manage_users(user):
        return User.objects.none()
    return User.objects.filter(is_superuser=False).exclude(pk=user.pk)
