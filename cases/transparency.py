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
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deadlines.choices import DeadlineKind
from deadlines.selectors import clock_figures
from takedown.core import charts

from .choices import CannotComplyGround, MLAStatus
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

    @property
    def title(self) -> str:
        """The scope in words, for the page (``label`` is the exports' code)."""
        if self.jurisdiction:
            return _("jurisdiction %(code)s") % {"code": self.jurisdiction}
        if self.platform:
            return _("platform %(slug)s") % {"slug": self.platform}
        return _("the whole network")


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

COUNTS = {
    "reports_received": gettext_lazy("Reports received"),
    "items_reported": gettext_lazy("Items reported"),
    "duplicates_avoided": gettext_lazy("Items already known from another report"),
    "cases_opened": gettext_lazy("Cases opened"),
    "orders_issued": gettext_lazy("Removal orders issued"),
    "notices_issued": gettext_lazy("Notices issued"),
    "objections": gettext_lazy("Objections by platforms"),
    "escalations": gettext_lazy("Escalations to backup contacts"),
}
STEPS = {
    "time_to_assessment": gettext_lazy("Assessment of a report"),
    "time_to_acknowledge": gettext_lazy("Acknowledgement of an order"),
    "time_to_removal": gettext_lazy("Removal after the order"),
}
STEP_FIGURES = {
    "count": gettext_lazy("%(step)s: number counted"),
    "median_seconds": gettext_lazy("%(step)s: half within"),
    "p90_seconds": gettext_lazy("%(step)s: nine in ten within"),
}
SHARE_FIGURES = {
    "finished": gettext_lazy("%(kind)s: clocks finished"),
    "on_time": gettext_lazy("%(kind)s: finished within the deadline"),
    "share": gettext_lazy("%(kind)s: share within the deadline"),
}
VOLUMES = (
    "reports_received",
    "items_reported",
    "duplicates_avoided",
    "cases_opened",
    "orders_issued",
    "notices_issued",
    "objections",
)
# Each group of figures: its section on the page, its table and its chart (by key).
SECTIONS = (
    ("volumes", gettext_lazy("Reports, cases and orders"), VOLUMES),
    ("durations", gettext_lazy("Time taken"), tuple(STEPS)),
    (
        "deadlines",
        gettext_lazy("Clocks finished within the binding deadline"),
        ("within_deadline", "escalations"),
    ),
    (
        "grounds",
        gettext_lazy("Orders a platform reported it could not comply with, by ground"),
        ("cannot_comply_by_ground",),
    ),
    ("mla", gettext_lazy("Mutual legal assistance requests, by outcome"), ("mla_by_outcome",)),
)
CHARTS = frozenset(key for key, _title, _figures in SECTIONS)


def _known(value) -> bool:
    """A figure that can be said: neither missing nor suppressed ("<5")."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _percent(share: float) -> str:
    return f"{_number(round(100 * share))} %"


def _choice(choices, value: str) -> str:
    """A code's name in words; a code the choices no longer know, as it is."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _figure_label(name: str) -> str:
    """A flattened figure's name ("time_to_removal.p90_seconds") in words."""
    top, _dot, rest = name.partition(".")
    if top in COUNTS:
        return str(COUNTS[top])
    if top in STEPS:
        return STEP_FIGURES[rest] % {"step": STEPS[top]}
    if top == "within_deadline":
        kind, _dot, figure = rest.partition(".")
        return SHARE_FIGURES[figure] % {"kind": _choice(DeadlineKind, kind)}
    if top == "cannot_comply_by_ground":
        return _choice(CannotComplyGround, rest)
    if top == "mla_by_outcome":
        return _choice(MLAStatus, rest)
    return name


def _shown(name: str, value) -> str:
    if value is None:
        return "—"
    if name.endswith("_seconds") and _known(value):
        return humanise_seconds(value)
    if name.endswith(".share") and _known(value):
        return _percent(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _number(value)
    return str(value)


def sections(report: dict) -> list[dict]:
    """The page's sections: a title, the figures of its group in words (each with its
    raw name) and whether it has anything a chart can draw."""
    out = []
    for key, title, figures in SECTIONS:
        group = {figure: report[figure] for figure in figures if figure in report}
        rows = [(name, _figure_label(name), _shown(name, value)) for name, value in flatten(group)]
        out.append({"key": key, "title": title, "rows": rows, "chart": bool(_series(report, key))})
    return out


def headlines(report: dict) -> list[str]:
    """The figures a reader looks for, as sentences: durations in hours and days,
    shares as percentages; a figure that is suppressed or missing is not said."""
    lines = []
    if _known(report.get("reports_received")) and _known(report.get("items_reported")):
        lines.append(
            _("%(reports)s reports were received, naming %(items)s items.")
            % {
                "reports": _number(report["reports_received"]),
                "items": _number(report["items_reported"]),
            }
        )
    if _known(report.get("orders_issued")):
        lines.append(
            _("%(n)s removal orders were issued.") % {"n": _number(report["orders_issued"])}
        )
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


# --- Charts: one per section, drawn on the server (no script) ----------------------------


def _counts(values: dict, name) -> list[tuple[str, int]]:
    return [(name(key), value) for key, value in values.items() if _known(value) and value]


def _series(report: dict, chart: str) -> dict[str, list[tuple[str, float]]]:
    """What a chart draws: series name -> (bar, value). Suppressed ("<5"), missing and
    zero figures are left out: the section's table says them."""
    if chart == "volumes":
        rows = _counts({key: report.get(key) for key in VOLUMES}, lambda key: str(COUNTS[key]))
        return {_("number"): rows} if rows else {}
    if chart == "durations":

        def hours(figure: str) -> list[tuple[str, float]]:
            return [
                (str(name), round(report[step][figure] / 3600, 1))
                for step, name in STEPS.items()
                if _known((report.get(step) or {}).get(figure))
            ]

        if not hours("median_seconds"):
            return {}
        return {
            _("half within (median)"): hours("median_seconds"),
            _("nine in ten within (90th percentile)"): hours("p90_seconds"),
        }
    if chart == "deadlines":
        rows = [
            (_choice(DeadlineKind, kind), round(100 * v["share"], 1))
            for kind, v in (report.get("within_deadline") or {}).items()
            if _known(v.get("share"))
        ]
        return {_("within deadline"): rows} if rows else {}
    if chart == "grounds":
        grounds = report.get("cannot_comply_by_ground") or {}
        rows = _counts(grounds, lambda key: _choice(CannotComplyGround, key))
        return {_("orders"): rows} if rows else {}
    if chart == "mla":
        outcomes = report.get("mla_by_outcome") or {}
        rows = _counts(outcomes, lambda key: _choice(MLAStatus, key))
        return {_("requests"): rows} if rows else {}
    raise ValueError(chart)


CHART_TITLES = {
    "volumes": gettext_lazy("Reports, cases and orders, %(period)s"),
    "durations": gettext_lazy("Time taken, %(period)s (hours)"),
    "deadlines": gettext_lazy("Clocks finished within the binding deadline, %(period)s (%%)"),
    "grounds": gettext_lazy("Orders a platform could not comply with, by ground, %(period)s"),
    "mla": gettext_lazy("Mutual legal assistance requests by outcome, %(period)s"),
}


def chart_svg(report: dict, chart: str = "deadlines") -> str:
    """One section's chart as SVG, in the product's chart style: shares of clocks in the
    clock colours (0 to 100 %), counts and hours in the neutral ones, long labels as rows."""
    import pygal

    series = _series(report, chart)
    bars = list(dict.fromkeys(bar for rows in series.values() for bar, _value in rows))
    upright = chart in ("durations", "deadlines")
    if not upright:
        bars.reverse()  # a horizontal chart draws its first bar at the bottom
    drawing = (pygal.Bar if upright else pygal.HorizontalBar)(
        **charts.options(
            height=320 if upright else 90 + 40 * max(len(bars), 2),
            width=720,
            show_legend=len(series) > 1,
            legend_at_bottom=True,
            truncate_label=-1,  # the names are the point; never "Acknowledgem…"
            x_label_rotation=20 if upright and len(bars) > 3 else 0,
            **({"range": (0, 100)} if chart == "deadlines" else {"style": charts.COUNT_STYLE}),
        ),
        title=CHART_TITLES[chart] % {"period": report["period"]},
    )
    drawing.x_labels = bars
    for name, rows in series.items():
        values = dict(rows)
        drawing.add(name, [values.get(bar) for bar in bars])
    return drawing.render(is_unicode=True)
