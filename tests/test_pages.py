"""The opportunity board page through HTTP (browser journeys come with the rest of the pages)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.web import board

Client = AsyncTestClient[Litestar]


async def test_the_board_shows_open_needs_as_cards_in_chinese(client: Client, seeded: Any) -> None:
    response = await client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "需求大厅" in page and '<html lang="zh-CN">' in page
    open_title = await seeded.fetchval(
        "SELECT title FROM demands WHERE status = 'open' ORDER BY id DESC LIMIT 1"
    )
    draft_title = await seeded.fetchval("SELECT title FROM demands WHERE status = 'draft' LIMIT 1")
    assert open_title in page and draft_title not in page
    assert "/static/htmx-2.0.11.min.js" in page and "http://" not in page.split("<body>")[0]


async def test_search_and_filters_narrow_the_cards_and_htmx_gets_only_the_cards(
    client: Client, seeded: Any
) -> None:
    partial = await client.get("/board", params={"q": "托管"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.text and "托管" in partial.text
    none = await client.get("/board", params={"q": "不存在的词语组合"})
    assert "没有符合条件的需求" in none.text and "清除筛选" in none.text
    district = await seeded.fetchval("SELECT id FROM districts WHERE name = '成华区'")
    page = (await client.get("/board", params={"district_id": district})).text
    assert "成华区" in page and " · 邛崃市 · " not in page


async def test_the_english_switch_is_remembered(client: Client, seeded: Any) -> None:
    english = await client.get("/board", params={"lang": "en"})
    assert "Opportunity board" in english.text and '<html lang="en">' in english.text
    assert "Elderly care" in english.text  # category labels follow the language
    again = await client.get("/board")
    assert "Opportunity board" in again.text


async def test_user_text_is_escaped(client: Client, seeded: Any, login: Any) -> None:
    title = "<script>alert(1)</script>"
    await client.post(
        "/api/v1/demands",
        json={"title": title, "category": "education", "status": "open"},
        headers=await login("staff"),
    )
    page = (await client.get("/board")).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and title not in page


CHART_BUILDS = ("/static/echarts-dashboard-6.1.0.min.js", "/static/echarts-round-6.1.0.min.js")


async def test_static_files_are_served_locally_cached_and_compressed(client: Client) -> None:
    for path in ("/static/htmx-2.0.11.min.js", "/static/site.css", *CHART_BUILDS):
        answer = await client.get(path, headers={"Accept-Encoding": "gzip"})
        assert answer.status_code == 200 and "max-age=3600" in answer.headers["cache-control"]
        assert answer.headers["content-encoding"] == "gzip"
    for path in CHART_BUILDS:
        plain = await client.get(path, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        # a page's own build: well under half the whole ECharts (1.1 MB, 361 KB gzipped)
        assert 300_000 < len(plain.content) < 560_000, path
    assert (await client.get("/static/echarts-6.1.0.min.js")).status_code == 404


async def test_only_pages_with_charts_load_a_chart_script(client: Client, seeded: Any) -> None:
    """The board (and every page without a chart) loads no ECharts at all."""
    board = (await client.get("/board")).text
    assert "echarts" not in board and "charts.js" not in board


async def test_a_partner_sees_its_fit_and_can_sort_by_it(
    client: Client, seeded: Any, page_login: Any
) -> None:
    anonymous = (await client.get("/board")).text
    assert "匹配度" not in anonymous and 'value="fit"' not in anonymous
    await page_login("partner")
    page = (await client.get("/board")).text
    assert "匹配度" in page and "<meter" in page and 'value="fit"' in page
    ranked = (await client.get("/board", params={"sort": "fit"})).text
    fits = [int(x) for x in re.findall(r"匹配度 (\d+)%", ranked)]
    assert fits and fits == sorted(fits, reverse=True)


async def test_interest_from_a_card_is_expressed_and_withdrawn(
    client: Client, seeded: Any, page_login: Any
) -> None:
    token = await page_login("partner")
    actor = await seeded.fetchval("SELECT actor_id FROM users WHERE username = 'partner'")
    demand = await seeded.fetchval(
        "SELECT id FROM demands WHERE status = 'open' AND id NOT IN "
        "(SELECT demand_id FROM interests WHERE actor_id = $1) ORDER BY id LIMIT 1",
        actor,
    )
    htmx = {"HX-Request": "true", "x-csrftoken": token}
    card = await client.post(f"/board/{demand}/interest", headers=htmx)
    assert card.status_code == 200 and "撤回意向" in card.text and "<html" not in card.text
    assert (
        await seeded.fetchval(
            "SELECT count(*) FROM interests WHERE demand_id = $1 AND actor_id = $2", demand, actor
        )
        == 1
    )
    again = await client.post(
        f"/board/{demand}/interest/withdraw", data={"_csrf_token": token}, follow_redirects=False
    )
    assert again.status_code == 303 and again.headers["location"] == f"/board#need-{demand}"
    assert (
        await seeded.fetchval(
            "SELECT count(*) FROM interests WHERE demand_id = $1 AND actor_id = $2", demand, actor
        )
        == 0
    )


async def test_only_partners_express_interest_and_a_closed_need_says_why(
    client: Client, seeded: Any, page_login: Any
) -> None:
    demand = await seeded.fetchval("SELECT id FROM demands WHERE status = 'open' LIMIT 1")
    before = await seeded.fetchval("SELECT count(*) FROM interests")
    anonymous = await client.post(f"/board/{demand}/interest", follow_redirects=False)
    assert anonymous.status_code == 403  # no CSRF cookie yet: refused before anything else
    token = await page_login("staff")
    staff = await client.post(f"/board/{demand}/interest", data={"_csrf_token": token})
    assert staff.status_code == 403 and "没有权限" in staff.text
    await client.post("/logout", data={"_csrf_token": token})
    token = await page_login("partner")
    closed = await seeded.fetchval(
        "SELECT id FROM demands WHERE status <> 'open' AND status <> 'draft' LIMIT 1"
    )
    answer = await client.post(
        f"/board/{closed}/interest", headers={"HX-Request": "true", "x-csrftoken": token}
    )
    assert answer.status_code == 200 and "这条需求已不再征集伙伴" in answer.text
    assert await seeded.fetchval("SELECT count(*) FROM interests") == before


# ------------------------------------------------------------------------- the board's count

FOUND = re.compile(r'<p class="found" data-testid="found">找到 (\d+) 条需求</p>')
#: under the cards, on every page: "shown so far / found in all"
SHOWN = re.compile(r'data-testid="shown">已显示 \d+ / (\d+) 条')
MORE = re.compile(r'<a class="button secondary" href="([^"]+)" hx-get=')
CARD = re.compile(r'<li class="card [^"]*" id="need-(\d+)">')


async def _every_page(client: Client, **params: object) -> tuple[list[int], list[int]]:
    """The count each page of the board says, and every card's need id, following "load more"
    (as htmx asks for it: the next cards, appended to the list) to the end."""
    counts: list[int] = []
    cards: list[int] = []
    page = (await client.get("/board", params=params)).text
    while True:
        counts += [int(n) for n in FOUND.findall(page)] + [int(n) for n in SHOWN.findall(page)]
        cards += [int(i) for i in CARD.findall(page)]
        more = MORE.search(page)
        if more is None:
            return counts, cards
        url = more[1].replace("&amp;", "&")
        page = (
            await client.get(url, headers={"HX-Request": "true", "HX-Target": "card-list"})
        ).text
        assert "<html" not in page


async def test_the_board_says_how_many_needs_it_found_on_every_page(
    client: Client, seeded: Any
) -> None:
    open_needs = await seeded.fetchval(
        "SELECT count(*) FROM demands WHERE status = 'open' AND archived_at IS NULL"
    )
    assert open_needs > 12  # more than one page
    counts, cards = await _every_page(client)
    assert len(counts) > 1 and set(counts) == {open_needs}  # each page says the whole count
    assert len(cards) == len(set(cards)) == open_needs
    english = (await client.get("/board", params={"lang": "en"})).text
    assert f'data-testid="found">{open_needs} needs found</p>' in english


async def test_the_boards_count_follows_search_and_filters(client: Client, seeded: Any) -> None:
    district = await seeded.fetchval("SELECT id FROM districts WHERE name = '邛崃市'")
    in_district = await seeded.fetchval(
        "SELECT count(*) FROM demands d JOIN communities c ON c.id = d.community_id "
        "WHERE d.status = 'open' AND d.archived_at IS NULL AND c.district_id = $1",
        district,
    )
    for params, expected in (
        ({"district_id": district}, in_district),
        ({"district_id": district, "category": "child_care", "sort": "urgency"}, None),
        ({"q": "托管"}, None),
        ({"q": "托管", "district_id": district}, None),
    ):
        counts, cards = await _every_page(client, **params)
        assert cards, params
        assert set(counts) == {len(cards)}, params  # the count is what the cards add up to
        if expected is not None:
            assert len(cards) == expected
    one = await seeded.fetchval(
        "SELECT d.title FROM demands d WHERE status = 'open' ORDER BY id LIMIT 1"
    )
    await seeded.execute("UPDATE demands SET status = 'draft' WHERE title <> $1", one)
    single = (await client.get("/board")).text
    assert 'data-testid="found">找到 1 条需求</p>' in single
    single_en = (await client.get("/board", params={"lang": "en"})).text
    assert 'data-testid="found">1 need found</p>' in single_en
    none = (await client.get("/board", params={"q": "不存在的词语组合", "lang": "zh"})).text
    assert 'data-testid="found"' not in none and "没有符合条件的需求" in none


async def test_past_its_bound_the_board_says_more_than(
    client: Client, seeded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count stops at board.COUNT_UP_TO (so a view never scans every open need)."""
    monkeypatch.setattr(board, "COUNT_UP_TO", 5)
    open_needs = await seeded.fetchval(
        "SELECT count(*) FROM demands WHERE status = 'open' AND archived_at IS NULL"
    )
    assert open_needs > 5
    page = (await client.get("/board", params={"lang": "zh"})).text
    assert 'data-testid="found">找到超过 5 条需求</p>' in page
    english = (await client.get("/board", params={"lang": "en"})).text
    assert 'data-testid="found">More than 5 needs found</p>' in english
    monkeypatch.setattr(board, "COUNT_UP_TO", open_needs)  # exactly the bound: the exact count
    page = (await client.get("/board", params={"lang": "zh"})).text
    assert f'data-testid="found">找到 {open_needs} 条需求</p>' in page


def _form_fields(page: str) -> dict[str, str]:
    """What the board's search form would send as drawn: the query, each select's chosen
    option (its first when none is marked) and the hidden fields."""
    form = page.split('role="search"', 1)[1].split("</form>", 1)[0]
    fields = dict(
        re.findall(r'<input type="(?:search|hidden)" name="(\w+)"[^>]*?value="([^"]*)"', form)
    )
    for name, body in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', form, re.S):
        values = re.findall(r'<option value="([^"]*)"( selected)?>', body)
        fields[name] = next((v for v, chosen in values if chosen), values[0][0])
    return fields


def _marked(card: str, word: str) -> bool:
    """A card's title and snippet show ``word`` marked wherever they show it (a card found by a
    synonym, a label or its place may show none)."""
    shown = card.split('<p class="where">')[0] + card.split('<p class="desc">')[1].split("</p>")[0]
    return shown.count(word) == shown.count(f"<mark>{word}</mark>")


def _sort_of(page: str) -> str:
    return re.search(r'<option value="(\w+)" selected>', page.split('name="sort"', 1)[1]).group(1)


async def test_a_partners_typed_query_is_ranked_by_relevance_unless_it_chose_fit(
    client: Client, seeded: Any, page_login: Any
) -> None:
    """Issue 13: a partner's default order is its fit, but a query typed without choosing an order
    is ranked over every open need it finds (fits still shown); fit chosen stays fit. Marks on both."""
    await page_login("partner")
    board_page = (await client.get("/board")).text
    assert _sort_of(board_page) == "fit"
    typed = _form_fields(board_page) | {"q": "托管"}  # the select left at its default
    ranked = (await client.get("/board", params=typed)).text
    assert _sort_of(ranked) == "relevance" and "按匹配度排序只列出" not in ranked
    found = int(re.search(r"找到 (\d+) 条需求", ranked).group(1))
    cards = ranked.split('class="card ')[1:]
    assert "托管" in cards[0].split("</h2>")[0]  # best match first
    assert all(_marked(c, "托管") for c in cards) and len(cards) == min(found, board.PAGE_SIZE)
    assert "<mark>托管</mark>" in cards[0].split("</h2>")[0]
    assert any("匹配度" in c for c in cards)  # the fit where it is known
    # choosing fit on that page (the select's change sends the form) keeps fit, marked too
    fit_form = _form_fields(ranked) | {"sort": "fit"}
    by_fit = (await client.get("/board", params=fit_form)).text
    assert _sort_of(by_fit) == "fit" and "按匹配度排序只列出" in by_fit
    fit_cards = by_fit.split('class="card ')[1:]
    fit_found = int(re.search(r"找到 (\d+) 条需求", by_fit).group(1))
    assert fit_cards and fit_found < found  # only its candidates
    assert all(_marked(c, "托管") for c in fit_cards) and "<mark>" in by_fit.split("card-list")[1]
    fits = [int(x) for x in re.findall(r"<span>匹配度 (\d+)%</span>", by_fit)]
    assert fits == sorted(fits, reverse=True) and len(fits) == len(fit_cards)
    # a chosen order survives a new query; cleared, the query-less default comes back
    again = (await client.get("/board", params=_form_fields(by_fit) | {"q": "老人"})).text
    assert _sort_of(again) == "fit"
    cleared = (await client.get("/board", params=_form_fields(ranked) | {"q": ""})).text
    assert _sort_of(cleared) == "fit"


async def test_htmx_search_moves_the_sort_select_only_when_the_order_moved(
    client: Client, seeded: Any, page_login: Any
) -> None:
    await page_login("partner")
    htmx = {"HX-Request": "true"}
    fields = _form_fields((await client.get("/board")).text) | {"q": "托管"}
    typed = (await client.get("/board", params=fields, headers=htmx)).text
    # the cards come with the select moved to 最相关 and the hidden default, both out of band
    assert '<select name="sort" id="sort-select" hx-swap-oob="true">' in typed
    assert _sort_of(typed) == "relevance"
    assert 'id="sort-auto" value="relevance" hx-swap-oob="true"' in typed
    swapped = fields | {"sort": "fit", "sort_auto": "relevance"}  # the form after that swap
    picked = (await client.get("/board", params=swapped, headers=htmx)).text
    assert 'id="sort-select"' not in picked  # the select just changed is left alone
    assert 'id="sort-auto" value="" hx-swap-oob="true"' in picked
    assert "按匹配度排序只列出" in picked and "<mark>" in picked


async def test_the_district_list_is_kept_a_minute_and_a_restart_reads_it_afresh(
    app: Litestar, seeded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]  # a test clock for the board's keeping (time.monotonic in board.py)

    class Clock:
        @staticmethod
        def monotonic() -> float:
            return clock[0]

    monkeypatch.setattr(board, "time", Clock)
    async with AsyncTestClient(app=app) as client:
        assert "试验新区" not in (await client.get("/board")).text
        await seeded.execute(
            "INSERT INTO districts (name, city, lat, lon) VALUES ('试验新区', '成都市', 30.6, 104.0)"
        )
        clock[0] += board.DISTRICTS_KEPT - 1
        assert "试验新区" not in (await client.get("/board")).text  # still the kept list
        clock[0] += 2
        assert "试验新区" in (await client.get("/board")).text  # past a minute: read again
        await seeded.execute("UPDATE districts SET name = '试验二区' WHERE name = '试验新区'")
    async with AsyncTestClient(app=app) as restarted:  # a new lifespan keeps nothing
        assert "试验二区" in (await restarted.get("/board")).text


#: Every page an admin can open from the header (an admin's header holds every link).
ADMIN_PAGES = (
    "/board", "/libraries", "/libraries/actors", "/rounds", "/dashboard", "/reports", "/fair",
    "/accounts", "/verification", "/registrations", "/audit", "/notifications",
    "/need-templates", "/search/synonyms",
)  # fmt: skip


async def test_the_header_reads_the_same_on_every_page(
    client: Client, seeded: Any, page_login: Any
) -> None:
    """A page's own words never rename a header link (the reports once called 撮合轮次 by the
    name of their own section)."""
    await page_login("admin")
    for lang in ("zh", "en"):
        headers = set()
        for path in ADMIN_PAGES:
            page = await client.get(path, params={"lang": lang})
            assert page.status_code == 200, path
            nav = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', page.text, re.S)
            assert nav, path
            headers.add(tuple(re.findall(r">([^<>]+)</a>", nav.group(1))))
        assert len(headers) == 1, headers
        (links,) = headers
        assert ("撮合轮次" if lang == "zh" else "Match rounds") in links
