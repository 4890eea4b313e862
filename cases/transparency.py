"""Transparency reports: per jurisdiction, per platform or network-wide, for a period.

One computation serves the page, the CSV and JSON exports and the command. The public
variant holds aggregates only and suppresses every count under a threshold (default 5)
— and every duration computed from fewer cases — so no small cell points at a case.
Sandbox orders and clocks never count.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from deadlines.choices import DeadlineKind
from deadlines.selectors import clock_figures
from takedown.core import charts

from .choices import MLAStatus
from .figures import counted_orders, duration_summary, humanise_seconds, order_figures
from .models import Case, MLARequest, Report, ReportItem, TakedownOrder


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime
    end: datetime

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026", "2026-Q2" or "2026-05"."""
        text = text.strip().upper()
        if match := re.fullmatch(r"(\d{4})", text):
            year = int(match[1])
            return cls(text, datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC))
        if match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
            year, quarter = int(match[1]), int(match[2])
            start = datetime(year, 3 * quarter - 2, 1, tzinfo=UTC)
            end = datetime(
                year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1, tzinfo=UTC
            )
            return cls(text, start, end)
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(match[1]), int(match[2])
            if 1 <= month <= 12:
                end = datetime(year + (month == 12), 1 if month == 12 else month + 1, 1, tzinfo=UTC)
                return cls(text, datetime(year, month, 1, tzinfo=UTC), end)
        raise ValueError(_("A period is a year (2026), a quarter (2026-Q2) or a month (2026-05)."))


@dataclass(frozen=True)
class Scope:
    jurisdiction: str | None = None
    platform: str | None = None  # slug

    @property
    def label(self) -> str:
        if self.jurisdiction:
            return f"jurisdiction {self.jurisdiction}"
        return f"platform {self.platform}" if self.platform else "network"


def compute(*, period: Period, scope: Scope) -> dict:
    in_period = {"created_at__gte": period.start, "created_at__lt": period.end}
    reports = Report.objects.filter(received_at__gte=period.start, received_at__lt=period.end)
    lines = ReportItem.objects.filter(report__in=reports)
    orders = counted_orders(since=period.start, until=period.end)
    mla = MLARequest.objects.filter(**in_period).exclude(status=MLAStatus.DRAFT)
    cases = Case.objects.filter(**in_period)
    if scope.jurisdiction:
        code = scope.jurisdiction
        reports = reports.filter(reporting_jurisdiction=code)
        lines = lines.filter(report__reporting_jurisdiction=code)
        orders = orders.filter(issuing_authority__jurisdiction=code)
        mla = mla.filter(
            Q(requesting_authority__jurisdiction=code) | Q(requested_authority__jurisdiction=code)
        )
        cases = cases.filter(lead_desk__authority__jurisdiction=code)
    if scope.platform:
        reports = reports.filter(lines__item__platform__slug=scope.platform).distinct()
        lines = lines.filter(item__platform__slug=scope.platform)
        orders = orders.filter(platform__slug=scope.platform)
        mla = mla.none()
        cases = cases.filter(items__platform__slug=scope.platform).distinct()
    clocks = clock_figures(
        start=period.start,
        end=period.end,
        jurisdiction=scope.jurisdiction,
        platform=scope.platform,
        subjects=(TakedownOrder, orders.values("id")) if scope.platform else None,
    )
    figures = order_figures(orders)
    return {
        "period": period.label,
        "scope": scope.label,
        "reports_received": reports.count(),
        "items_reported": lines.count(),
        "duplicates_avoided": lines.exclude(matched_by="").count(),
        "cases_opened": cases.count(),
        "orders_issued": figures["orders"],
        "notices_issued": figures["notices"],
        "time_to_assessment": duration_summary(clocks["assessment_seconds"]),
        "time_to_acknowledge": figures["time_to_acknowledge"],
        "time_to_removal": figures["time_to_removal"],
        "within_deadline": clocks["within_deadline"],
        "cannot_comply_by_ground": figures["cannot_comply_by_ground"],
        "objections": figures["objections"],
        "escalations": clocks["escalations"],
        "mla_by_outcome": dict(mla.values_list("status").annotate(n=Count("id")).order_by()),
    }


def public(report: dict, *, threshold: int | None = None) -> dict:
    """Aggregates only, small cells suppressed (counts, and figures drawn from few)."""
    threshold = threshold or settings.TRANSPARENCY_MIN_CELL
    marker = f"<{threshold}"

    def count(value):
        return marker if isinstance(value, int) and 0 < value < threshold else value

    def summary(value: dict) -> dict:
        if value["count"] < threshold:
            return {"count": count(value["count"]), "median_seconds": None, "p90_seconds": None}
        return value

    def share(value: dict) -> dict:
        if value["finished"] < threshold:
            return {"finished": count(value["finished"]), "on_time": None, "share": None}
        return value

    out = {}
    for key, value in report.items():
        if key.startswith("time_to_"):
            out[key] = summary(value)
        elif key == "within_deadline":
            out[key] = {kind: share(v) for kind, v in value.items()}
        elif isinstance(value, dict):
            out[key] = {k: count(v) for k, v in value.items()}
        else:
            out[key] = count(value)
    out["suppression"] = f"counts from 1 to {threshold - 1} are shown as {marker}"
    return out


def chart_svg(report: dict) -> str:
    """Share of clocks finished within the binding deadline, per kind (server-side SVG)."""
    import pygal

    chart = pygal.Bar(
        **charts.options(height=280, width=720, range=(0, 100), show_legend=False),
        title=_("Clocks finished within the binding deadline, %(period)s (%%)")
        % {"period": report["period"]},
    )
    rows = [
        (kind, v)
        for kind, v in report["within_deadline"].items()
        if isinstance(v.get("share"), float)
    ]
    chart.x_labels = [str(DeadlineKind(kind).label) for kind, _v in rows]
    chart.add(_("within deadline"), [round(100 * v["share"], 1) for _kind, v in rows])
    return chart.render(is_unicode=True)


def flatten(report: dict, prefix: str = "") -> list[tuple[str, object]]:
    rows = []
    for key, value in report.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += flatten(value, f"{name}.")
        else:
            rows.append((name, value))
    return rows


def as_csv(report: dict) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["figure", "value"])
    writer.writerows(flatten(report))
    return buffer.getvalue()


# --- The report in words (the page; CSV and JSON stay figures) ----------------------------


def _known(value) -> bool:
    """A figure that can be said: neither missing nor suppressed ("<5")."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _percent(share: float) -> str:
    return f"{round(100 * share)} %"


def headlines(report: dict) -> list[str]:
    """The figures a reader looks for, as sentences: durations in hours and days,
    shares as percentages; a figure that is suppressed or missing is not said."""
    lines = []
    if _known(report.get("reports_received")) and _known(report.get("items_reported")):
        lines.append(
            _("%(reports)s reports were received, naming %(items)s items.")
            % {"reports": report["reports_received"], "items": report["items_reported"]}
        )
    if _known(report.get("orders_issued")):
        lines.append(_("%(n)s removal orders were issued.") % {"n": report["orders_issued"]})
    said = {
        "time_to_assessment": _(
            "Half of the reports were assessed within %(median)s, nine in ten within %(p90)s."
        ),
        "time_to_acknowledge": _(
            "Platforms acknowledged half of the orders within %(median)s, "
            "nine in ten within %(p90)s."
        ),
        "time_to_removal": _(
            "Half of the material was removed within %(median)s of the "
            "order, nine in ten within %(p90)s."
        ),
    }
    for key, sentence in said.items():
        figures = report.get(key) or {}
        if _known(figures.get("median_seconds")) and _known(figures.get("p90_seconds")):
            lines.append(
                sentence
                % {
                    "median": humanise_seconds(figures["median_seconds"]),
                    "p90": humanise_seconds(figures["p90_seconds"]),
                }
            )
    for kind in (DeadlineKind.REMOVAL, DeadlineKind.ASSESSMENT):
        figures = (report.get("within_deadline") or {}).get(kind) or {}
        if _known(figures.get("share")):
            lines.append(
                _("%(share)s of the clocks for “%(kind)s” finished within the binding deadline.")
                % {"share": _percent(figures["share"]), "kind": kind.label}
            )
    return lines


def readable_rows(report: dict) -> list[tuple[str, str]]:
    """The table beside the chart: every figure, durations and shares in words."""
    rows = []
    for name, value in flatten(report):
        if value is None:
            shown = "—"
        elif name.endswith("_seconds") and _known(value):
            shown = humanise_seconds(value)
        elif name.endswith(".share") and _known(value):
            shown = _percent(value)
        else:
            shown = str(value)
        rows.append((name, shown))
    return rows
