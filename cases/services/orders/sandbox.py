"""The integration sandbox."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import CaseStatus, OrderKind
from cases.models import Case, ReportedItem, TakedownOrder
from liaison.models import Jurisdiction, Platform
from takedown.core.audit import atomic
from takedown.core.errors import ValidationFailed
from takedown.core.references import allocate

from .common import OrderFields
from .issuing import create_order

SANDBOX_CODE = "XS"  # ISO 3166 user-assigned: never a real country


def _sandbox_desk():
    from liaison.choices import AuthorityKind
    from liaison.models import Authority, LiaisonDesk

    jurisdiction, _created = Jurisdiction.objects.get_or_create(
        code=SANDBOX_CODE,
        defaults={
            "name": "Sandbox",
            "timezone": "UTC",
            "in_network": False,
            "profile_note": "Integration sandbox: orders here are tests and never counted.",
        },
    )
    authority, _created = Authority.objects.get_or_create(
        jurisdiction=jurisdiction,
        name="Takedown sandbox authority",
        defaults={"kind": AuthorityKind.PROSECUTOR, "email": "sandbox@takedown.example.org"},
    )
    desk, _created = LiaisonDesk.objects.get_or_create(authority=authority, name="Sandbox desk")
    return authority, desk


def sandbox_order_create(
    *, platform: Platform, item_count: int = 2, now: datetime | None = None
) -> TakedownOrder:
    """A test order for this platform, signed with a sandbox key: integrate end to end
    before the first real order. Its case belongs to a desk nobody sits on, its clocks
    never escalate, and figures leave it out."""
    import uuid

    from cases.choices import ParticipantRole
    from cases.models import CaseParticipant
    from cases.normalise import normalise_url

    now = now or timezone.now()
    if not 1 <= item_count <= 20:
        raise ValidationFailed(fields={"item_count": [_("Between 1 and 20 items.")]})
    with atomic():
        authority, desk = _sandbox_desk()
        number = allocate("sandbox-case")[0]
        case = Case.objects.create(
            reference=f"SBX-{number:08d}",
            status=CaseStatus.ACTION,
            lead_desk=desk,
            summary=f"Sandbox order for {platform.name}",
            created_at=now,
        )
        CaseParticipant.objects.create(
            case=case, desk=desk, role=ParticipantRole.LEAD, joined_at=now
        )
        domain = (
            platform.domains.order_by("domain").values_list("domain", flat=True).first()
            or "example.test"
        )
        items = []
        for _n in range(item_count):
            url = f"https://{domain}/.well-known/takedown-sandbox/{uuid.uuid4().hex}"
            normalised = normalise_url(url)
            items.append(
                ReportedItem.objects.create(
                    case=case,
                    url=url,
                    normalized_url=normalised.url,
                    url_digest=normalised.digest,
                    domain=normalised.host,
                    platform=platform,
                    created_at=now,
                )
            )
        fields = OrderFields(
            kind=OrderKind.ORDER,
            legal_basis="Sandbox: no legal effect.",
            reasons="Integration test order. Synthetic URLs; nothing to remove.",
            contact_point="sandbox@takedown.example.org",
        )
        return create_order(
            case=case,
            request=None,
            authority=authority,
            platform=platform,
            fields=fields,
            items=items,
            prosecutor=None,
            now=now,
            is_sandbox=True,
        )
