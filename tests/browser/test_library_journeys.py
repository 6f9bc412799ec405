"""Journeys through the resource libraries: browse and search as a visitor, curate as a coordinator."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import new_tab, no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.browser


async def test_a_visitor_browses_the_policies_searches_in_chinese_and_opens_one(page: Any) -> None:
    await page.goto("/libraries")
    assert (await page.title()).startswith("资源库")
    await screenshot(page, "libraries")
    await page.get_by_role("link", name="政策库").click()
    await page.wait_for_url("**/libraries/policies")
    await page.evaluate("window.__still_here = true")
    await page.get_by_label("搜索").fill("物业")
    await page.get_by_role("button", name="筛选").click()
    await page.wait_for_url("**/libraries/policies?q=*")
    cards = page.locator("#items .card")
    await page.get_by_role("link", name="“信义治理”信托制物业推广").wait_for()
    assert await cards.count() >= 1
    assert await page.evaluate("window.__still_here") is True  # htmx swapped the list in place
    await page.get_by_role("link", name="“信义治理”信托制物业推广").click()
    await page.get_by_role("heading", name="“信义治理”信托制物业推广").wait_for()
    assert "发文单位" in await page.locator(".facts").inner_text()
    assert await page.get_by_role("link", name="编辑").count() == 0


async def test_load_more_appends_the_next_page_in_place(page: Any) -> None:
    await page.goto("/libraries/actors")
    cards = page.locator("#items .card")
    assert await cards.count() == 12
    await page.evaluate("window.__still_here = true")
    await page.get_by_role("link", name="加载更多").click()
    await page.wait_for_function("() => document.querySelectorAll('#items .card').length > 12")
    assert await page.evaluate("window.__still_here") is True


async def test_a_coordinator_edits_a_policy_title_and_a_partner_sees_no_edit_button(
    page: Any, browser: Any, live_server: str
) -> None:
    await sign_in(page, "coordinator")
    await page.goto("/libraries/policies?q=春雨")
    await page.get_by_role("link", name="社工人才培养“春雨计划”").click()
    await page.get_by_role("link", name="编辑").click()
    edit_url = page.url
    # an admin opens the same form meanwhile
    other = await new_tab(browser, live_server)
    await sign_in(other, "admin")
    await other.goto(edit_url)
    title = page.get_by_label(re.compile("^标题"))
    assert await title.input_value() == "社工人才培养“春雨计划”"
    await title.fill("社工人才培养“春雨计划”（2026修订）")
    await page.get_by_role("button", name="保存").click()
    await page.get_by_role("heading", name="社工人才培养“春雨计划”（2026修订）").wait_for()
    assert "已保存" in await page.locator(".notice").inner_text()
    detail_url = page.url.split("?")[0]

    # the admin's save, from the version before, is refused and says why; reloading shows the new
    try:
        await other.get_by_label(re.compile("^标题")).fill("社工人才培养“春雨计划”（旧稿）")
        await other.get_by_role("button", name="保存").click()
        stale = other.get_by_test_id("stale")
        await stale.wait_for()
        assert "别人已经修改了这一条" in await stale.inner_text()
        await stale.get_by_role("link", name="重新载入最新内容").click()
        await other.wait_for_url(edit_url)
        assert await other.get_by_label(re.compile("^标题")).input_value() == (
            "社工人才培养“春雨计划”（2026修订）"
        )
    finally:
        await other.context.close()

    partner = await new_tab(browser, live_server)
    try:
        await sign_in(partner, "partner")
        await partner.goto(detail_url)
        await partner.get_by_role("heading", name="社工人才培养“春雨计划”（2026修订）").wait_for()
        assert await partner.get_by_role("link", name="编辑").count() == 0
        await partner.goto("/libraries/policies")
        assert await partner.get_by_role("link", name="新增").count() == 0
    finally:
        await partner.context.close()


async def test_the_case_library_on_a_phone_lists_newest_first(
    browser: Any, live_server: str
) -> None:
    phone = await new_tab(browser, live_server, width=375, height=800)
    try:
        await phone.goto("/libraries/cases")
        await phone.locator("#items .card").first.wait_for()
        assert await no_horizontal_scroll(phone)
        await screenshot(phone, "library_cases")
        await phone.locator("#items .card h2 a").first.click()
        await phone.locator(".facts").wait_for()
        assert await no_horizontal_scroll(phone)
        assert not phone.js_errors
    finally:
        await phone.context.close()


async def test_a_coordinator_exports_a_library_and_imports_a_bad_sheet_on_a_phone(
    browser: Any, live_server: str, tmp_path: Any
) -> None:
    phone = await new_tab(browser, live_server, width=375, height=800)
    try:
        await sign_in(phone, "coordinator")
        await phone.goto("/libraries/actors")
        async with phone.expect_download() as download:
            await phone.get_by_role("link", name="导出 Excel").click()
        assert (await download.value).suggested_filename.endswith(".xlsx")
        assert await no_horizontal_scroll(phone)
        await phone.get_by_role("link", name="从 Excel 导入").click()
        bad = tmp_path / "主体.csv"
        bad.write_text("机构名称,类型,纬度,经度\n新机构,火箭公司,30.4,103.5\n", encoding="utf-8")
        await phone.get_by_label("选择文件").set_input_files(str(bad))
        await phone.get_by_role("button", name="上传并导入").click()
        await phone.get_by_test_id("row-errors").wait_for()
        assert "火箭公司" in await phone.get_by_test_id("row-errors").inner_text()
        assert await no_horizontal_scroll(phone)
        await screenshot(phone, "library_import")
        assert not phone.js_errors
    finally:
        await phone.context.close()
