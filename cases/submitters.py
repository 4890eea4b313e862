"""Who sends a report, as the domain sees them: an officer, an intake partner, a
platform, or a member of the public (no account). The API builds one from its key at the
edge; services never see the transport."""

from __future__ import annotations

from dataclasses import dataclass

from liaison.models import ApiKey, Authority, Jurisdiction, Platform
from takedown.core.models import User


@dataclass(frozen=True)
class Submitter:
    user: User | None = None
    partner: Authority | None = None
    platform: Platform | None = None
    api_key: ApiKey | None = None  # the key a partner or platform used, for imports
    public: bool = False  # the public report page: nobody the system knows

    @classmethod
    def of(cls, sender: Submitter | User) -> Submitter:
        return sender if isinstance(sender, Submitter) else cls(user=sender)

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.get_username()
        if self.platform is not None:
            return f"platform:{self.platform.slug}"
        if self.public:
            return "public"
        return f"partner:{self.partner.pk}"

    @property
    def actor(self) -> User | str:
        """What the audit log records as the actor."""
        return self.user if self.user is not None else self.label

    def own_jurisdictions(self) -> list[str]:
        """The jurisdictions this sender may report for: an officer's desks', a partner's
        own, a platform's establishment and legal representative. Nobody speaks for a
        country they do not belong to — a report's jurisdiction decides which desk joins.
        The public reports to any country of the network, chosen on the page."""
        if self.public:
            codes = Jurisdiction.objects.filter(in_network=True).values_list("code", flat=True)
        elif self.user is not None:
            codes = self.user.desks.values_list("authority__jurisdiction", flat=True)
        elif self.platform is not None:
            codes = [
                self.platform.establishment_jurisdiction_id,
                self.platform.legal_representative_jurisdiction_id,
            ]
        else:
            codes = [self.partner.jurisdiction_id]
        return sorted({code for code in codes if code})

    def report_fields(self) -> dict:
        return {"submitted_by": self.user, "partner": self.partner, "platform": self.platform}

    def __str__(self) -> str:
        return self.label
