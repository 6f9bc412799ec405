"""``matchmaker bench search``: the search held to the judged queries (``seeds/judged/queries.csv``).

Each query runs as a visitor's search of the needs (``/api/v1/demands?q=``, drafts unseen, best
match first) and of the organisations (``/api/v1/actors?q=``), through the same query functions
those endpoints call. Per query: recall (the judged needs and organisations found), precision (the
share of what was found that is judged), and whether the first result of each list is judged
relevant. Overall recall counts every judged pair together.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from matchmaker import db
from matchmaker.migrate import migrate
from matchmaker.queries import actors as actor_queries
from matchmaker.queries import demands as demand_queries
from matchmaker.queries import sql
from matchmaker.search.query import compile_query
from matchmaker.seed import load_demo
from matchmaker.seedfiles import SEEDS_DIR
from matchmaker.settings import Settings

__all__ = [
    "JUDGED_QUERIES", "Judged", "Result", "evaluate", "latency_table", "read_queries",
    "run_latency_bench", "run_search_bench",
]  # fmt: skip

JUDGED_QUERIES = SEEDS_DIR / "judged" / "queries.csv"
#: More than any judged list: everything a query finds is read.
READ = 200


@dataclass(frozen=True)
class Judged:
    query: str
    kind: str
    needs: frozenset[str]
    organisations: frozenset[str]


@dataclass(frozen=True)
class Result:
    """One query's outcome: what it found, in order, against what it must find."""

    judged: Judged
    needs: list[str]
    organisations: list[str]

    @property
    def wanted(self) -> int:
        return len(self.judged.needs) + len(self.judged.organisations)

    @property
    def hits(self) -> int:
        return len(self.judged.needs & set(self.needs)) + len(
            self.judged.organisations & set(self.organisations)
        )

    @property
    def found(self) -> int:
        return len(self.needs) + len(self.organisations)

    @property
    def recall(self) -> float:
        return self.hits / self.wanted if self.wanted else 1.0

    @property
    def precision(self) -> float:
        return self.hits / self.found if self.found else 1.0

    @property
    def top_ok(self) -> bool:
        """The first need (and first organisation) found is judged relevant, for each judged list."""
        ok = True
        if self.judged.needs:
            ok = bool(self.needs) and self.needs[0] in self.judged.needs
        if self.judged.organisations:
            ok = (
                ok
                and bool(self.organisations)
                and self.organisations[0] in self.judged.organisations
            )
        return ok

    @property
    def first(self) -> str:
        """The first need and first organisation found (what ``top_ok`` judged)."""
        return " / ".join(x[0] for x in (self.needs, self.organisations) if x)

    @property
    def missed(self) -> list[str]:
        return sorted(
            (self.judged.needs - set(self.needs))
            | (self.judged.organisations - set(self.organisations))
        )


def read_queries(path: Path = JUDGED_QUERIES) -> list[Judged]:
    def split(cell: str) -> frozenset[str]:
        return frozenset(x for x in cell.split("|") if x)

    with path.open(encoding="utf-8", newline="") as f:
        return [
            Judged(row["query"], row["kind"], split(row["needs"]), split(row["organisations"]))
            for row in csv.DictReader(f)
        ]


async def evaluate(conn: asyncpg.Connection, judged: list[Judged]) -> list[Result]:
    """Run every judged query as a visitor would and collect what each found, in order."""
    results = []
    for j in judged:
        search = await compile_query(conn, j.query)
        needs: list[str] = []
        organisations: list[str] = []
        if search.can_match:
            items, _ = await demand_queries.list_demands(
                conn, demand_queries.DemandFilters(q=search.tsquery), sees_all_drafts=False,
                own_community_id=None, sort="relevance", limit=READ, cursor=None,
            )  # fmt: skip
            needs = [d.title for d in items]
            actors, _ = await actor_queries.list_actors(
                conn, actor_queries.ActorFilters(q=search.tsquery), sort="relevance", limit=READ,
                cursor=None,
            )  # fmt: skip
            organisations = [a.name for a in actors]
        results.append(Result(j, needs, organisations))
    return results


def table(results: list[Result]) -> str:
    """Per-query and overall recall and precision, as a Markdown table."""
    lines = [
        "| query | kind | judged | found | recall | precision | top relevant | missed |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.judged.query} | {r.judged.kind} | {r.wanted} | {r.found} | {r.recall:.0%} | "
            f"{r.precision:.0%} | {'yes' if r.top_ok else 'no: ' + r.first} | {'、'.join(r.missed)} |"
        )
    wanted = sum(r.wanted for r in results)
    hits = sum(r.hits for r in results)
    found = sum(r.found for r in results)
    tops = sum(r.top_ok for r in results)
    lines.append(
        f"\noverall: recall {hits}/{wanted} = {hits / wanted:.1%} · precision {hits}/{found} = "
        f"{hits / found:.1%} · top result relevant {tops}/{len(results)} queries "
        f"· mean per-query precision {sum(r.precision for r in results) / len(results):.1%}"
    )
    return "\n".join(lines)


async def run_search_bench(settings: Settings) -> str:
    """Load the demo data into ``<database>_search`` and hold the search to the judged queries."""
    from matchmaker.services.bootstrap import resolve_dsn

    dsn, _ = await resolve_dsn(settings)
    search_dsn = await db.ensure_database(dsn, f"{db.database_name(dsn)}_search")
    pool = await db.create_pool(search_dsn, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
            await conn.execute(sql("bench")["empty_all"])
            await load_demo(conn)
            results = await evaluate(conn, read_queries())
    finally:
        await pool.close()
    return table(results)


#: The bench API's search words (``bench_api._scenarios``) and a sentence.
LATENCY_WORDS = (
    "养老",
    "儿童",
    "志愿",
    "培训",
    "社区",
    "文旅",
    "助餐",
    "法律",
    "给厂里工人的孩子找个暑假托管",
)
_OLD_MATCH = "plainto_tsquery('simple', ${n})"


def _old(block: str, n: int) -> str:
    """The same block as before this search: jieba words, all required, no synonyms or bigrams."""
    return block.replace(f"(SELECT search_match(${n}::text))", _OLD_MATCH.format(n=n))


async def _median_ms(
    conn: asyncpg.Connection, sql_text: str, args: list[Any], repeat: int
) -> float:
    import statistics
    import time

    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await conn.fetch(sql_text, *args)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def latency_table(conn: asyncpg.Connection, repeat: int = 5) -> str:
    """Per word, what the board's first search costs the database: before (jieba words, newest
    first: a page of 12 and the count) and now, cold (bigrams, synonyms, best match first: the
    ranking a server keeps, from which the page and the count are cut, and the page's needs read
    by id), in the same run. A kept ranking costs neither (see ``queries.demands.ranking``)."""
    import statistics

    from matchmaker.queries.paging import render
    from matchmaker.queries.ranked import MADE_ROWS
    from matchmaker.segment import query_text

    block = demand_queries.Q["list"]
    count = demand_queries.Q["count_open"]
    newest = demand_queries.SORTS["newest"]
    lines = [
        "| query | before: found | before: page + count ms | now: found | now: ranking + page ms | now ÷ before |",
        "| --- | --- | --- | --- | --- | --- |",
    ]  # fmt: skip
    ratios = []
    for word in LATENCY_WORDS:
        text = query_text(word)
        filters = [None, None, None, None, "open", None, None, None, None, text, False, None, None]
        page = await _median_ms(
            conn, render(_old(block, 10), newest, 13), [*filters, None, 13], repeat
        )
        # the board counts up to 1,000 (and says "more than"): count as it does
        counted = [None, None, None, None, None, None, None, None, text, 1001]
        old_count = _old(count, 9)
        t0 = page + await _median_ms(conn, old_count, counted, repeat)
        n0 = await conn.fetchval(old_count, *counted[:9], None)  # every match (LIMIT NULL)

        search = await compile_query(conn, word)
        ranked = [None] * 8 + [search.tsquery, None, None, MADE_ROWS]
        rows = await conn.fetch(demand_queries.RANKED_SQL, *ranked)
        first = [r["id"] for r in rows[:13]]
        t1 = await _median_ms(conn, demand_queries.RANKED_SQL, ranked, repeat)
        t1 += await _median_ms(conn, demand_queries.Q["by_ids"], [first], repeat)
        n1 = await conn.fetchval(count, *counted[:8], search.tsquery, None)
        ratios.append(t1 / t0)
        lines.append(f"| {word} | {n0:,} | {t0:.1f} | {n1:,} | {t1:.1f} | {t1 / t0:.1f}× |")
    lines.append(f"\nmedian now ÷ before: {statistics.median(ratios):.1f}×")
    return "\n".join(lines)


async def run_latency_bench(settings: Settings, demands: int, progress: Any) -> str:
    """The board's search statements on ``demands`` synthetic needs (the bench API's database)."""
    from matchmaker.bench_api import prepare_bench_database

    dsn = await prepare_bench_database(settings, demands, progress)
    # the app's pool, planning as the board's statements are planned (for their values: a plain
    # connection would keep a generic plan after five calls and scan every need)
    pool = await db.create_pool(dsn, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            return await latency_table(conn)
    finally:
        await pool.close()
