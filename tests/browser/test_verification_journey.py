"""Journey: a person applies for a new organisation's account on a phone and follows the
application by its status link; the area's coordinator approves it at a desk; the new partner signs
in on the phone and submits evidence; the coordinator verifies it; the badge, with its term, shows
on the phone — on the organisation's standing, on a need's card and on the need's page.
"""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import pytest

from tests.browser.conftest import SCREENSHOTS, new_tab, no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_apply_on_a_phone_then_approved_verified_and_badged(
    page: Any, browser: Any, live_server: str, journey_dsn: str
) -> None:
    phone = await new_tab(browser, live_server, width=375, height=800)
    try:
        await phone.goto("/board")
        await phone.get_by_role("link", name="申请入驻").click()
        await phone.wait_for_url("**/register")
        # the form shows the chosen path's fields only
        assert await phone.locator("#org_name").is_visible()
        assert not await phone.locator("#community_name").is_visible()
        await phone.get_by_label("社区（村）工作人员").check()
        assert await phone.locator("#community_name").is_visible()
        assert not await phone.locator("#org_name").is_visible()
        await phone.get_by_label("新机构（平台上还没有）").check()
        assert await no_horizontal_scroll(phone)
        await phone.locator("#org_name").fill("邛崃新苗社工")
        await phone.locator("#org_kind").select_option(label="社会组织")
        await phone.locator("#district_id").select_option(label="邛崃市")
        await phone.locator("#display_name").fill("王芳")
        await phone.locator("#username").fill("xinmiao")
        await phone.locator("#password").fill("long-enough-secret")
        await phone.locator("#password2").fill("long-enough-secret")
        await phone.locator("#phone").fill("028-88886666")
        await screenshot(phone, "register_phone")
        await phone.get_by_role("button", name="提交申请").click()
        await phone.wait_for_url(re.compile(r"/register/status/[\w-]+\?new=1$"))
        await phone.get_by_text("等待审核").wait_for()
        status_url = phone.url.split("?")[0]
        assert await no_horizontal_scroll(phone)
        await screenshot(phone, "application_status")

        # the coordinator of 邛崃市 approves at a desk
        await sign_in(page, "coordinator")
        await page.get_by_role("link", name="入驻申请").click()
        row = page.locator("[data-testid=registration]").filter(has_text="邛崃新苗社工")
        await row.get_by_text("028-88886666").wait_for()
        await screenshot(page, "applications")
        await row.get_by_role("button", name="通过").click()
        await page.get_by_text("已通过，账号已开通。").wait_for()

        # the applicant's link says so; they sign in and submit evidence on the phone
        await phone.goto(status_url)
        await phone.get_by_text("账号已开通，现在可以登录。").wait_for()
        await sign_in(phone, "xinmiao", "long-enough-secret")
        await phone.get_by_role("link", name="机构认证").click()
        await phone.get_by_text("未认证").first.wait_for()
        await phone.locator("#registration_number").fill("91350100M000100Y44")  # a typo
        await phone.locator("#file").set_input_files(
            files=[{"name": "登记证书.png", "mimeType": "image/png", "buffer": PNG}]
        )
        await phone.get_by_role("button", name="提交", exact=True).click()
        # beside the field, and listed at the top as a link to it (forms.js)
        await phone.get_by_text("最后一位校验码不符，请核对是否输错", exact=True).wait_for()
        await phone.get_by_role(
            "link", name="统一社会信用代码：最后一位校验码不符，请核对是否输错"
        ).wait_for()
        await phone.locator("#registration_number").fill("91350100M000100Y43")
        await phone.locator("#grade").select_option("4A")
        await phone.locator("#file").set_input_files(
            files=[{"name": "登记证书.png", "mimeType": "image/png", "buffer": PNG}]
        )
        await phone.get_by_role("button", name="提交", exact=True).click()
        await phone.get_by_text("材料已提交，等待审核。").wait_for()

        # the coordinator verifies it for a year, with a note
        await page.get_by_role("link", name="机构认证").click()
        item = page.locator("[data-testid=evidence]").filter(has_text="邛崃新苗社工")
        await item.get_by_label("审核说明").fill("核对了登记证书与 4A 等级证书原件")
        await screenshot(page, "verification_queue")
        await item.get_by_role("button", name="认证", exact=True).click()
        await page.get_by_text("已认证。").wait_for()

        # the badge with its term on the phone: the standing, a need's card and its page
        conn = await asyncpg.connect(journey_dsn)
        try:
            need = await conn.fetchrow(
                """SELECT d.id, d.title, c.district_id, d.category FROM demands d
                   JOIN communities c ON c.id = d.community_id
                   WHERE d.status = 'open' AND c.name = '渔箭社区' ORDER BY d.id LIMIT 1"""
            )
            await conn.execute(
                "INSERT INTO partnerships (demand_id, actor_id, origin) "
                "SELECT $1, id, 'direct' FROM actors WHERE name = '邛崃新苗社工'",
                need["id"],
            )
        finally:
            await conn.close()
        await phone.reload()
        badge = phone.locator("[data-testid=standing] [data-testid=verified-badge]")
        await badge.wait_for()
        until = re.search(r"\d{4}-\d{2}-\d{2}", await badge.inner_text())
        assert until is not None
        assert f"平台认证有效期至 {until[0]}" == await badge.get_attribute("title")
        await screenshot(phone, "verification_partner")
        # newest first: by fit (a partner's default) lists only the needs a round could propose it
        await phone.goto(
            f"/board?district_id={need['district_id']}&category={need['category']}&sort=newest"
        )
        card = phone.locator(f"#need-{need['id']}")
        await card.locator("[data-testid=verified-badge]").get_by_text(f"至 {until[0]}").wait_for()
        await card.screenshot(path=str(SCREENSHOTS / "badge_card.png"))
        await phone.goto(f"/needs/{need['id']}")
        partner = phone.locator("[data-testid=need-partner]").filter(has_text="邛崃新苗社工")
        await partner.locator("[data-testid=verified-badge]").wait_for()
        assert await no_horizontal_scroll(phone)
        panel = phone.locator("section.panel").filter(has=partner)
        await panel.screenshot(path=str(SCREENSHOTS / "badge_need_page.png"))
    finally:
        await phone.context.close()
    assert not phone.js_errors, phone.js_errors
