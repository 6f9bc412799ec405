"""A coordinator reads their district's report after a round, wide and on a phone, and downloads it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import new_tab, no_horizontal_scroll, screenshot, sign_in
from tests.browser.test_round_journeys import start_round

pytestmark = pytest.mark.browser


async def test_a_coordinator_reads_and_downloads_the_report_of_their_district(
    page: Any, browser: Any, live_server: str
) -> None:
    await sign_in(page, "coordinator")  # governs 邛崃市
    await start_round(page, "邛崃市", min_score="0.2", dry_run=False)
    await page.get_by_role("link", name="报表", exact=True).click()
    await page.wait_for_url("**/reports")
    offered = await page.locator("#f-area option").all_inner_texts()
    assert not any("成华区" in o for o in offered)  # another coordinator's district
    value = await page.evaluate(
        "[...document.querySelectorAll('#f-area option')].find(o => o.textContent.trim() === '邛崃市').value"
    )
    await page.get_by_label("地区").select_option(value)
    await page.get_by_label("起始日期").fill("2020-01-01")
    await page.get_by_role("button", name="查看").press("Enter")
    await page.get_by_role("heading", name="邛崃市 · 2020-01-01 至").wait_for()
    rows = page.locator("#table-需求 tbody tr")
    assert await rows.count() == 1 + 4 + 7  # the district, its four towns, its seven communities
    first = await rows.first.inner_text()
    assert first.startswith("区县") and "邛崃市" in first
    await page.get_by_text("点开查看").first.click()  # the proposals, folded until asked for
    assert await page.locator("#table-proposals tbody tr").first.is_visible()
    await screenshot(page, "report")

    async with page.expect_download() as download:
        await page.get_by_role("link", name="下载 Excel").click()
    assert (await download.value).suggested_filename.endswith(".xlsx")

    phone = await new_tab(browser, live_server, width=375, height=800)
    await sign_in(phone, "coordinator")
    await phone.goto(page.url)
    await phone.get_by_role("heading", name="邛崃市 · 2020-01-01 至").wait_for()
    assert await no_horizontal_scroll(phone)
    await screenshot(phone, "report_phone")
    await phone.context.close()
