"""The board and the forms on a phone (375 px): filters folded to one line, a fit's breakdown on
a tap, "load more" appending while the reader keeps their place, every tap target at least 44 px
tall, and a refused form putting the focus on its first problem."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS, new_tab, screenshot, sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}

#: Every control and stand-alone link, with its height; a checkbox or radio counts by its label
#: (the label is what a finger taps). Links inside a sentence (inline, with text around them in
#: the same block) are left out: they are part of the text, as WCAG 2.5.8 allows.
TAP_TARGETS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    if (el.type === 'hidden' || el.closest('[hidden]')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // folded away or not shown
    if (el.classList.contains('skip')) continue;  // off screen until focused
    let target = el;
    if (el.type === 'checkbox' || el.type === 'radio') target = el.closest('label') || el;
    if (el.tagName === 'A' && getComputedStyle(el).display === 'inline') {
      const block = el.parentElement;
      const around = block.textContent.replace(el.textContent, '').trim();
      if (around.length > 0) continue;  // a link inside a sentence
    }
    const h = target.getBoundingClientRect().height;
    if (h < 44) out.push(`${el.tagName} ${(el.innerText || el.name || el.id || '').trim().slice(0, 20)}: ${h.toFixed(0)}px`);
  }
  return out;
}"""


async def test_a_partner_on_a_phone_folds_filters_taps_a_fit_and_loads_more_in_place(
    browser: Any, live_server: str
) -> None:
    tab = await new_tab(browser, live_server, **PHONE)
    await sign_in(tab, "partner")
    await tab.goto("/board")
    await tab.wait_for_load_state("networkidle")
    # the filters are one line that says what is in force; the first card is on the first screen
    fold = tab.get_by_test_id("filters-fold")
    assert await fold.evaluate("d => d.open") is False
    assert "与我最匹配" in await fold.locator("summary").inner_text()  # best fits first
    first_card = tab.locator("#cards .card").first
    assert (await first_card.bounding_box())["y"] < PHONE["height"] - 100
    # the first screen, as the "before" shot beside it in the README
    await tab.screenshot(path=str(SCREENSHOTS / "board_phone_after.png"))
    await fold.locator("summary").click()
    await tab.get_by_label("排序").wait_for()
    await fold.locator("summary").click()
    # a tap on the fit opens its breakdown: every part with its weight, then the total
    why = first_card.get_by_test_id("fit-why")
    parts = why.locator(".bar-sum")
    assert not await parts.first.is_visible()
    await why.locator("summary").click()
    await parts.first.wait_for(state="visible")
    text = await why.inner_text()
    assert "内容相似" in text and " × " in text and "各项之和" in text
    await screenshot(tab, "board_phone_fit")
    # load more (the newest first: more needs than fit a page): the cards already read stay, the
    # next ones come below, the page does not jump
    await tab.goto("/board?sort=newest")
    cards = tab.locator("#cards .card")
    before = await cards.count()
    titles = await cards.locator("h2").all_inner_texts()
    more = tab.locator("#more a")
    await more.scroll_into_view_if_needed()
    at = await tab.evaluate("window.scrollY")
    await more.click()
    await cards.nth(before).wait_for()
    assert (await cards.locator("h2").all_inner_texts())[:before] == titles
    assert abs(await tab.evaluate("window.scrollY") - at) < 5
    focused = await tab.evaluate("document.activeElement.closest('.card')?.id")
    assert focused == await cards.nth(before).get_attribute("id")  # the first new card
    assert f"已显示 {await cards.count()} /" in await tab.locator("#more").inner_text()
    assert not tab.js_errors, tab.js_errors
    await tab.context.close()


async def test_every_tap_target_is_at_least_44_px_tall_on_a_phone(
    browser: Any, live_server: str
) -> None:
    pages = {
        None: ["/board", "/login", "/libraries"],
        "partner": ["/board", "/profile", "/inbox"],
        "staff": ["/needs/new", "/inbox"],
    }
    small: list[str] = []
    for person, paths in pages.items():
        tab = await new_tab(browser, live_server, **PHONE)
        if person:
            await sign_in(tab, person)
        for path in paths:
            await tab.goto(path)
            await tab.wait_for_load_state("networkidle")
            for details in await tab.locator("main details").all():  # what a tap would open
                await details.evaluate("d => { d.open = true; }")
            small += [f"{person} {path} {item}" for item in await tab.evaluate(TAP_TARGETS)]
        await tab.context.close()
    assert not small, "\n".join(small)


async def test_a_refused_form_on_a_phone_puts_the_focus_on_the_first_problem(
    browser: Any, live_server: str
) -> None:
    tab = await new_tab(browser, live_server, **PHONE)
    await tab.goto("/login")
    await tab.get_by_role("button", name="登录").click()
    await tab.wait_for_load_state("networkidle")
    # no browser bubble: the page says it in its own language, and the focus is on the field
    assert await tab.evaluate("document.activeElement.id") == "username"
    assert "请填写用户名" in await tab.locator("#username-error").inner_text()
    await sign_in(tab, "staff")
    await tab.goto("/needs/new")
    await tab.locator("#window_start").fill("2027-03-01")
    await tab.locator("#window_end").fill("2027-02-01")
    await tab.get_by_role("button", name="立即发布").click()
    await tab.wait_for_load_state("networkidle")
    assert await tab.evaluate("document.activeElement.id") == "title"
    problems = tab.locator(".alert[role=alert] .problems a")
    said = await problems.all_inner_texts()
    assert any("结束日期不能早于开始日期" in s for s in said), said  # on the first submit
    await screenshot(tab, "form_problems_phone")
    await problems.last.click()
    assert await tab.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    # a form the browser still checks (a required confirmation box) says it in the page's words
    await tab.goto("/needs/mine")
    box = tab.locator("input[name=confirm][required]").first
    assert (
        await box.evaluate("b => { b.checkValidity(); return b.validationMessage; }")
        == "请选择一项。"
    )
    await box.evaluate("b => { b.checked = true; b.dispatchEvent(new Event('change')); }")
    assert await box.evaluate("b => b.checkValidity()") is True
    assert not tab.js_errors, tab.js_errors
    await tab.context.close()
