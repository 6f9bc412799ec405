"""The board on a phone and the forms through HTTP (issue 13, items 3–5): load more appends, a
partner's best fits first with each fit's breakdown, own-language messages, the date check on the
first submit, a location picked from the places the app knows, publishing a case as a choice."""

from __future__ import annotations

import re
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.test_inbox_pages import partnership
from tests.test_need_pages import GOOD_FORM
from tests.test_profile_pages import my_actor, profile_form

Client = AsyncTestClient[Litestar]


async def test_load_more_answers_only_the_next_cards_and_the_next_button(
    client: Client, seeded: Any
) -> None:
    first = (await client.get("/board")).text
    assert first.count('class="card ') == 12 and 'id="card-list"' in first
    more = re.search(
        r'hx-get="(/board\?[^"]+cursor=[^"]+)" hx-target="#card-list" hx-swap="beforeend"', first
    )
    assert more, "the load-more link appends to the card list"
    found = int(re.search(r"找到 (\d+) 条需求", first).group(1))
    assert "已显示 12 / " in first
    url = more.group(1).replace("&amp;", "&")
    fragment = await client.get(url, headers={"HX-Request": "true", "HX-Target": "card-list"})
    text = fragment.text
    # only cards (no list, no count, no filters) and the next button, swapped out of band
    assert fragment.status_code == 200 and "<ul" not in text and "找到" not in text
    assert text.count('class="card ') == min(12, found - 12)
    assert 'id="more" hx-swap-oob="true"' in text and f"已显示 {min(24, found)} / {found}" in text
    first_ids = set(re.findall(r'id="need-(\d+)"', first))
    assert first_ids.isdisjoint(re.findall(r'id="need-(\d+)"', text))  # the next page, not again


async def test_a_partner_sees_best_fits_first_each_with_its_breakdown(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await page_login("partner")
    page = (await client.get("/board")).text
    assert '<option value="fit" selected>' in page  # no sort asked: best fit first
    fits = [int(x) for x in re.findall(r"<span>匹配度 (\d+)%</span>", page)]
    assert fits and fits == sorted(fits, reverse=True)
    card = page.split('class="card ')[1]
    assert (
        'class="fit-why"' in card
        and "匹配度怎么算" in card
        and "title=" not in card.split("<dl>")[0]
    )
    adds = [float(x) for x in re.findall(r"0\.\d\d × \d+% = ([\d.]+)%", card)]
    assert len(adds) == 8 and abs(sum(adds) - fits[0]) <= 1.5, (adds, fits[0])
    chosen = (await client.get("/board", params={"sort": "newest"})).text
    assert '<option value="newest" selected>' in chosen  # a chosen order is kept
    assert "筛选与排序" in chosen and "全部需求 · 最新发布" in chosen


async def test_a_blank_login_is_said_in_the_page_language_not_by_the_browser(
    client: Client, seeded: Any
) -> None:
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    assert 'class="form" novalidate' in page.text
    answer = await client.post(
        "/login", data={"username": "", "password": "", "_csrf_token": token}
    )
    assert answer.status_code == 422
    assert '<p class="field-error" id="username-error">请填写用户名</p>' in answer.text
    assert '<p class="field-error" id="password-error">请填写密码</p>' in answer.text
    english = await client.post(
        "/login?lang=en", data={"username": "partner", "password": "", "_csrf_token": token}
    )
    assert "Enter your password" in english.text and 'value="partner"' in english.text
    assert "username-error" not in english.text


async def test_the_date_order_is_said_with_the_other_problems_on_the_first_submit(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("staff")
    sent = GOOD_FORM | {"title": "", "window_end": "2026-11-01", "_csrf_token": token}
    answer = await client.post("/needs/new", data=sent)
    assert answer.status_code == 422
    assert '<p class="field-error" id="title-error">必填</p>' in answer.text
    assert "结束日期不能早于开始日期" in answer.text
    assert '<script src="/static/forms.js" defer></script>' in answer.text


async def test_a_partner_picks_its_location_from_the_places_the_app_knows(
    client: Client, seeded: Any, page_login: Any
) -> None:
    actor = await my_actor(seeded)
    token = await page_login("partner")
    page = (await client.get("/profile")).text
    assert '<select id="place" name="place"' in page and "<optgroup" in page
    community = await seeded.fetchrow(
        "SELECT id, name, lat::float8 AS lat, lon::float8 AS lon FROM communities "
        "WHERE archived_at IS NULL ORDER BY id LIMIT 1"
    )
    answer = await client.post(
        "/profile", data=profile_form(actor, token, place=f"c{community['id']}", lat="", lon=""),
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303, answer.text
    row = await seeded.fetchrow(
        "SELECT lat::float8, lon::float8 FROM actors WHERE id = $1", actor["id"]
    )
    assert (round(row[0], 5), round(row[1], 5)) == (
        round(community["lat"], 5),
        round(community["lon"], 5),
    )
    again = (await client.get("/profile")).text
    assert f'<option value="c{community["id"]}" selected>' in again


async def test_the_place_list_holds_the_districts_served_not_every_community(
    client: Client, seeded: Any, page_login: Any
) -> None:
    """A province has some 50,000 communities: the select lists every district's centre and the
    communities of the districts the organisation serves or lies in; any place can still be
    chosen (looked up by its key), and coordinates typed by hand say where they lie."""
    actor = await my_actor(seeded)
    served = await seeded.fetchval(
        "SELECT array_agg(district_id) FROM actor_districts WHERE actor_id = $1", actor["id"]
    )
    elsewhere = await seeded.fetchrow(
        "SELECT c.id, c.name, c.district_id, c.lat::float8 AS lat, c.lon::float8 AS lon "
        "FROM communities c WHERE c.archived_at IS NULL AND NOT c.district_id = ANY ($1) "
        "ORDER BY c.id LIMIT 1",
        served,
    )
    centres = await seeded.fetchval("SELECT count(*) FROM districts WHERE lat IS NOT NULL")
    token = await page_login("partner")
    page = (await client.get("/profile")).text
    assert page.count("（区县中心）</option>") == centres  # every district's centre
    assert f'<option value="c{elsewhere["id"]}"' not in page  # not every community
    listed = await seeded.fetchval(
        "SELECT count(*) FROM communities WHERE archived_at IS NULL AND district_id = ANY ($1)",
        served,
    )
    assert len(re.findall(r'<option value="c\d+"', page)) == listed

    # a community outside the list is still found by its key, and is then listed and selected
    moved = await client.post(
        "/profile",
        data=profile_form(actor, token, place=f"c{elsewhere['id']}", lat="", lon="",
                          district_ids=["", *map(str, served)]),
        follow_redirects=False,
    )  # fmt: skip
    assert moved.status_code == 303, moved.text
    row = await seeded.fetchrow(
        "SELECT lat::float8, lon::float8 FROM actors WHERE id = $1", actor["id"]
    )
    assert (round(row[0], 5), round(row[1], 5)) == (
        round(elsewhere["lat"], 5),
        round(elsewhere["lon"], 5),
    )
    again = (await client.get("/profile")).text
    assert f'<option value="c{elsewhere["id"]}" selected>' in again
    assert 'data-testid="place-now"' not in again

    # coordinates typed by hand, a little off the community: the page says how far from it
    typed = await client.post(
        "/profile",
        data=profile_form(actor, token, place="", lat=f"{elsewhere['lat'] + 0.01:.6f}",
                          lon=f"{elsewhere['lon']:.6f}", district_ids=["", *map(str, served)]),
        follow_redirects=False,
    )  # fmt: skip
    assert typed.status_code == 303, typed.text
    after = (await client.get("/profile")).text
    near = re.search(r'data-testid="place-now">现在的坐标离「([^」]+)」约 ([\d.]+) 公里。', after)
    assert near and float(near[2]) < 1.2, near

    # a choice that names no place changes nothing: the typed coordinates stand
    for key in ("c999999999", "x1", "c1; DROP", "d"):
        kept = await client.post(
            "/profile",
            data=profile_form(actor, token, place=key, lat="30.5", lon="104.0",
                              district_ids=["", *map(str, served)]),
            follow_redirects=False,
        )  # fmt: skip
        assert kept.status_code == 303, (key, kept.text)
        row = await seeded.fetchrow(
            "SELECT lat::float8, lon::float8 FROM actors WHERE id = $1", actor["id"]
        )
        assert (row[0], row[1]) == (30.5, 104.0), key


async def test_closing_a_partnership_publishes_no_case_unless_ticked_and_shows_a_preview(
    client: Client, seeded: Any, page_login: Any
) -> None:
    partnership_id = await partnership(seeded)
    await page_login("staff")
    page = (await client.get("/inbox")).text
    form = page.split(f'action="/inbox/partnerships/{partnership_id}/complete"')[1]
    form = form.split("</form>")[0]
    assert 'name="publish_case" value="true"' in form
    assert not re.search(r'name="publish_case" value="true"\s+checked', form)  # unticked
    assert "预览将公开的内容" in form and "novalidate" in form
