"""Passwords: the user's own change, and one an operator sets (liaison/forms_people.py)."""

import zoneinfo

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from .forms import StyledForm, style_widgets
from .models import User


class OwnPasswordForm(PasswordChangeForm):
    """Current password, the second factor, the new password twice (the project's
    strength rules: AUTH_PASSWORD_VALIDATORS)."""

    code = forms.CharField(
        label=_("Code from your authenticator (or a recovery code)"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    field_order = ["old_password", "code", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class NewPasswordForm(StyledForm):
    """A password an operator sets (checked by the same rules as the user's own)."""

    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class KeyRemoveForm(forms.Form):
    """Which of the user's security keys to remove (anything else removes nothing)."""

    key = forms.IntegerField(min_value=1, max_value=2**62)

    def value(self) -> int | None:
        return self.cleaned_data["key"] if self.is_valid() else None


class PreferencesForm(forms.ModelForm):
    """The user's own language (empty: the browser's) and display timezone."""

    timezone = forms.ChoiceField(label=_("Display timezone"), choices=())

    class Meta:
        model = User
        fields = ["language", "timezone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [
            (name, name) for name in sorted(zoneinfo.available_timezones())
        ]
        style_widgets(self)
