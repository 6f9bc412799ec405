"""The matching problem and its solution, as arrays: what the engine takes and gives.

A problem is a bipartite graph: demands (with open ``slots``, in a community) on one side,
partners (with spare ``capacity``) on the other, and candidate edges carrying a ``score`` in [0, 1].
Everything is a numpy array indexed by position; ids are kept only to break ties and to report.

>>> p = Problem.build(demand_ids=[1, 2], slots=[1, 1], communities=[10, 10],
...                   partner_ids=[7], capacity=[1], edges=[(0, 0, 0.9), (1, 0, 0.5)])
>>> p.n_edges
2
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import msgspec
import numpy as np
import numpy.typing as npt

from matchmaker.vocab import Algorithm

__all__ = ["Params", "Problem", "Solution", "UnmatchedReason"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class Params(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """How to solve: the algorithm, the lowest acceptable score, an optional cap per community."""

    algorithm: Algorithm = "optimal"
    min_score: float = 0.0
    max_per_community: int | None = None


@dataclass(frozen=True)
class Problem:
    """Demands × partners with scored candidate edges (all arrays, positions not ids)."""

    demand_ids: IntArray
    slots: IntArray
    communities: IntArray
    partner_ids: IntArray
    capacity: IntArray
    edge_demand: IntArray
    edge_partner: IntArray
    score: FloatArray
    #: For ``stable``: how a demand's community rates each edge's partner, and how the partner
    #: rates the demand. Default: the shared ``score`` on both sides.
    demand_pref: FloatArray | None = None
    partner_pref: FloatArray | None = None
    #: Each edge's lottery ticket (:mod:`matching.lottery`): a lower ticket wins a tie. Default:
    #: ties go to the lower demand id, then the lower partner id.
    tie: IntArray | None = None

    def tie_keys(self, edges: IntArray) -> tuple[IntArray, ...]:
        """Keys that order ``edges`` among equals, least significant first (for ``np.lexsort``)."""
        if self.tie is not None:
            return (self.tie[edges],)
        return (
            self.partner_ids[self.edge_partner[edges]],
            self.demand_ids[self.edge_demand[edges]],
        )

    @property
    def n_demands(self) -> int:
        return len(self.demand_ids)

    @property
    def n_partners(self) -> int:
        return len(self.partner_ids)

    @property
    def n_edges(self) -> int:
        return len(self.score)

    @classmethod
    def build(
        cls,
        *,
        demand_ids: Sequence[int],
        slots: Sequence[int],
        communities: Sequence[int],
        partner_ids: Sequence[int],
        capacity: Sequence[int],
        edges: Sequence[tuple[int, int, float]],
        demand_pref: Sequence[float] | None = None,
        partner_pref: Sequence[float] | None = None,
        tie: Sequence[int] | None = None,
    ) -> Problem:
        """A problem from plain lists; edges are (demand position, partner position, score)."""
        e = np.asarray(edges, dtype=np.float64).reshape(-1, 3)
        return cls(
            demand_ids=np.asarray(demand_ids, dtype=np.int64),
            slots=np.asarray(slots, dtype=np.int64),
            communities=np.asarray(communities, dtype=np.int64),
            partner_ids=np.asarray(partner_ids, dtype=np.int64),
            capacity=np.asarray(capacity, dtype=np.int64),
            edge_demand=e[:, 0].astype(np.int64),
            edge_partner=e[:, 1].astype(np.int64),
            score=e[:, 2].copy(),
            demand_pref=None if demand_pref is None else np.asarray(demand_pref, dtype=np.float64),
            partner_pref=None
            if partner_pref is None
            else np.asarray(partner_pref, dtype=np.float64),
            tie=None if tie is None else np.asarray(tie, dtype=np.int64),
        )

    def check(self) -> None:
        """Refuse arrays that do not describe a problem (a programming error, not user input)."""
        nd, np_ = self.n_demands, self.n_partners
        if not (len(self.slots) == len(self.communities) == nd and len(self.capacity) == np_):
            raise ValueError("demand and partner arrays differ in length")
        if not (len(self.edge_demand) == len(self.edge_partner) == self.n_edges):
            raise ValueError("edge arrays differ in length")
        if self.n_edges and (
            self.edge_demand.min() < 0
            or self.edge_demand.max() >= nd
            or self.edge_partner.min() < 0
            or self.edge_partner.max() >= np_
        ):
            raise ValueError("an edge refers to a demand or partner that does not exist")
        if (self.slots < 0).any() or (self.capacity < 0).any():
            raise ValueError("slots and capacity must not be negative")


class UnmatchedReason(msgspec.Struct, frozen=True):
    """Why a demand got fewer partners than it has slots."""

    demand_id: int
    open_slots: int
    #: no_candidate | below_threshold | partners_full | community_cap | lost_to_others | not_chosen
    reason: str
    detail: str = ""
    lost_to_demand_id: int | None = None
    partner_id: int | None = None
    #: below_threshold: the best candidate's score — the ``min_score`` that would propose it.
    best_score: float | None = None
    #: no_candidate: how far the nearest organisation that does the work is, in km, and what keeps
    #: it out: out_of_reach | unverified | beneficiary | unavailable (None: nobody does the work).
    km: float | None = None
    cause: str | None = None


@dataclass
class Solution:
    """The chosen edges (positions into the problem's edge arrays) and what they add up to."""

    chosen: IntArray
    objective: float
    algorithm: str
    components: int = 0
    unmatched: list[UnmatchedReason] = field(default_factory=list)

    def pairs(self, problem: Problem) -> list[tuple[int, int, float]]:
        """(demand id, partner id, score) of each chosen edge, in (demand id, partner id) order."""
        out = [
            (
                int(problem.demand_ids[problem.edge_demand[e]]),
                int(problem.partner_ids[problem.edge_partner[e]]),
                float(problem.score[e]),
            )
            for e in self.chosen
        ]
        return sorted(out)

    @property
    def matched(self) -> int:
        return len(self.chosen)
