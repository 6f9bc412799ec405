"""Journeys on the need pages: a community worker posts a need in Chinese and finds it on the board,
then reads it with its community's "1257N" standing, similar cases and policies; an import."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from openpyxl import Workbook

from tests.browser.conftest import new_tab, no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.browser
TITLE = "暑期职工子女托管志愿者招募"


async def test_a_community_worker_posts_a_need_and_finds_it_on_the_board(page: Any) -> None:
    """Journey: staff of 渔箭社区 signs in, posts a need (first with an empty title: the form says
    so and keeps what was typed), publishes it, finds it on the board, opens it from its card."""
    await sign_in(page, "staff")
    await page.get_by_role("link", name="发布需求").first.click()
    await page.wait_for_url("**/needs/new")
    await page.get_by_label("类别").select_option(label="儿童关爱")
    await page.get_by_label("需求描述").fill("园区职工子女暑期无人看护，需要志愿者陪伴学习和游戏。")
    await page.get_by_label("志愿者").check()
    await page.get_by_label("儿童", exact=True).check()
    await page.get_by_label("所需技能").fill("课业辅导、儿童游戏")
    await page.get_by_label("紧急程度").select_option(label="较急")
    await page.get_by_label("需要伙伴").fill("2")
    await page.get_by_label("开始日期").fill("2027-07-01")
    await page.get_by_label("结束日期").fill("2027-08-31")
    await page.get_by_label("需求标题").fill(TITLE)
    await screenshot(page, "post_need")
    await page.get_by_label("需求标题").fill("")  # a slip: the title is wiped before publishing
    await page.get_by_role("button", name="立即发布").click()
    # the empty title is refused beside the field, and everything typed is still there
    await page.locator("#title-error").wait_for()
    assert await page.locator("#title-error").inner_text() == "必填"
    assert await page.get_by_label("需求标题").get_attribute("aria-invalid") == "true"
    assert await page.get_by_label("志愿者").is_checked()
    assert await page.get_by_label("开始日期").input_value() == "2027-07-01"
    await screenshot(page, "post_need_errors")

    await page.get_by_label("需求标题").fill(TITLE)
    await page.get_by_role("button", name="立即发布").click()
    await page.wait_for_url(re.compile(r"/needs/\d+\?notice=created_open"))
    assert "需求已发布" in await page.locator(".notice").inner_text()

    await page.get_by_role("link", name="← 返回需求大厅").first.click()
    await page.wait_for_url("**/board")
    card = page.locator("#cards .card").filter(has_text=TITLE).first
    await card.wait_for()
    await card.get_by_role("link", name=TITLE).click()
    await page.wait_for_url(re.compile(r"/needs/\d+$"))
    assert await page.get_by_role("heading", level=1).inner_text() == TITLE
    standard = page.locator("table.indicators")
    assert await standard.locator("tbody tr").count() == 5
    assert "社工室" in await standard.inner_text()
    assert "达到了“1257N”标准" in await page.get_by_test_id("standing").inner_text()
    cases = page.locator("section[aria-labelledby=cases-h] ul a")
    assert await cases.count() >= 1 and "小渔乐" in await cases.first.inner_text()
    policies = page.locator("section[aria-labelledby=policies-h] ul a")
    assert await policies.count() >= 1
    assert re.fullmatch(
        r"/libraries/policies/\d+", await policies.first.get_attribute("href") or ""
    )
    await screenshot(page, "need_detail")


async def test_staff_cancel_a_need_only_after_confirming(page: Any) -> None:
    await sign_in(page, "staff")
    await page.goto("/board?q=托管")
    card = page.locator("#cards .card").filter(has_text="渔箭社区").first
    title = await card.locator("h2").inner_text()
    await card.get_by_role("link", name=title).click()
    await page.wait_for_url(re.compile(r"/needs/\d+$"))
    button = page.get_by_role("button", name="取消需求")
    await button.click()  # the browser keeps the form back: the box is not ticked
    assert await page.get_by_label("确认取消（取消后不能恢复）").evaluate("e => !e.validity.valid")
    assert "征集中" in await page.locator(".need-status").inner_text()
    await page.get_by_label("取消原因（选填）").fill("合作企业已自行安排")
    await page.get_by_label("确认取消（取消后不能恢复）").check()
    await button.click()
    await page.wait_for_url(re.compile(r"notice=status_cancelled"))
    assert "已取消" in await page.locator(".need-status").inner_text()
    assert await page.get_by_role("button", name="取消需求").count() == 0


async def test_a_sheet_with_bad_rows_is_listed_and_the_fixed_one_imports(
    browser: Any, live_server: str, tmp_path: Any
) -> None:
    page = await new_tab(browser, live_server, width=375, height=812)
    await sign_in(page, "staff")
    await page.goto("/needs/import")
    rows = [
        ["社区", "需求标题", "类别", "需要伙伴数"],
        ["", "", "儿童关爱", 1],
        ["", "夜校讲师", "职工", 1],
    ]
    bad = tmp_path / "需求.xlsx"
    bad.write_bytes(_xlsx(rows))
    await page.get_by_label("选择文件").set_input_files(str(bad))
    await page.get_by_role("button", name="上传并导入").click()
    table = page.get_by_test_id("row-errors")
    await table.wait_for()
    assert await table.locator("tbody tr").count() == 2
    assert "一条也没有导入" in await page.get_by_role("alert").inner_text()
    assert await no_horizontal_scroll(page)
    await screenshot(page, "import_needs_errors")
    rows[1][1], rows[2][2] = "周末亲子阅读", "职工服务"
    bad.write_bytes(_xlsx(rows))
    await page.get_by_label("选择文件").set_input_files(str(bad))
    await page.get_by_role("button", name="上传并导入").click()
    await page.wait_for_url(re.compile(r"done=2"))
    assert "已导入 2 条需求" in await page.locator(".notice").inner_text()
    await page.context.close()


async def test_staff_find_a_saved_draft_first_in_my_needs_on_a_phone(
    browser: Any, live_server: str
) -> None:
    """Journey at 375 px: staff save a need as a draft, follow the notice to 我的需求, find it first
    (drafts lead), publish it from there and find it under 征集中, then copy its share link and see
    its QR code on its page; nothing scrolls sideways."""
    page = await new_tab(browser, live_server, width=375, height=812)
    await sign_in(page, "staff")
    await page.goto("/needs/new")
    await page.get_by_label("需求标题").fill("社区微基金草稿")
    await page.get_by_label("类别").select_option(label="慈善与社区基金")
    await page.get_by_role("button", name="保存为草稿").click()
    await page.wait_for_url(re.compile(r"notice=created_draft"))
    await page.get_by_role("link", name=re.compile("我的需求")).last.click()
    await page.wait_for_url(re.compile(r"/needs/mine"))
    groups = page.locator("section.mine-group")
    assert await groups.first.get_attribute("data-status") == "draft"
    draft = groups.first.locator("li.mine-need").filter(has_text="社区微基金草稿")
    assert await draft.count() == 1
    assert await groups.locator("li.mine-need").count() == 5  # 渔箭社区: the draft, 3 open, 1 done
    assert await no_horizontal_scroll(page)
    await screenshot(page, "my_needs")
    await draft.locator("summary").click()  # the cancel form opens in place, still phone-wide
    assert await draft.get_by_label("确认取消（取消后不能恢复）").is_visible()
    assert await no_horizontal_scroll(page)
    await draft.get_by_role("button", name="发布，开始征集").click()
    await page.wait_for_url(re.compile(r"/needs/mine\?notice=status_open"))
    assert "需求已发布" in await page.locator(".notice").inner_text()
    opened = page.locator("#status-open li.mine-need").filter(has_text="社区微基金草稿")
    assert await opened.count() == 1 and await page.locator("#status-draft").count() == 0
    # its page now has a share box: the address to copy and a QR code the app drew
    await opened.get_by_role("link", name="查看").click()
    await page.wait_for_url(re.compile(r"/needs/\d+$"))
    address = await page.get_by_label("链接", exact=True).input_value()
    assert address == page.url
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await page.get_by_role("button", name="复制链接").click()
    await page.get_by_text("已复制。").wait_for()
    assert await page.evaluate("navigator.clipboard.readText()") == address
    qr = page.get_by_role("img", name="这条需求页面的二维码")
    await qr.scroll_into_view_if_needed()
    assert await qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert await no_horizontal_scroll(page)
    assert not page.js_errors
    await page.context.close()


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
