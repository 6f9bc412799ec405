"""The dashboard on a phone (375 px), in Chinese and English: every chart drawn by the page's own
ECharts build, its labels readable (month labels thinned or turned, long names wrapped, not cut,
a ring's counts on the ring)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import new_tab, no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.browser

#: What charts.js chose for each chart's labels, read back from ECharts itself.
LABELS = """() => [...document.querySelectorAll('.chart[data-chart]')].map(el => {
    const chart = window.echarts.getInstanceByDom(el);
    const option = chart.getOption();
    const canvas = el.querySelector('canvas');
    const axis = (option.xAxis || []).concat(option.yAxis || []).find(a => a.type === 'category');
    return {
        source: el.dataset.source, drawn: el.dataset.drawn === 'true',
        canvas: canvas ? [canvas.clientWidth, canvas.clientHeight] : null,
        width: el.clientWidth,
        categories: axis ? axis.data.length : 0,
        horizontal: !!(axis && (option.yAxis || []).includes(axis)),
        label: axis ? axis.axisLabel : null,
        pie: option.series[0].type === 'pie' ? option.series[0].label : null,
    };
})"""


async def test_the_dashboard_is_readable_on_a_phone(browser: Any, live_server: str) -> None:
    phone = await new_tab(browser, live_server, width=375, height=800)
    console: list[str] = []
    phone.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    scripts: list[str] = []
    phone.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    await sign_in(phone, "coordinator")
    for lang in ("zh", "en"):
        scripts.clear()
        await phone.goto(f"/dashboard?lang={lang}")
        await _readable(phone)
        # a community's name is not cut into one character a line beside its gaps
        first = await phone.evaluate(
            "() => [...document.querySelectorAll('#gaps-table tbody td:first-child')]"
            ".map(td => td.getBoundingClientRect().width)"
        )
        assert first and min(first) >= 96, first  # six characters or more
        # the dashboard's own build, and no other ECharts
        echarts = [s for s in scripts if "echarts" in s]
        assert len(echarts) == 1 and "echarts-dashboard-" in echarts[0], scripts
        await screenshot(phone, f"dashboard_phone_{lang}")
    assert not console, console
    assert not phone.js_errors, phone.js_errors
    await phone.context.close()


async def _readable(phone: Any) -> None:
    await phone.wait_for_function(
        "() => [...document.querySelectorAll('.chart[data-chart]')]"
        ".every(c => c.dataset.drawn === 'true')"
    )
    charts = await phone.evaluate(LABELS)
    assert len(charts) >= 4
    for chart in charts:
        assert chart["drawn"] and chart["canvas"], chart
        width, height = chart["canvas"]
        assert 200 < width <= 375 and height > 150, chart  # sized to its box, not the desktop
        if chart["pie"] is not None:
            # a name outside the ring was cut to "…" at this width: the count sits on the ring
            # and the names in the legend
            assert chart["pie"]["position"] == "inside", chart
        label = chart["label"]
        if label is None:
            continue
        if chart["horizontal"]:
            # names beside the bars wrap onto a second line rather than being cut
            assert label["overflow"] == "break", chart
        else:
            # the labels shown fit side by side, or are turned so that they do
            shown = -(-chart["categories"] // (label["interval"] + 1))
            assert label["rotate"] >= 40 or shown * 48 <= width, chart
    assert await no_horizontal_scroll(phone)
