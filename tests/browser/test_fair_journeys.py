"""Journeys for the fair: a community worker on a phone starts a need from a template; a need's
page and the board printed (print media: no header, no buttons, the address shown)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import new_tab, no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.browser


async def test_a_worker_on_a_phone_starts_a_need_from_a_template(
    browser: Any, live_server: str
) -> None:
    """Journey: staff of 渔箭社区, on a 375 px phone, picks 四点半课堂 in the picker; the form comes
    back filled (category, resources, groups, skills, an outline); they edit the title, publish."""
    tab = await new_tab(browser, live_server, width=375, height=800)
    try:
        await sign_in(tab, "staff")
        await tab.goto("/needs/new")
        await tab.get_by_label("从模板开始（选填）").select_option(label="四点半课堂 · 儿童关爱")
        await tab.get_by_role("button", name="使用模板").click()
        await tab.wait_for_url(re.compile(r"/needs/new\?template=\d+"))
        assert "已按模板“四点半课堂”预填" in await tab.locator(".notice").inner_text()
        assert await tab.get_by_label("类别").input_value() == "child_care"
        outline = await tab.get_by_label("需求描述").input_value()
        assert outline.startswith("【背景】") and "【希望伙伴提供】" in outline
        assert await tab.get_by_label("志愿者").is_checked()
        assert await tab.get_by_label("儿童", exact=True).is_checked()
        assert "课业辅导" in await tab.get_by_label("所需技能").input_value()
        assert await no_horizontal_scroll(tab)
        await screenshot(tab, "need_template_phone")
        await tab.get_by_label("需求标题").fill("渔箭社区四点半课堂志愿者")
        await tab.get_by_role("button", name="立即发布").click()
        await tab.wait_for_url(re.compile(r"/needs/\d+\?notice=created_open"))
        assert await tab.get_by_role("heading", level=1).inner_text() == "渔箭社区四点半课堂志愿者"
        # printed, the need's page keeps the need and its address, not the header or buttons
        await tab.emulate_media(media="print")
        assert not await tab.locator("header.top").is_visible()
        assert not await tab.get_by_role("button", name="撤回意向").is_visible()
        address = tab.get_by_test_id("print-url")
        assert await address.is_visible()
        assert re.search(r"/needs/\d+$", await address.inner_text())
        await tab.goto("/board")
        assert not await tab.locator("header.top").is_visible()
        assert await tab.locator("#cards .card").first.is_visible()
    finally:
        await tab.context.close()
    assert not tab.js_errors, tab.js_errors
