"""What a round (or one region of a split round) computes before it writes anything.

scope → candidates (each side's reach read, the pairs found on arrays) → scores → graph → solve →
the proposal rows (which the caller may write meanwhile) → explain. The frozen graph is made beside
the solve, and a large round's graph and explanation in a process of its own
(``services.round_process``); the nearest capable partners are asked beside the scoring. Shared by a
whole round (``services.rounds``) and by each part of a round split by region
(``services.round_parts``), so both decide the same way.

>>> computed = await compute(pool, scope, params_doc, "optimal", step)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import msgspec
import numpy as np

from matchmaker.matching import Params, Problem, Solution, solve
from matchmaker.matching.arrays import distinct
from matchmaker.matching.graph import component_groups
from matchmaker.matching.score import COMPONENTS, Weights
from matchmaker.matching.solve import eligible_edges, needs_communities
from matchmaker.queries import rounds as q
from matchmaker.services import reach, round_process, scoring

__all__ = ["Clock", "Computed", "Row", "Step", "compute"]

#: (demand id, actor id, score, components, unverified?) of one proposal.
Row = tuple[int, int, float, dict[str, float], bool]
#: Announce a phase and how far along the work is (percent).
Step = Callable[[str, int], Awaitable[None]]


class Clock:
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


@dataclass
class Computed:
    """A solved round (or part), ready to be written."""

    rows: list[Row]
    #: (fingerprint, the frozen graph's JSON gzip-compressed as the report stores it), still being
    #: made off the event loop while the rows are written: see :meth:`frozen`.
    report: asyncio.Future[tuple[str, bytes]]
    unmatched_json: bytes
    #: The round's statistics but for what writing adds (matched, dropped, timings).
    stats: dict[str, Any]
    #: Ids of the demands in scope (a split round lists them per part).
    demand_ids: list[int]

    async def frozen(self) -> tuple[str, bytes]:
        """The round's fingerprint (SHA-256 of the frozen graph's JSON) and that JSON compressed."""
        return await self.report


def rounded(values: np.ndarray, digits: int) -> list[float]:
    """``round(v, digits)`` of every value, as Python rounds it (to the double nearest the
    decimal), on the array. numpy's rounding (``rint(v·10^digits) / 10^digits``) gives the same
    double but where ``v·10^digits`` lies within a hair of a half, and the product's own rounding
    could tip it: those few are rounded by Python (290,000 ``round`` calls took 0.3 s)."""
    out: list[float] = np.round(values, digits).tolist()
    scaled = values * 10.0**digits
    for i in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6).tolist():
        out[i] = round(float(values[i]), digits)
    return out


def _proposal_rows(
    problem: Problem,
    solution: Solution,
    components: dict[str, np.ndarray],
    unverified: set[int],
) -> list[Row]:
    """One row per chosen edge, best score first (ids and components looked up as arrays, each
    component rounded to four decimals as Python rounds it)."""
    chosen = solution.chosen
    demand_ids = problem.demand_ids[problem.edge_demand[chosen]].tolist()
    partner_ids = problem.partner_ids[problem.edge_partner[chosen]].tolist()
    scores = problem.score[chosen].tolist()
    values = zip(*(rounded(components[name][chosen], 4) for name in COMPONENTS), strict=True)
    rows = [
        (d, a, score, dict(zip(COMPONENTS, parts, strict=True)), a in unverified)
        for d, a, score, parts in zip(demand_ids, partner_ids, scores, values, strict=True)
    ]
    return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))


async def _own_connection(
    pool: asyncpg.Pool, read: Callable[..., Awaitable[Any]], *args: Any
) -> Any:
    """``read(connection, *args)`` on a connection of its own from the pool."""
    async with pool.acquire() as c:
        return await read(c, *args)


def _connection(
    pool: asyncpg.Pool, conn: asyncpg.Connection | None
) -> contextlib.AbstractAsyncContextManager[asyncpg.Connection]:
    """The caller's connection (inside its transaction), or one from the pool."""
    return contextlib.nullcontext(conn) if conn is not None else pool.acquire()


async def compute(
    pool: asyncpg.Pool,
    scope: dict[str, Any],
    params_doc: dict[str, Any],
    algorithm: str,
    step: Step,
    *,
    only: list[int] | None = None,
    conn: asyncpg.Connection | None = None,
    on_rows: Callable[[list[Row], asyncio.Future[tuple[str, bytes]]], None] | None = None,
) -> Computed:
    """Solve the round over ``scope`` (its demands ``only`` these, when given) with
    ``params_doc``; write nothing. Reads on ``conn`` when given — inside the caller's transaction,
    so it sees what that transaction already holds. ``on_rows`` is handed the proposal rows as
    soon as the round is solved, with the frozen graph still being made (see
    :meth:`Computed.frozen`), so the caller can write both while the round is explained."""
    #: what is asked or made on the side, cancelled when the round fails
    asked: list[asyncio.Future[Any]] = []
    try:
        weights = msgspec.convert(params_doc["weights"], type=Weights)
        params = Params(algorithm, params_doc["min_score"], params_doc["max_per_community"])  # type: ignore[arg-type]

        await step("candidates", 5)
        async with _connection(pool, conn) as c:
            # Records are read by name as dicts are: not copied into dicts (47,479 of them: 0.4 s)
            demands = await q.scope_demands(
                c, scope["districts"], scope["towns"], scope["categories"], only
            )
            spare = await q.partners_with_spare_capacity(c)

            def aside(read: Callable[..., Awaitable[Any]], *args: Any) -> asyncio.Future[Any]:
                """Read on a connection of its own meanwhile (cancelled if the round fails)."""
                asked.append(asyncio.ensure_future(_own_connection(pool, read, *args)))
                return asked[-1]

            # inside a caller's transaction everything is read on it, in turn. As many needs as
            # partners: nearly every partner will be reached, so all are read while the pairs
            # are found
            own = conn is None
            everyone = aside(q.scope_partners, None) if own and len(demands) >= len(spare) else None
            pairs = await scoring.candidate_pairs(
                c, [r["id"] for r in demands], spare,
                include_unverified=bool(params_doc.get("include_unverified")),
            )  # fmt: skip
            round_process.warm(len(pairs.demand_ids))
            # the needs no pair names are asked of while the pairs are scored (the database is
            # otherwise idle then)
            nearest = aside(
                reach.nearest_capable, reach.without_pairs([r["id"] for r in demands], pairs.demand_ids)
            ) if own else None  # fmt: skip
            # only the partners some demand can have: a district's part reads hundreds, not 100,000
            reached = distinct(np.asarray(pairs.actor_ids, np.int64)).tolist()
            if everyone is None:
                partners = await q.scope_partners(c, reached)
            else:
                wanted = set(reached)
                partners = [r for r in await everyone if r["id"] in wanted]

            await step("scoring", 30)
            problem, components = await scoring.score(
                c, demands, partners, pairs, weights, seed=int(params_doc.get("seed", 0)),
                keep_vectors=True,
            )  # fmt: skip

        # the frozen graph needs only the scored input: it is made while the round is solved
        key = uuid.uuid4().hex
        report = asyncio.ensure_future(round_process.frozen(problem, params_doc, algorithm, key))
        asked.append(report)
        await step("graph", 45)
        edges = eligible_edges(problem, params)
        # the networkx model's components, found on the arrays (``graph.component_groups``)
        groups, shape = await asyncio.to_thread(
            component_groups, problem, edges, with_communities=needs_communities(params)
        )

        await step("solving", 60)
        solution = await asyncio.to_thread(solve, problem, params, groups=groups, explained=False)

        await step("explaining", 75)
        # off the event loop, as the solve is: the worker's lease keeps being renewed meanwhile. The
        # rows may be written (``on_rows``: the server's work) while the round is explained; the
        # report waits for the graph (``Computed.frozen``)
        unverified = {r["id"] for r in partners if not r["verified"]}
        rows = await asyncio.to_thread(_proposal_rows, problem, solution, components, unverified)
        if on_rows is not None:
            on_rows(rows, report)
        unmatched = await round_process.explained(problem, params, solution.chosen, edges, key)
        known = None if nearest is None else await nearest
        async with _connection(pool, conn) as c:
            solution.unmatched = await reach.what_it_would_take(c, problem, unmatched, known=known)

        await step("writing", 85)
        stats = {
            "demands": problem.n_demands,
            "partners": problem.n_partners,
            "candidate_edges": problem.n_edges,
            "eligible_edges": len(edges),
            "components": solution.components,
            "graph": shape,
            "objective": round(solution.objective, 6),
            "demands_served": len({r[0] for r in rows}),
            "communities_served": len(
                {int(problem.communities[problem.edge_demand[e]]) for e in solution.chosen.tolist()}
            ),
            "unmatched_demands": len(solution.unmatched),
            "open_slots": int(problem.slots.sum()),
            "unverified_proposals": sum(1 for r in rows if r[4]),
        }
        return Computed(
            rows=rows,
            report=report,
            unmatched_json=msgspec.json.encode(solution.unmatched),
            stats=stats,
            demand_ids=[int(i) for i in problem.demand_ids.tolist()],
        )
    except BaseException:
        for future in asked:
            future.cancel()
        raise
