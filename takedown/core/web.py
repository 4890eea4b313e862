"""What every HTML view does the same way: who may open it, and how it runs one service
call and shows what the service said (on the form, or as a message on the page it
returns to)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .choices import Role
from .errors import ApplicationError


def role_required(*roles: Role):
    """Signed in, with one of these roles; anyone else is refused (a 403, audited)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_role(role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def apply_service_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal on the form: field errors on their fields, everything
    else (with the explanation) above the form."""
    unplaced = []
    for field, texts in (error.fields or {}).items():
        if isinstance(texts, dict):  # per-item errors: {"3": {"url": [...]}}
            for position, item_fields in texts.items():
                for name, item_texts in item_fields.items():
                    form.add_error(
                        "items" if "items" in form.fields else None,
                        _("Line %(line)s, %(field)s: %(text)s")
                        % {"line": int(position) + 1, "field": name, "text": " ".join(item_texts)},
                    )
        elif field in form.fields:
            form.add_error(field, texts)
        else:
            unplaced.extend(texts)
    # A refusal of the act (not of the input) explains itself above the form.
    if unplaced or not error.fields or error.status != 400:
        form.add_error(None, " ".join([error.detail, *map(str, unplaced)]))


def error_text(error: ApplicationError) -> str:
    """The refusal as one sentence, for a message on the page the view returns to."""
    details = [
        f"{name}: {' '.join(map(str, texts))}" if name != "__all__" else " ".join(texts)
        for name, texts in (error.fields or {}).items()
        if isinstance(texts, list)
    ]
    return " ".join([error.detail, *details]).strip()


def form_error_text(form: forms.Form) -> str:
    return " ".join(
        f"{form.fields[name].label}: {' '.join(texts)}" if name in form.fields else " ".join(texts)
        for name, texts in form.errors.items()
    )


def run_service(
    request,
    action: Callable[[dict], object],
    *,
    form: forms.Form | None = None,
    success: str = "",
    on_form: bool = True,
):
    """Validate the form, call ``action(cleaned_data)`` (one service call) and say how it
    went. A domain refusal goes on the form (``on_form``) or into a message for the page
    the view redirects to; a refusal of the right to act is a 403. Returns what the
    service returned, or None when it did not run."""
    if form is not None and not form.is_valid():
        if not on_form:
            messages.error(request, form_error_text(form))
        return None
    try:
        result = action(form.cleaned_data if form is not None else {})
    except ApplicationError as error:
        if error.status == 403:
            raise PermissionDenied(error.detail) from error
        if form is not None and on_form:
            apply_service_error(form, error)
        else:
            messages.error(request, error_text(error))
        return None
    if success:
        messages.success(request, success)
    return result
