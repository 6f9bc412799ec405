"""A search's best-first order kept by the server (queries/ranked.py): the same pages and counts as
ranking anew, past the kept rows too, and every change of a need or a community seen by the next
search — brought into the kept ranking, not ranked whole again."""

from __future__ import annotations

import asyncio
import doctest
import random
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.app import create_app
from matchmaker.queries import demands as demand_queries
from matchmaker.queries import ranked
from matchmaker.queries.ranked import KEPT_ROWS, MADE_ROWS, Kept, Ranking
from matchmaker.search.query import compile_query
from matchmaker.settings import Settings
from matchmaker.synthetic import generate
from tests.conftest import SECRET, all_pages, post_open_need

Client = AsyncTestClient[Any]
OPPORTUNITIES = "/api/v1/opportunities"
QUERIES = ("老人", "小孩", "非遗", "社区", "给厂里工人的孩子找个暑假托管", "elderly care")


@pytest.fixture
async def anew(database_dsn: str) -> AsyncIterator[Client]:
    """The same app on the same database, keeping nothing: every search ranked by the SQL."""
    settings = Settings(
        database_url=database_dsn, secret_key=SECRET, pool_min=1, pool_max=2, search_kept=0
    )
    app: Litestar = create_app(settings, dsn=database_dsn)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


async def _pages(
    client: Client, q: str, limit: int, **filters: str
) -> list[tuple[list[int], str | None]]:
    """Every page of the best-first list for ``q``: its ids and the cursor it gave."""
    pages: list[tuple[list[int], str | None]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = (
            {"q": q, "limit": limit} | filters | ({"cursor": cursor} if cursor else {})
        )
        body = (await client.get(OPPORTUNITIES, params=params)).json()
        cursor = body.get("next_cursor")
        pages.append(([d["id"] for d in body["items"]], cursor))
        if not cursor:
            return pages


def _found(page: str) -> str:
    """The board's count line (找到 N 条需求, or 超过 1000)."""
    match = re.search(r"找到[^<]*条需求", page)
    assert match, page[:500]
    return match.group(0)


async def test_kept_rankings_give_the_pages_and_counts_of_ranking_anew(
    client: Client, anew: Client, app: Litestar, seeded: Any
) -> None:
    pages = 0
    for q in QUERIES:
        kept = await _pages(client, q, 3)
        assert kept == await _pages(anew, q, 3), q
        pages += len(kept)
        board = (await client.get("/board", params={"q": q})).text
        assert _found(board) == _found((await anew.get("/board", params={"q": q})).text)
    assert pages > 2 * len(QUERIES)  # cursors were crossed
    # each query ranked once (the board and the API share it), then read kept
    assert len(app.state.rankings) == app.state.rankings.made == len(QUERIES)


async def test_a_change_of_a_need_is_found_by_the_next_search(
    client: Client, anew: Client, seeded: Any, login: Any
) -> None:
    before = [d["id"] for d in await all_pages(client, OPPORTUNITIES, q="羌绣")]
    count_before = _found((await client.get("/board", params={"q": "羌绣"})).text)
    staff = await login("staff")
    new_id = await post_open_need(client, staff, "羌绣坊技艺传习班", "heritage")
    after = [d["id"] for d in await all_pages(client, OPPORTUNITIES, q="羌绣")]
    assert new_id in after and set(before) < set(after)
    assert after == [d["id"] for d in await all_pages(anew, OPPORTUNITIES, q="羌绣")]
    assert _found((await client.get("/board", params={"q": "羌绣"})).text) != count_before
    closed = await client.post(
        f"/api/v1/demands/{new_id}/status", headers=staff, json={"status": "cancelled"}
    )
    assert closed.status_code == 200, closed.text
    assert [d["id"] for d in await all_pages(client, OPPORTUNITIES, q="羌绣")] == before
    assert _found((await client.get("/board", params={"q": "羌绣"})).text) == count_before


async def test_unsearched_lists_are_kept_until_a_need_changes(
    client: Client, anew: Client, seeded: Any, login: Any
) -> None:
    """The board's count and the pages' ids without a query are kept per filters and order
    while the revision stands, and follow every write: the same counts and pages as a server
    that keeps nothing, before and after."""
    lists: list[dict[str, str]] = [{}, {"category": "elderly_care"}, {"category": "heritage"}]

    async def counts(c: Client) -> list[Any]:
        found = [_found((await c.get("/board", params=p)).text) for p in lists]
        pages = [
            [d["id"] for d in await all_pages(c, OPPORTUNITIES, limit=4, sort=sort, **p)]
            for p in lists
            for sort in ("newest", "deadline")
        ]
        return [*found, pages]

    before = await counts(client)
    assert before == await counts(client) == await counts(anew)
    staff = await login("staff")
    made_id = await post_open_need(client, staff, "非遗传承人进课堂", "heritage")
    grown = await counts(client)
    assert grown == await counts(anew) and grown[1] == before[1]
    assert [grown[0], grown[2]] != [before[0], before[2]]
    closed = await client.post(
        f"/api/v1/demands/{made_id}/status", headers=staff, json={"status": "cancelled"}
    )
    assert closed.status_code == 200, closed.text
    assert await counts(client) == before == await counts(anew)


async def test_a_search_is_ranked_once_and_brought_up_after_a_write(
    client: Client, app: Litestar, seeded: Any, login: Any
) -> None:
    urls = [f"{OPPORTUNITIES}?q=老人&limit=5", "/board?q=老人"] * 3
    assert [(await client.get(u)).status_code for u in urls] == [200] * len(urls)
    assert app.state.rankings.made == 1
    staff = await login("staff")
    made_id = await post_open_need(client, staff, "独居老人助餐", "elderly_care")
    again = [await client.get(u) for u in urls]
    # the ranking kept is brought up by the one need written, once, not ranked whole again
    assert (app.state.rankings.made, app.state.rankings.brought_up) == (1, 1)
    assert len({r.text for r in again[::2]}) == 1
    assert made_id in {d["id"] for d in again[0].json()["items"]}


async def test_requests_asking_at_once_wait_for_one_ranking() -> None:
    """After a write moves the revision, requests asking for the same search at the same time
    wait for one ranking instead of each ranking again; when its maker fails, a waiter makes it."""
    kept = Kept(4)
    release = asyncio.Event()
    calls = 0

    async def make() -> Ranking:
        nonlocal calls
        calls += 1
        await release.wait()
        return Ranking.of([(2.0, 9), (1.0, 3)], revision=1)

    async def never(old: Ranking) -> Ranking | None:
        return None

    asking = [asyncio.create_task(kept.get_or_make(("q", 1), 1, make, never)) for _ in range(5)]
    await asyncio.sleep(0)  # every task has asked (no time passes: one turn of the loop)
    release.set()
    results = await asyncio.gather(*asking)
    assert calls == 1 and kept.made == 1
    assert all(list(r.ids) == [9, 3] for r in results)

    async def fails() -> Ranking:
        await asyncio.sleep(0)
        raise ConnectionError("gone")

    release.clear()
    failing = asyncio.create_task(kept.get_or_make(("q", 2), 1, fails, never))
    await asyncio.sleep(0)
    waiting = asyncio.create_task(kept.get_or_make(("q", 2), 1, make, never))
    await asyncio.sleep(0)
    release.set()
    assert isinstance((await asyncio.gather(failing, return_exceptions=True))[0], ConnectionError)
    assert list((await waiting).ids) == [9, 3] and calls == 2


async def test_pages_past_the_kept_rows_come_from_the_sql_in_the_same_order(
    client: Client, anew: Client, conn: Any
) -> None:
    await generate(conn, demands=1300, seed=5)
    q = "需求"  # every synthetic need says 需求突出
    kept = await _pages(client, q, 200)
    assert sum(len(ids) for ids, _ in kept) > KEPT_ROWS
    assert kept == await _pages(anew, q, 200)
    assert "超过 1000" in _found((await client.get("/board", params={"q": q})).text)


async def test_the_written_out_rank_is_search_rank_bit_for_bit(seeded: Any) -> None:
    """paging.by_relevance writes search_rank's body out (so PostgreSQL need not call it per row);
    its keys must be the function's exactly, or a cursor would skip or repeat rows."""
    key = demand_queries.RANKED_SORT.key_sql
    assert key is not None
    compared = 0
    for q in (*QUERIES, "社区营造", "羌绣坊"):
        search = await compile_query(seeded, q)
        same = await seeded.fetch(
            "SELECT coalesce(search_rank(d.search, (SELECT search_queries($1::text))), 0)::float8"
            f" = {key.replace('$9', '$1')} AS same"
            " FROM demands d WHERE d.search @@ (SELECT search_match($1::text))",
            search.tsquery,
        )
        assert all(r["same"] for r in same), q
        compared += len(same)
    assert compared > 50


def test_how_many_rankings_a_server_keeps_is_a_setting() -> None:
    assert Settings.from_env({}).search_kept == 200
    assert Settings.from_env({"MATCHMAKER_SEARCH_KEPT": "0"}).search_kept == 0


def _true_order(keys: dict[int, float]) -> list[tuple[float, int]]:
    """Every match best first, as the SQL orders them (key, then id, both descending)."""
    return sorted(((k, i) for i, k in keys.items()), key=lambda r: (-r[0], -r[1]))


@pytest.mark.parametrize("seed", range(40))
def test_a_merged_ranking_is_the_first_rows_of_ranking_anew(seed: int) -> None:
    """Against an oracle that ranks every match again: a ranking brought up by the changed
    needs holds exactly the first rows of the new order (all of them when it says complete),
    never fewer than KEPT_ROWS unless complete — or declines (None), to be ranked whole."""
    rng = random.Random(seed)
    size = rng.choice([40, 900, 1100, 1500, 3000])
    # few distinct keys, so ties (broken by id) are common, as search_rank's steps make them
    keys = {i: float(rng.randint(0, 12)) for i in rng.sample(range(1, 5000), size)}
    kept = Ranking.of(_true_order(keys)[:MADE_ROWS], revision=1)
    assert kept.complete == (size < MADE_ROWS)
    for revision in range(2, 8):
        changed = set(rng.sample(range(1, 5000), rng.choice([1, 5, 60, 200])))
        for ident in changed:  # each one closed, edited (a new key) or newly found
            if rng.random() < 0.4:
                keys.pop(ident, None)
            else:
                keys[ident] = float(rng.randint(0, 12))
        found = [(keys[i], i) for i in changed if i in keys]
        merged = kept.merged(changed, found, revision)
        truth = _true_order(keys)
        if merged is None:
            assert not kept.complete
            kept = Ranking.of(truth[:MADE_ROWS], revision=revision)  # ranked whole again
            continue
        rows = list(zip(merged.keys, merged.ids, strict=True))
        assert rows == truth[: len(rows)] and merged.revision == revision
        assert merged.complete == (len(rows) == len(truth)) or not merged.complete
        assert merged.complete or KEPT_ROWS <= len(rows) <= MADE_ROWS
        if merged.complete:
            assert len(rows) == len(truth)
        kept = merged


async def _same(client: Client, anew: Client, filters: dict[str, str]) -> None:
    """The best-first pages and the board's count agree with a server that keeps nothing."""
    for q in (*QUERIES, "羌绣", "手工"):
        for limit in (3, 50):
            kept = await _pages(client, q, limit, **filters)
            assert kept == await _pages(anew, q, limit, **filters), (q, filters)
        board = (await client.get("/board", params={"q": q})).text
        assert _found(board) == _found((await anew.get("/board", params={"q": q})).text), q


async def test_writes_between_searches_give_the_pages_and_counts_of_ranking_anew(
    client: Client, anew: Client, app: Litestar, seeded: Any, login: Any
) -> None:
    """A need edited to match, one closed, one retitled out of the query, a community renamed
    and one of another kind: each seen by the next search, exactly, without ranking it whole."""
    staff, coordinator = await login("staff"), await login("coordinator")
    kinds: list[dict[str, str]] = [
        {},
        {"community_kind": "industrial"},
        {"community_kind": "urban"},
    ]
    for params in kinds:
        await _same(client, anew, params)
    made = app.state.rankings.made
    plain = await client.post(
        "/api/v1/demands", headers=staff,
        json={"title": "楼道照明维修", "category": "elderly_care", "status": "open"},
    )  # fmt: skip
    stitched = await client.post(
        "/api/v1/demands", headers=staff,
        json={"title": "羌绣手工传习班", "category": "heritage", "status": "open"},
    )  # fmt: skip
    assert plain.status_code == stitched.status_code == 201, (plain.text, stitched.text)
    plain_id, stitched_id = plain.json()["id"], stitched.json()["id"]
    for params in kinds:
        await _same(client, anew, params)
    writes: list[tuple[str, str, dict[str, Any], dict[str, str]]] = [
        # edited to match: the 老人 it now says puts it on that search's pages
        ("patch", f"/api/v1/demands/{plain_id}", {"title": "独居老人楼道照明维修"}, staff),
        # retitled out of the query (羌绣) and closed
        ("patch", f"/api/v1/demands/{stitched_id}", {"title": "手工编织小组"}, staff),
        ("post", f"/api/v1/demands/{plain_id}/status", {"status": "cancelled"}, staff),
    ]
    community = (await client.get(f"/api/v1/demands/{stitched_id}")).json()["community_id"]
    writes += [
        ("patch", f"/api/v1/communities/{community}", {"name": "渔箭新社区"}, coordinator),
        # its needs leave the industrial communities' searches and join the urban ones'
        ("patch", f"/api/v1/communities/{community}", {"kind": "urban"}, coordinator),
    ]
    for method, url, body, headers in writes:
        done = await getattr(client, method)(url, headers=headers, json=body)
        assert done.status_code == 200, (url, done.text)
        for params in kinds:
            await _same(client, anew, params)
    for kind, has in (("urban", True), ("industrial", False)):
        pages = await _pages(client, "手工", 50, community_kind=kind)
        assert (stitched_id in {i for ids, _ in pages for i in ids}) == has, kind
    # every search was brought up by the needs written, none ranked whole again
    assert app.state.rankings.made == made and app.state.rankings.brought_up > 0


async def test_a_kept_first_thousand_follows_writes_or_is_ranked_again(
    client: Client, anew: Client, app: Litestar, conn: Any
) -> None:
    """A ranking holding only the first rows: a need closed in them lets one never kept in,
    one edited up from past them enters, and when too few are left it is ranked whole again."""
    await generate(conn, demands=1300, seed=5)
    q = "需求"  # every synthetic need says 需求突出
    first = await _pages(client, q, 200)
    assert first == await _pages(anew, q, 200)
    ids = [i for page, _ in first for i in page]
    made = app.state.rankings.made

    async def same() -> None:
        for limit in (200, 45):  # pages ending past the kept rows, and pages just inside them
            assert await _pages(client, q, limit) == await _pages(anew, q, limit)
        board = (await client.get("/board", params={"q": q})).text
        assert _found(board) == _found((await anew.get("/board", params={"q": q})).text)

    await conn.execute(
        "UPDATE demands SET status = 'cancelled' WHERE id = ANY ($1::bigint[])", ids[:30]
    )
    await same()  # 30 closed among the first: the spare rows stand in
    await conn.execute(
        "UPDATE demands SET search_text = '需求 ' || search_text WHERE id = ANY ($1::bigint[])",
        ids[-20:],  # the last of all, now saying 需求 in their titles: first
    )
    await same()
    assert (await _pages(client, q, 20))[0][0][0] in ids[-20:]
    await conn.execute(
        "UPDATE demands SET search_text = substr(search_text, 4) WHERE id = ANY ($1::bigint[])",
        ids[-20:],  # and back: below the kept rows, where needs never kept come before them
    )
    await same()
    assert app.state.rankings.made == made
    await conn.execute(
        "UPDATE demands SET status = 'cancelled' WHERE id = ANY ($1::bigint[])", ids[30:120]
    )
    await same()  # too few of the first left: ranked whole again
    assert app.state.rankings.made == made + 1
    await conn.execute(
        "UPDATE demands SET status = 'open' WHERE id = ANY ($1::bigint[])", ids[:120]
    )
    await same()


async def test_a_ranking_behind_what_the_change_log_holds_is_ranked_again(
    client: Client, anew: Client, app: Litestar, conn: Any
) -> None:
    """A statement writing more needs than are merged files no ids but moves the log's start: a
    ranking from before it is ranked whole, never merged across the gap."""
    await generate(conn, demands=1300, seed=5)
    assert await _pages(client, "老人", 50) == await _pages(anew, "老人", 50)
    made = app.state.rankings.made
    filed = await conn.fetchval("SELECT count(*) FROM search_changes")
    await conn.execute("UPDATE demands SET urgency = urgency")
    await conn.execute(
        "UPDATE demands SET status = 'cancelled' WHERE id IN"
        " (SELECT id FROM demands WHERE status = 'open' ORDER BY id LIMIT 1200)"
    )  # each more than 1,000 needs: no ids filed
    assert await conn.fetchval("SELECT count(*) FROM search_changes") == filed
    assert await _pages(client, "老人", 50) == await _pages(anew, "老人", 50)
    assert app.state.rankings.made == made + 1


def test_the_ranked_modules_example_runs() -> None:
    result = doctest.testmod(ranked)
    assert result.attempted > 0 and result.failed == 0
