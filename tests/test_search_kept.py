"""A search's best-first order kept by the server (queries/ranked.py): the same pages and counts as
ranking anew, past the kept rows too, and every change of a need seen by the next search."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from matchmaker.app import create_app
from matchmaker.queries import demands as demand_queries
from matchmaker.queries.ranked import KEPT_ROWS, Kept, Ranking
from matchmaker.search.query import compile_query
from matchmaker.settings import Settings
from matchmaker.synthetic import generate
from tests.conftest import SECRET, all_pages

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


async def _pages(client: Client, q: str, limit: int) -> list[tuple[list[int], str | None]]:
    """Every page of the best-first list for ``q``: its ids and the cursor it gave."""
    pages: list[tuple[list[int], str | None]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"q": q, "limit": limit} | ({"cursor": cursor} if cursor else {})
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
    made = await client.post(
        "/api/v1/demands", headers=staff,
        json={"title": "羌绣坊技艺传习班", "category": "heritage", "status": "open"},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    new_id = made.json()["id"]
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


async def test_a_search_is_ranked_once_a_revision_and_again_after_a_write(
    client: Client, app: Litestar, seeded: Any, login: Any
) -> None:
    urls = [f"{OPPORTUNITIES}?q=老人&limit=5", "/board?q=老人"] * 3
    assert [(await client.get(u)).status_code for u in urls] == [200] * len(urls)
    assert app.state.rankings.made == 1
    staff = await login("staff")
    made = await client.post(
        "/api/v1/demands", headers=staff,
        json={"title": "独居老人助餐", "category": "elderly_care", "status": "open"},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    again = [await client.get(u) for u in urls]
    assert app.state.rankings.made == 2
    assert len({r.text for r in again[::2]}) == 1
    assert made.json()["id"] in {d["id"] for d in again[0].json()["items"]}


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
        return Ranking.of([(2.0, 9), (1.0, 3)])

    asking = [asyncio.create_task(kept.get_or_make(("q", 1), make)) for _ in range(5)]
    await asyncio.sleep(0)  # every task has asked (no time passes: one turn of the loop)
    release.set()
    results = await asyncio.gather(*asking)
    assert calls == 1 and kept.made == 1
    assert all(list(r.ids) == [9, 3] for r in results)

    async def fails() -> Ranking:
        await asyncio.sleep(0)
        raise ConnectionError("gone")

    release.clear()
    failing = asyncio.create_task(kept.get_or_make(("q", 2), fails))
    await asyncio.sleep(0)
    waiting = asyncio.create_task(kept.get_or_make(("q", 2), make))
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
