"""``{% load times %}``: times in records that are evidence.

``{% utc_and_local moment %}`` shows the time in UTC with its offset written out (what
the record and its hash hold, the same for every reader) and, when the viewer's
timezone is another, the viewer's local time beside it, also with its offset: an
examiner in Berlin and one in Lisbon read the same UTC time and each their own clock."""

from datetime import UTC

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()

FORMAT = "%Y-%m-%d %H:%M:%S"


def _offset(moment) -> str:
    text = moment.strftime("%z")  # +0100
    return f"{text[:3]}:{text[3:]}"


@register.simple_tag
def utc_and_local(moment):
    if moment is None:
        return ""
    utc = moment.astimezone(UTC)
    shown = format_html(
        '<time datetime="{}">{} UTC{}</time>',
        utc.isoformat().replace("+00:00", "Z"),
        utc.strftime(FORMAT),
        _offset(utc),
    )
    here = timezone.get_current_timezone()
    if str(here) in ("UTC", "Etc/UTC"):
        return shown
    local = moment.astimezone(here)
    return format_html(
        '{} <span class="text-body-secondary" data-local-time>({} UTC{} {})</span>',
        shown,
        local.strftime(FORMAT),
        _offset(local),
        here,
    )
