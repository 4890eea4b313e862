"""The operator's pages for people: add, change, set a password, reset a second factor,
deactivate. Every change needs a fresh second factor; the services audit it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from takedown.core import accounts, otp
from takedown.core.access import may_manage_users, users_for
from takedown.core.forms_accounts import NewPasswordForm
from takedown.core.security import step_up_required
from takedown.core.web import run_service

from .forms_people import NewUserForm, UserForm


def _operator(request) -> None:
    if not may_manage_users(request.user):
        raise PermissionDenied


@login_required
@require_GET
def users(request):
    _operator(request)
    query = request.GET.get("q", "").strip()[:100]
    people = users_for(request.user).select_related("authority").prefetch_related("groups")
    if query:
        people = people.filter(
            Q(username__icontains=query) | Q(email__icontains=query) | Q(last_name__icontains=query)
        )
    return render(
        request,
        "accounts/users.html",
        {"people": people.order_by("username")[:500], "q": query},
    )


@login_required
@require_http_methods(["GET", "POST"])
@step_up_required
def user_new(request):
    _operator(request)
    form = NewUserForm(request.POST or None)
    if request.method == "POST":
        user = run_service(
            request,
            lambda data: accounts.user_create(
                actor=request.user, profile=form.profile(), password=data["password1"]
            ),
            form=form,
            success=_("Account created."),
        )
        if user is not None:
            return redirect("user-detail", pk=user.pk)
    return render(
        request, "accounts/user_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
@step_up_required
def user_detail(request, pk: int):
    _operator(request)
    person = get_object_or_404(users_for(request.user), pk=pk)
    form = UserForm(request.POST or None, instance=person)
    if request.method == "POST" and run_service(
        request,
        lambda data: accounts.user_update(actor=request.user, user=person, profile=form.profile()),
        form=form,
        success=_("Saved."),
    ):
        return redirect("user-detail", pk=person.pk)
    return render(
        request,
        "accounts/user_form.html",
        {
            "form": form,
            "person": person,
            "password_form": NewPasswordForm(user=person),
            "enrolled": otp.has_device(person),
            "security_keys": person.security_keys.count(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@step_up_required
def user_password(request, pk: int):
    _operator(request)
    person = get_object_or_404(users_for(request.user), pk=pk)
    run_service(
        request,
        lambda data: accounts.user_password_set(
            actor=request.user, user=person, password=data["password1"]
        ),
        form=NewPasswordForm(request.POST, user=person),
        on_form=False,
        success=_("Password set; the person's sessions were ended."),
    )
    return redirect("user-detail", pk=person.pk)


@login_required
@require_POST
@step_up_required
def user_second_factor_reset(request, pk: int):
    _operator(request)
    person = get_object_or_404(users_for(request.user), pk=pk)
    accounts.second_factor_reset(actor=request.user, user=person)
    messages.success(
        request,
        _("Second factor reset: %(user)s enrols again at the next sign-in.")
        % {"user": person.username},
    )
    return redirect("user-detail", pk=person.pk)
