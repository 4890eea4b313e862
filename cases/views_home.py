"""The start page: each of the user's roles gets its section (cases/home.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from takedown.core.choices import Role

from . import home as sections
from .access import is_officer, is_prosecutor


@login_required
@require_GET
def home(request):
    user, now = request.user, timezone.now()
    return render(
        request,
        "core/home.html",
        {
            "now": now,
            "officer": sections.officer_home(user, now) if is_officer(user) else None,
            "prosecutor": sections.prosecutor_home(user, now) if is_prosecutor(user) else None,
            "auditor": sections.auditor_home(user, now) if user.has_role(Role.AUDITOR) else None,
            "operator": sections.operator_home(now) if user.has_role(Role.OPERATOR) else None,
        },
    )
