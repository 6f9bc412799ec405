"""Writing a solved round: its proposals under the holds lock, its report, its final status.

Proposals are written under the holds lock with each demand's open slots and each partner's spare
capacity read again, so two rounds over overlapping scopes never hold more than there is: a pair
that no longer fits is dropped and counted. A dry run writes only its report. Used by a whole
round and by the last part of a round split by region, which writes the parts' proposals at once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable
from typing import Any

import asyncpg
import msgspec

from matchmaker.models.rounds import Proposal
from matchmaker.queries import audit
from matchmaker.queries import rounds as q
from matchmaker.services.notify import tell_round
from matchmaker.services.round_compute import Clock, Row

__all__ = [
    "LeaseLost",
    "dry_document",
    "finish",
    "prepare",
    "record",
    "store_graph_aside",
    "write_fitting",
    "write_rows",
]


class LeaseLost(Exception):
    """The round is no longer this worker's: its lease lapsed and someone failed it."""


async def _fitting(conn: asyncpg.Connection, rows: list[Row]) -> list[Row]:
    """The rows, best first, that still fit each demand's open slots and each partner's capacity."""
    slots = await q.open_slots(conn, sorted({r[0] for r in rows}))
    spare = await q.spare_capacity(conn, sorted({r[1] for r in rows}))
    kept = []
    for row in rows:
        d, a = row[0], row[1]
        if slots.get(d, 0) > 0 and spare.get(a, 0) > 0:
            slots[d] -= 1
            spare[a] -= 1
            kept.append(row)
    return kept


async def write_fitting(
    conn: asyncpg.Connection, round_id: int, rows: list[Row], ttl: dt.timedelta
) -> list[Row]:
    """Write, under the holds lock, the rows that still fit; the rows written."""
    await q.lock_holds(conn)
    kept = await _fitting(conn, rows)
    await q.copy_proposals(conn, round_id, kept, dt.datetime.now(dt.UTC) + ttl)
    return kept


async def write_rows(
    conn: asyncpg.Connection, round_id: int, rows: list[Row], *, dry_run: bool, ttl: dt.timedelta
) -> list[Row]:
    """The rows that still fit, written under the holds lock (a dry run: only found)."""
    if dry_run:  # what a real run would write now, without holding anything
        return await _fitting(conn, rows)
    return await write_fitting(conn, round_id, rows, ttl)


def dry_document(kept: list[Row]) -> bytes:
    """A dry run's proposals as its report keeps them."""
    return msgspec.json.encode(
        [Proposal(None, d, a, s, c, "pending", unverified=u) for d, a, s, c, u in kept]
    )


async def store_graph_aside(
    pool: asyncpg.Pool, round_id: int, frozen: Awaitable[tuple[str, bytes]]
) -> tuple[str, bytes | None]:
    """Store the round's frozen graph on a connection of its own, committed, while the round's
    transaction writes its proposals (the graph is seen only once that transaction writes the
    report). (fingerprint, None) once stored; (fingerprint, the graph) when no connection was
    free within a second — the round's transaction then stores it, for a pool whose every
    connection is a round waiting for its graph would never free one."""
    fingerprint, graph_gz = await frozen
    try:
        async with pool.acquire(timeout=1.0) as conn:
            await q.store_graph(conn, round_id, graph_gz)
    except TimeoutError:
        return fingerprint, graph_gz
    return fingerprint, None


async def prepare(
    conn: asyncpg.Connection,
    round_id: int,
    *,
    dry_run: bool,
    frozen: Awaitable[tuple[str, bytes | None]],
) -> str:
    """What can be written once the proposals are, while the round is still being explained:
    both sides of every proposal told, and the report stored with its frozen graph (``frozen``
    gives the fingerprint and the graph, or None where :func:`store_graph_aside` stored it); the
    reasons follow in :func:`record`, given ``prepared=True``. In the caller's transaction, so
    nothing of it is seen unless the round succeeds. Returns the round's fingerprint."""
    if not dry_run:  # both sides of every proposal written hear of it, in this transaction
        await tell_round(conn, round_id)
    fingerprint, graph_gz = await frozen
    await q.insert_report(conn, round_id, fingerprint, graph_gz, b"[]", None)
    return fingerprint


async def record(
    conn: asyncpg.Connection,
    round_id: int,
    worker: uuid.UUID | None,
    *,
    graph_gz: bytes,
    fingerprint: str,
    unmatched_json: bytes,
    dry_json: bytes | None,
    stats: dict[str, Any],
    clock: Clock | None = None,
    prepared: bool = False,
) -> dict[str, Any]:
    """Store the report, tell both sides of every proposal, and mark the round succeeded with
    ``stats`` (raises :class:`LeaseLost` when the round is no longer ``worker``'s; the caller's
    transaction then takes everything back). ``prepared``: :func:`prepare` already told them and
    stored the graph (``graph_gz`` is then unused), so only the reasons are added. ``clock`` is
    stopped just before the round is marked, so its timings count the report and the
    notifications too. Returns the statistics as recorded."""
    if prepared:
        await q.explain_report(conn, round_id, unmatched_json, dry_json)
    else:
        await q.insert_report(conn, round_id, fingerprint, graph_gz, unmatched_json, dry_json)
        if dry_json is None:  # both sides of every proposal written hear of it, in this transaction
            await tell_round(conn, round_id)
    if clock is not None:
        clock.stop()
        stats = {**stats, "timings": {**stats.get("timings", {}), **clock.timings}}
    if not await q.set_finished(conn, round_id, worker, stats, fingerprint):
        raise LeaseLost(round_id)
    await audit.record(conn, None, "round", round_id, "finish", None, {"stats": stats})
    return stats


async def finish(
    conn: asyncpg.Connection,
    round_id: int,
    worker: uuid.UUID | None,
    *,
    dry_run: bool,
    rows: list[Row],
    kept: list[Row] | None = None,
    frozen: Awaitable[tuple[str, bytes]],
    prepared: str | None = None,
    unmatched_json: bytes,
    stats: dict[str, Any],
    ttl: dt.timedelta,
    clock: Clock | None = None,
) -> dict[str, Any]:
    """Write the proposals that still fit (a dry run: list them) and the report, and mark the
    round succeeded. ``kept``: the rows already written by :func:`write_rows` in this
    transaction. ``frozen`` gives (fingerprint, compressed frozen graph) for the report: it is
    awaited once the proposals are written, so it can be made while they are. ``prepared``: the
    fingerprint :func:`prepare` returned, when it already told everyone and stored the graph.

    Call inside a transaction: if the round is no longer ``worker``'s :class:`LeaseLost` is raised
    and everything rolls back. ``clock`` is stopped once everything but the commit is written,
    and its timings recorded. Returns the statistics as recorded.
    """
    if kept is None:
        kept = await write_rows(conn, round_id, rows, dry_run=dry_run, ttl=ttl)
    dry_json = dry_document(kept) if dry_run else None
    stats = {
        **stats,
        "matched": len(kept),
        "dropped_at_write": len(rows) - len(kept),
        "written_score": round(sum(r[2] for r in kept), 6),
    }
    if prepared is not None:
        fingerprint, graph_gz = prepared, b""
    else:
        fingerprint, graph_gz = await frozen
    return await record(
        conn, round_id, worker, graph_gz=graph_gz, fingerprint=fingerprint,
        unmatched_json=unmatched_json, dry_json=dry_json, stats=stats, clock=clock,
        prepared=prepared is not None,
    )  # fmt: skip
