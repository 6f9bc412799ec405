"""Journeys on the public board: search in Chinese, a partner's interest, a phone, hostile text."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.browser.conftest import PASSWORD, new_tab, no_horizontal_scroll, screenshot, sign_in

pytestmark = pytest.mark.browser
XSS = "<script>alert(1)</script>"


async def test_the_board_searches_in_chinese_without_a_full_reload(page: Any) -> None:
    await page.goto("/board")
    assert (await page.title()).startswith("需求大厅")
    await page.evaluate("window.__still_here = true")
    await page.get_by_label("搜索").fill("托管")
    await page.get_by_role("button", name="筛选").click()
    await page.wait_for_url("**/board?q=*")
    cards = page.locator("#cards .card")
    await cards.first.wait_for()
    texts = await cards.all_inner_texts()
    assert "托管" in texts[0]  # best match first; synonyms (托育, 儿童 …) bring more after it
    assert await page.locator("#cards .card mark").count() >= len(texts)  # each shows its match
    assert await page.evaluate("window.__still_here") is True  # htmx swapped the cards in place
    await screenshot(page, "board")


async def test_a_partner_searches_in_chinese_and_expresses_interest(page: Any) -> None:
    """Journey 2: 注力社工 looks for child-care (托管) needs, best fit first, and says it is interested."""
    await sign_in(page, "partner")
    await page.goto("/board")
    assert await page.get_by_label("排序").input_value() == "fit"  # best fits first
    await page.get_by_label("搜索").fill("托管")
    await page.get_by_role("button", name="筛选").click()  # typed, the order left alone
    await page.wait_for_url(re.compile(r"q=%E6%89%98%E7%AE%A1.*sort=fit"))
    await page.locator("#sort-select option[value=relevance][selected]").wait_for(state="attached")
    assert await page.get_by_label("排序").input_value() == "relevance"  # ranked over all needs
    relevant = await page.locator("#cards .card").count()
    assert await page.locator("#cards .card").first.locator("h2 mark", has_text="托管").count()
    await page.get_by_label("排序").select_option("fit")  # a select change searches at once
    await page.wait_for_url(re.compile(r"sort=fit&sort_auto=relevance"))
    await page.locator("#cards .hint").first.wait_for()
    assert await page.locator("#cards .card").count() < relevant  # only its candidates
    assert await page.locator("#cards .card mark").count() > 0
    card = (
        page.locator("#cards .card").filter(has=page.get_by_role("button", name="我有意向")).first
    )
    await card.wait_for()
    title = await card.locator("h2").inner_text()
    assert "匹配度" in await card.inner_text()
    await card.get_by_role("button", name="我有意向").click()
    same = page.locator("#cards .card").filter(has_text=title).first
    await same.get_by_role("button", name="撤回意向").wait_for()
    assert "贵机构已表达意向" in await same.inner_text()
    await screenshot(page, "board_partner")
    await page.reload()  # the interest is stored, not just drawn
    again = page.locator("#cards .card").filter(has_text=title).first
    await again.get_by_role("button", name="撤回意向").wait_for()


async def test_pages_fit_a_phone_and_hostile_text_stays_text(
    browser: Any, live_server: str
) -> None:
    """Journey 5: every main page at 375 px has no horizontal scroll; a need titled with a script
    tag shows the tag as text and runs nothing."""
    async with httpx.AsyncClient(base_url=live_server) as api:
        token = (
            await api.post("/api/v1/auth/login", json={"username": "staff", "password": PASSWORD})
        ).json()["access_token"]
        created = await api.post(
            "/api/v1/demands",
            json={"title": XSS, "description": XSS, "category": "education", "status": "open"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.status_code == 201, created.text
        need = created.json()["id"]
    phones = {
        None: ["/board", f"/needs/{need}", "/login", "/libraries", "/libraries/cases"],
        "staff": ["/needs/new", "/inbox", "/needs/import"],
        "partner": ["/board", "/inbox", "/profile"],
        "coordinator": ["/rounds", "/dashboard"],
    }
    for person, paths in phones.items():
        tab = await new_tab(browser, live_server, width=375, height=812)
        dialogs: list[str] = []
        tab.on("dialog", lambda dialog, seen=dialogs: seen.append(dialog.message))
        if person:
            await sign_in(tab, person)
        for path in paths:
            answer = await tab.goto(path)
            assert answer is not None and answer.status == 200, path
            await tab.wait_for_load_state("networkidle")
            assert await no_horizontal_scroll(tab), f"{path} scrolls sideways at 375 px"
        if person is None:
            await tab.goto("/board")
            await tab.get_by_role("link", name=XSS).first.wait_for()
            await screenshot(tab, "board_phone")
            await tab.goto(f"/needs/{need}")
            assert XSS in await tab.locator("h1").inner_text()
        assert not dialogs, "a script in user text ran"
        assert not tab.js_errors, tab.js_errors
        await tab.context.close()


async def _tab_to(page: Any, text: str, most: int = 80) -> None:
    """Press Tab until the focused element's text is ``text`` (as a keyboard user would)."""
    for _ in range(most):
        await page.keyboard.press("Tab")
        focused = await page.evaluate("document.activeElement && document.activeElement.innerText")
        if focused and focused.strip() == text:
            return
    raise AssertionError(f"{text!r} cannot be reached with the Tab key")


async def test_a_partner_signs_in_and_expresses_interest_with_the_keyboard_only(page: Any) -> None:
    await page.goto("/board")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.innerText") == "跳到正文"
    await _tab_to(page, "登录")
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r"/login\?next=/board$"))
    # the form puts the focus in the username field itself (autofocus)
    await page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'username'"
    )
    await page.keyboard.type("partner")
    await page.keyboard.press("Tab")
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press("Enter")
    await page.wait_for_url(lambda url: url.endswith("/board") and "/login" not in url)
    assert "注力社工" in await page.locator("[data-testid=who]").inner_text()
    await _tab_to(page, "我有意向")
    await page.keyboard.press("Enter")
    await page.get_by_role("button", name="撤回意向").first.wait_for()
