"""Running a match round: scope → candidates (SQL) → scores → graph → solve → proposals.

A round is created ``queued`` by :func:`create`, with a job on the queue (``matchmaker.worker``),
and carried out by :func:`run` in whichever worker takes the job, off the request path, recording
progress and per-phase timings on the round. The worker owns the running round while it renews
its lease; every status move is guarded, so a late writer cannot flip a round someone failed. Proposals are written under the holds
lock with each demand's open slots and each partner's spare capacity read again, so two rounds
over overlapping scopes never hold more than there is: a pair that no longer fits is dropped and
counted. A dry run writes only its report.

>>> round_ = await create(conn, coordinator, RoundRequest(scope=Scope(districts=["邛崃市"])))  # doctest: +SKIP
>>> await run(pool, round_.id)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
import time
import uuid
from collections.abc import Callable

import asyncpg
import msgspec
import numpy as np
import structlog

from matchmaker.errors import Invalid
from matchmaker.matching import Params, Problem, Solution, replay, solve
from matchmaker.matching.explain import explain
from matchmaker.matching.graph import build_graph, component_edges, summary
from matchmaker.matching.lottery import MAX_SEED
from matchmaker.matching.score import COMPONENTS, Weights
from matchmaker.matching.solve import eligible_edges, needs_communities
from matchmaker.models import CurrentUser
from matchmaker.models.rounds import Proposal, Round, RoundGraph, RoundRequest
from matchmaker.queries import audit, jobs
from matchmaker.queries import rounds as q
from matchmaker.services import reach, scoring

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
    params = {
        "weights": msgspec.to_builtins(request.weights),
        "min_score": request.min_score,
        "max_per_community": request.max_per_community,
        "include_unverified": request.include_unverified,
        "seed": secrets.randbelow(MAX_SEED + 1) if request.seed is None else request.seed,
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


class _Clock:
    """Per-phase wall-clock timings, in seconds."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._phase = ""
        self._start = 0.0

    def start(self, phase: str) -> None:
        self.stop()
        self._phase, self._start = phase, time.perf_counter()

    def stop(self) -> None:
        if self._phase:
            self.timings[self._phase] = round(time.perf_counter() - self._start, 4)
            self._phase = ""


def graph_of(stored: bytes) -> RoundGraph:
    """The stored frozen graph in the published shape of ``GET /rounds/{id}/graph``."""
    return replay.graph_of(stored)


Row = tuple[int, int, float, dict[str, float], bool]


def _proposal_rows(
    problem: Problem,
    solution: Solution,
    components: dict[str, np.ndarray],
    unverified: set[int],
) -> list[Row]:
    """(demand id, actor id, score, components, unverified?) per chosen edge, best score first."""
    rows = [
        (
            int(problem.demand_ids[problem.edge_demand[e]]),
            int(problem.partner_ids[problem.edge_partner[e]]),
            float(problem.score[e]),
            {name: round(float(components[name][e]), 4) for name in COMPONENTS},
            int(problem.partner_ids[problem.edge_partner[e]]) in unverified,
        )
        for e in solution.chosen.tolist()
    ]
    return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))


async def _write(
    conn: asyncpg.Connection,
    round_id: int,
    rows: list[Row],
    ttl: dt.timedelta,
) -> tuple[int, int]:
    """Write proposals that still fit under the holds lock; (written, dropped)."""
    await q.lock_holds(conn)
    slots = await q.open_slots(conn, sorted({r[0] for r in rows}))
    spare = await q.spare_capacity(conn, sorted({r[1] for r in rows}))
    kept = []
    for row in rows:
        d, a = row[0], row[1]
        if slots.get(d, 0) > 0 and spare.get(a, 0) > 0:
            slots[d] -= 1
            spare[a] -= 1
            kept.append(row)
    await q.copy_proposals(conn, round_id, kept, dt.datetime.now(dt.UTC) + ttl)
    return len(kept), len(rows) - len(kept)


class LeaseLost(Exception):
    """The round is no longer this worker's: its lease lapsed and someone failed it."""


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
    beat = asyncio.create_task(_keep_lease(pool, round_id, worker, lease_seconds, work, lost))
    try:
        return await work
    except asyncio.CancelledError:
        if not lost.is_set():  # the worker is stopping: say so on the round
            async with pool.acquire() as conn:
                await q.set_failed(
                    conn, round_id, worker, "interrupted: the worker stopped while the round ran"
                )
            raise
    except LeaseLost:
        pass
    except Exception as exc:
        log.exception("round failed", round=round_id)
        async with pool.acquire() as conn:
            await q.set_failed(conn, round_id, worker, f"{type(exc).__name__}: {exc}")
    finally:
        beat.cancel()
    log.warning("round lost its lease; this run wrote nothing", round=round_id)
    async with pool.acquire() as conn:
        return await q.get_round(conn, round_id)


async def _keep_lease(
    pool: asyncpg.Pool,
    round_id: int,
    worker: uuid.UUID,
    lease_seconds: float,
    work: asyncio.Future[Round],
    lost: asyncio.Event,
) -> None:
    """Renew the lease at a third of its length; stop the work once the round is not ours."""
    while not work.done():
        await asyncio.sleep(lease_seconds / 3)
        try:
            async with pool.acquire() as conn:
                ours = await q.renew_lease(conn, round_id, worker, lease_seconds)
        except (OSError, asyncpg.PostgresError) as exc:  # the database may be briefly away
            log.warning("renewing a round's lease failed", round=round_id, error=str(exc))
            continue
        if not ours:
            lost.set()
            work.cancel()
            return


async def _run(
    pool: asyncpg.Pool,
    round_: Round,
    worker: uuid.UUID,
    ttl: dt.timedelta,
    progress: Progress | None,
) -> Round:
    clock = _Clock()
    scope, params_doc = round_.scope, round_.params
    weights = msgspec.convert(params_doc["weights"], type=Weights)
    params = Params(round_.algorithm, params_doc["min_score"], params_doc["max_per_community"])

    async def step(phase: str, percent: int) -> None:
        clock.start(phase)
        if progress:
            progress(phase, percent)
        async with pool.acquire() as c:
            await q.set_progress(c, round_.id, worker, phase, percent)

    await step("candidates", 5)
    async with pool.acquire() as conn:
        demands = [dict(r) for r in await q.scope_demands(
            conn, scope["districts"], scope["towns"], scope["categories"]
        )]  # fmt: skip
        partners = [dict(r) for r in await q.scope_partners(conn)]
        pairs = await scoring.candidate_pairs(
            conn, [r["id"] for r in demands], [r["id"] for r in partners],
            include_unverified=bool(params_doc.get("include_unverified")),
        )  # fmt: skip
        reached = set(np.unique(np.asarray(pairs.actor_ids)).tolist())
        partners = [r for r in partners if r["id"] in reached]

        await step("scoring", 30)
        problem, components = await scoring.score(
            conn, demands, partners, pairs, weights, seed=int(params_doc.get("seed", 0))
        )

    await step("graph", 45)
    edges = eligible_edges(problem, params)
    graph = await asyncio.to_thread(
        build_graph, problem, edges, with_communities=needs_communities(params)
    )
    groups = await asyncio.to_thread(component_edges, problem, edges, graph)
    shape = summary(graph)

    await step("solving", 60)
    solution = await asyncio.to_thread(solve, problem, params, groups=groups, explained=False)

    await step("explaining", 75)
    unmatched = await asyncio.to_thread(explain, problem, params, solution.chosen, edges)
    async with pool.acquire() as conn:
        solution.unmatched = await reach.what_it_would_take(conn, problem, unmatched)

    await step("writing", 85)
    graph_json = replay.document(problem, params_doc, round_.algorithm)
    fingerprint = hashlib.sha256(graph_json).hexdigest()
    unverified = {r["id"] for r in partners if not r["verified"]}
    rows = _proposal_rows(problem, solution, components, unverified)
    unmatched_json = msgspec.json.encode(solution.unmatched)
    dry_json = None
    if round_.dry_run:
        dry_json = msgspec.json.encode(
            [Proposal(None, d, a, s, c, "pending", unverified=u) for d, a, s, c, u in rows]
        )
    async with pool.acquire() as conn, conn.transaction():
        written, dropped = (
            (len(rows), 0) if round_.dry_run else await _write(conn, round_.id, rows, ttl)
        )
        await q.insert_report(conn, round_.id, fingerprint, graph_json, unmatched_json, dry_json)
        clock.stop()
        stats = {
            "demands": problem.n_demands,
            "partners": problem.n_partners,
            "candidate_edges": problem.n_edges,
            "eligible_edges": len(edges),
            "components": solution.components,
            "graph": shape,
            "objective": round(solution.objective, 6),
            "matched": written,
            "dropped_at_write": dropped,
            "demands_served": len({r[0] for r in rows}),
            "communities_served": len(
                {int(problem.communities[problem.edge_demand[e]]) for e in solution.chosen.tolist()}
            ),
            "unmatched_demands": len(solution.unmatched),
            "open_slots": int(problem.slots.sum()),
            "unverified_proposals": sum(1 for r in rows if r[4]),
            "timings": clock.timings,
        }
        if not await q.set_finished(conn, round_.id, worker, stats, fingerprint):
            raise LeaseLost(round_.id)  # rolls back the proposals and the report
        await audit.record(conn, None, "round", round_.id, "finish", None, {"stats": stats})
        final = await q.get_round(conn, round_.id)
    if progress:
        progress("done", 100)
    return final
