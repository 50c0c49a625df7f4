"""The dashboards' charts: SVG drawn on the server by pygal (ADR 0019), made fit to be put
inline in a page under a Content-Security-Policy without `unsafe-inline`, and accessible.

pygal writes a `<style>` and a `<script>` into every chart's `<defs>`; both are removed (the
policy would refuse them, and nothing is needed from them: the classes pygal puts on each
element are styled by the app's stylesheet, `.app-chart` rules, and there are no tooltips
without the script). Any `style` attribute is removed too. The chart gets `role="img"`, a
`<title>` it is labelled by and a `<desc>` it is described by; the numbers are in a table
beside it, which is where the figures are read from (the chart only shows their shape)."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from markupsafe import Markup
from pygal.style import Style

Series = tuple[str, Sequence[float | None]]
WIDTH, HEIGHT = 600, 320
FONT_SIZE = 16  # px of the drawing; the stylesheet's .app-chart__svg text says the same
TICKS = 5  # about as many lines across the plot


@dataclass(frozen=True)
class Chart:
    """What a chart shows: `labels` along its axis, one list of values per series."""

    id: str
    title: str
    description: str
    labels: Sequence[str]
    series: Sequence[Series]
    kind: str = "line"  # "line" or "bar"
    percent: bool = False  # the values are percentages: the axis runs from 0 to 100


def chart_svg(chart: Chart) -> Markup:
    """The chart as inline SVG markup, no script or style in it; nothing when every value is
    none or 0 (no line or bar to draw: its table says what there is)."""
    if not any(value for _, values in chart.series for value in values):
        return Markup("")
    drawn = _drawing(chart)
    drawn.x_labels = list(chart.labels)
    for name, values in chart.series:
        drawn.add(name, list(values))
    tree = drawn.render_tree()
    _strip(tree)
    _label(tree, chart)
    return Markup(ET.tostring(tree, encoding="unicode"))  # noqa: S704 - built from escaped text


def _drawing(chart: Chart) -> pygal.graph.graph.Graph:
    options = {
        "width": WIDTH,
        "height": HEIGHT,
        "js": [],
        "no_prefix": True,
        "disable_xml_declaration": True,
        "legend_at_bottom": True,
        "print_values": False,
        "show_y_guides": True,
        "x_label_rotation": 0 if len(chart.labels) <= 6 else 30,  # noqa: PLR2004
        "truncate_label": -1,
        "margin_right": 40,  # room for half the last month's label, centred on its point
        "truncate_legend": -1,
        "no_data_text": "No figures",
        "min_scale": 1,
        "max_scale": 5,
        # pygal leaves room for its text by these sizes (its own style sheet is removed)
        "style": Style(
            label_font_size=FONT_SIZE,
            major_label_font_size=FONT_SIZE,
            legend_font_size=FONT_SIZE,
            title_font_size=FONT_SIZE,
        ),
    }
    options["y_labels"] = _ticks(chart)
    kind = pygal.Bar if chart.kind == "bar" else pygal.Line
    return kind(**options)


def _ticks(chart: Chart) -> list[int]:
    """Whole numbers up the value axis (a count has no halves); 0 to 100 for a percentage."""
    if chart.percent:
        return list(range(0, 101, 20))
    top = max((v for _, values in chart.series for v in values if v is not None), default=0)
    step = max(1, math.ceil(top / TICKS))
    return list(range(0, int(top) + step, step))


def _strip(tree: ET.Element) -> None:
    """Remove what the page's policy refuses or a reader does not need: pygal's `<defs>` (its
    style and script), its comments and its own `<title>`, and any `style` or `id` attribute."""
    for child in list(tree):
        if not isinstance(child.tag, str) or child.tag in {"defs", "title"}:
            tree.remove(child)
    for element in tree.iter():
        element.attrib.pop("style", None)
        element.attrib.pop("id", None)  # pygal's legend ids repeat in every chart of a page


def _label(tree: ET.Element, chart: Chart) -> None:
    title, description = ET.Element("title"), ET.Element("desc")
    title.set("id", f"{chart.id}-title")
    title.text = chart.title
    description.set("id", f"{chart.id}-desc")
    description.text = chart.description
    tree.insert(0, description)
    tree.insert(0, title)
    tree.set("id", chart.id)
    tree.set("role", "img")
    tree.set("aria-labelledby", f"{chart.id}-title")
    tree.set("aria-describedby", f"{chart.id}-desc")
    tree.set("focusable", "false")
    tree.set("class", "pygal-chart app-chart__svg")
