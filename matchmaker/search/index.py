"""What each library's rows are found by, and the re-index that rewrites ``search_text``.

One description per library (:data:`DOCS`): the SQL that reads a row's fields and the function that
turns them into the two-line ``search_text`` (title, then the rest). Beyond the row's own words a
need carries its category, resource types and target groups (Chinese and English labels) and where
it is (community, its kind, town, district, city), so 邛崃, 养老服务 or "elderly care" find it; an
organisation carries its kind, categories, resources and the districts it serves.

Writes call :func:`refresh` for the rows they touched; :func:`reindex` rewrites every row and runs
inside the migration that changes the format (``migrate.REINDEX_AFTER``) and from
``matchmaker reindex``, so a fresh and an upgraded database are indexed alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

import asyncpg

from matchmaker.queries import sql
from matchmaker.segment import search_text
from matchmaker.vocab import LABELS

__all__ = ["DOCS", "refresh", "refresh_community", "reindex"]

Q = sql("search")
BATCH = 2000


def _labels(vocabulary: str, codes: Iterable[str | None]) -> str:
    """The Chinese and English labels of ``codes``, space-joined (unknown codes as themselves)."""
    names = LABELS[vocabulary]
    out: list[str] = []
    for code in codes:
        if code:
            out.extend(names.get(code, (code, code)))
    return " ".join(out)


def _demand(r: asyncpg.Record) -> str:
    return search_text(
        r["title"], r["description"], " ".join(r["skills"]),
        _labels("category", [r["category"]]), _labels("resource_type", r["resource_types"]),
        _labels("target_group", r["target_groups"]), _labels("community_kind", [r["community_kind"]]),
        r["community"], r["town"], r["district"], r["city"],
    )  # fmt: skip


def _actor(r: asyncpg.Record) -> str:
    return search_text(
        r["name"], r["description"], _labels("actor_kind", [r["kind"]]),
        _labels("category", r["categories"]), _labels("resource_type", r["resource_types"]),
        " ".join(r["districts"]), " ".join(r["cities"]),
    )  # fmt: skip


def _community(r: asyncpg.Record) -> str:
    return search_text(
        r["name"], r["theme"], r["description"], _labels("community_kind", [r["kind"]]),
        r["town"], r["district"], r["city"],
    )  # fmt: skip


def _talent(r: asyncpg.Record) -> str:
    return search_text(r["display_name"], " ".join(r["skills"]), r["bio"])


def _policy(r: asyncpg.Record) -> str:
    return search_text(r["title"], r["issuer"], r["summary"])


def _case(r: asyncpg.Record) -> str:
    return search_text(
        r["title"], r["summary"], " ".join(r["model_tags"]), _labels("category", [r["category"]])
    )


def _product(r: asyncpg.Record) -> str:
    return search_text(
        r["name"], r["description"], _labels("category", [r["category"]]),
        _labels("target_group", r["target_groups"]),
    )  # fmt: skip


class Doc(NamedTuple):
    """How one library's rows are read (``read``) and written back (``write``) by the re-index."""

    read: str
    write: str
    text: Callable[[asyncpg.Record], str]


DOCS: dict[str, Doc] = {
    "demands": Doc(Q["demand_docs"], Q["set_demands"], _demand),
    "actors": Doc(Q["actor_docs"], Q["set_actors"], _actor),
    "communities": Doc(Q["community_docs"], Q["set_communities"], _community),
    "talent": Doc(Q["talent_docs"], Q["set_talent"], _talent),
    "policies": Doc(Q["policy_docs"], Q["set_policies"], _policy),
    "cases": Doc(Q["case_docs"], Q["set_cases"], _case),
    "products": Doc(Q["product_docs"], Q["set_products"], _product),
}


async def refresh(conn: asyncpg.Connection, library: str, ids: list[int] | None) -> int:
    """Rewrite ``search_text`` of rows ``ids`` of ``library`` (None: every row); how many."""
    doc = DOCS[library]
    rows = await conn.fetch(doc.read, ids)
    for start in range(0, len(rows), BATCH):
        part = rows[start : start + BATCH]
        await conn.execute(doc.write, [r["id"] for r in part], [doc.text(r) for r in part])
    return len(rows)


async def refresh_community(conn: asyncpg.Connection, community_id: int) -> None:
    """A community and its needs (which carry its name and place) after the community changed."""
    await refresh(conn, "communities", [community_id])
    await refresh(
        conn, "demands", list(await conn.fetchval(Q["demands_of_community"], community_id))
    )


async def reindex(conn: asyncpg.Connection) -> dict[str, int]:
    """Rewrite ``search_text`` of every row of every library; rows per library."""
    return {library: await refresh(conn, library, None) for library in DOCS}
