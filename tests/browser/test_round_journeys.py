"""A coordinator's journeys: a dry run over one district, then for real; the dashboard's charts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from matchmaker.web.round_forms import DEFAULT_WEIGHTS
from tests.browser.conftest import new_tab, no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.browser

RESULT_TIMEOUT = 60_000


async def chart_drawn(page: Any, selector: str) -> bool:
    """True when ECharts has drawn into the element: a canvas with a real size."""
    return bool(
        await page.evaluate(
            """(selector) => {
                const el = document.querySelector(selector);
                const canvas = el && el.querySelector('canvas');
                return !!(el && el.dataset.drawn === 'true' && canvas
                          && canvas.width > 100 && canvas.height > 100);
            }""",
            selector,
        )
    )


async def start_round(page: Any, district: str, *, min_score: str, dry_run: bool) -> None:
    """Fill the new-round form as a person would and start it; wait for the result."""
    await page.goto("/rounds")
    await page.get_by_label("区县", exact=True).select_option(district)
    await page.get_by_label("最低分").fill(min_score)
    await page.get_by_label(re.compile("^试运行")).set_checked(dry_run)
    await page.get_by_role("button", name="开始撮合").click()
    await page.wait_for_url(re.compile(r"/rounds/\d+$"))
    await page.get_by_role("heading", name=re.compile("^推荐配对")).wait_for(timeout=RESULT_TIMEOUT)


async def test_a_coordinator_tries_a_round_then_runs_it_for_real(
    page: Any, browser: Any, live_server: str
) -> None:
    await sign_in(page, "coordinator_chenghua")  # 成华区's coordinator, over their district
    await page.get_by_role("link", name="撮合轮次").click()
    await page.wait_for_url("**/rounds")
    assert await page.get_by_label(re.compile("^试运行")).is_checked()  # dry run by default
    assert await page.get_by_label("类别匹配").input_value() == f"{DEFAULT_WEIGHTS['category']:g}"
    await page.get_by_label("区县", exact=True).select_option("成华区")
    await page.get_by_label("最低分").fill("0.5")
    await screenshot(page, "round_form")

    # the dry run: progress, then the result with its picture
    # (after a full-page screenshot Chromium may drop a mouse click: use the keyboard, as many do)
    await page.get_by_role("button", name="开始撮合").press("Enter")
    await page.wait_for_url(re.compile(r"/rounds/\d+$"))
    dry_url = page.url
    await page.get_by_role("heading", name=re.compile("^推荐配对")).wait_for(timeout=RESULT_TIMEOUT)
    assert "这是试运行" in await page.locator("main").inner_text()
    proposals = page.locator(".proposal")
    assert await proposals.count() > 0
    await page.wait_for_function(
        "() => document.querySelector('.chart-sankey')?.dataset.drawn === 'true'"
    )
    assert await chart_drawn(page, ".chart-sankey")
    # the score of the best proposal, component by component
    first = proposals.first
    await first.get_by_text("分数构成").click()
    bars = first.locator(".bars li")
    assert await bars.count() == 9  # eight components and the total
    assert "类别匹配" in await bars.first.inner_text()
    # each part a <meter> (no script, no inline style) with its weight × score, and the total
    values = await first.locator(".bars meter").evaluate_all("ms => ms.map(m => m.value)")
    assert len(values) == 9 and any(v > 0 for v in values), values
    said = await first.locator(".bars").inner_text()
    assert " × " in said and "各项之和" in said
    await screenshot(page, "round_result")

    # run the same parameters for real
    await page.get_by_role("button", name="按相同参数正式运行").press("Enter")
    await page.wait_for_url(lambda url: url != dry_url and re.search(r"/rounds/\d+$", url))
    await page.get_by_text("推荐已发给双方").wait_for(timeout=RESULT_TIMEOUT)
    assert await page.get_by_role("button", name="按相同参数正式运行").count() == 0
    assert await page.locator(".proposal").count() == await proposals.count()
    await page.wait_for_function(
        "() => document.querySelector('.chart-sankey')?.dataset.drawn === 'true'"
    )

    # why a need was left open, in plain words and percentages, no English engine text
    reason = page.locator(".reason-below_threshold").first
    text = await reason.inner_text()
    assert "分数不够" in text and "低于本轮最低分 50%" in text and "把最低分填为" in text
    assert "the best candidate" not in text and "引擎原文" not in text

    # the same result on a phone: nothing wider than the screen, the chart redrawn to fit
    phone = await new_tab(browser, live_server, width=375, height=800)
    await sign_in(phone, "coordinator_chenghua")
    await phone.goto(page.url)
    await phone.wait_for_function(
        "() => document.querySelector('.chart-sankey')?.dataset.drawn === 'true'"
    )
    assert await no_horizontal_scroll(phone)
    width = await phone.evaluate("document.querySelector('.chart-sankey canvas').clientWidth")
    assert 200 < width <= 375
    assert not phone.js_errors
    await phone.context.close()

    await page.goto("/rounds")
    listed = await page.locator(".rounds-table tbody tr").all_inner_texts()
    assert len(listed) == 2 and "正式" in listed[0] and "试运行" in listed[1]


async def test_the_dashboard_draws_its_charts(page: Any) -> None:
    await sign_in(page, "coordinator")
    await start_round(page, "邛崃市", min_score="0.2", dry_run=False)
    await page.goto("/dashboard")
    charts = page.locator(".chart[data-chart]")
    assert await charts.count() == 5
    await page.wait_for_function(
        "() => [...document.querySelectorAll('.chart[data-chart]')]"
        ".every(c => c.dataset.drawn === 'true')"
    )
    for source in ("months-data", "standard-data", "districts-data", "categories-data"):
        assert await chart_drawn(page, f'.chart[data-source="{source}"]')
    assert await chart_drawn(page, '.chart[data-source="partners-data"]')
    for name in ("每月新开与已满足的需求", "各区县的需求", "最活跃的合作伙伴"):
        await page.get_by_role("heading", name=name).wait_for()
    assert await page.locator("[role=img][aria-label]").count() == 5
    await screenshot(page, "dashboard")
    await page.set_viewport_size({"width": 375, "height": 800})
    await page.wait_for_timeout(400)
    assert await no_horizontal_scroll(page)
