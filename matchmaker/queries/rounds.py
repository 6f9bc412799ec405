"""Rounds, their inputs, holds and proposals: typed functions over ``sql/queries/rounds.sql``."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
import msgspec

from matchmaker.models.rounds import Proposal, Round
from matchmaker.queries import one, sql
from matchmaker.queries.paging import Sort, fetch_page
from matchmaker.vocab import related_pairs

__all__ = [
    "active_policies",
    "actor_labels",
    "candidate_inputs",
    "claim",
    "copy_proposals",
    "demand_features",
    "demand_labels",
    "explain_report",
    "fail_abandoned",
    "get_round",
    "ids_by_name",
    "insert_report",
    "insert_round",
    "interests_in",
    "library_revision",
    "list_proposals",
    "lock_holds",
    "nearest_capable",
    "open_slots",
    "pair_names",
    "partner_features",
    "partners_with_spare_capacity",
    "proposal_flows",
    "recent_rounds",
    "record_housekeeping",
    "renew_lease",
    "report",
    "scope_demands",
    "scope_partners",
    "set_failed",
    "set_finished",
    "set_progress",
    "spare_capacity",
    "store_graph",
    "text_corpus",
]

Q = sql("rounds")
BY_SCORE = Sort("p.id", descending=False, key_sql="(-p.score)", key_type="double precision")


async def scope_demands(
    conn: asyncpg.Connection,
    districts: list[int],
    towns: list[int],
    categories: list[str],
    only: Sequence[int] | None = None,
) -> list[asyncpg.Record]:
    """Open demands in scope with an open slot (of ``only`` these ids, when given)."""
    ids = None if only is None else list(only)
    return list(await conn.fetch(Q["scope_demands"], districts, towns, categories, ids))


async def demand_features(
    conn: asyncpg.Connection, demand_ids: Sequence[int]
) -> list[asyncpg.Record]:
    """Scoring inputs of these demands, whatever their status (ordered by id)."""
    return list(await conn.fetch(Q["demand_features"], list(demand_ids)))


async def partner_features(conn: asyncpg.Connection, actor_id: int) -> asyncpg.Record | None:
    """Scoring inputs of one partner."""
    return await conn.fetchrow(Q["partner_features"], actor_id)


async def scope_partners(
    conn: asyncpg.Connection, actor_ids: Sequence[int] | None = None
) -> list[asyncpg.Record]:
    """Partners with spare capacity (only ``actor_ids`` when given), with what scoring needs of
    them (ordered by id)."""
    ids = None if actor_ids is None else list(actor_ids)
    return list(await conn.fetch(Q["scope_partners"], ids))


async def partners_with_spare_capacity(conn: asyncpg.Connection) -> list[int]:
    """Ids of every partner a round may still propose: the candidates start from these."""
    return list(await conn.fetchval(Q["partners_with_spare_capacity"]))


async def candidate_inputs(
    conn: asyncpg.Connection,
    demand_ids: Sequence[int],
    actor_ids: Sequence[int],
    *,
    include_unverified: bool,
    categories: Sequence[str],
    resource_types: Sequence[str],
) -> tuple[asyncpg.Record, list[asyncpg.Record], asyncpg.Record]:
    """What the candidates are computed from, read in one transaction: the demands' reach (one
    row of arrays; categories and resource types by their places in these vocabularies), the
    partners' (a row each) and the pairs never proposed (``excluded_pairs``, two arrays)."""
    ids = list(demand_ids)
    async with conn.transaction():
        demands = await conn.fetchrow(
            Q["demand_reach"], ids, list(categories), list(resource_types)
        )
        partners = await conn.fetch(Q["partner_reach"], list(actor_ids), include_unverified)
        excluded = await conn.fetchrow(Q["excluded_pairs"], ids)
    return demands, list(partners), excluded


async def nearest_capable(
    conn: asyncpg.Connection, demand_ids: Sequence[int]
) -> dict[int, asyncpg.Record]:
    """For each demand: the nearest organisation that does its work, and what keeps it out."""
    rows = await conn.fetch(Q["nearest_capable"], list(demand_ids), *related_pairs())
    return {r["demand_id"]: r for r in rows}


async def library_revision(conn: asyncpg.Connection) -> str:
    """Which library text this is: moves whenever the text changes, differs between databases."""
    return str(await conn.fetchval(Q["library_revision"]))


async def text_corpus(conn: asyncpg.Connection) -> tuple[str, list[str]]:
    """(revision, every text of the library) read in one statement, so the two agree."""
    row = await conn.fetchrow(Q["text_corpus"])
    return str(row["revision"]), [*row["demand_texts"], *row["actor_texts"]]


async def interests_in(conn: asyncpg.Connection, demand_ids: Sequence[int]) -> set[tuple[int, int]]:
    rows = await conn.fetch(Q["interests_in"], list(demand_ids))
    return {(r["demand_id"], r["actor_id"]) for r in rows}


async def active_policies(conn: asyncpg.Connection) -> list[tuple[list[str], list[str], list[str]]]:
    rows = await conn.fetch(Q["active_policies"])
    return [(r["categories"], r["community_kinds"], r["actor_kinds"]) for r in rows]


async def ids_by_name(conn: asyncpg.Connection, kind: str, names: Sequence[str]) -> dict[str, int]:
    """District or town ids by name (``kind`` is ``district`` or ``town``)."""
    rows = await conn.fetch(Q[f"{kind}_ids_by_name"], list(names))
    return {r["name"]: r["id"] for r in rows}


async def insert_round(
    conn: asyncpg.Connection,
    scope: dict[str, Any],
    algorithm: str,
    params: dict[str, Any],
    dry_run: bool,
    user_id: int | None,
) -> int:
    return int(await conn.fetchval(Q["insert_round"], scope, algorithm, params, dry_run, user_id))


async def claim(
    conn: asyncpg.Connection, round_id: int, worker: uuid.UUID, lease_seconds: float
) -> bool:
    """Take a queued round for ``worker``; False when it is not queued (taken, finished, gone)."""
    progress = {"phase": "candidates", "percent": 0}
    return (
        await conn.fetchval(Q["claim_round"], round_id, worker, lease_seconds, progress) is not None
    )


async def renew_lease(
    conn: asyncpg.Connection, round_id: int, worker: uuid.UUID, lease_seconds: float
) -> bool:
    """Extend the owner's lease; False when the round is no longer running for ``worker``."""
    return await conn.fetchval(Q["renew_lease"], round_id, worker, lease_seconds) is not None


async def set_progress(
    conn: asyncpg.Connection, round_id: int, worker: uuid.UUID, phase: str, percent: int
) -> None:
    await conn.execute(Q["progress"], round_id, worker, {"phase": phase, "percent": percent})


async def set_finished(
    conn: asyncpg.Connection,
    round_id: int,
    worker: uuid.UUID | None,
    stats: dict[str, Any],
    fingerprint: str,
) -> bool:
    """Mark the owner's running round succeeded; False (nothing changed) if it is not."""
    found = await conn.fetchval(Q["finish_round"], round_id, worker, stats, fingerprint)
    return found is not None


async def set_failed(
    conn: asyncpg.Connection, round_id: int, worker: uuid.UUID | None, error: str
) -> bool:
    """Fail a round that is queued, or running for ``worker``; False when it was neither."""
    return await conn.fetchval(Q["fail_round"], round_id, worker, error) is not None


async def fail_abandoned(conn: asyncpg.Connection, round_id: int | None = None) -> list[int]:
    """Fail running rounds whose lease lapsed (only ``round_id`` when given); their ids."""
    return [r["id"] for r in await conn.fetch(Q["fail_abandoned"], round_id)]


async def record_housekeeping(
    conn: asyncpg.Connection, worker: uuid.UUID, expired: int, abandoned: int
) -> None:
    await conn.execute(Q["record_housekeeping"], worker, expired, abandoned)
    await conn.execute(Q["forget_old_housekeeping"])


async def get_round(conn: asyncpg.Connection, round_id: int) -> Round:
    row = await one(conn, Q["get_round"], round_id, entity="round", key=round_id)
    return msgspec.convert(dict(row), Round)


def _pack(data: bytes | None) -> bytes | None:
    return gzip.compress(data, compresslevel=1) if data else None


async def store_graph(conn: asyncpg.Connection, round_id: int, graph_gz: bytes) -> None:
    """Store the round's frozen input (its JSON already gzip-compressed, as the round computed
    it); seen only once the round's report is written, which may be on another connection."""
    await conn.execute(Q["store_graph"], round_id, graph_gz)


async def insert_report(
    conn: asyncpg.Connection,
    round_id: int,
    fingerprint: str,
    graph_gz: bytes | None,
    unmatched_json: bytes,
    dry_proposals_json: bytes | None,
) -> None:
    """Store the round's report: its frozen input (``graph_gz``; None: already stored by
    :func:`store_graph`) and reasons, gzip-compressed (fast level: written once; in a thread,
    so a province's megabytes do not stall the event loop)."""
    if graph_gz is not None:
        await store_graph(conn, round_id, graph_gz)
    unmatched_gz, dry_gz = await asyncio.to_thread(
        lambda: (_pack(unmatched_json), _pack(dry_proposals_json))
    )
    await conn.execute(Q["insert_report"], round_id, fingerprint, unmatched_gz, dry_gz)


async def explain_report(
    conn: asyncpg.Connection,
    round_id: int,
    unmatched_json: bytes,
    dry_proposals_json: bytes | None,
) -> None:
    """Add the reasons (and a dry run's proposals) to a report stored with only its graph."""
    unmatched_gz, dry_gz = await asyncio.to_thread(
        lambda: (_pack(unmatched_json), _pack(dry_proposals_json))
    )
    await conn.execute(Q["explain_report"], round_id, unmatched_gz, dry_gz)


async def report(conn: asyncpg.Connection, round_id: int) -> dict[str, bytes | None] | None:
    """The round's stored JSON documents, decompressed; None when the round wrote no report."""
    row = await conn.fetchrow(Q["report"], round_id)
    if row is None:
        return None
    return {
        "graph": gzip.decompress(row["graph_gz"]),
        "unmatched": gzip.decompress(row["unmatched_gz"]),
        "dry_proposals": gzip.decompress(row["dry_proposals_gz"])
        if row["dry_proposals_gz"]
        else None,
    }


async def pair_names(
    conn: asyncpg.Connection, pairs: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], tuple[str, str, str]]:
    """(demand title, community name, actor name) by (demand id, actor id)."""
    rows = await conn.fetch(Q["pair_names"], [d for d, _ in pairs], [a for _, a in pairs])
    return {(r["demand_id"], r["actor_id"]): (r["title"], r["community"], r["actor"]) for r in rows}


async def lock_holds(conn: asyncpg.Connection) -> None:
    """Within a transaction: serialise with every other writer of holds until it commits."""
    await conn.execute(Q["lock_holds"])


async def open_slots(conn: asyncpg.Connection, demand_ids: Sequence[int]) -> dict[int, int]:
    rows = await conn.fetch(Q["open_slots"], list(demand_ids))
    return {r["id"]: r["open_slots"] for r in rows}


async def spare_capacity(conn: asyncpg.Connection, actor_ids: Sequence[int]) -> dict[int, int]:
    rows = await conn.fetch(Q["spare_capacity"], list(actor_ids))
    return {r["id"]: r["spare"] for r in rows}


async def copy_proposals(
    conn: asyncpg.Connection,
    round_id: int,
    rows: Sequence[tuple[int, int, float, dict[str, float], bool]],
    expires_at: dt.datetime,
) -> None:
    """Write (demand, actor, score, components, unverified) proposals with COPY, in need then
    partner order: the indexes keyed on them are then filled page after page, not at random
    (36,126 proposals: about 0.25 s less). A round's list is read best first, ties by id, and
    ids follow (need, partner) as the best-first order broke ties before, so it reads the same."""
    records = sorted(
        (round_id, d, a, score, components, "pending", expires_at, unverified)
        for d, a, score, components, unverified in rows
    )
    await conn.copy_records_to_table(
        "proposals",
        records=records,
        columns=[
            "round_id",
            "demand_id",
            "actor_id",
            "score",
            "components",
            "status",
            "expires_at",
            "unverified",
        ],
    )


def _proposal(row: asyncpg.Record) -> Proposal:
    return msgspec.convert(dict(row), Proposal)


async def list_proposals(
    conn: asyncpg.Connection, round_id: int, limit: int, cursor: str | None
) -> tuple[list[Proposal], str | None]:
    """A round's proposals, best score first."""
    return await fetch_page(
        conn, Q["list_proposals"], "score", BY_SCORE, [round_id], limit, cursor, _proposal
    )


# --- for the coordinators' round pages -------------------------------------------------------


async def recent_rounds(conn: asyncpg.Connection, limit: int) -> list[asyncpg.Record]:
    """The latest rounds, newest first, with the display name of who started each."""
    return list(await conn.fetch(Q["recent_rounds"], limit))


async def demand_labels(
    conn: asyncpg.Connection, demand_ids: Sequence[int]
) -> dict[int, tuple[str, str]]:
    """(title, community name) by demand id."""
    rows = await conn.fetch(Q["demand_labels"], list(demand_ids))
    return {r["id"]: (r["title"], r["community"]) for r in rows}


async def actor_labels(conn: asyncpg.Connection, actor_ids: Sequence[int]) -> dict[int, str]:
    """Actor names by id."""
    rows = await conn.fetch(Q["actor_labels"], list(actor_ids))
    return {r["id"]: r["name"] for r in rows}


async def proposal_flows(conn: asyncpg.Connection, round_id: int) -> list[tuple[str, str, int]]:
    """(community name, partner name, proposals) of a round's written proposals, most first."""
    rows = await conn.fetch(Q["proposal_flows"], round_id)
    return [(r["community"], r["actor"], r["proposals"]) for r in rows]
