"""The operator's form for a person: who they are, their authority, roles, desks and
personal permissions (the services are takedown/core/accounts.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from takedown.core.accounts import Profile
from takedown.core.choices import Role
from takedown.core.forms import StyledForm
from takedown.core.forms_accounts import NewPasswordForm
from takedown.core.models import User, validate_timezone
from takedown.core.roles import PERSONAL_PERMISSIONS

from .models import Authority, LiaisonDesk

PERMISSION_LABELS = {
    "evidence.view_evidence_content": _("May open evidence content"),
    "evidence.export_evidence": _("May export evidence"),
    "cases.view_victim_data": _("May read victim data"),
}


class UserForm(StyledForm):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and . @ + - _ only."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    authority = forms.ModelChoiceField(
        label=_("Authority"),
        queryset=Authority.objects.select_related("jurisdiction").order_by("jurisdiction", "name"),
        required=False,
    )
    timezone = forms.CharField(
        label=_("Display timezone"), max_length=64, initial="UTC", validators=[validate_timezone]
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    desks = forms.ModelMultipleChoiceField(
        label=_("Desks"),
        queryset=LiaisonDesk.objects.select_related("authority").order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    permissions = forms.MultipleChoiceField(
        label=_("Personal permissions"),
        choices=[(name, PERMISSION_LABELS[name]) for name in PERSONAL_PERMISSIONS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_active = forms.BooleanField(
        label=_("Active (a deactivated account cannot sign in; its sessions end)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, instance: User | None = None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", self.initial_for(instance))
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields["username"].disabled = True  # the audit trail names it

    @staticmethod
    def initial_for(user: User) -> dict:
        held = {f"{p.content_type.app_label}.{p.codename}" for p in user.user_permissions.all()}
        return {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "authority": user.authority_id,
            "timezone": user.timezone,
            "roles": sorted(user.role_names),
            "desks": list(user.desks.values_list("pk", flat=True)),
            "permissions": sorted(held & set(PERSONAL_PERMISSIONS)),
            "is_active": user.is_active,
        }

    def profile(self) -> Profile:
        data = self.cleaned_data
        return Profile(
            username=data["username"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            authority=data["authority"],
            timezone=data["timezone"],
            is_active=data["is_active"],
            roles=tuple(data["roles"]),
            desks=tuple(data["desks"]),
            permissions=tuple(data["permissions"]),
        )


class NewUserForm(UserForm, NewPasswordForm):
    """A new account with its first password."""
