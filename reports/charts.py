"""The report's chart colours. The charts themselves are tables of words with an SVG bar in each row
(templates/reports/_report_body.html, macro bar_chart, and the perception-gap table): real text that the
PDF lays out as cheaply as a paragraph, no inline style (the pages' Content-Security-Policy allows none),
and every value written beside its bar, so that colour is never the only sign."""

from __future__ import annotations

BAND_COLOURS = {"strength": "#0b5d3b", "developing": "#8a6100", "concern": "#a1160d"}
GROUP_COLOURS = ("#0b5d3b", "#2f4f8f")  # the two groups a perception-gap chart compares
