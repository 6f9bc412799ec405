"""``solve(problem, params) -> Solution``: one entry for the four algorithms.

Edges under ``min_score`` are dropped first (a bad pair is never forced). ``optimal`` and
``coverage`` are solved exactly per connected component of the networkx graph, small components
batched into one network (independent parts of one flow are solved independently all the same);
``greedy`` and ``stable`` run over the whole graph. Same inputs ⇒ the same output.

>>> p = Problem.build(demand_ids=[1, 2], slots=[1, 1], communities=[9, 9], partner_ids=[5, 6],
...                   capacity=[1, 1], edges=[(0, 0, 0.9), (0, 1, 0.8), (1, 0, 0.85)])
>>> solve(p, Params(algorithm="optimal")).pairs(p)
[(1, 6, 0.8), (2, 5, 0.85)]
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from matchmaker.matching.explain import explain
from matchmaker.matching.flow import match_flow
from matchmaker.matching.graph import build_graph, component_edges
from matchmaker.matching.greedy import match_greedy
from matchmaker.matching.problem import IntArray, Params, Problem, Solution
from matchmaker.matching.stable import match_stable

__all__ = ["eligible_edges", "needs_communities", "solve"]

#: Components up to this many edges share one flow network (fewer solver calls).
BATCH_EDGES = 20_000


def eligible_edges(problem: Problem, params: Params) -> IntArray:
    """Positions of the edges at or above ``min_score`` whose both ends have room."""
    ok = problem.score >= params.min_score
    if params.algorithm == "optimal":
        ok &= problem.score > 0  # a zero-score pair adds nothing: never propose it
    ok &= problem.slots[problem.edge_demand] > 0
    ok &= problem.capacity[problem.edge_partner] > 0
    return np.flatnonzero(ok)


def _batches(groups: list[IntArray]) -> list[IntArray]:
    """Large components alone, small ones together up to ``BATCH_EDGES`` edges."""
    batches: list[IntArray] = []
    pending: list[IntArray] = []
    size = 0
    for group in groups:
        if len(group) >= BATCH_EDGES:
            batches.append(group)
            continue
        pending.append(group)
        size += len(group)
        if size >= BATCH_EDGES:
            batches.append(np.concatenate(pending))
            pending, size = [], 0
    if pending:
        batches.append(np.concatenate(pending))
    return batches


def solve(
    problem: Problem,
    params: Params,
    *,
    graph: nx.Graph | None = None,
    groups: list[IntArray] | None = None,
    explained: bool = True,
) -> Solution:
    """Match ``problem`` with ``params.algorithm``.

    ``graph`` or its component ``groups`` may be passed in when already built (a round times
    those phases apart); ``explained=False`` leaves ``unmatched`` empty, for the caller to fill
    with :func:`~matchmaker.matching.explain.explain` in its own phase.
    """
    problem.check()
    if params.min_score < 0 or params.min_score > 1:
        raise ValueError("min_score must lie in [0, 1]")
    if params.max_per_community is not None and params.max_per_community < 1:
        raise ValueError("max_per_community must be at least 1")
    if params.algorithm == "stable" and params.max_per_community is not None:
        raise ValueError("the stable algorithm does not take max_per_community")
    edges = eligible_edges(problem, params)
    components = 0
    if params.algorithm in ("optimal", "coverage"):
        coverage = params.algorithm == "coverage"
        if groups is None:
            if graph is None:
                graph = build_graph(problem, edges, with_communities=needs_communities(params))
            groups = component_edges(problem, edges, graph)
        components = len(groups)
        parts = [
            match_flow(
                problem, batch, coverage=coverage, max_per_community=params.max_per_community
            )
            for batch in _batches(groups)
        ]
        chosen = np.sort(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)
    elif params.algorithm == "greedy":
        chosen = match_greedy(problem, edges, max_per_community=params.max_per_community)
    else:
        chosen = match_stable(problem, edges)
    return Solution(
        chosen=chosen,
        objective=float(problem.score[chosen].sum()),
        algorithm=params.algorithm,
        components=components,
        unmatched=explain(problem, params, chosen, edges) if explained else [],
    )


def needs_communities(params: Params) -> bool:
    """Whether communities couple their demands in the graph (a cap, or coverage counting them)."""
    return params.algorithm == "coverage" or params.max_per_community is not None
