"""``matchmaker bench match``: each phase of a round, and each algorithm, on synthetic regions.

For every size it writes a deterministic synthetic marketplace into a bench database beside the
configured one (``<name>_bench``; the user's data is never touched), shaped like real regions —
about 150 demands per district and ten remote partners — so a demand has some thirty candidate
partners. It then reports, as medians of ``repeat`` runs in this one process:

- the time of each phase of a real round (candidates, scoring, graph, solving, explaining,
  writing proposals), the library's text model fitted before the first (as a round finds it when
  the library did not change since the last), and that fit's own time;
- the objective of ``coverage``, ``stable`` and ``greedy`` relative to ``optimal`` on the same
  scored graph;
- the ``optimal`` solve relative to a bare OR-Tools min-cost-flow call on that graph (arrays
  built before the clock starts) and to the LP relaxation solved by scipy's HiGHS.

    $ matchmaker bench match --sizes 5000x1000,50000x10000 --repeat 3
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from matchmaker import db
from matchmaker.bench_data import fresh_synthetic
from matchmaker.matching import Params, Problem, solve
from matchmaker.matching.flow import edge_weights
from matchmaker.matching.graph import build_graph, component_edges
from matchmaker.matching.score import Weights
from matchmaker.matching.solve import eligible_edges
from matchmaker.models.rounds import RoundRequest, Scope
from matchmaker.queries import rounds as q
from matchmaker.queries import sql
from matchmaker.services import rounds as round_service
from matchmaker.services import scoring, text_model
from matchmaker.settings import Settings

__all__ = ["run_match_bench"]

Q = sql("bench")
PHASES = ("candidates", "scoring", "graph", "solving", "explaining", "writing")
MIN_SCORE = 0.2


def _median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _bare_flow(problem: Problem, edges: np.ndarray) -> Callable[[], int]:
    """A bare OR-Tools call on the whole graph, its arrays prepared before the clock starts."""
    nd, npart = problem.n_demands, problem.n_partners
    total = int(problem.slots.sum())
    tails = np.concatenate(
        [np.zeros(nd, np.int64), 2 + problem.edge_demand[edges], 2 + nd + np.arange(npart), [0]]
    )
    heads = np.concatenate(
        [2 + np.arange(nd), 2 + nd + problem.edge_partner[edges], np.ones(npart, np.int64), [1]]
    )
    caps = np.concatenate([problem.slots, np.ones(len(edges), np.int64), problem.capacity, [total]])
    costs = np.concatenate(
        [np.zeros(nd, np.int64), -edge_weights(problem, edges), np.zeros(npart, np.int64), [0]]
    )
    supplies = np.zeros(2 + nd + npart, np.int64)
    supplies[0], supplies[1] = total, -total
    nodes = np.arange(len(supplies))

    def call() -> int:
        flow = min_cost_flow.SimpleMinCostFlow()
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        flow.set_nodes_supplies(nodes, supplies)
        assert flow.solve() == flow.OPTIMAL
        return int(-flow.optimal_cost())

    return call


def _lp(problem: Problem, edges: np.ndarray) -> Callable[[], float]:
    """The LP relaxation (the tests' oracle) for scipy's HiGHS, matrix built before the clock."""
    k = np.arange(len(edges))
    rows = np.concatenate(
        [problem.edge_demand[edges], problem.n_demands + problem.edge_partner[edges]]
    )
    a = coo_matrix(
        (np.ones(2 * len(edges)), (rows, np.concatenate([k, k]))),
        shape=(problem.n_demands + problem.n_partners, len(edges)),
    ).tocsr()
    b = np.concatenate([problem.slots, problem.capacity])
    w = edge_weights(problem, edges).astype(float)

    def call() -> float:
        result = linprog(-w, A_ub=a, b_ub=b, bounds=(0, 1), method="highs")
        return float(-result.fun)

    return call


async def _load(
    settings: Settings, demands: int, partners: int, progress: Callable[[str], None]
) -> str:
    """The bench database holding exactly this size's synthetic marketplace; its DSN."""
    bench_dsn, report = await fresh_synthetic(
        settings, "bench", demands=demands, partners=partners, seed=7,
        districts=max(2, demands // 150), remote_share=min(1.0, 10 / partners),
    )  # fmt: skip
    progress(
        f"{demands:,} × {partners:,}: {report.total_rows:,} rows in {report.total_seconds:.1f} s"
    )
    return bench_dsn


async def _phases(dsn: str, repeat: int) -> tuple[dict[str, float], dict[str, Any], float]:
    """Median time of each phase of a real, optimal round over everything, and the time of
    fitting the text model once (a round refits it only after the library's text changed, and
    emptying the rounds between runs leaves the library alone)."""
    pool = await db.create_pool(dsn, min_size=1, max_size=4)
    runs: list[dict[str, float]] = []
    stats: dict[str, Any] = {}
    try:
        async with pool.acquire() as conn:
            started = time.perf_counter()
            await text_model.current(conn, keep_vectors=True)
            fit = time.perf_counter() - started
        for _ in range(repeat):
            async with pool.acquire() as conn:
                await conn.execute(Q["empty_rounds"])
                await conn.execute(Q["vacuum_rounds"])
                created = await round_service.create(
                    conn, None, RoundRequest(scope=Scope(), min_score=MIN_SCORE), enqueue=False
                )
            done = await round_service.run(pool, created.id)
            if done.status != "succeeded":
                raise RuntimeError(f"bench round failed: {done.error}")
            runs.append(done.stats["timings"])
            stats = done.stats
        async with pool.acquire() as conn:
            await conn.execute(Q["empty_rounds"])
    finally:
        await pool.close()
    medians = {phase: statistics.median(r[phase] for r in runs) for phase in PHASES}
    return medians, stats, fit


async def _problem(dsn: str) -> Problem:
    """The scored problem of a round over everything, built as a round builds it."""
    conn = await db.connect(dsn)
    try:
        demands = [dict(r) for r in await q.scope_demands(conn, [], [], [])]
        partners = [dict(r) for r in await q.scope_partners(conn)]
        pairs = await scoring.candidate_pairs(
            conn, [r["id"] for r in demands], [r["id"] for r in partners]
        )
        problem, _ = await scoring.score(conn, demands, partners, pairs, Weights(), seed=1)
    finally:
        await conn.close()
    return problem


def _algorithms(problem: Problem, repeat: int) -> tuple[list[str], float]:
    """The solvers compared on one scored graph; the lines and the bare OR-Tools time."""
    params = Params("optimal", MIN_SCORE)
    edges = eligible_edges(problem, params)
    groups = component_edges(problem, edges, build_graph(problem, edges, with_communities=False))
    t_opt, best = _median_time(
        lambda: solve(problem, params, groups=groups, explained=False), repeat
    )
    t_bare, bare_value = _median_time(_bare_flow(problem, edges), repeat)
    t_lp, lp_value = _median_time(_lp(problem, edges), repeat)
    optimum = int(edge_weights(problem, best.chosen).sum())
    assert optimum == bare_value == round(lp_value), (optimum, bare_value, lp_value)
    lines = [
        f"  optimal solve {t_opt:.2f} s · bare OR-Tools {t_bare:.2f} s (optimal/bare {t_opt / t_bare:.2f}×) · "
        f"HiGHS LP {t_lp:.2f} s (HiGHS/optimal {t_lp / t_opt:.1f}×) · same optimum {optimum / 1e6:,.3f}",
        f"  {'algorithm':<10}{'objective':>14}{'vs optimal':>12}{'matched':>10}{'demands':>10}{'time s':>9}",
    ]
    for algorithm in ("optimal", "coverage", "stable", "greedy"):
        started = time.perf_counter()
        sol = solve(problem, Params(algorithm, MIN_SCORE), explained=False)
        t = time.perf_counter() - started
        served = len(np.unique(problem.edge_demand[sol.chosen]))
        lines.append(
            f"  {algorithm:<10}{sol.objective:>14,.3f}{sol.objective / best.objective:>11.2%}"
            f"{sol.matched:>10,}{served:>10,}{t:>9.2f}"
        )
    return lines, t_bare


async def run_match_bench(
    settings: Settings,
    *,
    sizes: list[tuple[int, int]],
    repeat: int,
    progress: Callable[[str], None],
) -> str:
    """Run every size; return the report."""
    out = []
    for demands, partners in sizes:
        dsn = await _load(settings, demands, partners, progress)
        medians, stats, fit = await _phases(dsn, repeat)
        progress(f"{demands:,} × {partners:,}: round phases measured")
        problem = await _problem(dsn)
        total = sum(medians.values())
        out.append(
            f"{demands:,} demands × {partners:,} partners — {stats['demands']:,} open demands, "
            f"{stats['candidate_edges']:,} candidate edges, {stats['matched']:,} proposals "
            f"(median of {repeat})"
        )
        out.append(
            "  round phases "
            + " · ".join(f"{p} {medians[p]:.2f} s" for p in PHASES)
            + f" · total {total:.2f} s"
        )
        lines, t_bare = _algorithms(problem, repeat)
        out.append(
            f"  whole round {total:.2f} s ÷ bare OR-Tools solve {t_bare:.2f} s = {total / t_bare:.1f}×"
            " · per phase ÷ bare: " + " · ".join(f"{p} {medians[p] / t_bare:.1f}" for p in PHASES)
        )
        out.append(
            f"  text model fitted once per library revision, before the rounds: {fit:.2f} s"
            f" ({fit / t_bare:.1f}× bare; a round after the library's text changed adds it)"
        )
        out.extend(lines)
        out.append("")
    return "\n".join(out).rstrip()
