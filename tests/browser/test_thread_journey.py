"""Journey: a partner's interest becomes a conversation.

注力社工, on a phone, expresses interest in a need of 渔箭社区 from the need's page with a note;
the community worker, at her desk, invites it from her inbox — a proposal her side has already
accepted — and writes to the partner on that proposal's thread; the partner reads it from its own
inbox and answers; she sees the answer. Both write from the keyboard.
"""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import pytest

from tests.browser.conftest import new_tab, no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.browser

NOTE = "我们有两名持证社工，周末可以来"
QUESTION = "您好！孩子们周六上午九点在社区活动室集合，\n你们能来几位老师？"
ANSWER = "可以来两位老师，另带四名大学生志愿者。"


async def _a_need_of_yujian(dsn: str) -> tuple[int, str]:
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            """SELECT d.id, d.title FROM demands d JOIN communities c ON c.id = d.community_id
               WHERE c.name = '渔箭社区' AND d.status = 'open' ORDER BY d.id LIMIT 1"""
        )
    finally:
        await conn.close()
    assert row is not None
    return int(row["id"]), str(row["title"])


async def test_interest_invitation_and_messages_on_the_proposals_thread(
    page: Any, browser: Any, live_server: str, journey_dsn: str
) -> None:
    need, title = await _a_need_of_yujian(journey_dsn)
    phone = await new_tab(browser, live_server, width=375, height=800)
    try:
        # the partner expresses interest from the need's page, with a note
        await sign_in(phone, "partner")
        await phone.goto(f"/needs/{need}")
        await phone.get_by_label("留言（选填）").fill(NOTE)
        await phone.get_by_role("button", name="我有意向").click()
        await phone.get_by_text("已表达意向，社区工作人员会收到通知。").wait_for()
        assert await no_horizontal_scroll(phone)

        # the community worker invites it from her inbox
        await sign_in(page, "staff")
        await page.goto("/inbox")
        row = page.locator("#interests [data-testid=interest]").filter(has_text=NOTE)
        await row.get_by_role("button", name="邀请对接").click()
        await page.get_by_text(re.compile("已发出邀请")).wait_for()
        proposal = page.locator("#proposals [data-testid=proposal]").filter(has_text=title)
        assert "社区邀请" in await proposal.inner_text()
        assert "您已接受" in await proposal.inner_text()

        # and writes on the proposal's thread, from the keyboard
        await proposal.get_by_role("link", name="与合作方对话").click()
        await page.wait_for_url(re.compile(r"/threads/\d+/\d+$"))
        box = page.get_by_label("写消息")
        await box.focus()
        first, second = QUESTION.split("\n")
        await page.keyboard.type(first)
        await page.keyboard.press("Enter")  # a new line, not a send
        await page.keyboard.type(second)
        await page.keyboard.press("Tab")  # the hint is text: Tab reaches the button
        await page.keyboard.press("Enter")
        await page.get_by_text("已发送。").wait_for()
        sent = page.locator("[data-testid=message]").last
        assert "孩子们周六上午九点在社区活动室集合" in await sent.inner_text()
        assert await box.input_value() == ""

        # the partner finds the invitation and the thread in its inbox and answers
        await phone.goto("/inbox")
        invitation = phone.locator("#proposals [data-testid=proposal]").filter(has_text=title)
        await invitation.get_by_role("link", name="与社区对话").click()
        await phone.wait_for_url(re.compile(r"/threads/\d+/\d+$"))
        received = phone.locator("[data-testid=message]").filter(has_text="你们能来几位老师")
        await received.wait_for()
        assert "渔箭社区" in await received.inner_text()
        await phone.get_by_label("写消息").fill(ANSWER)
        await phone.get_by_role("button", name="发送").click()
        await phone.get_by_text("已发送。").wait_for()
        assert await no_horizontal_scroll(phone)

        # she sees the answer
        await page.reload()
        await page.locator("[data-testid=message]").filter(has_text=ANSWER).wait_for()
        assert await no_horizontal_scroll(page)
        await screenshot(page, "message_thread")
    finally:
        await phone.context.close()
