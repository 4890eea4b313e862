"""How an API operation is retired: it is marked first, for at least one release, then
removed on its sunset date. A view class that is going says so with a ``deprecation``
attribute; from then on every answer carries ``Deprecation`` (RFC 9745) and ``Sunset``
(RFC 8594) headers (``DeprecationHeadersMiddleware``) and the OpenAPI document marks the
operation ``deprecated`` (``ProblemAutoSchema``). docs/api-changelog.md announces it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.utils.http import http_date


@dataclass(frozen=True)
class Deprecation:
    since: date  # announced in the changelog on this day
    sunset: date | None = None  # removed after this day
    link: str = ""  # where the replacement is described

    def headers(self) -> dict[str, str]:
        headers = {"Deprecation": f"@{int(_midnight(self.since).timestamp())}"}
        if self.sunset is not None:
            headers["Sunset"] = http_date(_midnight(self.sunset).timestamp())
        if self.link:
            headers["Link"] = f'<{self.link}>; rel="deprecation"'
        return headers


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def deprecation_of(view) -> Deprecation | None:
    """The view's, whether given the view function Django resolved or the view itself."""
    view_class = getattr(view, "view_class", None) or getattr(view, "cls", None) or type(view)
    return getattr(view_class, "deprecation", None)
