"""An authority's own receiving keys: its officers register the public half of a key
pair they generated themselves, so that evidence exported to them is theirs alone to
read. Registering needs a fresh second factor; the service audits it."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from takedown.core.forms import StyledForm
from takedown.core.security import step_up_required
from takedown.core.web import run_service

from .access import may_register_receiving_key
from .choices import KeyPurpose
from .keys import authority_key_register, current_key
from .models import AuthorityKey


class RegisterKeyForm(StyledForm):
    public_key = forms.CharField(
        label=gettext_lazy("Public key"),
        max_length=100,
        help_text=gettext_lazy(
            "The content of the .pub file that `receiver.py generate` wrote (43 characters). "
            "Never paste the .key file: it stays with you."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def receiving_keys(request):
    if not may_register_receiving_key(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return _register(request)
    return _page(request, RegisterKeyForm())


@step_up_required
def _register(request):
    form = RegisterKeyForm(request.POST)
    key = run_service(
        request,
        lambda data: authority_key_register(
            authority=request.user.authority, public_key=data["public_key"], actor=request.user
        ),
        form=form,
        success=_("Registered: evidence exported to your authority now goes to this key."),
    )
    if key is None:
        return _page(request, form, status=400)
    return redirect("receiving-keys")


def _page(request, form, status=200):
    authority = request.user.authority
    keys = AuthorityKey.objects.defer("private_key").filter(
        authority=authority, purpose=KeyPurpose.ENCRYPTION, is_sandbox=False
    )
    return render(
        request,
        "accounts/receiving_keys.html",
        {
            "authority": authority,
            "keys": keys.order_by("-valid_from"),
            "current": current_key(authority=authority, purpose=KeyPurpose.ENCRYPTION),
            "form": form,
        },
        status=status,
    )
