"""Journey: a round proposes a pair; both sides watch their bell's count rise without reloading;
the partner accepts from the notification; the community worker is told, asks on the proposal's
thread (the partner is told and answers), confirms, and sees the partner's contact; the partner is told of the confirmation and sees the community's contact.

The staff worker sits at a desk, the partner is on a phone; neither page is reloaded while the
bells are watched (a marker set in each page would be lost by a reload).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import new_tab, no_horizontal_scroll, screenshot, sign_in
from tests.browser.test_partnership_journey import proposal_for_the_demo_pair

pytestmark = pytest.mark.browser


async def _unread(tab: Any) -> int:
    """The bell's count, once the page has loaded it (the header's bell asks right after load)."""
    await tab.locator('#bell[hx-trigger^="every"]').wait_for()
    badge = tab.locator("[data-testid=unread]")
    return int(await badge.inner_text()) if await badge.count() else 0


async def _rises_above(tab: Any, count: int) -> int:
    """Wait (without reloading) until the bell shows more than ``count``; the new count."""
    await tab.wait_for_function(
        """n => { const b = document.querySelector('[data-testid=unread]');
                  return b !== null && parseInt(b.textContent, 10) > n; }""",
        arg=count,
    )
    return await _unread(tab)


async def test_both_sides_are_told_as_it_happens_and_act_from_the_notification(
    page: Any, browser: Any, live_server: str, journey_dsn: str
) -> None:
    phone = await new_tab(browser, live_server, width=375, height=800)
    try:
        await sign_in(page, "staff")
        await sign_in(phone, "partner")
        for tab in (page, phone):
            await tab.goto("/board")
            await tab.locator("#bell").wait_for()
            await tab.evaluate("window.__still_here = true")
        desk, mobile = await _unread(page), await _unread(phone)

        proposal = await proposal_for_the_demo_pair(live_server, journey_dsn)
        assert (proposal["staff"], proposal["partner"]) == ("staff", "partner"), proposal
        desk = await _rises_above(page, desk)
        mobile = await _rises_above(phone, mobile)
        for tab in (page, phone):
            assert await tab.evaluate("window.__still_here") is True  # counted without a reload

        # the partner opens the bell and goes from the notification to the proposal
        await phone.locator("#bell").click()
        await phone.wait_for_url("**/notifications")
        item = phone.locator("[data-testid=notification]").filter(
            has_text=re.compile(f"撮合建议：注力社工 对接「{re.escape(proposal['title'])}」")
        )
        await item.get_by_role("link").click()
        await phone.wait_for_url(re.compile(rf"/inbox#proposal-{proposal['id']}$"))
        row = phone.locator(f"#proposal-{proposal['id']}")
        await row.get_by_role("button", name="接受").click()
        await phone.get_by_text("已接受，等待对方确认。").first.wait_for()
        assert await no_horizontal_scroll(phone)

        # the worker's bell rises; the notification says who accepted and leads to the proposal
        await _rises_above(page, desk)
        assert await page.evaluate("window.__still_here") is True
        await page.locator("#bell").click()
        await page.wait_for_url("**/notifications")
        accepted = page.locator("[data-testid=notification]").filter(has_text="注力社工 已接受")
        await accepted.wait_for()
        await screenshot(page, "notifications")
        await accepted.get_by_role("link").click()
        await page.wait_for_url(re.compile(rf"/inbox#proposal-{proposal['id']}$"))

        # before confirming, she asks on the proposal's thread; the partner is told and answers
        mobile = await _unread(phone)
        await page.locator(f"#proposal-{proposal['id']}").get_by_test_id("thread-link").click()
        await page.get_by_label("写消息").fill("暑期托管想从七月第二周开始，周一到周五下午可以吗？")
        await page.get_by_role("button", name="发送").click()
        await page.locator("[data-testid=message]").filter(has_text="七月第二周").wait_for()
        await _rises_above(phone, mobile)
        await phone.locator("#bell").click()
        message = phone.locator("[data-testid=notification]").filter(has_text="留言").first
        assert "七月第二周" in await message.inner_text()
        await message.get_by_role("link").click()
        await phone.wait_for_url(re.compile(r"/threads/\d+/\d+#message-\d+$"))
        desk = await _unread(page)  # counted before the reply: the bell may rise at once
        await page.evaluate("window.__still_here = true")
        await phone.get_by_label("写消息").fill("可以，我们安排两名社工和四名志愿者。")
        await phone.get_by_role("button", name="发送").click()
        await phone.locator("[data-testid=message]").filter(has_text="两名社工").wait_for()
        assert await no_horizontal_scroll(phone)
        await _rises_above(page, desk)  # her bell rises on the thread page, without a reload
        assert await page.evaluate("window.__still_here") is True
        await page.reload()
        assert "两名社工" in await page.locator("[data-testid=message]").last.inner_text()

        mobile = await _unread(phone)  # counted before she confirms: the bell may rise at once
        await phone.evaluate("window.__still_here = true")
        await page.goto("/inbox")
        await page.locator(f"#proposal-{proposal['id']}").get_by_role("button", name="接受").click()
        await page.get_by_text(re.compile("双方都已接受")).wait_for()
        # from confirmation on, each side sees the other's contact
        ours = page.locator("#partnerships [data-testid=partnership]").filter(
            has_text=proposal["title"]
        )
        assert "028-0000-0013" in await ours.locator("[data-testid=contact]").inner_text()

        # the partner, still on the thread page, is told of the confirmation
        await _rises_above(phone, mobile)
        assert await phone.evaluate("window.__still_here") is True
        await phone.goto("/notifications")
        confirmed = phone.locator("[data-testid=notification]").filter(has_text="合作已确认").first
        await confirmed.get_by_role("link").click()
        await phone.wait_for_url(re.compile(r"/inbox#partnerships$"))
        theirs = phone.locator("#partnerships [data-testid=partnership]").filter(
            has_text=proposal["title"]
        )
        contact = await theirs.locator("[data-testid=contact]").inner_text()
        assert "社区演示联系人01" in contact and "028-0000-1001" in contact
        await phone.goto("/notifications")
        assert await no_horizontal_scroll(phone)
        await screenshot(phone, "notifications_phone")
    finally:
        await phone.context.close()
