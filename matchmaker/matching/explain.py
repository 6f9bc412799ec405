"""Why a demand was not (fully) matched, in words a coordinator can act on.

Reasons, checked in this order for each demand left with open slots:
``no_candidate`` (no partner in range offers the category or resources), ``below_threshold``
(candidates exist but every score is under ``min_score``), ``partners_full`` (every candidate
partner above the threshold has no capacity left from earlier commitments), ``community_cap`` (its community
already has ``max_per_community`` pairs), ``lost_to_others`` (its best partners are full with
other demands — the best one it lost and the demand that took it are named), ``not_chosen``
(a partner had room, but the algorithm's objective or preferences chose otherwise).

>>> p = Problem.build(demand_ids=[1, 2], slots=[1, 1], communities=[9, 9], partner_ids=[5],
...                   capacity=[1], edges=[(0, 0, 0.9), (1, 0, 0.4)])
>>> [r.reason for r in explain(p, Params(), np.array([0]), np.arange(2))]
['lost_to_others']
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from matchmaker.matching.problem import IntArray, Params, Problem, UnmatchedReason

__all__ = ["explain"]


class _Round:
    """What the chosen edges left behind, shared by every demand's explanation."""

    def __init__(self, problem: Problem, params: Params, chosen: IntArray, eligible: IntArray):
        self.problem, self.params = problem, params
        self.allowed = np.zeros(problem.n_edges, dtype=bool)
        self.allowed[eligible] = True
        self.used_d = np.bincount(problem.edge_demand[chosen], minlength=problem.n_demands)
        self.used_p = np.bincount(problem.edge_partner[chosen], minlength=problem.n_partners)
        self.per_community: dict[int, int] = defaultdict(int)
        self.holders: dict[int, list[int]] = defaultdict(list)  # partner → its chosen edges
        self.partners_of: dict[int, set[int]] = defaultdict(set)  # demand → its chosen partners
        for e in chosen.tolist():
            d, p = int(problem.edge_demand[e]), int(problem.edge_partner[e])
            self.per_community[int(problem.communities[d])] += 1
            self.holders[p].append(e)
            self.partners_of[d].add(p)
        # demand → its edges, best first — only for demands left with an open slot
        open_demand = self.used_d < problem.slots
        mine = np.flatnonzero(open_demand[problem.edge_demand])
        mine = mine[np.lexsort((mine, -problem.score[mine]))]
        self.edges_of: dict[int, list[int]] = defaultdict(list)
        for e, d in zip(mine.tolist(), problem.edge_demand[mine].tolist(), strict=True):
            self.edges_of[d].append(e)

    def reason(self, d: int) -> UnmatchedReason | None:
        """Why demand position ``d`` has open slots, or None when it has none."""
        problem, params = self.problem, self.params
        open_slots = int(problem.slots[d] - self.used_d[d])
        if open_slots <= 0:
            return None
        demand_id = int(problem.demand_ids[d])
        edges = self.edges_of[d]

        def because(reason: str, detail: str, **named: int) -> UnmatchedReason:
            return UnmatchedReason(demand_id, open_slots, reason, detail, **named)

        if not edges:
            return because("no_candidate", "no partner in range offers this")
        eligible = [e for e in edges if self.allowed[e]]
        if not eligible:
            best = float(problem.score[edges[0]])
            if best < params.min_score:
                return because(
                    "below_threshold",
                    f"best score {best:.3f} is under the minimum {params.min_score:.3f}",
                )
            if best == 0:
                return because("below_threshold", "every candidate scores 0")
            return because(
                "partners_full", "every candidate partner is at capacity with earlier commitments"
            )
        cap = params.max_per_community
        if cap is not None and self.per_community[int(problem.communities[d])] >= cap:
            return because("community_cap", f"its community already has {cap} pair(s)")
        for e in eligible:
            p = int(problem.edge_partner[e])
            if p in self.partners_of[d]:
                continue
            partner_id = int(problem.partner_ids[p])
            if self.used_p[p] < problem.capacity[p]:
                return because(
                    "not_chosen",
                    f"partner {partner_id} had room, but the {params.algorithm} objective chose otherwise",
                    partner_id=partner_id,
                )
            rival = max(
                self.holders[p],
                key=lambda h: (problem.score[h], -problem.demand_ids[problem.edge_demand[h]]),
            )
            rival_id = int(problem.demand_ids[problem.edge_demand[rival]])
            return because(
                "lost_to_others",
                f"its best partner {partner_id} (score {problem.score[e]:.3f}) went to demand "
                f"{rival_id} (score {problem.score[rival]:.3f})",
                lost_to_demand_id=rival_id,
                partner_id=partner_id,
            )
        return because(
            "no_candidate",
            f"only {len(eligible)} eligible partner(s) for {len(eligible) + open_slots} slot(s)",
        )


def explain(
    problem: Problem, params: Params, chosen: IntArray, eligible: IntArray
) -> list[UnmatchedReason]:
    """One reason for every demand with a slot left open by ``chosen``, in demand-id order.

    ``eligible`` are the edges the algorithm could choose (see ``solve.eligible_edges``).
    """
    state = _Round(problem, params, chosen, eligible)
    reasons = (state.reason(d) for d in np.argsort(problem.demand_ids, kind="stable").tolist())
    return [r for r in reasons if r is not None]
