"""Greedy: take the highest-scoring edge whose demand and partner still have room. The baseline.

>>> p = Problem.build(demand_ids=[1, 2], slots=[1, 1], communities=[9, 9], partner_ids=[5, 6],
...                   capacity=[1, 1], edges=[(0, 0, 0.9), (0, 1, 0.8), (1, 0, 0.85)])
>>> [int(e) for e in match_greedy(p, np.arange(3), max_per_community=None)]
[0]
"""

from __future__ import annotations

import numpy as np

from matchmaker.matching.problem import IntArray, Problem

__all__ = ["match_greedy", "order_by_score"]


def order_by_score(problem: Problem, edges: IntArray) -> IntArray:
    """``edges`` from the highest score down; ties by the lottery (or by ids without one)."""
    return edges[np.lexsort((*problem.tie_keys(edges), -problem.score[edges]))]


def match_greedy(problem: Problem, edges: IntArray, *, max_per_community: int | None) -> IntArray:
    """The greedy choice among ``edges``."""
    slots = problem.slots.copy()
    capacity = problem.capacity.copy()
    per_community: dict[int, int] = {}
    chosen: list[int] = []
    for e in order_by_score(problem, edges).tolist():
        d, p = int(problem.edge_demand[e]), int(problem.edge_partner[e])
        if slots[d] <= 0 or capacity[p] <= 0:
            continue
        community = int(problem.communities[d])
        if max_per_community is not None and per_community.get(community, 0) >= max_per_community:
            continue
        slots[d] -= 1
        capacity[p] -= 1
        per_community[community] = per_community.get(community, 0) + 1
        chosen.append(e)
    return np.asarray(sorted(chosen), dtype=np.int64)
