"""Exact matching as a min-cost flow, solved by OR-Tools' ``SimpleMinCostFlow``.

The network: source → (community →) demand → partner → sink, plus a source → sink bypass so
leaving a slot empty is always allowed (a bad pair is never forced). Demand arcs carry ``slots``,
partner arcs ``capacity``, community arcs the optional ``max_per_community``; each candidate edge
carries one unit at cost ``-round(score × SCALE)``. The constraint matrix is totally unimodular, so
the integral flow OR-Tools returns is optimal among all matchings.

``coverage`` is lexicographic by costs: the first unit into each demand earns ``B1``, the first into
each community ``B2``, with ``B1`` > all ``B2`` and scores together and ``B2`` > all scores, so the
solver first serves the most demands, then the most communities, then the highest total score.

>>> p = Problem.build(demand_ids=[1, 2], slots=[1, 1], communities=[9, 9], partner_ids=[5],
...                   capacity=[1], edges=[(0, 0, 0.9), (1, 0, 0.4)])
>>> [int(e) for e in match_flow(p, np.arange(2), coverage=False, max_per_community=None)]
[0]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from ortools.graph.python import min_cost_flow

from matchmaker.matching.problem import IntArray, Problem

__all__ = ["SCALE", "SCALE_COVERAGE", "edge_weights", "match_flow"]

#: Score → integer cost resolution for ``optimal`` (scores are kept to six decimals).
SCALE = 1_000_000
#: Coarser for ``coverage``, whose bonuses must stay inside int64.
SCALE_COVERAGE = 10_000
_INT64_SAFE = 2**62


def edge_weights(problem: Problem, edges: IntArray, scale: int = SCALE) -> IntArray:
    """The integer weight of each edge, as the solver (and the oracle in the tests) sees it."""
    return np.rint(problem.score[edges] * scale).astype(np.int64)


def _concat(*parts: ArrayLike) -> IntArray:
    return np.concatenate([np.asarray(p, dtype=np.int64) for p in parts])


def _positions(values: IntArray, size: int) -> tuple[IntArray, IntArray]:
    """``np.unique(values, return_inverse=True)`` for positions below ``size``, without a sort."""
    present = np.zeros(size, dtype=bool)
    present[values] = True
    local = np.cumsum(present) - 1
    return np.flatnonzero(present), local[values]


def match_flow(
    problem: Problem, edges: IntArray, *, coverage: bool, max_per_community: int | None
) -> IntArray:
    """The chosen subset of ``edges`` (positions into the problem's edge arrays)."""
    if len(edges) == 0:
        return np.empty(0, dtype=np.int64)
    if problem.tie is not None:
        # among optima of equal score the solver's pick follows the arc order: let the lottery set it
        edges = edges[np.argsort(problem.tie[edges], kind="stable")]
    demands, d_local = _positions(problem.edge_demand[edges], problem.n_demands)
    partners, p_local = _positions(problem.edge_partner[edges], problem.n_partners)
    slots = problem.slots[demands]
    capacity = problem.capacity[partners]
    communities, c_of_d = np.unique(problem.communities[demands], return_inverse=True)
    use_communities = coverage or max_per_community is not None

    n_c = len(communities) if use_communities else 0
    source, sink = 0, 1
    c0 = 2
    d0 = c0 + n_c
    p0 = d0 + len(demands)
    total = int(slots.sum())

    scale = SCALE_COVERAGE if coverage else SCALE
    weight = edge_weights(problem, edges, scale)
    tails: list[IntArray] = []
    heads: list[IntArray] = []
    caps: list[IntArray] = []
    costs: list[IntArray] = []

    def arcs(t: ArrayLike, h: ArrayLike, cap: ArrayLike, cost: ArrayLike) -> None:
        tails.append(np.asarray(t, dtype=np.int64))
        heads.append(np.asarray(h, dtype=np.int64))
        caps.append(np.asarray(cap, dtype=np.int64))
        costs.append(np.asarray(cost, dtype=np.int64))

    d_nodes = d0 + np.arange(len(demands))
    p_nodes = p0 + np.arange(len(partners))
    zeros_d = np.zeros(len(demands), dtype=np.int64)
    ones_d = np.ones(len(demands), dtype=np.int64)

    b2 = int(weight.sum()) + 1 if coverage else 0
    b1 = (n_c + 1) * b2 + 1 if coverage else 0
    if coverage and b1 * max(len(demands), 1) >= _INT64_SAFE:
        raise OverflowError("coverage bonuses exceed int64; solve smaller components")

    # into each demand: from its community node when there is one, else from the source
    feed = c0 + c_of_d if use_communities else np.full(len(demands), source)
    if coverage:
        arcs(feed, d_nodes, ones_d, np.full(len(demands), -b1))
        arcs(feed, d_nodes, slots - 1, zeros_d)
    else:
        arcs(feed, d_nodes, slots, zeros_d)
    if use_communities:
        c_nodes = c0 + np.arange(n_c)
        limit = total if max_per_community is None else max_per_community
        if coverage:
            arcs(np.full(n_c, source), c_nodes, np.ones(n_c), np.full(n_c, -b2))
            arcs(np.full(n_c, source), c_nodes, np.full(n_c, max(limit - 1, 0)), np.zeros(n_c))
        else:
            arcs(np.full(n_c, source), c_nodes, np.full(n_c, limit), np.zeros(n_c))
    first_edge_arc = sum(len(t) for t in tails)
    arcs(d_nodes[d_local], p_nodes[p_local], np.ones(len(edges)), -weight)
    arcs(p_nodes, np.full(len(partners), sink), capacity, np.zeros(len(partners)))
    arcs(np.array([source]), np.array([sink]), np.array([total]), np.array([0]))

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        _concat(*tails), _concat(*heads), _concat(*caps), _concat(*costs)
    )
    supplies = np.zeros(p0 + len(partners), dtype=np.int64)
    supplies[source], supplies[sink] = total, -total
    flow.set_nodes_supplies(np.arange(len(supplies)), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not reach the optimum (status {status})")
    edge_arcs = first_edge_arc + np.arange(len(edges))
    chosen: IntArray = edges[np.asarray(flow.flows(edge_arcs)) > 0]
    return chosen
