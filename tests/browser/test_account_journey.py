"""Journey: a coordinator on a phone opens the accounts page from the header, creates an account
for a community of their area, finds it by name and deactivates it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import new_tab, no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.browser


async def test_a_coordinator_creates_and_deactivates_an_account_on_a_phone(
    browser: Any, live_server: str
) -> None:
    phone = await new_tab(browser, live_server, width=375, height=800)
    try:
        await sign_in(phone, "coordinator_chenghua")
        await phone.goto("/board")
        await phone.get_by_role("link", name="账号管理").click()
        await phone.wait_for_load_state("networkidle")
        assert phone.url.endswith("/accounts")
        listed = phone.locator("[data-testid=account]")
        names = [
            await listed.nth(i).get_attribute("data-username") for i in range(await listed.count())
        ]
        assert "staff_hemei" in names and "staff" not in names

        form = phone.locator("[data-testid=create-form]")
        await form.get_by_label("登录名").fill("hemei.phone")
        await form.get_by_label("显示名称").fill("和美社区 新同事")
        await form.get_by_label("角色").select_option("community_staff")
        await form.get_by_label("所属社区").select_option(label="和美社区")
        await form.get_by_label("密码").fill("long-enough-secret")
        await form.get_by_role("button", name="创建").click()
        await phone.wait_for_load_state("networkidle")
        assert "账号已创建" in await phone.locator("[data-testid=done]").inner_text()

        await phone.get_by_label("姓名或账号").fill("hemei.phone")
        await phone.get_by_role("button", name="筛选").click()
        await phone.wait_for_url(re.compile(r"/accounts\?.*q=hemei\.phone"))
        row = phone.locator('[data-testid=account][data-username="hemei.phone"]')
        await row.wait_for()
        assert await phone.locator("[data-testid=account]").count() == 1
        assert "启用中" in await row.locator("[data-testid=state]").inner_text()
        assert await no_horizontal_scroll(phone)
        await screenshot(phone, "accounts")

        await row.locator("summary").click()
        await row.get_by_role("button", name="停用").click()
        await phone.wait_for_url(re.compile(r"/accounts\?done=updated"))
        await phone.goto("/accounts?q=hemei.phone")
        row = phone.locator('[data-testid=account][data-username="hemei.phone"]')
        assert re.search("已停用", await row.locator("[data-testid=state]").inner_text())
        assert not phone.js_errors, phone.js_errors
    finally:
        await phone.context.close()
