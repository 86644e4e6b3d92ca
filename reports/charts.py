"""SVG charts (pygal) that look the same in the browser and in WeasyPrint's PDF.

Each chart is drawn from plain rows and returned as markup; the same numbers are always printed in a
table next to it, and the figure carries a text alternative.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pygal
from markupsafe import Markup
from pygal.style import Style

from pages.i18n import number

BAND_COLOURS = {"strength": "#0b5d3b", "developing": "#8a6100", "concern": "#a1160d"}
GROUP_COLOURS = ("#0b5d3b", "#2f4f8f", "#8a6100", "#a1160d", "#5b3a8c", "#3d6b73", "#555555")

STYLE = Style(
    font_family="'Noto Sans', 'DejaVu Sans', sans-serif",
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1f24",
    foreground_strong="#1b1f24",
    foreground_subtle="#6b7280",
    opacity="1",
    opacity_hover="1",
    colors=GROUP_COLOURS,
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    legend_font_size=13,
    title_font_size=15,
)


CHART_CSS = "file://" + str(Path(__file__).with_name("chart.css"))
# What only pygal's script or a mouse hover uses: its configuration as an inline script (which the
# pages' Content-Security-Policy refuses to run anyway), tooltip titles and descriptions, the document
# title "Pygal" and its comments. The figure's text alternative is on the element around the chart.
INTERACTIVE_ONLY = ("script", "title", "desc")


def _static_only(root):
    """pygal's XML filter: drop the nodes of INTERACTIVE_ONLY and comments (over a third of a chart's
    markup, and nodes WeasyPrint would parse and style for nothing)."""
    for parent in root.iter():
        for child in list(parent):
            if child.tag in INTERACTIVE_ONLY or not isinstance(child.tag, str):  # a comment's tag is a function
                parent.remove(child)
    return root


def _config(rows: int, legend: bool = False) -> dict:
    return {
        "style": STYLE,
        "css": [CHART_CSS],
        "js": [],  # no script: nothing is fetched, nothing runs
        "disable_xml_declaration": True,
        "explicit_size": False,
        "width": 760,
        "height": max(140, 34 * rows + 60),
        "range": (0, 100),
        "xrange": (0, 100),
        # Ticks every 25 points (the bands change at 50 and 75): WeasyPrint lays out each letter of a
        # chart's text on its own, and ticks every 10 points were about an eighth of the charts' work.
        "y_labels": [0, 25, 50, 75, 100],
        "show_legend": legend,
        "legend_at_bottom": True,
        "print_values": True,
        "print_values_position": "top",
        "truncate_label": -1,
        "margin": 6,
        "margin_right": 40,  # room for a value printed past a bar of 100
        "spacing": 6,
        "show_y_guides": False,
        "show_x_guides": False,
        # Each value just past the end of its bar (text-anchor: start in chart.css, after a no-break space
        # that SVG keeps), never over the bar's colour, where dark text would be hard to read. Written
        # as the tables write it (83,3 in French).
        "value_formatter": lambda value: "\u00a0" + number(value),
    }


def _markup(chart) -> Markup:
    chart.add_xml_filter(_static_only)
    return Markup(chart.render(is_unicode=True))  # noqa: S704 - pygal escapes every label


def gap_bars(labels: Sequence[str], series: dict[str, Sequence[float | None]], no_data: str) -> Markup:
    """Grouped horizontal bars: one series per group compared, one row per dimension."""
    chart = pygal.HorizontalBar(no_data_text=no_data, **{**_config(len(labels) * max(1, len(series)) // 2 + 1,
                                                                   legend=True), "truncate_legend": -1})
    chart.x_labels = list(reversed(labels))
    for name, values in series.items():
        chart.add(name, list(reversed(values)))
    return _markup(chart)
