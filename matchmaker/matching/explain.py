"""Why a demand was not (fully) matched, in words a coordinator can act on.

Reasons, checked in this order for each demand left with open slots, true to the graph:
``no_candidate`` (no partner in reach does the work, or every one that does is already proposed
to it), ``below_threshold`` (candidates remain but every one scores under ``min_score``: the best
is named with its score, the ``min_score`` that would propose it), ``partners_full`` (every candidate
partner above the threshold has no capacity left from earlier commitments), ``community_cap`` (its community
already has ``max_per_community`` pairs), ``lost_to_others`` (its best partners are full with
other demands — the best one it lost and the demand that took it are named), ``not_chosen``
(a partner had room, but the algorithm's objective or preferences chose otherwise). A ``stable``
round is explained by what it decides by — the two sides' preferences — never by the score.

>>> p = Problem.build(demand_ids=[1, 2], slots=[1, 1], communities=[9, 9], partner_ids=[5],
...                   capacity=[1], edges=[(0, 0, 0.9), (1, 0, 0.4)])
>>> [r.reason for r in explain(p, Params(), np.array([0]), np.arange(2))]
['lost_to_others']
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from matchmaker.matching.problem import IntArray, Params, Problem, UnmatchedReason
from matchmaker.matching.stable import preferences

__all__ = ["explain"]


class _Round:
    """What the chosen edges left behind, shared by every demand's explanation.

    Everything read one element at a time below is held as plain lists (numpy scalars are slow
    one by one), and only for what is read: the edges of the demands left with an open slot, as
    one list sorted by demand, each demand's best first (a third of a round's million edges), and
    positions into it; the chosen edges' scores and tie-break keys are read from the arrays.
    """

    def __init__(self, problem: Problem, params: Params, chosen: IntArray, eligible: IntArray):
        self.problem, self.params = problem, params
        self.used_d = np.bincount(problem.edge_demand[chosen], minlength=problem.n_demands)
        self.used_p = np.bincount(problem.edge_partner[chosen], minlength=problem.n_partners)
        self.per_community: dict[int, int] = defaultdict(int)
        self.holders: dict[int, list[int]] = defaultdict(list)  # partner → its chosen edges
        self.partners_of: dict[int, set[int]] = defaultdict(set)  # demand → its chosen partners
        chosen_d = problem.edge_demand[chosen]
        for e, d, p, c in zip(
            chosen.tolist(),
            chosen_d.tolist(),
            problem.edge_partner[chosen].tolist(),
            problem.communities[chosen_d].tolist(),
            strict=True,
        ):
            self.per_community[c] += 1
            self.holders[p].append(e)
            self.partners_of[d].add(p)
        # the edges of demands left with an open slot, by demand, each demand's best first
        open_demand = self.used_d < problem.slots
        mine = np.flatnonzero(open_demand[problem.edge_demand])
        mine = mine[
            np.lexsort((*problem.tie_keys(mine), -problem.score[mine], problem.edge_demand[mine]))
        ]
        starts, ends = self._bounds(problem.edge_demand[mine], problem.n_demands)
        allowed = np.zeros(problem.n_edges, dtype=bool)
        allowed[eligible] = True
        self._mine: list[int] = mine.tolist()
        self._partner: list[int] = problem.edge_partner[mine].tolist()  # of each of _mine
        self._allowed: list[bool] = allowed[mine].tolist()  # of each of _mine
        self._start: list[int] = starts.tolist()
        self._end: list[int] = ends.tolist()
        self._ticket = problem.tie_keys(np.arange(problem.n_edges))[::-1]
        self._rivals: dict[int, int] = {}  # partner → the chosen edge that decided for it

    @staticmethod
    def _bounds(sorted_demands: IntArray, n_demands: int) -> tuple[IntArray, IntArray]:
        """Where each demand's run starts and ends in ``sorted_demands`` (empty when absent)."""
        every = np.arange(n_demands)
        return (
            np.searchsorted(sorted_demands, every, side="left"),
            np.searchsorted(sorted_demands, every, side="right"),
        )

    def order(self, e: int) -> tuple[int, ...]:
        """Edge ``e``'s tie-break keys, most significant first."""
        return tuple(int(k[e]) for k in self._ticket)

    def _partner_id(self, e: int) -> int:
        return int(self.problem.partner_ids[self.problem.edge_partner[e]])

    def _below(self, d: int, open_slots: int, best: int) -> UnmatchedReason:
        """Every remaining candidate scores under ``min_score``: name the best (edge ``best``) and
        what it takes."""
        problem, params = self.problem, self.params
        score, partner_id = float(problem.score[best]), self._partner_id(best)
        if score <= 0:
            detail = f"every candidate scores 0 (best: partner {partner_id})"
        else:
            detail = (
                f"the best candidate, partner {partner_id}, scores {score:.3f}, under the minimum "
                f"{params.min_score:.3f}; min_score {score:.3f} would propose it"
            )
        return UnmatchedReason(
            int(problem.demand_ids[d]), open_slots, "below_threshold", detail,
            partner_id=partner_id, best_score=round(score, 6),
        )  # fmt: skip

    def _lost(self, d: int, open_slots: int, e: int, p: int) -> UnmatchedReason:
        """Its best partner with no room left: name the demand that took it, by what decided."""
        problem = self.problem
        stable = self.params.algorithm == "stable"
        _, partner_pref = preferences(problem)
        decides = partner_pref if stable else problem.score
        rival = self._rivals.get(p)
        if rival is None:  # the same for every demand that lost partner p: found once
            rival = min(self.holders[p], key=lambda h: (-decides[h], *self.order(h)))
            self._rivals[p] = rival
        rival_id = int(problem.demand_ids[problem.edge_demand[rival]])
        partner_id = self._partner_id(e)
        if stable:
            detail = (
                f"its first choice among partners with no room, partner {partner_id}, preferred "
                f"demand {rival_id} (the partner's preference {decides[rival]:.3f} against "
                f"{decides[e]:.3f} for this one)"
            )
        else:
            detail = (
                f"its best partner {partner_id} (score {problem.score[e]:.3f}) went to demand "
                f"{rival_id} (score {problem.score[rival]:.3f})"
            )
        return UnmatchedReason(
            int(problem.demand_ids[d]), open_slots, "lost_to_others", detail,
            lost_to_demand_id=rival_id, partner_id=partner_id,
        )  # fmt: skip

    def reason(self, d: int) -> UnmatchedReason | None:
        """Why demand position ``d`` has open slots, or None when it has none."""
        problem, params = self.problem, self.params
        open_slots = int(problem.slots[d] - self.used_d[d])
        if open_slots <= 0:
            return None
        demand_id = int(problem.demand_ids[d])

        def because(reason: str, detail: str, **named: Any) -> UnmatchedReason:
            return UnmatchedReason(demand_id, open_slots, reason, detail, **named)

        # the candidates it does not already have, best first (positions into ``_mine``)
        mine = self.partners_of[d]
        partner = self._partner
        rest = [i for i in range(self._start[d], self._end[d]) if partner[i] not in mine]
        if not rest:
            had = len(self.partners_of[d])
            if had:
                return because(
                    "no_candidate",
                    f"every one of its {had} candidate partner(s) is proposed to it; no other "
                    "partner in reach does this work",
                )
            return because("no_candidate", "no partner in reach does this work")
        eligible = [i for i in rest if self._allowed[i]]
        if not eligible:
            best = self._mine[rest[0]]
            if float(problem.score[best]) < params.min_score or problem.score[best] <= 0:
                return self._below(d, open_slots, best)
            return because(
                "partners_full", "every candidate partner is at capacity with earlier commitments"
            )
        cap = params.max_per_community
        if cap is not None and self.per_community[int(problem.communities[d])] >= cap:
            return because("community_cap", f"its community already has {cap} pair(s)")
        stable = params.algorithm == "stable"
        if stable:  # a stable round decides by the demand side's preference, not by the score
            demand_pref, _ = preferences(problem)
            edge = self._mine
            eligible.sort(key=lambda i: (-demand_pref[edge[i]], *self.order(edge[i])))
        e = self._mine[eligible[0]]
        p = partner[eligible[0]]
        if self.used_p[p] < problem.capacity[p]:
            partner_id = self._partner_id(e)
            return because(
                "not_chosen",
                f"partner {partner_id} had room, but the {params.algorithm} "
                + ("preferences" if stable else "objective")
                + " chose otherwise",
                partner_id=partner_id,
            )
        return self._lost(d, open_slots, e, p)


def explain(
    problem: Problem, params: Params, chosen: IntArray, eligible: IntArray
) -> list[UnmatchedReason]:
    """One reason for every demand with a slot left open by ``chosen``, in demand-id order.

    ``eligible`` are the edges the algorithm could choose (see ``solve.eligible_edges``).
    """
    state = _Round(problem, params, chosen, eligible)
    reasons = (state.reason(d) for d in np.argsort(problem.demand_ids, kind="stable").tolist())
    return [r for r in reasons if r is not None]
