"""The desk's deadlines board and its weekly on-time chart."""

from __future__ import annotations

from datetime import datetime, timedelta

import pygal
from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from deadlines.selectors import LATE, ON_TIME, unfinished
from takedown.core import charts

from .selectors import desk_deadlines

BOARD_LIMIT = 100
WEEKS = 12  # the on-time chart's period


def board(*, user, now: datetime) -> dict[str, list]:
    local_midnight = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    open_clocks = unfinished(desk_deadlines(user)).order_by("due_at")
    return {
        "overdue": list(open_clocks.filter(due_at__lte=now)[:BOARD_LIMIT]),
        "at_risk": list(open_clocks.filter(warn_at__lte=now, due_at__gt=now)[:BOARD_LIMIT]),
        "due_today": list(
            open_clocks.filter(warn_at__gt=now, due_at__gt=now, due_at__lte=local_midnight)[
                :BOARD_LIMIT
            ]
        ),
        "escalated": list(open_clocks.filter(escalation_level__gte=1)[:BOARD_LIMIT]),
    }


def weekly_on_time(*, user, now: datetime, weeks: int = WEEKS) -> list[tuple[datetime, int, int]]:
    """(week, met on time, met late) for the last ``weeks`` weeks."""
    since = now - timedelta(weeks=weeks)
    rows = (
        desk_deadlines(user)
        .filter(met_at__gte=since)
        .annotate(week=TruncWeek("met_at"))
        .values("week")
        .annotate(on_time=Count("id", filter=ON_TIME), late=Count("id", filter=LATE))
        .order_by("week")
    )
    return [(row["week"], row["on_time"], row["late"]) for row in rows]


def weekly_chart_svg(series: list[tuple[datetime, int, int]]) -> str:
    """Server-rendered SVG (no script: pygal's tooltips are switched off)."""
    chart = pygal.StackedBar(
        **charts.options(
            height=280,
            width=760,
            legend_at_bottom=True,
            show_y_guides=True,
            title=_("Deadlines met per week, the last %(n)s weeks") % {"n": WEEKS},
            x_label_rotation=0,
        )
    )
    chart.x_labels = [week.strftime("%d %b") for week, _on, _late in series]
    chart.add(_("On time"), [on for _week, on, _late in series])
    chart.add(_("Late"), [late for _week, _on, late in series])
    return chart.render(is_unicode=True)
