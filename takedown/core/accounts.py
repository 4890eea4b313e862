"""Accounts: a user changes their own password; an operator manages people.

Every change is audited (the target account's jurisdiction sees it) and ends the
sessions it makes stale. Who may do what is in ``takedown/core/access.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext as _

from . import otp
from .access import may_manage_users, users_for
from .audit import atomic, audit_record
from .choices import Role
from .errors import PermissionDenied, ValidationFailed
from .models import RecoveryCode, SecurityKey, TOTPDevice, User
from .roles import PERSONAL_PERMISSIONS
from .security import sessions_end


@dataclass(frozen=True)
class Profile:
    """What an operator sets on an account (besides its password)."""

    username: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    authority: object = None
    timezone: str = "UTC"
    is_active: bool = True
    roles: tuple[str, ...] = ()
    desks: tuple = ()
    permissions: tuple[str, ...] = field(default_factory=tuple)


def _require_operator(actor) -> None:
    if not may_manage_users(actor):
        raise PermissionDenied(_("Only operators manage accounts."))


def _permission_rows(names) -> list[Permission]:
    query = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


def _apply(user: User, profile: Profile) -> None:
    user.groups.set(Group.objects.filter(name__in=profile.roles))
    user.desks.set(profile.desks)
    kept = user.user_permissions.exclude(
        pk__in=[p.pk for p in _permission_rows(PERSONAL_PERMISSIONS)]
    )
    user.user_permissions.set([*kept, *_permission_rows(profile.permissions)])


def _summary(user: User, profile: Profile) -> dict:
    return {
        "username": user.username,
        "authority": str(profile.authority or ""),
        "active": profile.is_active,
        "roles": sorted(profile.roles),
        "desks": sorted(d.name for d in profile.desks),
        "permissions": sorted(profile.permissions),
    }


def _check(profile: Profile) -> None:
    unknown = set(profile.roles) - set(Role.values)
    if unknown:
        raise ValidationFailed(fields={"roles": [_("Unknown role.")]})
    if set(profile.permissions) - set(PERSONAL_PERMISSIONS):
        raise ValidationFailed(fields={"permissions": [_("Unknown permission.")]})


def user_create(*, actor, profile: Profile, password: str) -> User:
    _require_operator(actor)
    _check(profile)
    with atomic():
        if User.objects.filter(username__iexact=profile.username).exists():
            raise ValidationFailed(fields={"username": [_("That username is taken.")]})
        user = User(
            username=profile.username,
            email=profile.email,
            first_name=profile.first_name,
            last_name=profile.last_name,
            authority=profile.authority,
            timezone=profile.timezone,
            is_active=profile.is_active,
            is_staff=Role.OPERATOR.value in profile.roles,
        )
        user.set_password(password)
        user.save()
        _apply(user, profile)
        audit_record(action="user.created", actor=actor, obj=user, data=_summary(user, profile))
    return user


def user_update(*, actor, user: User, profile: Profile) -> User:
    _require_operator(actor)
    _check(profile)
    with atomic():
        user = users_for(actor).select_for_update().get(pk=user.pk)
        for name in ("email", "first_name", "last_name", "authority", "timezone", "is_active"):
            setattr(user, name, getattr(profile, name))
        user.is_staff = Role.OPERATOR.value in profile.roles
        user.save()  # a deactivation ends the user's sessions (signals)
        _apply(user, profile)
        audit_record(action="user.updated", actor=actor, obj=user, data=_summary(user, profile))
    return user


def user_password_set(*, actor, user: User, password: str) -> int:
    """An operator sets a password (a new starter's, a forgotten one); the user's
    sessions end. Returns how many."""
    _require_operator(actor)
    with atomic():
        user = users_for(actor).select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        ended = sessions_end(user=user)
        audit_record(
            action="user.password_set", actor=actor, obj=user, data={"sessions_ended": ended}
        )
    return ended


def second_factor_reset(*, actor, user: User) -> int:
    """A lost authenticator: the device, the recovery codes and the security keys go, the
    user enrols again at the next sign-in; their sessions end. Returns how many."""
    _require_operator(actor)
    with atomic():
        user = users_for(actor).select_for_update().get(pk=user.pk)
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        SecurityKey.objects.filter(user=user).delete()  # a lost key must not stay valid
        ended = sessions_end(user=user)
        audit_record(
            action="user.second_factor_reset",
            actor=actor,
            obj=user,
            data={"sessions_ended": ended},
        )
    return ended


def password_change(*, user: User, code: str, password: str, keep_session: str) -> int:
    """The user's own change, confirmed with the second factor (the current password is
    checked by the form); their other sessions end. Returns how many."""
    method = otp.verify(user=user, code=code)  # raises otp.Throttled while resting
    if method is None:
        audit_record(action="auth.password_change_failed", actor=user)
        raise ValidationFailed(fields={"code": [_("That code is not right.")]})
    with atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        ended = sessions_end(user=user, keep=keep_session)
        audit_record(
            action="auth.password_changed",
            actor=user,
            data={"method": method, "other_sessions_ended": ended},
        )
    return ended
