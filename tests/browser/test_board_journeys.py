"""Journeys on the public board: search in Chinese, a narrow phone, hostile text shown as text."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


async def test_the_board_searches_in_chinese_without_a_full_reload(page: Any) -> None:
    await page.goto("/board")
    assert (await page.title()).startswith("需求大厅")
    await page.evaluate("window.__still_here = true")
    await page.get_by_label("搜索").fill("托管")
    await page.get_by_role("button", name="筛选").click()
    await page.wait_for_url("**/board?q=*")
    cards = page.locator("#cards .card")
    await cards.first.wait_for()
    assert all("托管" in text for text in await cards.all_inner_texts())
    assert await page.evaluate("window.__still_here") is True  # htmx swapped the cards in place
    await screenshot(page, "board")


async def test_the_login_page_shows_who_is_signed_in(page: Any) -> None:
    await sign_in(page, "coordinator")
    assert "统筹协调员" in await page.locator("[data-testid=who]").inner_text()
