"""Journey 4: a round proposes 注力社工 for a need of 渔箭社区; both accept; the worker closes it
and rates the partner; the partner rates the community.

The proposal comes from a real match round started through the JSON API as the coordinator; the
rest happens in two browser tabs — the partner on a phone, the community worker at a desk — up to
the case the closed partnership publishes in the case library.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import asyncpg
import httpx
import pytest

from tests.browser.conftest import PASSWORD, new_tab, no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.browser

CASE_TITLE = "渔箭社区暑期托管合作"
OUTCOME = "暑期托管八周，服务儿童 180 人次，家长满意度高，志愿者队伍保留下来。"


async def _token(api: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await api.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _run_round(api: httpx.AsyncClient, headers: dict[str, str]) -> None:
    """A real round over 邛崃市 (every pair scored), waited for until it has finished."""
    started = await api.post(
        "/api/v1/rounds",
        json={"scope": {"districts": ["邛崃市"]}, "min_score": 0.0},
        headers=headers,
    )
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        round_ = (await api.get(f"/api/v1/rounds/{started.json()['id']}", headers=headers)).json()
        if round_["status"] in ("succeeded", "failed"):
            assert round_["status"] == "succeeded", round_
            return
        await asyncio.sleep(0.2)
    raise AssertionError("the round did not finish")


async def proposal_for_the_demo_pair(live_server: str, dsn: str) -> dict[str, Any]:
    """Run a round steered towards 渔箭社区 × 注力社工 and return that proposal with its users.

    注力社工 is given child care as a field of work (through the API, as a coordinator would) so
    that the round pairs it with 渔箭社区's child-care need; should the round still choose others,
    the first (staff user, partner user) pair it did propose is taken instead.
    """
    conn = await asyncpg.connect(dsn)
    try:
        async with httpx.AsyncClient(base_url=live_server, timeout=30) as api:
            coordinator = await _token(api, "coordinator")
            actor = await conn.fetchrow(
                "SELECT id, categories::text[] AS categories FROM actors WHERE name = '注力社工'"
            )
            categories = sorted({*actor["categories"], "child_care"})
            patched = await api.patch(
                f"/api/v1/actors/{actor['id']}",
                json={"categories": categories},
                headers=coordinator,
            )
            assert patched.status_code == 200, patched.text
            await _run_round(api, coordinator)
        rows = await conn.fetch(
            """SELECT p.id, d.title, s.username AS staff, u.username AS partner,
                      c.name = '渔箭社区' AND a.name = '注力社工' AS demo_pair
               FROM proposals p
               JOIN demands d ON d.id = p.demand_id
               JOIN communities c ON c.id = d.community_id
               JOIN actors a ON a.id = p.actor_id
               JOIN users s ON s.community_id = c.id AND s.role = 'community_staff'
               JOIN users u ON u.actor_id = a.id AND u.role = 'partner'
               WHERE p.status = 'pending'
               ORDER BY (c.name = '渔箭社区' AND a.name = '注力社工') DESC, p.score DESC, p.id"""
        )
    finally:
        await conn.close()
    assert rows, "the round proposed no pair with a staff user and a partner user"
    return dict(rows[0])


async def test_both_sides_accept_and_the_worker_closes_the_partnership_into_a_case(
    page: Any, browser: Any, live_server: str, journey_dsn: str
) -> None:
    proposal = await proposal_for_the_demo_pair(live_server, journey_dsn)
    row = f"#proposal-{proposal['id']}"

    # the partner, on a phone, accepts first
    phone = await new_tab(browser, live_server, width=375, height=800)
    try:
        await sign_in(phone, proposal["partner"])
        await phone.get_by_role("link", name="我的对接").click()
        await phone.wait_for_url("**/inbox")
        await phone.locator(row).get_by_role("button", name="接受").click()
        await phone.get_by_text("已接受，等待对方确认。").first.wait_for()
        assert "您已接受" in await phone.locator(row).inner_text()
        assert await no_horizontal_scroll(phone)

        # the community worker, at her desk, accepts: the partnership starts
        await sign_in(page, proposal["staff"])
        await page.goto("/inbox")
        assert "对方已接受" in await page.locator(row).inner_text()
        await page.evaluate("window.__still_here = true")
        await page.locator(row).get_by_role("button", name="接受").click()
        await page.get_by_text(re.compile("双方都已接受")).wait_for()
        assert await page.evaluate("window.__still_here") is True  # htmx swapped the inbox
        active = page.locator("#partnerships [data-testid=partnership]").filter(
            has_text=proposal["title"]
        )
        await active.wait_for()
        assert await page.locator(row).count() == 0  # no longer waiting for an answer

        await phone.reload()
        mine = phone.locator("#partnerships [data-testid=partnership]").filter(
            has_text=proposal["title"]
        )
        await mine.wait_for()

        # she closes it with the outcome and five stars
        await active.get_by_text("结项并评价").click()
        await active.get_by_label("服务人次").fill("180")
        await active.get_by_label("成效说明").fill(OUTCOME)
        await active.get_by_label("5 星").check()
        # publishing is her choice: unticked until she ticks it, with a preview of what shows
        publish = active.locator("input[type=checkbox][name=publish_case]")
        assert "公开发布到案例库" in await active.locator("label.check").first.inner_text()
        assert not await publish.is_checked()
        await active.get_by_text("预览将公开的内容").click()
        assert "任何人都能在案例库看到" in await active.get_by_test_id("case-preview").inner_text()
        await publish.check()
        await active.get_by_label(re.compile("^案例标题")).fill(CASE_TITLE)
        await active.get_by_role("button", name="确认结项").click()
        await page.get_by_text("合作已结项，成效已记录。").wait_for()
        outcome = page.locator("#completed [data-testid=outcome]").filter(has_text=OUTCOME)
        await outcome.wait_for()
        assert "★★★★★" in await outcome.inner_text()
        await screenshot(page, "community_inbox")

        # the partner reads the outcome report as the community wrote it
        await phone.reload()
        report = phone.locator("#completed [data-testid=outcome]").filter(has_text=OUTCOME)
        await report.wait_for()
        assert "5/5" in await report.inner_text()
        assert await report.get_by_text("结项并评价").count() == 0  # closing is the community's
        assert await no_horizontal_scroll(phone)
        await screenshot(phone, "partner_inbox")

        # ... and rates the community in turn, once
        await report.get_by_text("评价社区").click()
        await report.get_by_label("4 星").check()
        await report.get_by_label("成效说明").fill("社区组织得力，场地安排及时。")
        await report.get_by_role("button", name="提交评价").click()
        await phone.get_by_text("已记录您对社区的评价。").wait_for()
        rated = phone.locator("#completed [data-testid=outcome]").filter(has_text=OUTCOME)
        assert "4/5" in await rated.locator("[data-testid=review]").inner_text()
        assert await rated.get_by_text("评价社区").count() == 0
        assert await no_horizontal_scroll(phone)
    finally:
        await phone.context.close()

    # the case is in the case library
    await page.get_by_role("link", name=re.compile("^查看案例")).first.click()
    await page.wait_for_url(re.compile(r"/libraries/cases/\d+$"))
    assert CASE_TITLE in await page.locator("main").inner_text()
    await page.goto("/libraries/cases")
    await page.get_by_text(CASE_TITLE).first.wait_for()


async def test_a_partner_keeps_its_profile_and_products_on_a_phone(
    browser: Any, live_server: str
) -> None:
    """The profile refuses a bad value next to its field and keeps what was typed; a product is
    added and archived after ticking the confirmation — all at 375 px without sideways scroll."""
    phone = await new_tab(browser, live_server, width=375, height=800)
    try:
        await sign_in(phone, "partner")
        await phone.goto("/profile")
        await phone.get_by_label("可同时承接的合作数").fill("4")
        await phone.get_by_label("网站").fill("zhuli.example.org")
        await phone.get_by_label("联系电话").fill("028-6666 8888")
        await phone.get_by_role("button", name="保存").click()
        error = phone.locator("#website-error")
        await error.wait_for()
        assert await phone.get_by_label("联系电话").input_value() == "028-6666 8888"
        assert await phone.get_by_label("网站").get_attribute("aria-invalid") == "true"
        assert await no_horizontal_scroll(phone)
        await screenshot(phone, "partner_profile")
        await phone.get_by_label("网站").fill("https://zhuli.example.org")
        await phone.get_by_role("button", name="保存").click()
        await phone.get_by_text("已保存。").wait_for()
        assert await phone.get_by_label("可同时承接的合作数").input_value() == "4"

        await phone.goto("/products/mine")
        await phone.get_by_role("link", name="新增产品").first.click()
        await phone.get_by_label("产品名称").fill("四点半课堂托管包")
        await phone.get_by_label("类别", exact=True).select_option("child_care")
        await phone.get_by_label("儿童").check()
        await phone.get_by_role("button", name="保存").click()
        await phone.get_by_text("产品已新增。").wait_for()
        product = phone.locator("[data-testid=product]").filter(has_text="四点半课堂托管包")
        assert "公益" in await product.inner_text()
        assert await no_horizontal_scroll(phone)
        await product.get_by_role("link", name="修改").click()
        await phone.wait_for_url(re.compile(r"/products/\d+/edit$"))
        await phone.get_by_label("我确认下架这个产品").check()
        await phone.get_by_role("button", name="下架产品").click()
        await phone.get_by_text("产品已下架。").wait_for()
        assert await phone.get_by_text("四点半课堂托管包").count() == 0
    finally:
        await phone.context.close()
