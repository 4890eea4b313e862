"""One chart style for the product: on time green, late red, warned amber; legible
type; values printed on the bars and a legend, so colour never carries a meaning alone.
Every chart has its figures in a table beside it on the page."""

from pygal.style import Style

ON_TIME = "#146c43"  # green
LATE = "#b02a37"  # red
WARNED = "#997404"  # amber

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=(ON_TIME, LATE, WARNED),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    title_font_size=16,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=12,
)


def options(**overrides) -> dict:
    """The keyword arguments every chart shares (no script, values shown)."""
    return {"js": [], "style": STYLE, "print_values": True, **overrides}
