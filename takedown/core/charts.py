"""One chart style for the product: on time green, late red, warned amber; legible
type; values printed on the bars and a legend, so colour never carries a meaning alone.
Every chart has its figures in a table beside it on the page."""

from pygal.style import Style

ON_TIME = "#146c43"  # green
LATE = "#b02a37"  # red
WARNED = "#997404"  # amber

COUNT = "#0a58ca"  # blue: a number of things, neither good nor bad
COUNT_FAR = "#6f42c1"  # violet: the second figure beside a count (nine in ten within)

_TYPE = dict(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    title_font_size=16,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=12,
)
STYLE = Style(colors=(ON_TIME, LATE, WARNED), **_TYPE)  # clocks: on time, late, warned
COUNT_STYLE = Style(colors=(COUNT, COUNT_FAR), **_TYPE)  # volumes and durations


def options(**overrides) -> dict:
    """The keyword arguments every chart shares (no script, values shown)."""
    return {"js": [], "style": STYLE, "print_values": True, **overrides}
