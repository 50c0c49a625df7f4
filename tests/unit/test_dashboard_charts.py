"""The dashboards' charts: pygal's SVG without script, style or repeated ids, labelled for
screen readers, with whole-number axes; nothing drawn when there is nothing to draw."""

from __future__ import annotations

import re

from complaints_ledger.web.dashboard_charts import Chart, chart_svg

VOLUMES = Chart(
    "chart-test",
    "Complaints <received> & overdue",
    "A line for each",
    ["May 2025", "Jun 2025"],
    [("Received", [3, 1]), ("Overdue", [2, None])],
)


def test_the_chart_carries_no_script_style_or_pygal_ids() -> None:
    svg = str(chart_svg(VOLUMES))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "<script" not in svg
    assert "<style" not in svg
    assert " style=" not in svg
    assert "<!--" not in svg
    assert re.findall(r' id="([^"]+)"', svg) == [
        "chart-test",
        "chart-test-title",
        "chart-test-desc",
    ]


def test_the_chart_is_an_image_labelled_by_its_title_and_described() -> None:
    svg = str(chart_svg(VOLUMES))
    opening = svg[: svg.index(">")]
    assert 'role="img"' in opening
    assert 'aria-labelledby="chart-test-title"' in opening
    assert 'aria-describedby="chart-test-desc"' in opening
    assert '<title id="chart-test-title">Complaints &lt;received&gt; &amp; overdue</title>' in svg
    assert '<desc id="chart-test-desc">A line for each</desc>' in svg
    assert "May 2025" in svg
    assert "Received" in svg  # the legend


def test_counts_have_whole_number_ticks_and_percentages_run_to_100() -> None:
    ticks = re.findall(r'class="(?:major|)">([0-9.]+)</text>', str(chart_svg(VOLUMES)))
    assert ticks
    assert all("." not in tick for tick in ticks)
    share = Chart("c", "t", "d", ["May 2025"], [("Within target (%)", [50.0])], percent=True)
    assert ">100</text>" in str(chart_svg(share))


def test_nothing_is_drawn_without_a_value() -> None:
    empty = Chart("c", "t", "d", [], [("Received", []), ("Overdue", [])])
    zeros = Chart("c", "t", "d", [""], [("upheld", [0]), ("not upheld", [0])], kind="bar")
    assert str(chart_svg(empty)) == str(chart_svg(zeros)) == ""
