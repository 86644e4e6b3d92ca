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


def _config(rows: int, legend: bool = False, row_height: int = 34) -> dict:
    return {
        "style": STYLE,
        "css": [CHART_CSS],
        "js": [],  # no script: nothing is fetched, nothing runs
        "disable_xml_declaration": True,
        "explicit_size": False,
        "width": 760,
        "height": max(140, row_height * rows + 60),
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


Row = tuple[str, "float | None", str, str]  # (label, score, band, the band's name in words)


def band_bars(rows: Sequence[Row], no_data: str, row_height: int = 34) -> Markup:
    """Horizontal bars 0–100, one per row, coloured by band and labelled with the score and the band in
    words (colour is never the only sign); top row first."""
    return _labelled_bars(rows, no_data, row_height, length=lambda score: score,
                          label=lambda score, name: f"{number(score)} · {name}")


def severity_bars(rows: Sequence[Row], no_data: str, row_height: int = 34) -> Markup:
    """Obstacles read the right way round: each bar as long as the obstacle is serious (100 − score, where
    a score of 100 means no obstacle), labelled with the band's name only, not with a number that would
    run the other way, and without a scale."""
    return _labelled_bars(rows, no_data, row_height, length=lambda score: 100 - score,
                          label=lambda score, name: name, show_x_labels=False)


def _labelled_bars(rows: Sequence[Row], no_data: str, row_height: int, length, label, **extra) -> Markup:
    config = {**_config(len(rows), row_height=row_height), "print_labels": True, "print_values": False,
              "margin_right": 170, **extra}
    chart = pygal.HorizontalBar(no_data_text=no_data, **config)
    ordered = list(reversed(rows))  # pygal draws the first value at the bottom
    chart.x_labels = [text for text, _, _, _ in ordered]
    chart.add("", [  # each label after a no-break space that SVG keeps, just past the end of its bar
        {"value": length(score), "color": BAND_COLOURS.get(band, "#6b7280"), "label": "\u00a0" + label(score, name)}
        if score is not None else {"value": 0, "label": "\u00a0" + name}
        for _, score, band, name in ordered
    ])
    return _markup(chart)


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
