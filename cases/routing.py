"""Routing: which platform serves a URL, where content is hosted, which desk leads."""

from __future__ import annotations

from dataclasses import dataclass

from cases.choices import UNORDERABLE_NETWORKS, Network
from liaison.choices import AuthorityKind
from liaison.models import Jurisdiction, LiaisonDesk, Platform, PlatformDomain


class DomainIndex:
    """Registered domains in memory, for longest-suffix matching of many URLs at once."""

    def __init__(self) -> None:
        self._by_domain: dict[str, int] = dict(
            PlatformDomain.objects.filter(platform__is_active=True).values_list(
                "domain", "platform_id"
            )
        )
        self._platforms = {
            p.pk: p
            for p in Platform.objects.filter(pk__in=set(self._by_domain.values())).select_related(
                "establishment_jurisdiction"
            )
        }

    def platform_for(self, host: str) -> Platform | None:
        """``media.cdn.example.test`` matches ``cdn.example.test`` before ``example.test``."""
        labels = host.lower().strip(".").split(".")
        for i in range(len(labels) - 1):
            platform_id = self._by_domain.get(".".join(labels[i:]))
            if platform_id is not None:
                return self._platforms[platform_id]
        return None


def desk_for(jurisdiction: Jurisdiction | None) -> LiaisonDesk | None:
    """A jurisdiction's liaison desk: its police desk first, else any of its desks."""
    if jurisdiction is None or not jurisdiction.in_network:
        return None
    desks = LiaisonDesk.objects.filter(authority__jurisdiction=jurisdiction).select_related(
        "authority__jurisdiction"
    )
    return (
        desks.filter(authority__kind=AuthorityKind.POLICE).order_by("id").first()
        or desks.order_by("id").first()
    )


@dataclass(frozen=True)
class Route:
    platform: Platform | None
    hosting_jurisdiction_id: str | None

    @property
    def key(self) -> tuple:
        return (self.platform.pk if self.platform else None, self.hosting_jurisdiction_id)


def route(
    *,
    index: DomainIndex,
    host: str,
    stated_country: str,
    known_codes: set[str],
    network: str = Network.WEB,
) -> Route:
    """Platform by domain; hosting jurisdiction from the platform, else the stated country.
    An onion service or a torrent has neither: the reporting desk leads (investigation or
    MLA, not a removal order)."""
    if network in UNORDERABLE_NETWORKS:
        return Route(None, None)
    platform = index.platform_for(host) if host else None
    if platform is not None:
        return Route(platform, platform.establishment_jurisdiction_id)
    country = stated_country.upper() if stated_country else None
    return Route(None, country if country in known_codes else None)
