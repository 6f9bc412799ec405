"""Running a match round: create it, claim it, compute it (``round_compute``), write it
(``round_write``); a round split by region is handed to ``round_parts``.

A round is created ``queued`` by :func:`create`, with a job on the queue (``matchmaker.worker``),
and carried out by :func:`run` in whichever worker takes the job, off the request path, recording
progress and per-phase timings on the round. The worker owns the running round while it renews
its lease; every status move is guarded, so a late writer cannot flip a round someone failed.

>>> round_ = await create(conn, coordinator, RoundRequest(scope=Scope(districts=["邛崃市"])))  # doctest: +SKIP
>>> await run(pool, round_.id)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import uuid
from collections.abc import Callable
from typing import Any

import asyncpg
import msgspec
import structlog

from matchmaker.errors import Forbidden, Invalid, NotFound
from matchmaker.matching import replay
from matchmaker.matching.lottery import MAX_SEED
from matchmaker.models import CurrentUser
from matchmaker.models.rounds import Round, RoundGraph, RoundRequest
from matchmaker.queries import areas, audit, jobs
from matchmaker.queries import rounds as q
from matchmaker.services import leases, round_parts
from matchmaker.services.access import area_of
from matchmaker.services.round_compute import Clock, Computed, Row, compute
from matchmaker.services.round_write import (
    LeaseLost,
    finish,
    prepare,
    store_graph_aside,
    write_rows,
)

__all__ = [
    "DEFAULT_LEASE_SECONDS",
    "DEFAULT_TTL",
    "LeaseLost",
    "Progress",
    "create",
    "fail_abandoned",
    "graph_of",
    "run",
]

log = structlog.get_logger()

#: How long a proposal holds capacity while nobody answers it.
DEFAULT_TTL = dt.timedelta(days=7)
#: How long a running round stays its worker's without the worker renewing it.
DEFAULT_LEASE_SECONDS = 30.0

Progress = Callable[[str, int], None]


async def _resolve(
    conn: asyncpg.Connection, kind: str, places: list[int | str], field: str
) -> list[int]:
    """Ids of districts or towns given by id or name; an unknown name is refused by name."""
    names = [p for p in places if isinstance(p, str)]
    found = await q.ids_by_name(conn, kind, names) if names else {}
    missing = [n for n in names if n not in found]
    if missing:
        raise Invalid(f"{field}: no {kind} named {', '.join(missing)}", field=field)
    return sorted({p if isinstance(p, int) else found[p] for p in places})


async def in_area(
    conn: asyncpg.Connection, user: CurrentUser | None, scope: dict[str, Any]
) -> bool:
    """Does a round's scope lie within the user's area? (always, for an admin; a round over every
    district is an admin's)"""
    area = area_of(user)
    if area is None:
        return True
    places = list(scope.get("districts", []))
    places += await areas.town_districts(conn, list(scope.get("towns", [])))
    return bool(places) and all(d in area for d in places)


async def visible(conn: asyncpg.Connection, user: CurrentUser | None, round_id: int) -> Round:
    """The round, or NotFound when it lies outside a coordinator's area (theirs alone they see)."""
    round_ = await q.get_round(conn, round_id)
    if not await in_area(conn, user, round_.scope):
        raise NotFound("round", round_id)
    return round_


async def _within_area(
    conn: asyncpg.Connection, user: CurrentUser | None, scope: dict[str, Any]
) -> None:
    """A coordinator's round lies within their area: a scope naming no district (nor town) is
    their area; one reaching outside it is refused (403) naming the districts outside."""
    area = area_of(user)
    if area is None:
        return
    if not scope["districts"] and not scope["towns"]:
        if not area:
            raise Forbidden("you govern no district: ask an admin to set your area")
        scope["districts"] = sorted(area)
        return
    places = scope["districts"] + await areas.town_districts(conn, scope["towns"])
    outside = sorted({d for d in places if d not in area})
    if outside:
        raise Forbidden(
            f"scope: district {', '.join(map(str, outside))} lies outside your area; a "
            "coordinator runs rounds only over the districts they govern",
            field="scope",
        )


async def create(
    conn: asyncpg.Connection,
    user: CurrentUser | None,
    request: RoundRequest,
    *,
    enqueue: bool = True,
) -> Round:
    """Record a queued round after checking its scope and parameters, and queue its job.

    The round and its job are written in one transaction: a round is never queued without a job
    to run it. ``enqueue=False`` is for a caller that runs the round itself (the command line).
    """
    if request.algorithm == "stable" and request.max_per_community is not None:
        raise Invalid(
            "max_per_community: the stable algorithm does not take a cap", field="max_per_community"
        )
    if request.weights.total() <= 0:
        raise Invalid("weights: at least one weight must be positive", field="weights")
    scope = {
        "districts": await _resolve(conn, "district", request.scope.districts, "scope.districts"),
        "towns": await _resolve(conn, "town", request.scope.towns, "scope.towns"),
        "categories": list(request.scope.categories),
    }
    await _within_area(conn, user, scope)
    params = {
        "weights": msgspec.to_builtins(request.weights),
        "min_score": request.min_score,
        "max_per_community": request.max_per_community,
        "include_unverified": request.include_unverified,
        "seed": secrets.randbelow(MAX_SEED + 1) if request.seed is None else request.seed,
        "split": request.split,
    }
    async with conn.transaction():
        round_id = await q.insert_round(
            conn, scope, request.algorithm, params, request.dry_run, user.id if user else None
        )
        round_ = await q.get_round(conn, round_id)
        await audit.record(conn, user, "round", round_id, "create", None, round_)
        if enqueue:
            await jobs.enqueue_round(conn, round_id)
    return round_


async def fail_abandoned(conn: asyncpg.Connection, round_id: int | None = None) -> list[int]:
    """Fail running rounds whose worker's lease lapsed (one round, or all); whoever notices calls it."""
    failed = await q.fail_abandoned(conn, round_id)
    if failed:
        log.warning("rounds abandoned by their worker marked failed", rounds=failed)
        for rid in failed:
            await audit.record(conn, None, "round", rid, "fail", None, {"reason": "lease lapsed"})
    return failed


def graph_of(stored: bytes) -> RoundGraph:
    """The stored frozen graph in the published shape of ``GET /rounds/{id}/graph``."""
    return replay.graph_of(stored)


async def run(
    pool: asyncpg.Pool,
    round_id: int,
    *,
    worker: uuid.UUID | None = None,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    ttl: dt.timedelta = DEFAULT_TTL,
    progress: Progress | None = None,
) -> Round:
    """Take a queued round and carry it out as ``worker``, renewing its lease while it works.

    A round that is not queued (another worker took it, or it is finished) is left alone and
    returned as it is. Anything that goes wrong fails the round with the reason; a round whose
    lease was lost is left to whoever failed it, and nothing of this run is written.
    """
    worker = worker or uuid.uuid4()
    async with pool.acquire() as conn:
        claimed = await q.claim(conn, round_id, worker, lease_seconds)
        round_ = await q.get_round(conn, round_id)
    if not claimed:
        return round_
    work = asyncio.ensure_future(_run(pool, round_, worker, ttl, progress))
    lost = asyncio.Event()

    async def renew() -> bool:
        async with pool.acquire() as conn:
            return await q.renew_lease(conn, round_id, worker, lease_seconds)

    beat = asyncio.create_task(leases.hold(renew, lease_seconds, work, lost))
    try:
        return await work
    except asyncio.CancelledError:
        if not lost.is_set():  # the worker is stopping: say so on the round
            async with pool.acquire() as conn:
                await q.set_failed(
                    conn, round_id, worker, "interrupted: the worker stopped while the round ran"
                )
            raise
        log.warning("round lost its lease; this run wrote nothing", round=round_id)
    except LeaseLost:
        log.warning("round lost its lease; this run wrote nothing", round=round_id)
    except Exception as exc:
        log.exception("round failed", round=round_id)
        async with pool.acquire() as conn:
            await q.set_failed(conn, round_id, worker, f"{type(exc).__name__}: {exc}")
    finally:
        beat.cancel()
    async with pool.acquire() as conn:
        return await q.get_round(conn, round_id)


async def _run(
    pool: asyncpg.Pool,
    round_: Round,
    worker: uuid.UUID,
    ttl: dt.timedelta,
    progress: Progress | None,
) -> Round:
    if round_.params.get("split") == "district":
        await round_parts.split(pool, round_, worker)  # its parts finish it
        async with pool.acquire() as conn:
            return await q.get_round(conn, round_.id)
    clock = Clock()

    async def step(phase: str, percent: int) -> None:
        clock.start(phase)
        if progress:
            progress(phase, percent)
        async with pool.acquire() as c:
            await q.set_progress(c, round_.id, worker, phase, percent)

    # the proposals are written (in the round's one transaction) while the round is explained
    later: asyncio.Future[Computed] = asyncio.get_running_loop().create_future()
    writers: list[asyncio.Task[Round]] = []

    async def write(rows: list[Row], frozen: asyncio.Future[tuple[str, bytes]]) -> Round:
        # the frozen graph is stored beside the proposals, on a connection of its own
        graph = asyncio.ensure_future(store_graph_aside(pool, round_.id, frozen))
        try:
            async with pool.acquire() as conn, conn.transaction():
                kept = await write_rows(conn, round_.id, rows, dry_run=round_.dry_run, ttl=ttl)
                # the notifications and the report need only the rows: written before the
                # round's reasons are ready, which are added last
                fingerprint = await prepare(conn, round_.id, dry_run=round_.dry_run, frozen=graph)
                computed = await later
                await finish(
                    conn, round_.id, worker,
                    dry_run=round_.dry_run, rows=rows, kept=kept, frozen=frozen,
                    prepared=fingerprint, unmatched_json=computed.unmatched_json,
                    stats=computed.stats, ttl=ttl, clock=clock,
                )  # fmt: skip
                return await q.get_round(conn, round_.id)
        finally:  # a failed round's graph is deleted with the failure, once this is settled
            graph.cancel()
            await asyncio.gather(graph, return_exceptions=True)

    try:
        computed = await compute(
            pool, round_.scope, round_.params, round_.algorithm, step,
            on_rows=lambda rows, frozen: writers.append(asyncio.ensure_future(write(rows, frozen))),
        )  # fmt: skip
    except BaseException:
        later.cancel()  # what was written rolls back with the transaction
        if writers:
            await asyncio.gather(*writers, return_exceptions=True)
        raise
    later.set_result(computed)
    final = await writers[0]
    if progress:
        progress("done", 100)
    return final
