"""Stable matching: many-to-many deferred acceptance in which demands propose.

Each side ranks the other by its own preferences: a demand (its community) ranks partners by
``demand_pref`` — partner quality: track record, grade, proximity, coverage of the need — and a
partner ranks demands by ``partner_pref`` — its expressed interest, category focus, distance.
Demands propose because the marketplace exists to meet communities' needs: the demand-proposing
algorithm gives every demand the best partners it can have in any stable matching. The result has
no blocking pair: no unmatched (demand, partner) edge where both would rather be together (each has
room, or prefers the other to its worst current match). Ties break by the round's seeded lottery
(by id when a problem has none).

With one shared score on both sides the stable matching is exactly the greedy one, which is why the
two sides keep separate preferences. ``max_per_community`` is not part of stability and is refused.

>>> p = Problem.build(demand_ids=[1, 2], slots=[1, 1], communities=[9, 9], partner_ids=[5],
...                   capacity=[1], edges=[(0, 0, 0.5), (1, 0, 0.5)], partner_pref=[0.2, 0.9])
>>> [int(e) for e in match_stable(p, np.arange(2))]
[1]
"""

from __future__ import annotations

import heapq
from collections import defaultdict, deque

import numpy as np

from matchmaker.matching.problem import FloatArray, IntArray, Problem

__all__ = ["blocking_pairs", "match_stable", "preferences"]


def preferences(problem: Problem) -> tuple[FloatArray, FloatArray]:
    """(demand side, partner side) preference of every edge; the shared score when not given."""
    demand_pref = problem.score if problem.demand_pref is None else problem.demand_pref
    partner_pref = problem.score if problem.partner_pref is None else problem.partner_pref
    return demand_pref, partner_pref


class _Ranks:
    """Each demand's edges best first; every edge's rank on both sides (0 = most preferred)."""

    def __init__(self, problem: Problem, edges: IntArray) -> None:
        demand_pref, partner_pref = preferences(problem)
        ties = problem.tie_keys(edges)
        self.by_demand: dict[int, list[int]] = defaultdict(list)
        self.demand_rank: dict[int, int] = {}
        order = edges[np.lexsort((*ties, -demand_pref[edges], problem.edge_demand[edges]))]
        for e in order.tolist():
            d = int(problem.edge_demand[e])
            self.demand_rank[e] = len(self.by_demand[d])
            self.by_demand[d].append(e)
        self.partner_rank: dict[int, int] = {}
        counts: dict[int, int] = defaultdict(int)
        order = edges[np.lexsort((*ties, -partner_pref[edges], problem.edge_partner[edges]))]
        for e in order.tolist():
            p = int(problem.edge_partner[e])
            self.partner_rank[e] = counts[p]
            counts[p] += 1


def match_stable(problem: Problem, edges: IntArray) -> IntArray:
    """The demand-optimal stable matching among ``edges``."""
    ranks = _Ranks(problem, edges)
    by_demand, partner_rank = ranks.by_demand, ranks.partner_rank
    next_choice = dict.fromkeys(by_demand, 0)
    free = {d: int(problem.slots[d]) for d in by_demand}
    held: dict[int, list[tuple[int, int]]] = defaultdict(list)  # partner → max-heap of (-rank, e)
    queue = deque(sorted(by_demand, key=lambda d: int(problem.demand_ids[d])))
    while queue:
        d = queue.popleft()
        choices = by_demand[d]
        while free[d] > 0 and next_choice[d] < len(choices):
            e = choices[next_choice[d]]
            next_choice[d] += 1
            p = int(problem.edge_partner[e])
            cap = int(problem.capacity[p])
            if cap <= 0:
                continue
            heap = held[p]
            heapq.heappush(heap, (-partner_rank[e], e))
            free[d] -= 1
            if len(heap) > cap:
                _, rejected = heapq.heappop(heap)  # the partner's least preferred
                loser = int(problem.edge_demand[rejected])
                free[loser] += 1
                if loser != d:
                    queue.append(loser)
    chosen = sorted(e for heap in held.values() for _, e in heap)
    return np.asarray(chosen, dtype=np.int64)


def blocking_pairs(problem: Problem, edges: IntArray, chosen: IntArray) -> list[int]:
    """Edges among ``edges`` that block ``chosen``: empty exactly when it is stable."""
    ranks = _Ranks(problem, edges)
    chosen_set = set(chosen.tolist())
    used_d: dict[int, int] = defaultdict(int)
    used_p: dict[int, int] = defaultdict(int)
    worst_d: dict[int, int] = {}
    worst_p: dict[int, int] = {}
    for e in chosen.tolist():
        d, p = int(problem.edge_demand[e]), int(problem.edge_partner[e])
        used_d[d] += 1
        used_p[p] += 1
        worst_d[d] = max(worst_d.get(d, -1), ranks.demand_rank[e])
        worst_p[p] = max(worst_p.get(p, -1), ranks.partner_rank[e])
    blocking = []
    for e in edges.tolist():
        if e in chosen_set:
            continue
        d, p = int(problem.edge_demand[e]), int(problem.edge_partner[e])
        slots, capacity = int(problem.slots[d]), int(problem.capacity[p])
        if slots <= 0 or capacity <= 0:
            continue
        demand_wants = used_d[d] < slots or ranks.demand_rank[e] < worst_d[d]
        partner_wants = used_p[p] < capacity or ranks.partner_rank[e] < worst_p[p]
        if demand_wants and partner_wants:
            blocking.append(e)
    return blocking
