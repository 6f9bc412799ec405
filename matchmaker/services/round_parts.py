"""A round split by region: one job per district, solved in parallel, written as one round.

The worker that takes a split round lists the districts holding open demands in its scope, records
one part per district and queues a job for each, then lets go of the round. Each part is computed
as a whole round is (``round_compute``) over its district's demands and every partner that can
reach them, by whichever worker takes its job, under its own lease; it keeps what it computed.
The part that finishes last — the round's row is locked as each part finishes, so exactly one sees
that all are done — writes every part's proposals at once under the holds lock and one report.

What a split can cost: a partner reachable from several districts is offered its whole capacity
in each part. Where the parts then want more of it than it has, the best-scored proposals are kept
at writing and the rest dropped (``dropped_at_write``), not re-solved. Where no partner spans two
districts, the parts are independent and the split round proposes exactly what the whole round
would. A failed or abandoned part fails the round; nothing is written.

>>> await split(pool, round_, worker)  # doctest: +SKIP
>>> await run_part(pool, round_id=12, part=3, worker=worker, lease_seconds=30, ttl=ttl)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import hashlib
import uuid
from typing import Any

import asyncpg
import msgspec
import structlog

from matchmaker.errors import NotFound
from matchmaker.matching import replay
from matchmaker.models.rounds import Round, RoundGraph
from matchmaker.queries import audit, jobs
from matchmaker.queries import round_parts as q
from matchmaker.queries import rounds as round_queries
from matchmaker.services import leases
from matchmaker.services.round_compute import Clock, Computed, Row, compute
from matchmaker.services.round_write import LeaseLost, dry_document, record, write_fitting

__all__ = ["fail_abandoned", "graph_document", "graph_of", "run_part", "split"]

log = structlog.get_logger()

#: Statistics that add up over parts (the rest are the round's own or taken from the parts).
SUMMED = ("demands", "candidate_edges", "eligible_edges", "components", "objective",
          "demands_served", "communities_served", "unmatched_demands", "open_slots",
          "unverified_proposals")  # fmt: skip


class _Result(msgspec.Struct):
    """What a part keeps until the round is written (msgpack, gzip); its graph is kept apart."""

    rows: list[Row]
    unmatched_json: bytes
    stats: dict[str, Any]


async def split(pool: asyncpg.Pool, round_: Round, worker: uuid.UUID) -> None:
    """Record the round's parts and queue their jobs, then let go of the round (one transaction)."""
    async with pool.acquire() as conn:
        districts = await q.scope_districts(conn, round_.scope)
    async with pool.acquire() as conn, conn.transaction():
        progress = {"phase": "parts", "percent": 5, "parts": len(districts), "done": 0}
        if not await q.release_round(conn, round_.id, worker, progress):
            raise LeaseLost(round_.id)
        await q.insert(conn, round_.id, districts)
        await jobs.enqueue_parts(conn, round_.id, len(districts))
        if not districts:  # nothing in scope: the round is done at once, empty
            await _write_round(pool, conn, round_, [], [])
    log.info("round split", round=round_.id, parts=len(districts))


async def run_part(
    pool: asyncpg.Pool,
    round_id: int,
    part: int,
    *,
    worker: uuid.UUID,
    lease_seconds: float,
    ttl: dt.timedelta,
) -> None:
    """Take part ``part`` of a split round, compute it, keep it; the last part writes the round."""
    async with pool.acquire() as conn:
        districts = await q.claim(conn, round_id, part, worker, lease_seconds)
        if districts is None:
            return  # taken, finished, or its round failed meanwhile
        round_ = await round_queries.get_round(conn, round_id)
    work = asyncio.ensure_future(_compute(pool, round_, part, districts, worker, ttl))
    lost = asyncio.Event()

    async def renew() -> bool:
        async with pool.acquire() as conn:
            return await q.renew_lease(conn, round_id, part, worker, lease_seconds)

    beat = asyncio.create_task(leases.hold(renew, lease_seconds, work, lost))
    try:
        await work
    except asyncio.CancelledError:
        if not lost.is_set():
            await _fail(pool, round_id, part, worker, "interrupted: the worker stopped")
            raise
    except LeaseLost:
        pass
    except Exception as exc:
        log.exception("round part failed", round=round_id, part=part)
        await _fail(pool, round_id, part, worker, f"{type(exc).__name__}: {exc}")
    finally:
        beat.cancel()


async def _compute(
    pool: asyncpg.Pool,
    round_: Round,
    part: int,
    districts: list[int],
    worker: uuid.UUID,
    ttl: dt.timedelta,
) -> None:
    clock = Clock()

    async def step(phase: str, percent: int) -> None:
        clock.start(phase)

    scope = {**round_.scope, "districts": districts}
    computed = await compute(pool, scope, round_.params, round_.algorithm, step)
    fingerprint, graph_gz = await computed.frozen()
    clock.stop()
    stats = {
        **computed.stats,
        "timings": clock.timings,
        "districts": districts,
        "fingerprint": fingerprint,
    }
    result = await asyncio.to_thread(_pack, computed, stats)
    async with pool.acquire() as conn, conn.transaction():
        status = await q.lock_round(conn, round_.id)
        if not await q.finish(conn, round_.id, part, worker, stats, result, graph_gz):
            raise LeaseLost(round_.id)
        done, failed, total = await q.tally(conn, round_.id)
        if status != "running" or failed:
            return
        if done < total:
            percent = 5 + int(85 * done / total)
            await q.progress(conn, round_.id, {"phase": "parts", "percent": percent,
                                                "parts": total, "done": done})  # fmt: skip
            return
        rows = await q.results(conn, round_.id)
        results = [
            msgspec.msgpack.decode(gzip.decompress(r["result_gz"]), type=_Result) for r in rows
        ]
        await _write_round(
            pool, conn, round_, results, [list(r["districts"]) for r in rows], ttl=ttl
        )


def _pack(computed: Computed, stats: dict[str, Any]) -> bytes:
    """The part's result, gzip-compressed."""
    result = _Result(computed.rows, computed.unmatched_json, stats)
    return gzip.compress(msgspec.msgpack.encode(result), compresslevel=1)


def graph_document(fingerprints: list[str]) -> bytes:
    """What a split round's report stores as its graph: which parts, by their fingerprints (the
    parts' graphs stay with the parts; ``graph_of`` below assembles them)."""
    return msgspec.json.encode({"split": "parts", "part_fingerprints": fingerprints})


async def graph_of(conn: asyncpg.Connection, round_id: int, part: int | None) -> RoundGraph:
    """A split round's frozen graph: one part's, or every part's side by side."""
    documents = await q.graphs(conn, round_id, part)
    if part is not None and not documents:
        raise NotFound("round part", f"{round_id}/{part}")
    return await asyncio.to_thread(replay.graph_of, replay.merge(documents))


async def _write_round(
    pool: asyncpg.Pool,
    conn: asyncpg.Connection,
    round_: Round,
    results: list[_Result],
    districts: list[list[int]],
    *,
    ttl: dt.timedelta = dt.timedelta(days=7),
) -> None:
    """Write every part's proposals, repair what did not fit, and one report for the round
    (inside the caller's transaction)."""
    rows: list[Row] = sorted(
        (r for p in results for r in p.rows), key=lambda r: (-r[2], r[0], r[1])
    )
    fingerprints = [p.stats["fingerprint"] for p in results]
    unmatched = [u for p in results for u in msgspec.json.decode(p.unmatched_json)]
    stats = _summed(results, districts)
    clock = Clock()
    clock.start("writing_round")  # the last part writing every part's proposals and the report
    savepoint = conn.transaction()  # a dry run writes and repairs as a real one, then takes it back
    await savepoint.start()
    kept = await write_fitting(conn, round_.id, rows, ttl)
    written = {(r[0], r[1]) for r in kept}
    dropped = sorted({r[0] for r in rows if (r[0], r[1]) not in written})
    repair: Computed | None = None
    repaired: list[Row] = []
    if dropped:
        # the needs that lost a partner to another part, solved again against what is left
        clock.start("repair")
        repair = await compute(
            pool, round_.scope, round_.params, round_.algorithm, _quiet, only=dropped, conn=conn
        )
        repaired = await write_fitting(conn, round_.id, repair.rows, ttl)
    clock.stop()
    if round_.dry_run:
        await savepoint.rollback()
    else:
        await savepoint.commit()
    if repair is not None:  # recorded as one more part, its graph kept with it
        repair_fingerprint, graph = await repair.frozen()
        await q.insert_repair(conn, round_.id, len(results), repair.stats, graph)
        fingerprints.append(repair_fingerprint)
        stats["parts"].append({"districts": [], "repair": True, "demands": len(dropped),
                               "objective": repair.stats["objective"],
                               "candidate_edges": repair.stats["candidate_edges"]})  # fmt: skip
        repaired_ids = {r[0] for r in repaired}
        unmatched += [u for u in msgspec.json.decode(repair.unmatched_json)
                      if u["demand_id"] not in repaired_ids]  # fmt: skip
    everything = kept + repaired
    stats.update(
        matched=len(everything),
        dropped_at_write=len(rows) - len(kept),
        repaired=len(repaired),
        demands_served=len({r[0] for r in everything}),
        written_score=round(sum(r[2] for r in everything), 6),
        timings={**stats["timings"], **clock.timings},
    )
    await record(
        conn, round_.id, None,
        graph_gz=gzip.compress(graph_document(fingerprints), compresslevel=1),
        fingerprint=hashlib.sha256("\n".join(fingerprints).encode()).hexdigest(),
        unmatched_json=msgspec.json.encode(unmatched),
        dry_json=dry_document(everything) if round_.dry_run else None, stats=stats,
    )  # fmt: skip
    log.info("split round written", round=round_.id, parts=len(results), matched=len(everything))


async def _quiet(phase: str, percent: int) -> None:
    """A repair reports no progress of its own: the round is at its last step."""


def _summed(results: list[_Result], districts: list[list[int]]) -> dict[str, Any]:
    """The round's statistics from its parts'."""
    stats: dict[str, Any] = {k: sum(p.stats.get(k, 0) for p in results) for k in SUMMED}
    stats["objective"] = round(stats["objective"], 6)
    stats["partners"] = len({r[1] for p in results for r in p.rows}) if results else 0
    stats["parts"] = [
        {"districts": d, "demands": p.stats["demands"], "objective": p.stats["objective"],
         "timings": p.stats["timings"]}
        for d, p in zip(districts, results, strict=True)
    ]  # fmt: skip
    timings: dict[str, float] = {}
    for p in results:
        for phase, seconds in p.stats["timings"].items():
            timings[phase] = round(timings.get(phase, 0.0) + seconds, 4)
    stats["timings"] = timings  # summed over parts: the work done, not the time it took
    return stats


async def _fail(
    pool: asyncpg.Pool, round_id: int, part: int, worker: uuid.UUID | None, reason: str
) -> None:
    """Fail the part and its round, saying which part and why."""
    async with pool.acquire() as conn, conn.transaction():
        await q.fail(conn, round_id, part, worker, reason)
        if await q.fail_round(conn, round_id, f"part {part} failed: {reason}"):
            await audit.record(conn, None, "round", round_id, "fail", None, {"part": part})


async def fail_abandoned(conn: asyncpg.Connection) -> int:
    """Fail parts whose worker stopped renewing their lease, and their rounds; how many parts."""
    lapsed = await q.fail_abandoned(conn)
    for round_id, part in lapsed:
        reason = "abandoned: the worker running it stopped answering"
        if await q.fail_round(conn, round_id, f"part {part} failed: {reason}"):
            await audit.record(conn, None, "round", round_id, "fail", None, {"part": part})
    return len(lapsed)
